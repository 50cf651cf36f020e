import Foundation
import SparkMock
import Testing

@Suite("Fault plan parsing")
struct FaultParsingTests {
    @Test(arguments: [
        ("GET:/v1/listingcarts=500:1026", FaultRule(method: "GET", path: "/v1/listingcarts", effect: .error(status: 500, code: 1026))),
        ("put:/v1/portal/groups/current=400:1025:2",
         FaultRule(method: "PUT", path: "/v1/portal/groups/current", effect: .error(status: 400, code: 1025), trigger: .count(2))),
        ("*:/v1/listingcarts/*=503:1550:0.25",
         FaultRule(method: nil, path: "/v1/listingcarts/*", effect: .error(status: 503, code: 1550), trigger: .rate(0.25))),
        ("GET:/v1/x=429:1550:50%", FaultRule(method: "GET", path: "/v1/x", effect: .error(status: 429, code: 1550), trigger: .rate(0.5))),
        ("GET:/v1/portal/groups=malformed", FaultRule(method: "GET", path: "/v1/portal/groups", effect: .malformedBody)),
        ("GET:/v1/portal/groups=truncated:1", FaultRule(method: "GET", path: "/v1/portal/groups", effect: .truncatedBody, trigger: .count(1))),
        ("GET:/v1/my/account=missing-d", FaultRule(method: "GET", path: "/v1/my/account", effect: .missingEnvelope)),
        ("GET:/v1/my/account=no-envelope:0.5", FaultRule(method: "GET", path: "/v1/my/account", effect: .missingEnvelope, trigger: .rate(0.5))),
        ("GET:/v1/listingcarts=stall:1.5:1", FaultRule(method: "GET", path: "/v1/listingcarts", effect: .stall(.milliseconds(1500)), trigger: .count(1))),
    ])
    func validRules(spec: String, expected: FaultRule) throws {
        #expect(try FaultRule.parse(spec) == expected)
        #expect(try FaultPlan.parse(spec).rules == [expected])
    }

    @Test(arguments: ["GET/v1/x=500:1", "GET:/v1/x", "GET:v1/x=500:1", "GET:/v1/x=500", "GET:/v1/x=999:1", "GET:/v1/x=boom",
                      "GET:/v1/x=500:1:many", "GET:/v1/x=500:1:1.5", "GET:/v1/x=stall", "G3T:/v1/x=500:1", "GET:/v1/x=500:1:2:3"])
    func invalidRules(spec: String) {
        #expect(throws: FaultSpecError.self) { try FaultRule.parse(spec) }
    }

    @Test func severalRulesInOneSpec() throws {
        let plan = try FaultPlan.parse("GET:/a=500:1, PUT:/b=truncated")
        #expect(plan.rules.map(\.path) == ["/a", "/b"])
    }

    @Test(arguments: [("100/60s", 100, 60_000), ("1500/5m", 1500, 300_000), ("3/1h", 3, 3_600_000), ("2/500ms", 2, 500), ("7/30", 7, 30_000)])
    func rateLimits(spec: String, requests: Int, milliseconds: Int64) throws {
        #expect(try RateLimit.parse(spec) == RateLimit(requests: requests, window: .milliseconds(milliseconds)))
    }

    @Test(arguments: ["100", "x/60s", "10/0s", "10/fast"])
    func invalidRateLimits(spec: String) {
        #expect(throws: FaultSpecError.self) { try RateLimit.parse(spec) }
    }
}

private func configuration(_ rules: [String], seed: UInt64 = 0, dataSet: DemoDataSet = .seed,
                           edit: (inout FaultPlan) -> Void = { _ in }) throws -> DemoServerConfiguration {
    var plan = FaultPlan()
    for rule in rules { try plan.add(rule) }
    edit(&plan)
    return DemoServerConfiguration(dataSet: dataSet, faults: plan, seed: seed)
}

@Suite("Faults behave as configured")
struct FaultBehaviourTests {
    @Test func errorRuleWithCountFailsOnlyTheFirstRequests() async throws {
        try await withRouter(try configuration(["GET:/v1/listingcarts=500:1026:2"])) { api throws in
            let statuses = try await (0..<4).asyncMap { _ in try await api.get("/v1/listingcarts") }
            #expect(statuses.map(\.status) == [500, 500, 200, 200])
            #expect(statuses[0].code == 1026 && statuses[0].success == false)
            // Other routes are untouched.
            #expect(try await api.get("/v1/portal/groups").status == 200)
        }
    }

    @Test func failedPutChangesNothing() async throws {
        try await withRouter(try configuration(["PUT:/v1/portal/groups/current=503:1550:1"])) { api throws in
            let failed = try await api.put(group: "20130919194721820379000000")
            #expect(failed.status == 503 && failed.code == 1550)
            #expect(failed.headers["retry-after"] == "1")
            #expect(try await api.get("/v1/portal/groups/current").results.isEmpty)
            #expect(try await api.put(group: "20130919194721820379000000").status == 200)
        }
    }

    private func rateSequence(seed: UInt64) async throws -> [Int] {
        try await withRouter(try configuration(["*:/v1/*=500:1026:0.5"], seed: seed)) { api throws in
            try await (0..<40).asyncMap { _ in try await api.get("/v1/portal/groups").status }
        }
    }

    @Test func rateFaultsAreDeterministicForASeed() async throws {
        let first = try await rateSequence(seed: 42)
        let second = try await rateSequence(seed: 42)
        #expect(first == second)
        #expect(first.contains(500) && first.contains(200))
        let other = try await rateSequence(seed: 7)
        #expect(other != first)
    }

    @Test func malformedBodyIsNotJSON() async throws {
        try await withRouter(try configuration(["GET:/v1/portal/groups=malformed"])) { api throws in
            let reply = try await api.get("/v1/portal/groups")
            #expect(reply.status == 200)
            #expect(reply.json == nil)
        }
    }

    @Test func truncatedBodyIsThePrefixOfTheRealOne() async throws {
        let real = try await withRouter { api in try await api.get("/v1/portal/groups").text }
        try await withRouter(try configuration(["GET:/v1/portal/groups=truncated:1"])) { api throws in
            let cut = try await api.get("/v1/portal/groups")
            #expect(cut.json == nil)
            #expect(!cut.text.isEmpty && real.hasPrefix(cut.text) && cut.text.count < real.count)
            #expect(try await api.get("/v1/portal/groups").text == real)
        }
    }

    @Test func missingEnvelopeDropsD() async throws {
        try await withRouter(try configuration(["GET:/v1/my/account=no-envelope"])) { api throws in
            let reply = try await api.get("/v1/my/account")
            #expect(reply.object["D"] == nil)
            #expect(reply.object["Success"] as? Bool == true)
            #expect((reply.object["Results"] as? [Any])?.count == 1)
        }
    }

    @Test func bodyFaultStillAppliesThePut() async throws {
        try await withRouter(try configuration(["PUT:/v1/portal/groups/current=truncated"])) { api throws in
            _ = try await api.put(group: "20130919194721820379000000")
            #expect(try await api.get("/v1/portal/groups/current").results.count == 1)
        }
    }

    @Test func latencyAndStallDelayAtLeastTheirDuration() async throws {
        let config = try configuration(["GET:/v1/my/account=stall:0.3:1"]) { $0.latency = .milliseconds(100); $0.jitter = .milliseconds(50) }
        try await withRouter(config) { api throws in
            let clock = ContinuousClock()
            let start = clock.now
            #expect(try await api.get("/v1/my/account").status == 200)
            let stalled = clock.now - start
            #expect(stalled >= .milliseconds(400))
            let second = clock.now
            #expect(try await api.get("/v1/my/account").status == 200)
            #expect(clock.now - second >= .milliseconds(100))
        }
    }

    @Test func tokensExpireAfterNRequestsUntilRefreshed() async throws {
        let config = try configuration([]) { $0.expireTokenAfter = 3 }
        try await withRouter(config) { api throws in
            let statuses = try await (0..<5).asyncMap { _ in try await api.get("/v1/portal/groups/current") }
            #expect(statuses.map(\.status) == [200, 200, 200, 401, 401])
            #expect(statuses[3].code == 1020)

            let refreshed = try await api.call(.post, "/v1/oauth2/grant", token: nil, body: [
                "client_id=\(DemoCredentials.clientID)", "client_secret=\(DemoCredentials.clientSecret)",
                "grant_type=refresh_token", "refresh_token=\(DemoCredentials.demoRefreshToken)",
                "redirect_uri=\(DemoCredentials.redirectURI.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
            ].joined(separator: "&"), contentType: "application/x-www-form-urlencoded")
            let token = try #require(refreshed.object["access_token"] as? String)
            #expect(try await api.get("/v1/portal/groups/current", token: token).status == 200)
            #expect(try await api.get("/v1/portal/groups/current").code == 1020)
        }
    }

    @Test func rateLimitAnswers429With1550AndRetryAfter() async throws {
        let config = try configuration([]) { $0.rateLimit = RateLimit(requests: 3, window: .seconds(60)) }
        try await withRouter(config) { api throws in
            let replies = try await (0..<5).asyncMap { _ in try await api.get("/v1/portal/groups") }
            #expect(replies.map(\.status) == [200, 200, 200, 429, 429])
            #expect(replies[3].code == 1550)
            let retryAfter = try #require(replies[3].headers["retry-after"].flatMap(Int.init))
            #expect((1...60).contains(retryAfter))
        }
    }
}

extension Sequence where Element: Sendable {
    /// Runs `transform` on each element in order (one after another).
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
