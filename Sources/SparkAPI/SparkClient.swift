import Foundation

/// Where and how the client talks to Spark.
public struct SparkClientConfiguration: Sendable {
    /// Default `https://sparkapi.com`. `http://` is accepted only for loopback hosts.
    public var baseURL: URL
    /// Sent as `X-SparkApi-User-Agent` (Spark answers 1016 without it) and `User-Agent`.
    public var userAgent: String
    /// The longest one try may take, connection included.
    public var requestTimeout: Duration
    /// The longest one call may take, every try and every wait between them included; nil: no limit beyond
    /// `retry.maxAttempts` tries of `requestTimeout` each. Each try gets what is left (at most `requestTimeout`), and
    /// a retry is not started when too little would be left (`RetryPolicy.shortestTry`): the call then fails with
    /// the last try's error. The command line sets it to `requestTimeout`, so a stalled server costs one timeout,
    /// not four; an interactive screen can set a longer one and show `RetryNotice.elapsed` meanwhile.
    public var callTimeout: Duration?
    public var retry: RetryPolicy
    /// Rows per page for list calls (Spark allows at most 25).
    public var pageSize: Int
    /// How many pages of one list are fetched at the same time.
    public var maxConcurrentPages: Int
    /// No page past this one is asked for (Spark's largest `_page`); lowered by tests.
    var lastPageNumber = Endpoints.maxPageNumber

    public static let defaultBaseURL = URL(string: "https://sparkapi.com")!

    public init(
        baseURL: URL = SparkClientConfiguration.defaultBaseURL, userAgent: String = "spark-portal",
        requestTimeout: Duration = .seconds(20), callTimeout: Duration? = nil, retry: RetryPolicy = RetryPolicy(),
        pageSize: Int = 25, maxConcurrentPages: Int = 6
    ) {
        self.baseURL = baseURL
        self.userAgent = userAgent
        self.requestTimeout = requestTimeout
        self.callTimeout = callTimeout
        self.retry = retry
        self.pageSize = pageSize
        self.maxConcurrentPages = maxConcurrentPages
    }
}

/// The one Spark API client the whole app shares. Every call is async and cancellable, sends the
/// Spark headers, retries what may be retried (a write only when that cannot apply it twice), refreshes an
/// expired token once, and reports each exchange to `onEvent` and each wait to `onRetry`. Errors are
/// `SparkError`, and `WorkspaceError` for the rules `mark` checks before sending (Workspace.swift).
public final class SparkClient: Sendable {
    public let configuration: SparkClientConfiguration
    private let tokens: any AccessTokenProvider
    private let transport: any SparkTransport
    private let onEvent: @Sendable (RequestEvent) -> Void
    private let onRetry: @Sendable (RetryNotice) -> Void

    /// Throws `SparkError.insecureEndpoint` for an `http://` base URL whose host is not loopback.
    public init(
        configuration: SparkClientConfiguration, tokens: any AccessTokenProvider, transport: any SparkTransport,
        onEvent: @escaping @Sendable (RequestEvent) -> Void = { _ in },
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in }
    ) throws {
        try Self.checkEndpoint(configuration.baseURL)
        self.configuration = configuration
        self.tokens = tokens
        self.transport = transport
        self.onEvent = onEvent
        self.onRetry = onRetry
    }

    /// Releases the transport (the HTTP client's connections and threads).
    public func shutdown() async {
        await transport.shutdown()
    }

    // MARK: The calls

    /// The group the user acts for, or nil when none is chosen.
    public func currentGroup() async throws -> PortalGroup? {
        try await send(Endpoints.currentGroup()).items.first
    }

    /// All portal groups, every page, in server order.
    public func groups() async throws -> [PortalGroup] {
        try await allPages { Endpoints.groups(page: $0, limit: $1) }
    }

    /// All portal groups, a page at a time as they arrive (see `pages(expectedPages:_:)`).
    public func groupPages(expectedPages: Int? = nil) -> AsyncThrowingStream<ListProgress<PortalGroup>, any Error> {
        pages(expectedPages: expectedPages) { Endpoints.groups(page: $0, limit: $1) }
    }

    public func groupsPage(_ page: Int, limit: Int) async throws -> Page<PortalGroup> {
        try await send(Endpoints.groups(page: page, limit: limit))
    }

    /// Makes `id` the current group (`PUT /v1/portal/groups/current`).
    public func chooseGroup(id: String) async throws {
        try await send(Endpoints.chooseGroup(id: id))
    }

    /// Leaves the current group: carts are the user's own again. Membership stays.
    public func leaveGroup() async throws {
        try await send(Endpoints.leaveGroup())
    }

    /// The current group owner's carts (or the user's own), every page.
    public func listingCarts() async throws -> [ListingCart] {
        try await allPages { Endpoints.listingCarts(page: $0, limit: $1) }
    }

    /// The workspace's carts, a page at a time as they arrive (see `pages(expectedPages:_:)`).
    public func listingCartPages(expectedPages: Int? = nil) -> AsyncThrowingStream<ListProgress<ListingCart>, any Error> {
        pages(expectedPages: expectedPages) { Endpoints.listingCarts(page: $0, limit: $1) }
    }

    /// The workspace's carts and how many pages they took; with `expectedPages`, that many pages are asked for at once.
    public func listingCartList(expectedPages: Int?) async throws -> PagedList<ListingCart> {
        try await pagedList(expectedPages: expectedPages) { Endpoints.listingCarts(page: $0, limit: $1) }
    }

    /// One cart of the workspace; with `withListingIds`, its `listingIds` too.
    public func listingCart(id: String, withListingIds: Bool = false) async throws -> ListingCart {
        try await first(Endpoints.listingCart(id: id, withListingIds: withListingIds))
    }

    /// Every listing in a cart, every page, in server order.
    public func listings(inCart cartId: String) async throws -> [Listing] {
        try await allPages { Endpoints.listings(inCart: cartId, page: $0, limit: $1) }
    }

    /// The listings in a cart, a page at a time as they arrive (see `pages(expectedPages:_:)`).
    public func listingPages(inCart cartId: String) -> AsyncThrowingStream<ListProgress<Listing>, any Error> {
        pages { Endpoints.listings(inCart: cartId, page: $0, limit: $1) }
    }

    public func listingsPage(inCart cartId: String, page: Int, limit: Int) async throws -> Page<Listing> {
        try await send(Endpoints.listings(inCart: cartId, page: page, limit: limit))
    }

    /// The signed-in user.
    public func myAccount() async throws -> Account {
        let request = Endpoints.myAccount()
        guard let account = try await send(request).items.first else {
            throw SparkError.malformedBody(
                status: 200, reason: "no account in Results",
                context: RequestContext(method: request.method, path: request.pathAndQuery))
        }
        return account
    }

    /// Exchanges an authorization code or a refresh token for tokens. Never retried.
    public func grantToken(
        _ grant: OAuthGrant, clientID: String, clientSecret: String, redirectURI: String
    ) async throws -> OAuthTokens {
        try await send(Endpoints.grant(grant, clientID: clientID, clientSecret: clientSecret, redirectURI: redirectURI))
    }

    // MARK: Paging

    /// Every page of a list, as a stream that delivers each page in server order as soon as it and the pages
    /// before it are in: page 1 after one round trip, then the rest (fetched `maxConcurrentPages` at a time), each
    /// saying which page it is of how many ("loading 12 of 80 pages"). The stream ends after the last page, or
    /// throws the first failure (the pages delivered before it stay good). Stop iterating, or cancel the task that
    /// iterates, to stop fetching.
    ///
    /// A list ends at the server's `TotalPages`, but never past Spark's largest `_page` (100,000) nor past a page
    /// that comes back empty: a server that claims millions of pages costs at most that many requests, and one
    /// whose count is wrong stops at its first empty page. The last delivery then says why (`ListProgress.cut`).
    ///
    /// `expectedPages`: how many pages the list took last time (a cache knows). Pages 1 to that many are asked for
    /// at once (at most `maxConcurrentPages` in flight) instead of page 1 first, so a list that has not grown is in
    /// after one round trip. Page 1's `Pagination` still decides: pages past the server's count are dropped and
    /// cancelled (a failure of one of them does not count), and when the server has more pages than expected the
    /// rest are fetched as without a guess.
    public func pages<Item: Sendable>(
        expectedPages: Int? = nil, _ request: @escaping @Sendable (_ page: Int, _ limit: Int) -> Request<Page<Item>>
    ) -> AsyncThrowingStream<ListProgress<Item>, any Error> {
        AsyncThrowingStream { continuation in
            let reading = Task {
                do {
                    try await readPages(request, expectedPages: expectedPages) { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in reading.cancel() }
        }
    }

    /// Every row of a list, in server order (`pages(expectedPages:_:)`, collected).
    func allPages<Item: Sendable>(
        _ request: @escaping @Sendable (_ page: Int, _ limit: Int) -> Request<Page<Item>>
    ) async throws -> [Item] {
        try await pagedList(expectedPages: nil, request).items
    }

    /// Every row of a list and how many pages it took (`pages(expectedPages:_:)`, collected).
    func pagedList<Item: Sendable>(
        expectedPages: Int?, _ request: @escaping @Sendable (_ page: Int, _ limit: Int) -> Request<Page<Item>>
    ) async throws -> PagedList<Item> {
        var list = PagedList<Item>(items: [], pageCount: 0)
        try await readPages(request, expectedPages: expectedPages) { progress in
            list.items.append(contentsOf: progress.items)
            list.pageCount = progress.page
        }
        return list
    }

    /// Page 1 first (it says how many pages there are), then pages 2...N at the same time, at most
    /// `maxConcurrentPages` in flight; each page goes to `deliver` in server order. With `expectedPages`, pages 1 to
    /// that many start together; until page 1 has answered, what the others bring is held (a failure too), since only
    /// page 1 says whether they are part of the list.
    func readPages<Item: Sendable>(
        _ request: @escaping @Sendable (_ page: Int, _ limit: Int) -> Request<Page<Item>>,
        expectedPages: Int? = nil,
        deliver: (ListProgress<Item>) -> Void
    ) async throws {
        let limit = min(max(configuration.pageSize, 1), Endpoints.maxPageSize)
        let pageLimit = max(configuration.lastPageNumber, 1)
        let guess = min(max(expectedPages ?? 1, 1), pageLimit)
        // The last page to read: the guess until page 1 answers, then the server's count (within Spark's limit),
        // shrinking to the first page that comes back empty.
        var last = guess
        var firstPage: Page<Item>?
        var claimed = 1
        var delivered = 0
        var arrived: [Int: Result<Page<Item>, any Error>] = [:]
        func progress(_ items: [Item], page: Int) -> ListProgress<Item> {
            var cut: ListCut?
            if page == last, last < claimed {
                cut = items.isEmpty ? .emptyPage(claimedPages: claimed) : .pageLimit(claimedPages: claimed)
            }
            return ListProgress(items: items, page: page, pageCount: last, totalRows: firstPage?.pagination?.totalRows, cut: cut)
        }
        /// Takes in one page's answer and delivers what can be delivered; true once the whole list is delivered.
        func take(_ page: Int, _ result: Result<Page<Item>, any Error>) throws -> Bool {
            arrived[page] = result
            if page == 1 {
                let first = try result.get()
                firstPage = first
                claimed = max(first.pagination?.totalPages ?? 1, 1)
                last = min(claimed, pageLimit)
            }
            guard firstPage != nil else { return false }
            // What arrived so far, in the light of page 1: a failure of a page of the list fails it; an empty page
            // ends it (the server's count was wrong), and nothing after it is asked for.
            for (held, heldResult) in arrived.sorted(by: { $0.key < $1.key }) where held <= last {
                switch heldResult {
                case .failure(let error): throw error
                case .success(let heldPage) where heldPage.items.isEmpty: last = held
                case .success: break
                }
            }
            // Pages are delivered in order.
            while delivered < last, let held = arrived.removeValue(forKey: delivered + 1) {
                delivered += 1
                deliver(progress(try held.get().items, page: delivered))
            }
            return delivered == last
        }

        var next = 1
        if guess == 1 {
            // No guess: page 1 alone first, in this task.
            next = 2
            if try take(1, .success(try await send(request(1, limit)))) { return }
        }
        try await withThrowingTaskGroup(of: (Int, Result<Page<Item>, any Error>).self) { group in
            var inFlight = 0
            func startMore() {
                while inFlight < max(configuration.maxConcurrentPages, 1), next <= last {
                    let page = next
                    next += 1
                    inFlight += 1
                    group.addTask {
                        do { return (page, .success(try await self.send(request(page, limit)))) } catch { return (page, .failure(error)) }
                    }
                }
            }
            startMore()
            while let (page, result) = try await group.next() {
                inFlight -= 1
                if try take(page, result) {
                    group.cancelAll()  // pages asked for past the end (a guess too high, an empty page)
                    return
                }
                startMore()
            }
        }
    }

    // MARK: Sending

    /// Sends one typed request: headers, token, retries, refresh, events; returns the decoded answer.
    @discardableResult
    public func send<Response>(_ request: Request<Response>) async throws -> Response {
        var resentAfterPossibleApply = false
        return try await send(request, resentAfterPossibleApply: &resentAfterPossibleApply)
    }

    /// `send(_:)`, also saying whether the call was sent again after a try that may have been applied (a timeout,
    /// a 5xx): then an answer such as "404 not found" to a DELETE may be the first try's doing.
    func send<Response>(_ request: Request<Response>, resentAfterPossibleApply: inout Bool) async throws -> Response {
        let context = RequestContext(method: request.method, path: request.pathAndQuery)
        let policy = configuration.retry
        let started = policy.now()
        let deadline = configuration.callTimeout.map { started + $0 }
        var token: String?
        if request.isAuthorized { token = try await currentToken(context) }
        var secrets = request.secrets + (token.map { [$0] } ?? [])  // every secret this call used, kept out of errors
        var attempt = 0
        var retries = 0
        var refreshed = false
        while true {
            attempt += 1
            if Task.isCancelled { throw SparkError.cancelled(context: context) }
            // A try gets what is left of the call's time, at most requestTimeout (and at least shortestTry).
            let timeout = deadline.map { min(configuration.requestTimeout, max(policy.now().duration(to: $0), policy.shortestTry)) }
                ?? configuration.requestTimeout
            let (result, retryAfter) = await attemptOnce(
                request, token: token, secrets: secrets, context: context, attempt: attempt, timeout: timeout)
            let error: SparkError
            switch result {
            case .success(let response): return response
            case .failure(let failure): error = failure
            }
            let decision = policy.decision(
                after: error, retryAfter: retryAfter, resend: request.resend, retriesSoFar: retries,
                refreshed: refreshed, canRefresh: token != nil, timeLeft: deadline.map { policy.now().duration(to: $0) })
            if decision != .giveUp, error.mayHaveBeenApplied { resentAfterPossibleApply = true }
            switch decision {
            case .giveUp:
                throw error
            case .refreshToken:
                refreshed = true
                guard let expired = token, let fresh = try await refreshToken(replacing: expired, context) else {
                    throw error
                }
                token = fresh
                secrets.append(fresh)
            case .wait(let delay, let reason):
                retries += 1
                onRetry(RetryNotice(method: request.method, path: context.path, attempt: attempt + 1, delay: delay,
                                    reason: reason, elapsed: started.duration(to: policy.now())))
                do {
                    try await policy.sleep(delay)
                } catch {
                    throw SparkError.cancelled(context: context)
                }
            }
        }
    }

    /// One try: send, classify, decode, report. Returns the `Retry-After` wait when the server sent one.
    private func attemptOnce<Response>(
        _ request: Request<Response>, token: String?, secrets: [String], context: RequestContext, attempt: Int,
        timeout: Duration
    ) async -> (Result<Response, SparkError>, Duration?) {
        let clock = ContinuousClock()
        let start = clock.now
        var status: Int?
        var retryAfter: Duration?
        let result: Result<Response, SparkError>
        let sent = transportRequest(for: request, token: token, timeout: timeout)
        do {
            let response = try await transport.send(sent)
            status = response.status
            retryAfter = parseRetryAfter(response.header("Retry-After"))
            result = Self.interpret(response, with: request, context: context, secrets: secrets)
        } catch {
            status = (error as? ResponseTooLarge)?.status
            result = .failure(Self.transportError(error, host: configuration.baseURL.host ?? "", context: context))
        }
        var failure: SparkError?
        if case .failure(let error) = result { failure = error }
        // The body only when it holds no secret (the grant's does): the event is shown and logged.
        let body = request.secrets.isEmpty ? request.body.map { String(decoding: $0, as: UTF8.self) } : nil
        onEvent(RequestEvent(
            method: request.method, path: context.path, status: status, sparkCode: failure?.sparkCode,
            duration: start.duration(to: clock.now), attempt: attempt, errorSummary: failure?.summary,
            message: failure?.serverMessage, url: sent.url.absoluteString, userAgent: configuration.userAgent, body: body))
        return (result, retryAfter)
    }

    func transportRequest<Response>(for request: Request<Response>, token: String?, timeout: Duration) -> TransportRequest {
        var base = configuration.baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var headers = [
            "X-SparkApi-User-Agent": configuration.userAgent,
            "User-Agent": configuration.userAgent,
            "Accept": "application/json",
        ]
        if let token { headers["Authorization"] = "OAuth \(token)" }
        if request.body != nil { headers["Content-Type"] = "application/json" }
        return TransportRequest(
            method: request.method, url: URL(string: base + request.pathAndQuery) ?? configuration.baseURL,
            headers: headers, body: request.body, timeout: timeout)
    }

    /// Turns an HTTP answer into the typed response or the matching `SparkError`.
    static func interpret<Response>(
        _ response: TransportResponse, with request: Request<Response>, context: RequestContext, secrets: [String]
    ) -> Result<Response, SparkError> {
        let probe = FailureProbe.read(response.body)
        // A server that echoes the request must not put the token into our errors.
        let message = probe?.message.map { redact($0, secrets) }
        if (200..<300).contains(response.status) {
            if let probe, probe.isEnvelope, probe.success == false {
                return .failure(.api(status: response.status, code: probe.code, message: message, context: context))
            }
            if let probe, !probe.isEnvelope, let error = probe.oauthError {
                return .failure(.oauth(error: redact(error, secrets), description: probe.oauthDescription.map { redact($0, secrets) },
                                       status: response.status))
            }
            do {
                return .success(try request.decode(response.body))
            } catch {
                return .failure(.malformedBody(status: response.status, reason: describe(error), context: context))
            }
        }
        if let probe, probe.isEnvelope {
            return .failure(.api(status: response.status, code: probe.code, message: message, context: context))
        }
        if let probe, let error = probe.oauthError {
            return .failure(.oauth(error: redact(error, secrets), description: probe.oauthDescription.map { redact($0, secrets) },
                                   status: response.status))
        }
        return .failure(.http(status: response.status, context: context))
    }

    static func transportError(_ error: any Error, host: String, context: RequestContext) -> SparkError {
        switch error {
        case let error as SparkError: error
        case _ where error is CancellationError || Task.isCancelled: .cancelled(context: context)
        case let failure as TransportFailure: .transport(failure, host: host, context: context)
        case let tooLarge as ResponseTooLarge: .answerTooLarge(status: tooLarge.status, limit: tooLarge.limit, context: context)
        default: .transport(.other(String(describing: type(of: error))), host: host, context: context)
        }
    }

    // MARK: Tokens

    private func currentToken(_ context: RequestContext) async throws -> String {
        do {
            return try await tokens.accessToken()
        } catch let error as SparkError {
            throw error
        } catch is CancellationError {
            throw SparkError.cancelled(context: context)
        }
    }

    private func refreshToken(replacing expired: String, _ context: RequestContext) async throws -> String? {
        do {
            return try await tokens.refreshedToken(replacing: expired)
        } catch let error as SparkError {
            throw error
        } catch is CancellationError {
            throw SparkError.cancelled(context: context)
        }
    }

    // MARK: Endpoint check

    static func checkEndpoint(_ url: URL) throws {
        guard isAllowedEndpoint(url) else { throw SparkError.insecureEndpoint(url.absoluteString) }
    }

    /// The one rule for where credentials may go: `https://` anywhere; `http://` only to loopback (127.0.0.0/8,
    /// ::1, localhost). The client, the endpoint setting and the login's authorize address all ask it.
    public static func isAllowedEndpoint(_ url: URL) -> Bool {
        guard let host = url.host, !host.isEmpty else { return false }
        switch url.scheme?.lowercased() {
        case "https": return true
        case "http": return isLoopback(host)
        default: return false
        }
    }

    /// Whether a host is this machine (where plain http:// is allowed).
    public static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }
}

/// Longest first, so a token that contains another is removed whole. Values shorter than 6 characters
/// are not real secrets (test tokens like "t") and removing them would shred the message.
private func redact(_ text: String, _ secrets: [String]) -> String {
    secrets.filter { $0.count >= 6 }.sorted { $0.count > $1.count }.reduce(text) {
        $0.replacingOccurrences(of: $1, with: "<redacted>")
    }
}

/// A decoding error in a few words (coding path and what was wrong), never a value from the body.
private func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return String(describing: type(of: error)) }
    func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context): return "missing \(key.stringValue) at \(path(context))"
    case .typeMismatch(_, let context), .valueNotFound(_, let context): return "unexpected value at \(path(context))"
    case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not JSON" : "bad value at \(path(context))"
    @unknown default: return "unreadable"
    }
}
