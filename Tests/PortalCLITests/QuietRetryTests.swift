import Foundation
import SparkAPI
import SparkMock
import Testing
import TestSupport
@testable import PortalCLI

private let seedToken = ["SPARK_ACCESS_TOKEN": DemoCredentials.seedAccessToken]
private let noGroup = #"{"D":{"Success":true,"Results":[]}}"#

/// What the command line says while it retries: one line per failure; a retry wait only when it is long enough to
/// notice, or with `--verbose` (which also says each request). Waits are on a test clock: nothing really sleeps.
@Suite("The command line stays quiet")
struct QuietRetryTests {
    @Test func aRefusedPortOnThisMachineIsOneLineAndNotRetried() async throws {
        let refusing = try RefusingPort()
        let clock = TestSleeps()
        let result = try await run(.current(json: true), ["--endpoint", "http://127.0.0.1:\(refusing.port)"],
                                   environment: ["SPARK_ACCESS_TOKEN": "token-for-refused-test"], clock: clock)
        #expect(result.status == .network)
        #expect(result.err == "spark-portal: Could not connect to 127.0.0.1: nothing is listening there. Check --endpoint and try again.")
        #expect(clock.recorded.isEmpty, "no retry wait: nothing will be listening a second later")
        #expect(result.out.isEmpty)
    }

    @Test func verboseSaysTheRequestThenTheError() async throws {
        let refusing = try RefusingPort()
        let captured = try await run(.current(json: true), ["--endpoint", "http://127.0.0.1:\(refusing.port)", "--verbose"],
                                     environment: ["SPARK_ACCESS_TOKEN": "token-for-refused-test"], clock: TestSleeps())
        let lines = captured.err.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(captured.err)")
        #expect(lines.first?.hasPrefix("spark-portal: GET /v1/portal/groups/current → connection refused, ") == true, "\(lines)")
        #expect(lines.last?.hasPrefix("spark-portal: Could not connect to 127.0.0.1") == true)
    }

    @Test func aServerErrorRetriedToSuccessSaysNothing() async throws {
        var plan = FaultPlan()
        try plan.add("GET:/v1/portal/groups/current=500:1040:1")
        try await withStartedDemoServer(DemoServerConfiguration(dataSet: .seed, faults: plan)) { server in
            let clock = TestSleeps()
            let result = try await run(.current(json: true), ["--endpoint", server.baseURL.absoluteString],
                                       environment: seedToken, clock: clock)
            #expect(result.status == .success, "\(result.err)")
            #expect(result.out == "null")
            #expect(result.err.isEmpty, "a quick retry is not news: \(result.err)")
            #expect(clock.recorded.count == 1 && clock.recorded[0] < SparkPortalCommand.noticeableWait, "\(clock.recorded)")
            #expect(await server.journal.requests(method: "GET", path: "/v1/portal/groups/current").map(\.status) == [500, 200])
        }
    }

    @Test func verboseSaysEachRequestAndTheRetryWait() async throws {
        var plan = FaultPlan()
        try plan.add("GET:/v1/portal/groups/current=500:1040:1")
        try await withDemoServer(DemoServerConfiguration(dataSet: .seed, faults: plan)) { baseURL in
            let result = try await run(.current(json: true), ["--endpoint", baseURL.absoluteString, "--verbose"],
                                       environment: seedToken, clock: TestSleeps())
            #expect(result.status == .success)
            let lines = result.err.split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(result.err)")
            guard lines.count == 3 else { return }
            #expect(lines[0].hasPrefix("spark-portal: GET /v1/portal/groups/current → 500 code 1040, "))
            #expect(lines[1].hasPrefix("spark-portal: HTTP 500 — retrying GET /v1/portal/groups/current in "))
            #expect(lines[1].hasSuffix("s (attempt 2)"))
            #expect(lines[2].hasPrefix("spark-portal: GET /v1/portal/groups/current → 200, ") && lines[2].hasSuffix(" ms (attempt 2)"))
            #expect(result.out == "null", "stdout has only the answer")
        }
    }

    /// A 429 whose `Retry-After` is 3 s: the one wait a person would notice is said, once; then the answer comes.
    @Test func aLongRateLimitWaitIsSaidOnce() async throws {
        try await ScriptedServer.with({ _, index in
            index == 0 ? .json(429, #"{"D":{"Success":false,"Code":1550,"Message":"Over rate limit"}}"#, headers: [("Retry-After", "3")])
                : .json(200, noGroup)
        }) { server in
            let clock = TestSleeps()
            let result = try await run(.current(json: false), ["--endpoint", server.baseURL.absoluteString],
                                       environment: seedToken, clock: clock)
            #expect(result.status == .success, "\(result.err)")
            #expect(result.err == "spark-portal: rate limited — retrying GET /v1/portal/groups/current in 3.0s (attempt 2)")
            #expect(result.out == "No current group: acting for your own workspace.")
            #expect(clock.recorded == [.seconds(3)])
            #expect(server.requests.count == 2)
        }
    }

    /// A stalled server costs one request timeout, not four: the command line's requests share one deadline.
    @Test(.timeLimit(.minutes(1)))
    func aStalledServerIsOneTimeoutNotFour() async throws {
        var plan = FaultPlan()
        try plan.add("GET:/v1/listingcarts=stall:60")
        try await withStartedDemoServer(DemoServerConfiguration(dataSet: .seed, faults: plan)) { server in
            let clock = TestSleeps()
            let result = try await run(.carts(json: false), ["--endpoint", server.baseURL.absoluteString],
                                       environment: seedToken.merging(["SPARK_PORTAL_REQUEST_TIMEOUT": "0.5"]) { $1 }, clock: clock)
            #expect(result.status == .network)
            #expect(result.err == "spark-portal: 127.0.0.1 did not answer in time. Check your network connection and try again.")
            #expect(clock.recorded.isEmpty, "no retry after the one timeout")
            #expect(await server.journal.requests(method: "GET", path: "/v1/listingcarts").count == 1)
        }
    }
}

/// Answers that cannot be right are cut short and said as what they are.
@Suite("Answers that can't be right")
struct ImplausibleAnswerTests {
    /// 33 MiB for `current`: past the 32 MiB the client reads. One line naming the request, exit 76, one request.
    @Test(.timeLimit(.minutes(1)))
    func anOversizeBodyIsOneLineExit76AndNotRetried() async throws {
        try await ScriptedServer.with({ _, _ in .huge(33 << 20) }) { server in
            let clock = TestSleeps()
            let result = try await run(.current(json: true), ["--endpoint", server.baseURL.absoluteString],
                                       environment: seedToken, clock: clock)
            #expect(result.status == .api)
            #expect(result.err == "spark-portal: The answer to GET /v1/portal/groups/current was larger than 32 MiB, more than "
                    + "any Spark answer should be; it was not read. Check --endpoint; if it persists, report it.")
            #expect(server.requests == ["/v1/portal/groups/current"])
            #expect(clock.recorded.isEmpty)
        }
    }

    /// A server that claims three pages of groups but whose second page is empty: the list ends there, and stderr
    /// says so while stdout has the groups that came.
    @Test func aListThatEndsEarlyIsSaid() async throws {
        try await ScriptedServer.with({ target, _ in
            if target.hasPrefix("/v1/portal/groups/current") { return .json(200, noGroup) }
            let page = target.contains("_page=") ? "" : #"{"Id":"G1","ContactId":"U1","Users":[{"Id":"U1","Name":"Ann"}]}"#
            return .json(200, #"{"D":{"Success":true,"Results":[\#(page)],"Pagination":{"TotalRows":3,"PageSize":1,"TotalPages":3,"CurrentPage":1}}}"#)
        }) { server in
            let result = try await run(.groups(json: true), ["--endpoint", server.baseURL.absoluteString],
                                       environment: seedToken, clock: TestSleeps())
            #expect(result.status == .success, "\(result.err)")
            let groups = try #require(try jsonObject(result.out) as? [[String: Any]])
            #expect(groups.map { $0["Id"] as? String } == ["G1"])
            #expect(result.err == "spark-portal: The server said its groups fill 3 pages, but page 2 came back empty; the list ends there.")
        }
    }
}
