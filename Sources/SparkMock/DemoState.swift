/// The mutable side of the demo server, behind one actor so concurrent requests stay consistent: each user's
/// current group, the carts, saved searches and news feeds of every workspace (shared by all members), issued tokens
/// and authorization codes, and the counters fault injection decides by. Two writes never interleave, so two members adding to one cart at the
/// same moment both land.
actor DemoState {
    let world: DemoWorld
    let plan: FaultPlan
    let seed: UInt64
    private var store: CartStore
    private var searchStore: SearchStore
    /// Filter text → the pool indexes it matches: the pool never changes, so each filter is evaluated once.
    private var filterMatches: [String: [Int]] = [:]

    private var currentGroupOfUser: [String: String] = [:]
    private var issuedAccessTokens: [String: String] = [:]
    private var refreshTokens: [String: String]
    private var authorizationCodes: [String: (userID: String, redirectURI: String)] = [:]
    private var requestsPerToken: [String: Int] = [:]
    private var expiredTokens: Set<String> = []
    private var revokedAccessTokens: Set<String> = []
    private var ruleMatches: [Int]
    private var requestCount: UInt64 = 0
    private var issuedCount: UInt64 = 0
    /// The rate limiter's window: when it began (time since the server started) and the requests in it.
    private var rateWindow: (start: Duration, count: Int)?
    /// Time since the server started, on the server's clock.
    private let elapsed: @Sendable () -> Duration

    init(world: DemoWorld, plan: FaultPlan, seed: UInt64, clock: any Clock<Duration>) {
        self.world = world
        self.plan = plan
        self.seed = seed
        self.elapsed = clock.stopwatch()
        self.refreshTokens = world.refreshTokens
        self.ruleMatches = Array(repeating: 0, count: plan.rules.count)
        self.store = CartStore(world: world)
        self.searchStore = SearchStore(world: world)
    }

    // MARK: membership and the current group

    /// "user|group" pairs removed at run time (`DemoServer.removeMember`), on top of the immutable world.
    private var removedMemberships: Set<String> = []

    func isMember(_ userID: String, of groupID: String) -> Bool {
        world.isMember(userID, of: groupID) && !removedMemberships.contains(userID + "|" + groupID)
    }

    func groups(of userID: String) -> [MockGroup] {
        removedMemberships.isEmpty ? world.groups(of: userID) : world.groups(of: userID).filter { isMember(userID, of: $0.id) }
    }

    func removeMember(_ userID: String, from groupID: String) {
        removedMemberships.insert(userID + "|" + groupID)
    }

    enum CurrentGroup { case none, valid(MockGroup), noLongerValid(String) }

    /// The user's current group; `noLongerValid` when they were removed from it after choosing it.
    func currentGroup(of userID: String) -> CurrentGroup {
        guard let id = currentGroupOfUser[userID] else { return .none }
        guard isMember(userID, of: id), let group = world.groups[id] else { return .noLongerValid(id) }
        return .valid(group)
    }

    /// Chooses the current group; false when the group does not exist or the user is not a member.
    func chooseGroup(_ groupID: String, for userID: String) -> Bool {
        guard world.groups[groupID] != nil, isMember(userID, of: groupID) else { return false }
        currentGroupOfUser[userID] = groupID
        return true
    }

    func leaveGroup(for userID: String) {
        currentGroupOfUser[userID] = nil
    }

    // MARK: carts

    var listingPool: ListingPool { store.pool }

    /// Whose carts the user reads and writes now: the current group's owner, or their own without a group.
    func workspaceOwner(of userID: String) -> Result<String, WriteRefusal> {
        switch currentGroup(of: userID) {
        case .none: .success(userID)
        case .valid(let group): .success(group.id)
        case .noLongerValid(let id): .failure(.groupNoLongerValid(id))
        }
    }

    func carts(ownedBy owner: String) -> [MockCart] { store.carts(ownedBy: owner) }

    func carts(holding listingIDs: [String], ownedBy owner: String) -> [MockCart] {
        store.carts(holding: listingIDs, ownedBy: owner)
    }

    /// A cart the user may read: their own, or one of the owner of a group they belong to (current or not), so an
    /// answer for a group the client just left still resolves.
    func visibleCart(_ id: String, user: String) -> MockCart? {
        guard let cart = store.carts[id] else { return nil }
        if cart.ownerID == user { return cart }
        return isMember(user, of: cart.ownerID) ? cart : nil
    }

    /// Runs one write against the carts of the workspace the user acts for.
    func write(
        as userID: String, _ body: @Sendable (inout CartStore, _ owner: String) -> Result<MockCart, WriteRefusal>
    ) -> Result<MockCart, WriteRefusal> {
        workspaceOwner(of: userID).flatMap { body(&store, $0) }
    }

    // MARK: saved searches and news feeds

    func searches(ownedBy owner: String) -> [MockSearch] { searchStore.searches.owned(by: owner) }

    func search(_ id: String, owner: String) -> MockSearch? { searchStore.searches.record(id, owner: owner) }

    /// The owner's feeds, each with the search it follows.
    func feeds(ownedBy owner: String) -> [(feed: MockFeed, search: MockSearch?)] {
        searchStore.feeds.owned(by: owner).map { ($0, searchStore.searches[$0.searchID]) }
    }

    func feed(_ id: String, owner: String) -> (feed: MockFeed, search: MockSearch?)? {
        searchStore.feeds.record(id, owner: owner).map { ($0, searchStore.searches[$0.searchID]) }
    }

    /// Runs one write against the saved searches and news feeds of the workspace the user acts for.
    func writeSearches<T: Sendable>(
        as userID: String, _ body: @Sendable (inout SearchStore, _ owner: String) -> Result<T, WriteRefusal>
    ) -> Result<T, WriteRefusal> {
        workspaceOwner(of: userID).flatMap { body(&searchStore, $0) }
    }

    func matches(of filter: String) -> [Int]? { filterMatches[filter] }

    func remember(_ matches: [Int], of filter: String) { filterMatches[filter] = matches }

    // MARK: tokens

    enum Authentication: Equatable { case user(String), unknown, expired }

    /// Resolves an access token, counting the request against `expireTokenAfter`.
    func authenticate(_ token: String) -> Authentication {
        if revokedAccessTokens.contains(token) { return .unknown }
        guard let userID = issuedAccessTokens[token] ?? world.accessTokens[token] else { return .unknown }
        if expiredTokens.contains(token) { return .expired }
        if let limit = plan.expireTokenAfter {
            let used = requestsPerToken[token, default: 0]
            if used >= limit {
                expiredTokens.insert(token)
                return .expired
            }
            requestsPerToken[token] = used + 1
        }
        return .user(userID)
    }

    func expire(accessToken: String) { expiredTokens.insert(accessToken) }
    func revoke(accessToken: String) { revokedAccessTokens.insert(accessToken) }
    func revoke(refreshToken: String) { refreshTokens[refreshToken] = nil }

    func issueAuthorizationCode(for userID: String, redirectURI: String) -> String {
        issuedCount += 1
        let code = "demo-code-\(issuedCount)-" + hex(SplitMix.mix(seed ^ issuedCount ^ 0xC0DE))
        authorizationCodes[code] = (userID, redirectURI)
        return code
    }

    struct TokenPair { var accessToken: String; var refreshToken: String }

    enum GrantFailure: Error { case invalidGrant(String) }

    /// Exchanges a single-use authorization code for tokens.
    func redeem(code: String, redirectURI: String) throws(GrantFailure) -> TokenPair {
        guard let grant = authorizationCodes.removeValue(forKey: code) else {
            throw .invalidGrant("The authorization code is unknown or was already used")
        }
        guard grant.redirectURI == redirectURI else { throw .invalidGrant("redirect_uri does not match the authorization request") }
        return issueTokens(for: grant.userID)
    }

    /// Exchanges a refresh token for a new pair; the old refresh token is used up (rotation).
    func refresh(_ refreshToken: String) throws(GrantFailure) -> TokenPair {
        guard let userID = refreshTokens.removeValue(forKey: refreshToken) else {
            throw .invalidGrant("The refresh token is unknown, revoked or already used")
        }
        return issueTokens(for: userID)
    }

    private func issueTokens(for userID: String) -> TokenPair {
        issuedCount += 1
        let pair = TokenPair(accessToken: "demo-at-\(issuedCount)-" + hex(SplitMix.mix(seed ^ issuedCount)),
                             refreshToken: "demo-rt-\(issuedCount)-" + hex(SplitMix.mix(~seed ^ issuedCount)))
        issuedAccessTokens[pair.accessToken] = userID
        refreshTokens[pair.refreshToken] = userID
        return pair
    }

    // MARK: faults

    /// The request's number (0-based), for deterministic jitter.
    func nextRequestNumber() -> UInt64 {
        defer { requestCount += 1 }
        return requestCount
    }

    /// Seconds to wait when over the rate limit, or nil when the request may proceed.
    func rateLimitRetryAfter() -> Int? {
        guard let limit = plan.rateLimit else { return nil }
        let now = elapsed()
        if let window = rateWindow, now - window.start < limit.window {
            if window.count >= limit.requests {
                let remaining = limit.window - (now - window.start)
                let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
                return max(1, Int(seconds.rounded(.up)))
            }
            rateWindow = (window.start, window.count + 1)
        } else {
            if limit.requests == 0 { return max(1, Int(limit.window.components.seconds)) }
            rateWindow = (now, 1)
        }
        return nil
    }

    /// The effects of the rules that fire for this request (each rule counts its own matches).
    func firingFaults(method: String, path: String) -> [FaultEffect] {
        var effects: [FaultEffect] = []
        for (index, rule) in plan.rules.enumerated() where rule.matches(method: method, path: path) {
            let match = ruleMatches[index]
            ruleMatches[index] += 1
            switch rule.trigger {
            case .always: effects.append(rule.effect)
            case .count(let n): if match < n { effects.append(rule.effect) }
            case .rate(let rate):
                if SplitMix.unit(seed: seed, stream: UInt64(index), index: UInt64(match)) < rate { effects.append(rule.effect) }
            }
        }
        return effects
    }
}

extension Clock where Duration == Swift.Duration {
    /// A stopwatch started now: each call tells the time passed since, on this clock.
    func stopwatch() -> @Sendable () -> Swift.Duration {
        let start = now
        return { start.duration(to: self.now) }
    }
}

func hex(_ value: UInt64) -> String {
    let s = String(value, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}
