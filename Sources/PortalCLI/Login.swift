import Foundation
import SparkAPI
import SparkMock
import TerminalUI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `spark-portal login` was asked for, besides the global options.
public struct LoginRequest: Sendable, Equatable {
    /// The API key's OAuth client id (else env SPARK_CLIENT_ID).
    public var clientID: String?
    /// The redirect URI registered for the key. A loopback `http://127.0.0.1:<port>/…` one is listened on;
    /// port 0 there means any free port (for the demo server and tests, which accept any loopback redirect).
    public var redirectURI: String?
    /// The portal name of a VOW key: authorize at https://sparkplatform.com/auth/vow/<portal>.
    public var portal: String?
    /// Where to send the browser instead of Spark's authorization page (testing, other environments).
    public var authorizeURL: String?
    /// How long to wait for the sign-in answer (the browser's redirect, or a pasted address or code); then login
    /// ends with one line. Measured on `Console.sleep`.
    public var timeout: Duration

    public init(clientID: String? = nil, redirectURI: String? = nil, portal: String? = nil, authorizeURL: String? = nil,
                timeout: Duration = .seconds(300)) {
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.portal = portal
        self.authorizeURL = authorizeURL
        self.timeout = timeout
    }
}

/// `spark-portal login` and `logout`: the OAuth 2 authorization-code flow, and the stored logins.
public enum Login {
    /// Spark's authorization page for ordinary (IDX) keys.
    public static let sparkAuthorizeURL = URL(string: "https://sparkplatform.com/oauth2")!
    /// Spark's documented redirect for apps without a web server of their own (the code is then pasted).
    public static let defaultRedirectURI = "https://sparkplatform.com/oauth2/callback"

    /// Runs `login`, printing its outcome; returns the exit status.
    public static func execute(_ request: LoginRequest, options: GlobalOptions, console: Console,
                               terminal: UserTerminal) async -> ExitStatus {
        do {
            try await run(request, options: options, console: console, terminal: terminal)
            return .success
        } catch {
            return CLIError.report(error, to: console)
        }
    }

    static func run(_ request: LoginRequest, options: GlobalOptions, console: Console, terminal: UserTerminal) async throws {
        let settings = try SparkPortalCommand.resolveSettings(options, console: console)
        var demo: DemoEndpoint?
        if let dataSet = settings.demo { demo = try await DemoEndpoint.start(dataSet) }
        do {
            try await run(request, settings: settings, demo: demo, console: console, terminal: terminal)
            await demo?.stop()
        } catch {
            await demo?.stop()
            throw error
        }
    }

    private static func run(_ request: LoginRequest, settings: Settings, demo: DemoEndpoint?, console: Console,
                            terminal: UserTerminal) async throws {
        let environment = console.environment
        func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        let isDemo = demo != nil
        let endpoint = demo?.url ?? settings.endpoint

        guard let clientID = nonEmpty(request.clientID) ?? nonEmpty(environment["SPARK_CLIENT_ID"])
            ?? (isDemo ? DemoCredentials.clientID : nil)
        else {
            throw CLIError("Login needs your API key's client id: --client-id ID or SPARK_CLIENT_ID.", status: .usage)
        }
        var clientSecret = nonEmpty(environment["SPARK_CLIENT_SECRET"]) ?? (isDemo ? DemoCredentials.clientSecret : nil)
        if clientSecret == nil {
            let typed = await terminal.readSecret("Client secret for \(clientID): ")
            clientSecret = nonEmpty(typed)
        }
        guard let clientSecret else {
            throw CLIError("Login needs your API key's client secret: set SPARK_CLIENT_SECRET or type it at the prompt.",
                           status: .usage)
        }

        // Where the browser comes back to; a loopback one is answered by a listener of ours.
        var redirectURI = nonEmpty(request.redirectURI) ?? (isDemo ? "http://127.0.0.1:0/callback" : defaultRedirectURI)
        var listener: RedirectListener?
        if let loopback = try loopbackRedirect(redirectURI) {
            let bound = try RedirectListener(host: loopback.host, port: loopback.port, path: loopback.path)
            listener = bound
            if loopback.port == 0, var components = URLComponents(string: redirectURI) {
                components.port = bound.port
                redirectURI = components.string ?? redirectURI
            }
        }

        let state = newState()
        let base = try authorizeBase(endpoint: endpoint, portal: nonEmpty(request.portal),
                                     override: nonEmpty(request.authorizeURL))
        let authorize = authorizeURL(base: base, clientID: clientID, redirectURI: redirectURI, state: state)
        console.err("Sign in to Spark at this address:\n  \(authorize.absoluteString)")
        if terminal.openBrowser(authorize) { console.err("(opened in your browser)") }

        if listener != nil {
            console.err("Waiting for the browser to come back to \(redirectURI) …\n"
                        + "(If it cannot reach this machine, paste the address it ends on here and press Enter.)")
        } else {
            console.err("After signing in, the browser goes to \(redirectURI)?code=…\n"
                        + "Paste that whole address (or only the code) here and press Enter:")
        }
        let (answer, pasted) = try await Self.waitForAnswer(listener, timeout: request.timeout, sleep: console.sleep,
                                                            terminal: terminal)
        // A redirect to the listener must carry our state (anyone on this machine could call it); an address the
        // user pasted is theirs, and a bare code has none.
        let code = try checkedCode(answer, expectedState: state, stateRequired: listener != nil && !pasted)

        // Exchange the code, then ask who signed in (which also proves the token works).
        let token = PendingToken()
        let client = try SparkClient.live(
            configuration: SparkClientConfiguration(baseURL: endpoint, userAgent: settings.userAgent,
                                                    requestTimeout: settings.requestTimeout,
                                                    callTimeout: settings.requestTimeout, retry: RetryPolicy(sleep: console.sleep)),
            tokens: token, onEvent: SparkPortalCommand.requestReporter(settings, console),
            onRetry: SparkPortalCommand.retryReporter(settings, console))
        let tokens: OAuthTokens
        let name: String?
        do {
            tokens = try await client.grantToken(.authorizationCode(code), clientID: clientID, clientSecret: clientSecret,
                                                 redirectURI: redirectURI)
            await token.set(tokens.accessToken)
            do { name = try await client.myAccount().name } catch { name = nil }
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
        let login = StoredLogin(tokens: tokens, receivedAt: Date(), endpoint: endpoint.absoluteString, clientID: clientID,
                                clientSecret: clientSecret, redirectURI: redirectURI, userName: name)
        let who = name.map { sanitize($0) } ?? "an account whose name could not be read"
        let expires = Output.expiry(login.expiresAt, now: Date())
        if isDemo {
            console.out("Logged in to the demo server as \(who); the token expires \(expires). "
                        + "Nothing was stored: the demo server stops with this command.")
            return
        }
        guard let file = CredentialsFile(environment: environment) else {
            throw CLIError("Cannot store the login: neither XDG_CONFIG_HOME nor HOME is set.", status: .configuration)
        }
        try file.update(account: settings.account, to: login)
        console.out("Logged in as \(who) at \(endpoint.absoluteString); stored as account '\(sanitize(settings.account))' "
                    + "in \(file.path). The token expires \(expires) and is renewed automatically.")
    }

    /// Waits for whichever comes first: the browser's redirect to the listener (when there is one), an address (or
    /// code) pasted at the terminal — also with a listener, for a browser on another machine (over ssh) that cannot
    /// reach this one's loopback address — or the deadline, `timeout` on `sleep`'s clock: a sign-in page that failed
    /// (a wrong client id) never redirects, and login must not wait for ever. The read of standard input cannot be
    /// cancelled; when something else wins, it is left waiting and ends with the process.
    static func waitForAnswer(_ listener: RedirectListener?, timeout: Duration,
                              sleep: @escaping @Sendable (Duration) async throws -> Void,
                              terminal: UserTerminal) async throws -> (answer: [String: String], pasted: Bool) {
        let (outcomes, outcome) = AsyncStream<Result<([String: String], Bool), any Error>>.makeStream()
        var racers: [Task<Void, Never>] = []
        if let listener {
            racers.append(Task {
                do { outcome.yield(.success((try await listener.waitForRedirect(), false))) } catch { outcome.yield(.failure(error)) }
            })
        }
        racers.append(Task {
            while !Task.isCancelled, let line = await terminal.readLine() {
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                outcome.yield(.success((parseAnswer(line), true)))
                return
            }
            // Standard input ended: a listener may still get the redirect; without one, nothing can come.
            if listener == nil { outcome.yield(.failure(CLIError("No code was entered; nothing was stored.", status: .authentication))) }
        })
        racers.append(Task {
            do { try await sleep(timeout) } catch { return }
            outcome.yield(.failure(CLIError(
                "No sign-in answer came within \(inWords(timeout)); nothing was stored. If the "
                    + "sign-in page showed an error, check the client id (--client-id, SPARK_CLIENT_ID) and --redirect-uri, "
                    + "then run spark-portal login again.", status: .authentication)))
        })
        defer {
            racers.forEach { $0.cancel() }
            outcome.finish()
        }
        for await result in outcomes { return try result.get() }
        throw CancellationError()
    }

    /// `5 minutes`, `1 minute`, `90 seconds`.
    static func inWords(_ duration: Duration) -> String {
        let seconds = Int(duration.components.seconds)
        guard seconds >= 60, seconds % 60 == 0 else { return "\(seconds) second\(seconds == 1 ? "" : "s")" }
        return "\(seconds / 60) minute\(seconds == 60 ? "" : "s")"
    }

    /// Runs `logout`: forgets the stored login of the account.
    public static func logout(options: GlobalOptions, console: Console) -> ExitStatus {
        do {
            let settings = try SparkPortalCommand.resolveSettings(options, console: console)
            guard let file = CredentialsFile(environment: console.environment) else {
                console.out("No stored logins (neither XDG_CONFIG_HOME nor HOME is set).")
                return .success
            }
            // Logging out must work even on a file that is too open: removing tokens is the safe direction.
            var document = try file.loadDocument(checkingMode: false)
            guard let login = document.accounts.removeValue(forKey: settings.account) else {
                console.out("No stored login for account '\(sanitize(settings.account))'; nothing to do.")
                return .success
            }
            if document.accounts.isEmpty {
                if unlink(file.path) != 0 && errno != ENOENT {
                    throw CLIError("Cannot remove \(file.path): \(String(cString: strerror(errno))).", status: .configuration)
                }
            } else {
                try file.save(document)
            }
            let expiryNote = login.expiresAt.map { $0 > Date() ? " " + Output.expiry($0, now: Date()) : "" } ?? ""
            var cacheNote = ""
            if let cache = loginCache(login, account: settings.account, environment: console.environment) {
                // The tokens are gone: a cache that cannot be removed is said, not a failure of the logout.
                do {
                    if try cache.delete() { cacheNote = "\nRemoved its cached workspace, \(cache.path)." }
                } catch {
                    console.err("spark-portal: \(error.message) Its cached workspace is still there; delete it by hand.")
                }
            }
            console.out("""
                Logged out: removed the stored login '\(sanitize(settings.account))' for \(sanitize(login.endpoint)) from \(file.path).\(cacheNote)
                The Spark API documents no way to revoke a token, so the removed access token stays valid at Spark \
                until it expires\(expiryNote).
                """)
            return .success
        } catch {
            return CLIError.report(error, to: console)
        }
    }

    /// The workspace cache the TUI keeps for a stored login (`WorkspaceCacheFile`), which logout deletes.
    static func loginCache(_ login: StoredLogin, account: String, environment: [String: String]) -> WorkspaceCacheFile? {
        guard let endpoint = URL(string: login.endpoint), let directory = WorkspaceCacheFile.directory(environment: environment)
        else { return nil }
        return WorkspaceCacheFile(directory: directory, name: WorkspaceCacheFile.name(endpoint: endpoint, login: account))
    }

    // MARK: Pieces (tested one by one)

    /// 128 random bits from the system's secure generator, as 32 hex digits.
    static func newState() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }

    /// The authorization page: `--authorize-url`, else the endpoint's own `/oauth2/authorize` for a loopback
    /// endpoint (the demo server, spark-mock), else Spark's page (the VOW one for `--portal`).
    static func authorizeBase(endpoint: URL, portal: String?, override: String?) throws(CLIError) -> URL {
        if let override {
            guard let url = URL(string: override), SparkClient.isAllowedEndpoint(url) else {
                throw CLIError("Invalid --authorize-url '\(override)': expected https:// (or http:// for localhost).",
                               status: .usage)
            }
            return url
        }
        if let host = endpoint.host, SparkClient.isLoopback(host) {
            return endpoint.appendingPathComponent("oauth2").appendingPathComponent("authorize")
        }
        if let portal {
            guard portal.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw CLIError("Invalid portal name '\(portal)': letters, digits, '-', '_' and '.' only.", status: .usage)
            }
            return URL(string: "https://sparkplatform.com/auth/vow/\(portal)")!
        }
        return sparkAuthorizeURL
    }

    static func authorizeURL(base: URL, clientID: String, redirectURI: String, state: String) -> URL {
        // Every value fully percent-encoded (unreserved characters only), so '&', '=', '+', ':' and '/' in a
        // client id or redirect URI can never be misread by the authorization server.
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        func encode(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value }
        let query = [("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI), ("state", state)]
            .map { "\($0.0)=\(encode($0.1))" }.joined(separator: "&")
        var components = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        components.percentEncodedQuery = [components.percentEncodedQuery, query].compactMap { $0 }.joined(separator: "&")
        return components.url!
    }

    /// A loopback `http://` redirect (host, port, path), nil for any other, or an error for a bad one.
    static func loopbackRedirect(_ text: String) throws(CLIError) -> (host: String, port: Int, path: String)? {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host else {
            throw CLIError("Invalid --redirect-uri '\(text)': expected the URL registered for your API key.", status: .usage)
        }
        guard scheme == "http", SparkClient.isLoopback(host) else { return nil }
        return (host == "localhost" ? "127.0.0.1" : host, url.port ?? 80, url.path.isEmpty ? "/" : url.path)
    }

    /// The parameters of a pasted answer: a whole redirected address, a query string, or only the code.
    static func parseAnswer(_ pasted: String) -> [String: String] {
        let text = pasted.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.contains("code=") || text.contains("error=") {
            let query = text.split(separator: "?", maxSplits: 1).last.map(String.init) ?? text
            var components = URLComponents()
            components.percentEncodedQuery = query.split(separator: "#").first.map(String.init)
            return Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") },
                              uniquingKeysWith: { first, _ in first })
        }
        return text.isEmpty ? [:] : ["code": text]
    }

    /// The code of an answer whose `state` is ours; refuses an error answer or a foreign state.
    static func checkedCode(_ answer: [String: String], expectedState: String, stateRequired: Bool) throws(CLIError) -> String {
        if let error = answer["error"] {
            let detail = answer["error_description"].map { ": \($0)" } ?? ""
            throw CLIError("Spark refused the sign-in (\(sanitize(error + detail))); nothing was stored.", status: .authentication)
        }
        let state = answer["state"]
        if state != expectedState && (state != nil || stateRequired) {
            throw CLIError("The sign-in answer does not belong to this login (its state does not match), so it was refused "
                           + "and nothing was stored. Run spark-portal login again and use the newest address.",
                           status: .authentication)
        }
        guard let code = answer["code"], !code.isEmpty else {
            throw CLIError("The answer holds no authorization code; nothing was stored. Paste the whole address the "
                           + "browser went to after signing in.", status: .authentication)
        }
        return code
    }
}

/// The token of a login in progress: none until the code is exchanged.
actor PendingToken: AccessTokenProvider, CustomReflectable {
    private var token: String?
    nonisolated var customMirror: Mirror { Mirror(self, children: []) }
    func set(_ token: String) { self.token = token }
    func accessToken() async throws -> String {
        guard let token else { throw SparkError.missingToken }
        return token
    }
    func refreshedToken(replacing expired: String) async throws -> String? { nil }
}
