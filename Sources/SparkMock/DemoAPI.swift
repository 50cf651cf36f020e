import Foundation

/// A request as the demo API sees it: no sockets, no framework types, so the handler is a plain function.
struct MockRequest: Sendable {
    var method: String
    var path: String
    var query: String?
    /// Lower-cased names.
    var headers: [String: String]
    var body: [UInt8]
}

/// A response before it is put on the wire.
struct MockResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = [("Content-Type", "application/json; charset=utf-8")]
    var body: [UInt8]
    /// When set, the headers and the first half of the body go out at once, the rest after this pause.
    var bodyPause: Duration? = nil

    static func json(_ status: Int, _ value: JSONValue) -> MockResponse {
        MockResponse(status: status, body: value.serialized())
    }

    static func sparkError(_ status: Int, code: Int, _ message: String) -> MockResponse {
        .json(status, Envelope.failure(code: code, message: message))
    }
}

/// The Spark-compatible API: routing, the contract's checks, paging, per-user state and fault injection.
/// Hummingbird only carries its requests and responses (see `DemoResponder`).
struct DemoAPI: Sendable {
    let state: DemoState
    let journal: RequestJournal
    let plan: FaultPlan
    let seed: UInt64
    let clock: any Clock<Duration>
    /// Listings' photos: `photos.json(forListing:)` is the `Photos` array for `_expand=Photos`.
    let photos: DemoPhotoCatalog
    /// False: the key lacks the news-feed privilege, and every `/v1/newsfeeds` call answers 403/1500.
    let newsFeedPrivilege: Bool
    var world: DemoWorld { state.world }

    init(configuration: DemoServerConfiguration, journal: RequestJournal = RequestJournal()) {
        self.photos = DemoPhotoCatalog(baseURL: configuration.photoBaseURL)
        self.state = DemoState(world: configuration.dataSet.world, plan: configuration.faults, seed: configuration.seed,
                               clock: configuration.clock)
        self.journal = journal
        self.plan = configuration.faults
        self.seed = configuration.seed
        self.clock = configuration.clock
        self.newsFeedPrivilege = configuration.newsFeedPrivilege
    }

    /// Answers one request, records it, then applies latency, stalls and body faults.
    func respond(to request: MockRequest) async -> MockResponse {
        let requestNumber = await state.nextRequestNumber()
        var userID: String?
        var bodyFaults: [FaultEffect] = []
        var response = await handle(request, userID: &userID, bodyFaults: &bodyFaults)
        await journal.record(recorded(request, status: response.status, userID: userID))

        var delay = plan.latency
        if plan.jitter > .zero {
            let fraction = SplitMix.unit(seed: seed, stream: 0x7177, index: requestNumber)
            delay += plan.jitter * fraction
        }
        for case .stall(let duration) in bodyFaults { delay += duration }
        if delay > .zero { try? await clock.sleep(for: delay) }

        for fault in bodyFaults {
            switch fault {
            case .malformedBody:
                response.body = Array("<html><body>502 Bad Gateway</body></html>{\"D\": {\"Success\": tru".utf8)
            case .truncatedBody:
                response.body = Array(response.body.prefix(response.body.count / 2))
            case .missingEnvelope:
                if let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                   let inner = object["D"], let data = try? JSONSerialization.data(withJSONObject: inner) {
                    response.body = Array(data)
                }
            case .stallBody(let pause):
                response.bodyPause = (response.bodyPause ?? .zero) + pause
            case .appliedError(let status, let code) where (200..<300).contains(response.status):
                response = Self.injectedError(status: status, code: code)
            case .error, .stall, .appliedError: break
            }
        }
        return response
    }

    private func recorded(_ request: MockRequest, status: Int, userID: String?) -> RecordedRequest {
        var headers = request.headers
        if let authorization = headers["authorization"] {
            let scheme = authorization.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
            headers["authorization"] = scheme + " ********"
        }
        var body = request.body.isEmpty ? nil : String(decoding: request.body, as: UTF8.self)
        if request.path == "/v1/oauth2/grant" {
            body = grantParameters(request)["grant_type"].map { "grant_type=" + $0 }
        }
        return RecordedRequest(method: request.method, path: request.path, query: request.query, headers: headers,
                               body: body, status: status, userID: userID)
    }

    // MARK: routing

    private enum Route {
        case currentGroup, groups, group(String), account, grant, authorize
        case carts, cart(String), cartListings(String), cartListing(cart: String, listing: String), cartsHolding(String)
        case listing(String), listings
        case searches, search(String), feeds, feed(String), feedMeta

        var allowedMethods: [String] {
            switch self {
            case .currentGroup: ["GET", "PUT", "DELETE"]
            case .grant: ["POST"]
            case .carts: ["GET", "POST"]
            case .cart: ["GET", "POST", "PUT", "DELETE"]
            case .cartListing: ["DELETE"]
            case .search: ["GET", "PUT", "DELETE"]
            case .feed: ["GET", "PUT"]
            default: ["GET"]
            }
        }
    }

    private static func route(_ path: String) -> Route? {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        let parts = path.split(separator: "/").map { percentDecode(String($0)) }
        switch parts.count {
        case 1 where parts[0] == "oauth2": return .authorize
        case 2 where parts == ["oauth2", "authorize"]: return .authorize
        case 2 where parts == ["v1", "listingcarts"]: return .carts
        case 2 where parts == ["v1", "listings"]: return .listings
        case 2 where parts == ["v1", "savedsearches"]: return .searches
        case 2 where parts == ["v1", "newsfeeds"]: return .feeds
        case 3 where parts == ["v1", "portal", "groups"]: return .groups
        case 3 where parts == ["v1", "my", "account"]: return .account
        case 3 where parts == ["v1", "oauth2", "grant"]: return .grant
        case 3 where parts[0] == "v1" && parts[1] == "listingcarts": return .cart(parts[2])
        case 3 where parts[0] == "v1" && parts[1] == "listings": return .listing(parts[2])
        case 3 where parts[0] == "v1" && parts[1] == "savedsearches": return .search(parts[2])
        case 3 where parts[0] == "v1" && parts[1] == "newsfeeds": return parts[2] == "meta" ? .feedMeta : .feed(parts[2])
        case 4 where parts[0] == "v1" && parts[1] == "portal" && parts[2] == "groups":
            return parts[3] == "current" ? .currentGroup : .group(parts[3])
        case 4 where parts[0] == "v1" && parts[1] == "listingcarts" && parts[2] == "for": return .cartsHolding(parts[3])
        case 4 where parts[0] == "v1" && parts[1] == "listingcarts" && parts[3] == "listings": return .cartListings(parts[2])
        case 5 where parts[0] == "v1" && parts[1] == "listingcarts" && parts[3] == "listings":
            return .cartListing(cart: parts[2], listing: parts[4])
        default: return nil
        }
    }

    private func handle(_ request: MockRequest, userID: inout String?, bodyFaults: inout [FaultEffect]) async -> MockResponse {
        guard let route = Self.route(request.path) else {
            return .sparkError(404, code: 404, "Not found: \(request.path)")
        }
        guard route.allowedMethods.contains(request.method) else {
            var response = MockResponse.sparkError(405, code: 405, "Method not allowed: \(request.method) \(request.path)")
            response.headers.append(("Allow", route.allowedMethods.joined(separator: ", ")))
            return response
        }
        // The OAuth endpoints stand outside the D-envelope world: no user agent or token needed.
        if case .grant = route { return await grant(request) }
        if case .authorize = route { return await authorize(request) }

        guard let agent = request.headers["x-sparkapi-user-agent"], !agent.isEmpty else {
            return .sparkError(400, code: 1016, "The X-SparkApi-User-Agent request header is required.")
        }
        if let retryAfter = await state.rateLimitRetryAfter() {
            var response = MockResponse.sparkError(429, code: 1550, "Over rate limit")
            response.headers.append(("Retry-After", String(retryAfter)))
            return response
        }
        guard let token = Self.accessToken(request.headers["authorization"]) else {
            return .sparkError(401, code: 1000, "Invalid API key and/or request signed improperly")
        }
        let user: String
        switch await state.authenticate(token) {
        case .unknown: return .sparkError(401, code: 1000, "Invalid API key and/or request signed improperly")
        case .expired: return .sparkError(401, code: 1020, "Session token has expired")
        case .user(let id): user = id
        }
        userID = user

        for effect in await state.firingFaults(method: request.method, path: request.path) {
            if case .error(let status, let code) = effect { return Self.injectedError(status: status, code: code) }
            bodyFaults.append(effect)
        }
        return await handleAuthenticated(route, request, user: user)
    }

    private static func injectedError(status: Int, code: Int) -> MockResponse {
        var response = MockResponse.sparkError(status, code: code, "Injected fault \(status)/\(code)")
        if code == 1550 { response.headers.append(("Retry-After", "1")) }
        return response
    }

    /// `OAuth <token>` or `Bearer <token>`.
    private static func accessToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, ["oauth", "bearer"].contains(parts[0].lowercased()) else { return nil }
        let token = parts[1].trimmingWhitespace
        return token.isEmpty ? nil : String(token)
    }

    private func handleAuthenticated(_ route: Route, _ request: MockRequest, user: String) async -> MockResponse {
        let query = parseQuery(request.query)
        switch (route, request.method) {
        case (.currentGroup, "GET"):
            switch await state.currentGroup(of: user) {
            case .none: return .json(200, Envelope.success(results: []))
            case .valid(let group): return .json(200, Envelope.success(results: [group.json]))
            case .noLongerValid(let id): return Self.groupNoLongerValid(id)
            }

        case (.currentGroup, "PUT"):
            guard let object = Self.jsonBody(request) else { return Self.notJSON(request) }
            guard let d = object["D"] as? [String: Any], let groupID = d["Id"] as? String, !groupID.isEmpty else {
                return .sparkError(400, code: 1050, "A required parameter was not provided: D.Id")
            }
            guard await state.chooseGroup(groupID, for: user) else {
                return .sparkError(400, code: 1025, "The portal group \(groupID) is not valid for this user")
            }
            return .json(200, Envelope.success())

        case (.currentGroup, "DELETE"):
            await state.leaveGroup(for: user)
            return .json(200, Envelope.success())

        case (.groups, _):
            let groups = await state.groups(of: user)
            return paged(query, count: groups.count) { range in range.map { groups[$0].json } }

        case (.group(let id), _):
            guard await state.isMember(user, of: id), let group = world.groups[id] else {
                return .sparkError(404, code: 404, "Portal group not found: \(id)")
            }
            return .json(200, Envelope.success(results: [group.json]))

        case (.carts, "GET"):
            return await workspaceCarts(user: user, query: query)

        case (.carts, _):
            return await createCart(request, user: user)

        case (.cart(let id), "GET"):
            guard let cart = await state.visibleCart(id, user: user) else { return WriteRefusal.notFound(.cart, id).response }
            let pool = await Self.expandsListingIds(query) ? state.listingPool : nil
            return .json(200, Envelope.success(results: [cart.json(listingIDs: pool)]))

        case (.cart(let id), "POST"):
            guard let body = Self.jsonBody(request) else { return Self.notJSON(request) }
            guard let ids = (body["D"] as? [String: Any])?["ListingIds"] as? [String] else {
                return WriteRefusal.missing("D.ListingIds").response
            }
            return await cartAnswer(state.write(as: user) { store, owner in store.add(ids, to: id, owner: owner) })

        case (.cart(let id), "PUT"):
            guard let body = Self.jsonBody(request) else { return Self.notJSON(request) }
            let d = body["D"] as? [String: Any] ?? [:]
            guard d["ListingIds"] == nil else {
                // A PUT of ListingIds replaces the whole list and undoes what other members added meanwhile;
                // spark-portal never sends one, so the demo server refuses it to make such a bug loud.
                return WriteRefusal.constraint("spark-mock does not replace a cart's ListingIds: add and remove listings one by one").response
            }
            guard let name = d["Name"] as? String else { return WriteRefusal.missing("D.Name").response }
            return await successAnswer(state.write(as: user) { store, owner in store.rename(id, to: name, owner: owner) })

        case (.cart(let id), "DELETE"):
            return await successAnswer(state.write(as: user) { store, owner in store.delete(id, owner: owner) })

        case (.cartListing(let cart, let listing), _):
            return await cartAnswer(state.write(as: user) { store, owner in store.remove(listing, from: cart, owner: owner) })

        case (.cartsHolding(let ids), _):
            return await workspaceCarts(user: user, query: query, holding: ids.split(separator: ",").map(String.init))

        case (.cartListings(let id), _):
            guard let cart = await state.visibleCart(id, user: user) else { return WriteRefusal.notFound(.cart, id).response }
            let pool = await state.listingPool
            return paged(query, count: cart.listings.count) { range in
                cart.listings.indexes(range).map { pool.listing($0).json }
            }

        case (.listing(let id), _):
            let pool = await state.listingPool
            guard let index = pool.index(of: id) else { return .sparkError(404, code: 404, "Listing not found: \(id)") }
            var listing = pool.listing(index)
            if Self.expands("Photos", query) { listing.standardFields.append(("Photos", photos.json(forListing: id))) }
            return .json(200, Envelope.success(results: [listing.json]))

        case (.account, _):
            guard let account = world.accounts[user] else { return .sparkError(404, code: 404, "Account not found") }
            return .json(200, Envelope.success(results: [account.json]))

        case (.listings, _):
            return await listings(query, user: user)

        case (.searches, _):
            return await inWorkspace(of: user) { owner in
                let searches = await state.searches(ownedBy: owner)
                return paged(query, count: searches.count) { range in range.map { searches[$0].json } }
            }

        case (.search(let id), "GET"):
            return await inWorkspace(of: user) { owner in
                guard let search = await state.search(id, owner: owner) else { return WriteRefusal.notFound(.search, id).response }
                return .json(200, Envelope.success(results: [search.json]))
            }

        case (.search(let id), "PUT"):
            guard let body = Self.jsonBody(request) else { return Self.notJSON(request) }
            let d = body["D"] as? [String: Any] ?? [:]
            guard d["Filter"] == nil else {
                return WriteRefusal.constraint("spark-mock does not change a saved search's Filter; it renames searches").response
            }
            guard let name = d["Name"] as? String else { return WriteRefusal.missing("D.Name").response }
            // Spark answers the search (fixture saved_searches/post.json, which the Ruby gem's update spec uses).
            switch await state.writeSearches(as: user, { store, owner in store.rename(id, to: name, owner: owner) }) {
            case .success(let search): return .json(200, Envelope.success(results: [search.json]))
            case .failure(let refusal): return refusal.response
            }

        case (.search(let id), "DELETE"):
            switch await state.writeSearches(as: user, { store, owner in store.delete(id, owner: owner) }) {
            case .success: return .json(200, Envelope.success())
            case .failure(let refusal): return refusal.response
            }

        case (.feeds, _), (.feed, _), (.feedMeta, _):
            guard newsFeedPrivilege else { return Self.newsFeedsNeedPrivilege }
            return await newsFeeds(route, request, query: query, user: user)

        default:
            return .sparkError(405, code: 405, "Method not allowed")
        }
    }

    /// `POST /v1/listingcarts` with `{"D":{"ListingCarts":[{"Name","ListingIds","AutoName","PortalCartType"}]}}`:
    /// answers only the new cart's `ResourceUri`, as Spark does (fixture listing_carts/post.json). `AutoName` is read
    /// inside the cart object, where spark-portal sends it (DECISIONS.md).
    private func createCart(_ request: MockRequest, user: String) async -> MockResponse {
        guard let body = Self.jsonBody(request) else { return Self.notJSON(request) }
        guard let carts = (body["D"] as? [String: Any])?["ListingCarts"] as? [[String: Any]], let spec = carts.first else {
            return WriteRefusal.missing("D.ListingCarts").response
        }
        guard carts.count == 1 else { return WriteRefusal.constraint("spark-mock creates one cart per request").response }
        guard spec["ListingIds"] == nil || spec["ListingIds"] is [String] else {
            return WriteRefusal.constraint("ListingIds must be a list of listing Ids").response
        }
        let name = spec["Name"] as? String ?? ""
        let ids = spec["ListingIds"] as? [String] ?? []
        let autoName = spec["AutoName"] as? Bool ?? false
        let type = spec["PortalCartType"] as? String
        let result = await state.write(as: user) { store, owner in
            store.create(name: name, listingIDs: ids, autoName: autoName, type: type, owner: owner)
        }
        switch result {
        case .success(let cart):
            return .json(200, Envelope.success(results: [.object([("ResourceUri", .string("/v1/listingcarts/" + cart.id))])]))
        case .failure(let refusal):
            return refusal.response
        }
    }

    /// The carts of the workspace the user acts for (those holding any of `listingIDs`, when given), paged, with
    /// their `ListingIds` under `_expand=ListingIds`; 1025 when the user's current group is no longer theirs.
    private func workspaceCarts(user: String, query: [String: String], holding listingIDs: [String]? = nil) async -> MockResponse {
        await inWorkspace(of: user) { owner in
            let carts: [MockCart]
            if let listingIDs {
                carts = await state.carts(holding: listingIDs, ownedBy: owner)
            } else {
                carts = await state.carts(ownedBy: owner)
            }
            let pool = await Self.expandsListingIds(query) ? state.listingPool : nil
            return paged(query, count: carts.count) { range in range.map { carts[$0].json(listingIDs: pool) } }
        }
    }

    /// `/v1/newsfeeds`, `/v1/newsfeeds/<Id>` (GET; PUT of `Active`) and `/v1/newsfeeds/meta`, for a privileged key.
    private func newsFeeds(_ route: Route, _ request: MockRequest, query: [String: String], user: String) async -> MockResponse {
        switch (route, request.method) {
        case (.feedMeta, _):
            return .json(200, Envelope.success(results: [Self.newsFeedMeta]))
        case (.feeds, _):
            return await inWorkspace(of: user) { owner in
                let feeds = await state.feeds(ownedBy: owner)
                return paged(query, count: feeds.count) { range in range.map { feeds[$0].feed.json(subscription: feeds[$0].search) } }
            }
        case (.feed(let id), "PUT"):
            guard let body = Self.jsonBody(request) else { return Self.notJSON(request) }
            let d = body["D"] as? [String: Any] ?? [:]
            guard let value = d["Active"] else { return WriteRefusal.missing("D.Active").response }
            guard let active = value as? Bool else { return WriteRefusal.constraint("Active must be true or false").response }
            // Spark answers the feed as it is now (fixture newsfeeds/inactive.json, the Ruby gem's update spec).
            let result = await state.writeSearches(as: user) { store, owner in
                store.setFeed(id, active: active, owner: owner).map { ($0, store.searches[$0.searchID]) }
            }
            switch result {
            case .success(let (feed, search)): return .json(200, Envelope.success(results: [feed.json(subscription: search)]))
            case .failure(let refusal): return refusal.response
            }
        case (.feed(let id), _):
            return await inWorkspace(of: user) { owner in
                guard let found = await state.feed(id, owner: owner) else { return WriteRefusal.notFound(.feed, id).response }
                return .json(200, Envelope.success(results: [found.feed.json(subscription: found.search)]))
            }
        default:
            return .sparkError(405, code: 405, "Method not allowed")
        }
    }

    /// 403/1500: what Spark answers a key without the news-feed privilege ("Privileged API Keys Only").
    private static let newsFeedsNeedPrivilege = MockResponse.sparkError(
        403, code: 1500, "The resource is not available at the current API key's service level: news feeds need a privileged key")

    /// `GET /v1/newsfeeds/meta`, shaped like fixture newsfeeds/meta.json: a saved search needs three core fields.
    private static let newsFeedMeta: JSONValue = {
        let core: [(String, String, String)] = [
            ("MlsStatus", "Status", "Character"), ("PropertyType", "Property Type", "Character"),
            ("PostalCode", "Postal Code", "Character"), ("ListPrice", "List Price", "Decimal"),
            ("BedsTotal", "Total Bedrooms", "Integer"), ("YearBuilt", "Year Built", "Integer"),
            ("BuildingAreaTotal", "Total SqFt.", "Decimal"),
        ]
        let events = ["New", "PriceChange", "Sold", "OpenHouse", "Pending", "BackOnMarket", "Extension", "StatusChange",
                      "Recommended", "Shared", "Seeded"]
        return .object([
            ("Events", .array(events.map(JSONValue.string))),
            ("Subscriptions", .object([("SavedSearches", .object([
                ("CoreStandardFields", .object(core.map { name, label, type in
                    (name, .object([("ResourceUri", .string("/v1/standardfields/" + name)), ("Searchable", .bool(true)),
                                    ("Type", .string(type)), ("Label", .string(label))]))
                })),
                ("CoreSearchFields", .array([.string("Location")])),
                ("MinimumCoreFields", .int(3)),
            ]))])),
        ])
    }()

    /// `GET /v1/listings`, paged: with `_filter=SavedSearch Eq '<Id>'` the listings a saved search of the user's
    /// workspace matches (400/2001 for a search of another workspace or none; a provided search needs
    /// `RequestMode=permissive`), with another filter the listings it matches, without one every listing. Filters
    /// are `ListingFilter`s, evaluated over the first `searchablePoolSize` listings of the pool.
    private func listings(_ query: [String: String], user: String) async -> MockResponse {
        let pool = await state.listingPool
        var filterText = query["_filter"] ?? ""
        if !filterText.isEmpty {
            let filter: ListingFilter
            do {
                filter = try ListingFilter(parsing: filterText, extraFields: ["SavedSearch"])
            } catch {
                return error.response
            }
            if filter.fields.contains("SavedSearch") {
                guard case .comparison("SavedSearch", .eq, let values) = filter, values.count == 1, case .text(let id) = values[0] else {
                    return FilterError(message: "SavedSearch takes Eq and one Id, on its own: SavedSearch Eq '<Id>'").response
                }
                let owner: String
                switch await state.workspaceOwner(of: user) {
                case .success(let id): owner = id
                case .failure(let refusal): return refusal.response
                }
                guard let search = await state.search(id, owner: owner) else {
                    return .sparkError(400, code: 2001, "The SavedSearch specified does not exist or is not available to the current user")
                }
                guard !search.provided || query["RequestMode"]?.lowercased() == "permissive" else {
                    return .sparkError(400, code: 2001, "The SavedSearch specified is provided by the agent: "
                                       + "read its listings with RequestMode=permissive")
                }
                filterText = search.filter
            }
        }
        let matches: [Int]
        if let known = await state.matches(of: filterText) {
            matches = known
        } else {
            let searchable = 0..<min(pool.count, Self.searchablePoolSize)
            if filterText.isEmpty {
                matches = Array(searchable)
            } else {
                do {
                    let filter = try ListingFilter(parsing: filterText)
                    matches = searchable.filter { filter.matches(pool.listing($0)) }
                } catch {
                    return error.response
                }
            }
            await state.remember(matches, of: filterText)
        }
        return paged(query, count: matches.count) { range in range.map { pool.listing(matches[$0]).json } }
    }

    /// How many listings of the pool filters look at: all of seed's, demo's and hostile's; the first 20,000 of the
    /// `large` pool's million, which are computed on demand (each filter is evaluated once, then remembered).
    static let searchablePoolSize = 20_000

    /// Runs `body` with the owner of the workspace the user acts for; 1025 when their current group is no longer
    /// theirs.
    private func inWorkspace(of user: String, _ body: (String) async -> MockResponse) async -> MockResponse {
        switch await state.workspaceOwner(of: user) {
        case .success(let owner): await body(owner)
        case .failure(let refusal): refusal.response
        }
    }

    /// Adding and removing answer the cart with its new `ListingCount`.
    private func cartAnswer(_ result: Result<MockCart, WriteRefusal>) -> MockResponse {
        switch result {
        case .success(let cart): .json(200, Envelope.success(results: [cart.json()]))
        case .failure(let refusal): refusal.response
        }
    }

    /// Renaming and deleting answer `{"D":{"Success":true}}`.
    private func successAnswer(_ result: Result<MockCart, WriteRefusal>) -> MockResponse {
        switch result {
        case .success: .json(200, Envelope.success())
        case .failure(let refusal): refusal.response
        }
    }

    private static func expandsListingIds(_ query: [String: String]) -> Bool {
        expands("ListingIds", query)
    }

    /// Whether `_expand` names this expansion (`_expand=Photos,ListingIds`).
    private static func expands(_ name: Substring, _ query: [String: String]) -> Bool {
        query["_expand"]?.split(separator: ",").contains { $0.trimmingWhitespace == name } ?? false
    }

    private static func notJSON(_ request: MockRequest) -> MockResponse {
        .sparkError(400, code: 1035, "\(request.method) data not supplied as valid JSON (Content-Type must be application/json)")
    }

    /// The answer while the remembered current group is no longer the user's (they were removed from it): 1025
    /// until they choose another group or leave it.
    private static func groupNoLongerValid(_ id: String) -> MockResponse {
        WriteRefusal.groupNoLongerValid(id).response
    }

    /// Applies `_limit` (1...25, default 10), `_page` (from 1) and `_pagination` (`1` adds Pagination, `count`
    /// returns only it). Out-of-range values are refused with 400/1053, as the real API does for bad parameters.
    private func paged(_ query: [String: String], count: Int, results: (Range<Int>) -> [JSONValue]) -> MockResponse {
        var limit = 10, page = 1
        if let text = query["_limit"] {
            guard let value = Int(text), (1...25).contains(value) else {
                return .sparkError(400, code: 1053, "_limit must be an integer from 1 to 25")
            }
            limit = value
        }
        if let text = query["_page"] {
            guard let value = Int(text), value >= 1 else { return .sparkError(400, code: 1053, "_page must be an integer of at least 1") }
            page = value
        }
        let mode = query["_pagination"]
        guard mode == nil || ["0", "1", "count"].contains(mode!) else {
            return .sparkError(400, code: 1053, "_pagination must be 1 or count")
        }
        let totalPages = (count + limit - 1) / limit
        let pagination: JSONValue = .object([
            ("TotalRows", .int(count)), ("PageSize", .int(limit)),
            ("TotalPages", .int(totalPages)), ("CurrentPage", .int(page)),
        ])
        if mode == "count" { return .json(200, Envelope.success(pagination: pagination)) }
        let start = min(count, (page - 1).multipliedReportingOverflow(by: limit).overflow ? count : (page - 1) * limit)
        let items = results(start..<min(count, start + limit))
        return .json(200, Envelope.success(results: items, pagination: mode == "1" ? pagination : nil))
    }

    private static func jsonBody(_ request: MockRequest) -> [String: Any]? {
        guard let type = request.headers["content-type"]?.lowercased(), type.hasPrefix("application/json") else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
    }

    // MARK: OAuth 2

    private func grantParameters(_ request: MockRequest) -> [String: String] {
        if request.headers["content-type"]?.lowercased().hasPrefix("application/json") == true {
            let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
            return object.compactMapValues { $0 as? String }
        }
        return parseQuery(String(decoding: request.body, as: UTF8.self))
    }

    private static func oauthError(_ status: Int, _ error: String, _ description: String) -> MockResponse {
        .json(status, .object([("error", .string(error)), ("error_description", .string(description))]))
    }

    private static func isAcceptedRedirect(_ uri: String) -> Bool {
        uri == DemoCredentials.redirectURI || uri.hasPrefix("http://127.0.0.1") || uri.hasPrefix("http://localhost")
    }

    /// `POST /v1/oauth2/grant`: `authorization_code` (single-use codes) or `refresh_token` (rotated).
    private func grant(_ request: MockRequest) async -> MockResponse {
        let p = grantParameters(request)
        guard p["client_id"] == DemoCredentials.clientID, p["client_secret"] == DemoCredentials.clientSecret else {
            return Self.oauthError(401, "invalid_client", "Unknown client_id or wrong client_secret")
        }
        guard let redirectURI = p["redirect_uri"], Self.isAcceptedRedirect(redirectURI) else {
            return Self.oauthError(400, "invalid_request", "redirect_uri is missing or not registered for this client")
        }
        let pair: DemoState.TokenPair
        do {
            switch p["grant_type"] {
            case "authorization_code":
                guard let code = p["code"] else { return Self.oauthError(400, "invalid_request", "code is required") }
                pair = try await state.redeem(code: code, redirectURI: redirectURI)
            case "refresh_token":
                guard let token = p["refresh_token"] else { return Self.oauthError(400, "invalid_request", "refresh_token is required") }
                pair = try await state.refresh(token)
            case nil:
                return Self.oauthError(400, "invalid_request", "grant_type is required")
            case let other?:
                return Self.oauthError(400, "unsupported_grant_type", "grant_type \(other) is not supported")
            }
        } catch {
            guard case .invalidGrant(let message) = error else { return Self.oauthError(400, "invalid_grant", "") }
            return Self.oauthError(400, "invalid_grant", message)
        }
        var response = MockResponse.json(200, .object([
            ("access_token", .string(pair.accessToken)), ("refresh_token", .string(pair.refreshToken)), ("expires_in", .int(86400)),
        ]))
        response.headers.append(("Cache-Control", "no-store"))
        return response
    }

    /// `GET /oauth2/authorize?response_type=code&client_id&redirect_uri&state[&user=<id>]`: the demo's stand-in for
    /// Spark's login page. It signs in the data set's default user (or `user`) at once and redirects with a code.
    private func authorize(_ request: MockRequest) async -> MockResponse {
        let q = parseQuery(request.query)
        // Each mistake named on its own, so whoever reads the page (or the login that never returns) knows which.
        guard q["response_type"] == "code" else {
            return Self.oauthError(400, "unsupported_response_type", "response_type must be code")
        }
        guard let clientID = q["client_id"], !clientID.isEmpty else {
            return Self.oauthError(400, "invalid_request", "client_id is missing; the demo client is \(DemoCredentials.clientID)")
        }
        guard clientID == DemoCredentials.clientID else {
            return Self.oauthError(400, "unauthorized_client",
                                   "unknown client_id '\(clientID)'; the demo client is \(DemoCredentials.clientID) (spark-mock --help)")
        }
        guard let redirectURI = q["redirect_uri"], !redirectURI.isEmpty else {
            return Self.oauthError(400, "invalid_request", "redirect_uri is missing")
        }
        guard Self.isAcceptedRedirect(redirectURI) else {
            return Self.oauthError(400, "invalid_request", "redirect_uri '\(redirectURI)' is not registered for this client: "
                                   + "use \(DemoCredentials.redirectURI) or an http://127.0.0.1 or http://localhost address")
        }
        let userID = q["user"] ?? world.defaultUserID
        guard world.accounts[userID] != nil else { return Self.oauthError(400, "invalid_request", "unknown user") }
        let code = await state.issueAuthorizationCode(for: userID, redirectURI: redirectURI)
        var location = redirectURI + (redirectURI.contains("?") ? "&" : "?") + "code=" + code
        if let stateValue = q["state"] { location += "&state=" + (stateValue.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        return MockResponse(status: 302, headers: [("Location", location), ("Content-Type", "text/plain")], body: Array("Redirecting".utf8))
    }
}
