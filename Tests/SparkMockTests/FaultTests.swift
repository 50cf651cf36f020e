import Foundation
import Glibc
import SparkMock
import Testing
import TestSupport

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
        ("GET:/v1/portal/groups=stall-body:30", FaultRule(method: "GET", path: "/v1/portal/groups", effect: .stallBody(.seconds(30)))),
        ("POST:/v1/listingcarts=applied:500:1040",
         FaultRule(method: "POST", path: "/v1/listingcarts", effect: .appliedError(status: 500, code: 1040))),
        ("post:/v1/listingcarts/*=APPLIED:503:1040:2",
         FaultRule(method: "POST", path: "/v1/listingcarts/*", effect: .appliedError(status: 503, code: 1040), trigger: .count(2))),
    ])
    func validRules(spec: String, expected: FaultRule) throws {
        #expect(try FaultRule.parse(spec) == expected)
        #expect(try FaultPlan.parse(spec).rules == [expected])
    }

    @Test(arguments: ["GET/v1/x=500:1", "GET:/v1/x", "GET:v1/x=500:1", "GET:/v1/x=500", "GET:/v1/x=999:1", "GET:/v1/x=boom",
                      "GET:/v1/x=500:1:many", "GET:/v1/x=500:1:1.5", "GET:/v1/x=stall", "GET:/v1/x=stall-body", "GET:/v1/x=stall-body:-1", "G3T:/v1/x=500:1", "GET:/v1/x=500:1:2:3",
                      "POST:/v1/x=applied", "POST:/v1/x=applied:500", "POST:/v1/x=applied:999:1", "POST:/v1/x=applied:500:1:2:3",
                      "POST:/v1/x=applied:stall:3"])
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

    /// Latency and a stall hold the answer on the server's clock: a test clock here, which only the test moves.
    @Test func latencyAndStallHoldTheAnswerForTheirDuration() async throws {
        let clock = TestClock()
        var config = try configuration(["GET:/v1/my/account=stall:0.3:1"]) { $0.latency = .milliseconds(100) }
        config.clock = clock
        try await withRouter(config) { api throws in
            // The first answer waits for latency + stall (400 ms)…
            let first = Task { try await api.get("/v1/my/account").status }
            await clock.waitForSleepers()
            clock.advance(by: .milliseconds(399))
            #expect(clock.sleeperCount == 1, "still held 1 ms before its time")
            clock.advance(by: .milliseconds(1))
            #expect(try await first.value == 200)
            // …the second (the stall applied once) for the latency alone.
            let second = Task { try await api.get("/v1/my/account").status }
            await clock.waitForSleepers()
            clock.advance(by: .milliseconds(99))
            #expect(clock.sleeperCount == 1)
            clock.advance(by: .milliseconds(1))
            #expect(try await second.value == 200)
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

    /// The rate limiter's window is on the server's clock (a test clock here): `Retry-After` is the time left in
    /// the window, and once the window has passed requests are answered again.
    @Test func rateLimitAnswers429With1550AndRetryAfter() async throws {
        let clock = TestClock()
        var config = try configuration([]) { $0.rateLimit = RateLimit(requests: 3, window: .seconds(60)) }
        config.clock = clock
        try await withRouter(config) { api throws in
            let replies = try await (0..<5).asyncMap { _ in try await api.get("/v1/portal/groups") }
            #expect(replies.map(\.status) == [200, 200, 200, 429, 429])
            #expect(replies[3].code == 1550)
            #expect(replies[3].headers["retry-after"] == "60")
            clock.advance(by: .seconds(45))
            let later = try await api.get("/v1/portal/groups")
            #expect(later.status == 429)
            #expect(later.headers["retry-after"] == "15", "the time left in the window, in whole seconds")
            clock.advance(by: .seconds(15))
            #expect(try await api.get("/v1/portal/groups").status == 200, "a new window")
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

/// `stall-body` on the wire: the status line, the headers (with the full Content-Length) and half the body come
/// at once; the rest is held back. Read over a plain socket, since an HTTP client would wait for the whole body.
@Suite("A body that stalls midway")
struct StalledBodyTests {
    @Test func headersAndHalfTheBodyArriveThenNothingMore() async throws {
        let faults = FaultPlan(rules: [try FaultRule.parse("GET:/v1/my/account=stall-body:30")])
        let clock = TestClock()  // never advanced: the rest of the body is held until the clock stops
        try await withDemoServer(DemoServerConfiguration(dataSet: .demo, faults: faults, clock: clock)) { url in
            defer { clock.stop() }
            let request = "GET /v1/my/account HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: OAuth \(DemoCredentials.demoAccessToken)\r\n"
                + "X-SparkApi-User-Agent: t\r\n\r\n"
            // Blocking socket reads: on a thread of their own, not the cooperative pool the server needs.
            let received = try await onOwnThread { Result { try RawHTTP.readUntilStalled(port: url.port!, request: request) } }.get()
            #expect(received.head.hasPrefix("HTTP/1.1 200"))
            let length = try #require(received.contentLength)
            #expect(received.body.count == length / 2, "half of \(length) bytes, then the stall")
        }
    }
}

/// A bare HTTP/1.1 exchange over a POSIX socket, read only as far as the server has sent.
enum RawHTTP {
    struct Received: Sendable {
        var head: String
        var contentLength: Int?
        var body: [UInt8]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends `request`, then reads until the head and at least half the announced body are in (10 s at most).
    static func readUntilStalled(port: Int, request: String) throws -> Received {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect: errno \(errno)") }
        let bytes = Array(request.utf8)
        guard write(socket, bytes, bytes.count) == bytes.count else { throw Failure(description: "write: errno \(errno)") }

        var data: [UInt8] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let split = data.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: data[..<split.lowerBound], as: UTF8.self)
                let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }
                let body = Array(data[split.upperBound...])
                if let length, body.count >= length / 2 { return Received(head: head, contentLength: length, body: body) }
            }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) >= 0 else { throw Failure(description: "poll: errno \(errno)") }
            guard descriptor.revents != 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = read(socket, &chunk, chunk.count)
            guard count > 0 else { throw Failure(description: "the server closed the connection after \(data.count) bytes") }
            data += chunk[..<count]
        }
        throw Failure(description: "no head and half a body within 10 s; got \(data.count) bytes")
    }
}
