import Foundation
import Testing

@testable import SparkAPI

private let groupsCurrent = RequestContext(method: "GET", path: "/v1/portal/groups/current")

/// A transport that plays a server which never answers: each try takes all the time it was given, then times out.
private func stalling(_ clock: DeadlineClock, _ timeouts: Recorder<Duration>) -> @Sendable (TransportRequest) async throws -> TransportResponse {
    { request in
        timeouts.append(request.timeout)
        clock.advance(request.timeout)
        throw TransportFailure.timedOut
    }
}

/// `SparkClientConfiguration.callTimeout`: one deadline for a call, its tries and waits included. All time here is
/// on a test clock: a "20 s" try takes no time at all.
@Suite("One deadline per call")
struct DeadlineTests {
    @Test func withoutACallTimeoutAStalledServerCostsEveryTry() async throws {
        let clock = DeadlineClock()
        let timeouts = Recorder<Duration>()
        let client = try makeClient(retry: clock.policy(), callTimeout: nil, stalling(clock, timeouts))
        await #expect(throws: SparkError.transport(.timedOut, host: "spark.test", context: groupsCurrent)) {
            try await client.currentGroup()
        }
        #expect(timeouts.values == Array(repeating: .seconds(20), count: 4))
    }

    /// The command line's setting: the call timeout equals the request timeout, so a stall is one try.
    @Test func aStalledServerCostsOneTimeoutWhenTheCallHasTheTryTime() async throws {
        let clock = DeadlineClock()
        let timeouts = Recorder<Duration>()
        let client = try makeClient(retry: clock.policy(), callTimeout: .seconds(20), stalling(clock, timeouts))
        await #expect(throws: SparkError.transport(.timedOut, host: "spark.test", context: groupsCurrent)) {
            try await client.currentGroup()
        }
        #expect(timeouts.values == [.seconds(20)])
        #expect(clock.waits.values.isEmpty)
    }

    /// A longer call deadline: the second try gets what is left after the first and the wait.
    @Test func aLaterTryGetsWhatIsLeft() async throws {
        let clock = DeadlineClock()
        let timeouts = Recorder<Duration>()
        let notices = Recorder<RetryNotice>()
        let client = try makeClient(retry: clock.policy(), callTimeout: .seconds(30), notices: notices, stalling(clock, timeouts))
        await #expect(throws: SparkError.self) { try await client.currentGroup() }
        // 20 s, then a 0.75 s wait (1 s backoff, a quarter jittered away), then the 9.25 s left; none for a third.
        #expect(timeouts.values == [.seconds(20), .milliseconds(9250)])
        #expect(clock.waits.values == [.milliseconds(750)])
        #expect(notices.values.map(\.elapsed) == [.seconds(20)], "the notice says how long the call has been going")
    }

    @Test func quickFailuresAreStillRetriedWithinTheDeadline() async throws {
        let clock = DeadlineClock()
        let transport = ScriptedTransport([.success(TransportResponse(status: 503)), .failure(.other("reset")), .success(noGroupBody)])
        let client = try makeClient(retry: clock.policy(), callTimeout: .seconds(20)) { try transport.handle($0) }
        #expect(try await client.currentGroup() == nil)
        // Waits of 0.75 s and 1.5 s come off the 20 s.
        #expect(transport.requests.values.map(\.timeout) == [.seconds(20), .milliseconds(19250), .milliseconds(17750)])
    }

    /// A rate limit asking for a longer wait than the call has left ends the call at once, with the rate-limit error.
    @Test func aRetryAfterPastTheDeadlineGivesUpAtOnce() async throws {
        for (callTimeout, expectedWaits) in [(Duration.seconds(20), [Duration]()), (nil, [.seconds(25)])] {
            let clock = DeadlineClock()
            let transport = ScriptedTransport([
                .success(sparkError(429, code: 1550, headers: ["Retry-After": "25"])), .success(noGroupBody),
            ])
            let client = try makeClient(retry: clock.policy(), callTimeout: callTimeout) { try transport.handle($0) }
            do {
                _ = try await client.currentGroup()
                #expect(callTimeout == nil, "without a deadline, the wait is taken")
            } catch let error as SparkError {
                #expect(error.isRateLimited && callTimeout != nil)
            }
            #expect(clock.waits.values == expectedWaits)
        }
    }

    @Test func aWaitIsTakenOnlyWhenATryIsLeftAfterIt() {
        let policy = RetryPolicy(baseDelay: .seconds(1), jitter: 0, shortestTry: .seconds(1))
        let error = SparkError.http(status: 503, context: groupsCurrent)
        func decide(_ left: Duration?) -> RetryDecision {
            policy.decision(after: error, retryAfter: nil, resend: .always, retriesSoFar: 0, refreshed: false, canRefresh: false,
                            timeLeft: left)
        }
        #expect(decide(nil) == .wait(.seconds(1), reason: "HTTP 503"))
        #expect(decide(.seconds(2)) == .wait(.seconds(1), reason: "HTTP 503"))
        #expect(decide(.milliseconds(1999)) == .giveUp)
    }
}

/// An answer larger than the transport reads is said as what it is, and never re-sent.
@Suite("Answers too large")
struct AnswerTooLargeTests {
    @Test func isNotRetriedAndNamesTheRequest() async throws {
        let events = Recorder<RequestEvent>()
        let waits = Recorder<Duration>()
        let requests = Recorder<TransportRequest>()
        let client = try makeClient(retry: recordingRetry(waits), events: events) { request in
            requests.append(request)
            throw ResponseTooLarge(status: 200, limit: 32 << 20)
        }
        let error = await #expect(throws: SparkError.self) { try await client.currentGroup() }
        #expect(error == .answerTooLarge(status: 200, limit: 32 << 20, context: groupsCurrent))
        #expect(error?.userMessage == "The answer to GET /v1/portal/groups/current was larger than 32 MiB, more than any "
                + "Spark answer should be; it was not read. Check --endpoint; if it persists, report it.")
        #expect(requests.count == 1 && waits.count == 0)
        #expect(events.values.map(\.status) == [200])
        #expect(events.values.first?.errorSummary == "HTTP 200, body over 32 MiB")
    }

    /// The real transport, with a small limit, against a real server: the body is not read, one request is sent.
    @Test(.timeLimit(.minutes(1)))
    func theLiveTransportStopsAtItsLimit() async throws {
        let received = Recorder<ReceivedRequest>()
        let body = #"{"D":{"Success":true,"Results":[]}}"# + String(repeating: " ", count: 4096)
        try await withTestServer(respond: { request in
            received.append(request)
            return (200, ["Content-Type": "application/json"], body)
        }) { url in
            let transport = AsyncHTTPClientTransport(endpoint: url, maxBodyBytes: 1024)
            let client = try SparkClient(
                configuration: SparkClientConfiguration(baseURL: url, userAgent: "spark-portal-live-test",
                                                        retry: recordingRetry(Recorder())),
                tokens: StaticToken(secretToken), transport: transport)
            let error = await #expect(throws: SparkError.self) { try await client.currentGroup() }
            await client.shutdown()
            #expect(error == .answerTooLarge(status: 200, limit: 1024, context: groupsCurrent))
            #expect(received.count == 1)
        }
    }
}
