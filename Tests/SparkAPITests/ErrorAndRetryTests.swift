import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import SparkAPI

/// A token provider that can refresh, counting how often it was asked.
final class RefreshingTokens: AccessTokenProvider {
    let refreshes = Recorder<String>()
    let fresh: String?

    init(fresh: String?) { self.fresh = fresh }

    func accessToken() async throws -> String { secretToken }
    func refreshedToken(replacing expired: String) async throws -> String? {
        refreshes.append(expired)
        return fresh
    }
}

@Suite("Error mapping")
struct ErrorMappingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var answer: Result<TransportResponse, TransportFailure>
        var expected: SparkError
        var messageContains: String
        var testDescription: String { expected.summary }
    }

    static let context = RequestContext(method: "GET", path: "/v1/portal/groups/current")
    static let cases: [Case] = [
        Case(answer: .success(sparkError(401, code: 1000, message: "Invalid")),
             expected: .api(status: 401, code: 1000, message: "Invalid", context: context), messageContains: "login again"),
        Case(answer: .success(sparkError(401, code: 1020, message: "Expired")),
             expected: .api(status: 401, code: 1020, message: "Expired", context: context), messageContains: "login again"),
        Case(answer: .success(sparkError(400, code: 1025, message: "Bad group")),
             expected: .api(status: 400, code: 1025, message: "Bad group", context: context), messageContains: "Pick another group"),
        Case(answer: .success(sparkError(429, code: 1550, message: "Slow down")),
             expected: .api(status: 429, code: 1550, message: "Slow down", context: context), messageContains: "rate limiting"),
        Case(answer: .success(sparkError(403, code: 1500)),
             expected: .api(status: 403, code: 1500, message: "Error", context: context), messageContains: "API key"),
        Case(answer: .success(sparkError(403, code: 1505)),
             expected: .api(status: 403, code: 1505, message: "Error", context: context), messageContains: "MLS"),
        Case(answer: .success(sparkError(403, code: 1100)),
             expected: .api(status: 403, code: 1100, message: "Error", context: context), messageContains: "portal account"),
        Case(answer: .success(sparkError(400, code: 1016)),
             expected: .api(status: 400, code: 1016, message: "Error", context: context), messageContains: "bug"),
        Case(answer: .success(sparkError(404, code: 1070, message: "Nope")),
             expected: .api(status: 404, code: 1070, message: "Nope", context: context), messageContains: "code 1070: Nope"),
        Case(answer: .success(sparkError(500, code: 1040, message: "Oops")),
             expected: .api(status: 500, code: 1040, message: "Oops", context: context),
             messageContains: "having trouble (HTTP 500, code 1040: Oops). Try again later."),
        // A 200 that says it failed is still a failure.
        Case(answer: .success(sparkError(200, code: 1025)),
             expected: .api(status: 200, code: 1025, message: "Error", context: context), messageContains: "Pick another group"),
        Case(answer: .success(TransportResponse(status: 502, headers: ["Content-Type": "text/html"], body: Data("<html>Bad gateway</html>".utf8))),
             expected: .http(status: 502, context: context), messageContains: "HTTP 502"),
        Case(answer: .success(TransportResponse(status: 429)),
             expected: .http(status: 429, context: context), messageContains: "rate limiting"),
        Case(answer: .success(TransportResponse(status: 302, headers: ["Location": "https://elsewhere.test/"])),
             expected: .http(status: 302, context: context), messageContains: "redirected"),
        Case(answer: .success(TransportResponse(status: 200, body: Data(#"{"D":{"Success":true,"Results":[{"Id":"#.utf8))),
             expected: .malformedBody(status: 200, reason: "not JSON", context: context), messageContains: "could not read"),
        Case(answer: .success(TransportResponse(status: 200, body: Data("<html>".utf8))),
             expected: .malformedBody(status: 200, reason: "not JSON", context: context), messageContains: "could not read"),
        Case(answer: .failure(.connectionRefused),
             expected: .transport(.connectionRefused, host: "spark.test", context: context), messageContains: "Could not connect to spark.test"),
        Case(answer: .failure(.timedOut),
             expected: .transport(.timedOut, host: "spark.test", context: context), messageContains: "did not answer in time"),
        Case(answer: .failure(.hostNotFound),
             expected: .transport(.hostNotFound, host: "spark.test", context: context), messageContains: "Could not find the server"),
        Case(answer: .failure(.tls("bad certificate")),
             expected: .transport(.tls("bad certificate"), host: "spark.test", context: context), messageContains: "secure connection"),
        Case(answer: .failure(.other("connection reset")),
             expected: .transport(.other("connection reset"), host: "spark.test", context: context), messageContains: "connection to spark.test failed"),
    ]

    @Test(arguments: cases)
    func mapsToTypedError(_ testCase: Case) async throws {
        let transport = ScriptedTransport([testCase.answer])
        let events = Recorder<RequestEvent>()
        let client = try makeClient(events: events) { try transport.handle($0) }
        let error = await #expect(throws: SparkError.self) { try await client.currentGroup() }
        #expect(error == testCase.expected)
        #expect(error?.userMessage.contains(testCase.messageContains) == true, "\(error?.userMessage ?? "")")
        let event = try #require(events.values.first)
        #expect(events.count == 1)
        #expect(event.method == "GET" && event.path == "/v1/portal/groups/current" && event.attempt == 1)
        #expect(event.sparkCode == testCase.expected.sparkCode)
        #expect(event.status == testCase.expected.httpStatus)
        #expect(event.errorSummary == testCase.expected.summary)
    }

    @Test func eventForSuccess() async throws {
        let events = Recorder<RequestEvent>()
        let client = try makeClient(events: events) { _ in noGroupBody }
        _ = try await client.currentGroup()
        let event = try #require(events.values.first)
        #expect(event.status == 200 && event.sparkCode == nil && event.errorSummary == nil && event.attempt == 1)
        #expect(event.duration >= .zero)
    }

    @Test func currentGroupIsTheFirstResult() async throws {
        let client = try makeClient { _ in
            TransportResponse(json: #"{"D":{"Success":true,"Results":[{"Id":"G","ContactId":"U","Users":[{"Id":"U","Name":"Ozzy"}]}]}}"#)
        }
        #expect(try await client.currentGroup()?.ownerName == "Ozzy")
    }

    @Test func missingTokenIsTypedAndSendsNothing() async throws {
        let requests = Recorder<TransportRequest>()
        let client = try makeClient(tokens: StaticToken("")) { requests.append($0); return noGroupBody }
        await #expect(throws: SparkError.missingToken) { try await client.currentGroup() }
        #expect(requests.count == 0)
        #expect(SparkError.missingToken.needsLogin)
    }
}

@Suite("Token refresh on 1020")
struct RefreshTests {
    @Test func refreshesOnceAndRetriesWithTheNewToken() async throws {
        let transport = ScriptedTransport([.success(sparkError(401, code: 1020)), .success(noGroupBody)])
        let tokens = RefreshingTokens(fresh: "fresh-token")
        let events = Recorder<RequestEvent>()
        let client = try makeClient(tokens: tokens, events: events) { try transport.handle($0) }
        #expect(try await client.currentGroup() == nil)
        #expect(tokens.refreshes.values == [secretToken])
        #expect(transport.requests.values.map { $0.header("Authorization") } == ["OAuth \(secretToken)", "OAuth fresh-token"])
        #expect(events.values.map(\.attempt) == [1, 2])
        #expect(events.values.map(\.sparkCode) == [1020, nil])
    }

    @Test func aSecond1020GivesUpWithALoginMessage() async throws {
        let transport = ScriptedTransport([.success(sparkError(401, code: 1020)), .success(sparkError(401, code: 1020))])
        let tokens = RefreshingTokens(fresh: "fresh-token")
        let client = try makeClient(retry: recordingRetry(Recorder()), tokens: tokens) { try transport.handle($0) }
        let error = await #expect(throws: SparkError.self) { try await client.chooseGroup(id: "G") }
        #expect(error?.sparkCode == 1020)
        #expect(error?.userMessage.contains("login again") == true)
        #expect(tokens.refreshes.count == 1)
        #expect(transport.requests.count == 2)
    }

    @Test func noRefreshPossibleGivesUpAtOnce() async throws {
        let transport = ScriptedTransport([.success(sparkError(401, code: 1020))])
        let tokens = RefreshingTokens(fresh: nil)
        let client = try makeClient(tokens: tokens) { try transport.handle($0) }
        let error = await #expect(throws: SparkError.self) { try await client.currentGroup() }
        #expect(error?.needsLogin == true)
        #expect(tokens.refreshes.count == 1 && transport.requests.count == 1)
    }

    @Test func badTokenIsNotRefreshed() async throws {
        let transport = ScriptedTransport([.success(sparkError(401, code: 1000))])
        let tokens = RefreshingTokens(fresh: "fresh")
        let client = try makeClient(retry: recordingRetry(Recorder()), tokens: tokens) { try transport.handle($0) }
        await #expect(throws: SparkError.self) { try await client.currentGroup() }
        #expect(tokens.refreshes.count == 0 && transport.requests.count == 1)
    }
}

@Suite("Retry and backoff")
struct RetryTests {
    @Test func rateLimitHonoursRetryAfterAndReportsTheWait() async throws {
        let transport = ScriptedTransport([
            .success(sparkError(429, code: 1550, headers: ["Retry-After": "4"])),
            .success(sparkError(503, code: 1550)),  // older servers: 503 with 1550
            .success(noGroupBody),
        ])
        let waits = Recorder<Duration>()
        let notices = Recorder<RetryNotice>()
        let events = Recorder<RequestEvent>()
        let client = try makeClient(retry: recordingRetry(waits), events: events, notices: notices) { try transport.handle($0) }
        #expect(try await client.currentGroup() == nil)
        // Retry-After exactly; then backoff 2 s (retry 2) with half of it jittered away at random 0.5.
        #expect(waits.values == [.seconds(4), .milliseconds(1500)])
        #expect(notices.values == [
            RetryNotice(method: "GET", path: "/v1/portal/groups/current", attempt: 2, delay: .seconds(4), reason: "rate limited"),
            RetryNotice(method: "GET", path: "/v1/portal/groups/current", attempt: 3, delay: .milliseconds(1500), reason: "rate limited"),
        ])
        #expect(events.values.map(\.attempt) == [1, 2, 3])
        #expect(events.values.map(\.status) == [429, 503, 200])
    }

    @Test func backoffGrowsIsCappedAndBounded() async throws {
        let transport = ScriptedTransport(Array(repeating: .success(TransportResponse(status: 503)), count: 6))
        let waits = Recorder<Duration>()
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: .seconds(1), maxDelay: .seconds(5), jitter: 0,
                                 sleep: { waits.append($0) }, random: { 0.99 })
        let client = try makeClient(retry: policy) { try transport.handle($0) }
        let error = await #expect(throws: SparkError.self) { try await client.groups() }
        #expect(error == .http(status: 503, context: RequestContext(method: "GET", path: "/v1/portal/groups?_limit=25&_pagination=1")))
        #expect(waits.values == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
        #expect(transport.requests.count == 6)
    }

    @Test func jitterTakesAShareOfTheBackoff() {
        let policy = RetryPolicy(baseDelay: .seconds(2), maxDelay: .seconds(60), jitter: 1, random: { 0.25 })
        #expect(policy.backoff(retry: 1) == .milliseconds(1500))
        #expect(policy.backoff(retry: 3) == .seconds(6))
    }

    @Test func aRetryAfterLongerThanTheCapGivesUp() async throws {
        let transport = ScriptedTransport([.success(sparkError(429, code: 1550, headers: ["Retry-After": "600"]))])
        let waits = Recorder<Duration>()
        let client = try makeClient(retry: recordingRetry(waits)) { try transport.handle($0) }
        let error = await #expect(throws: SparkError.self) { try await client.currentGroup() }
        #expect(error?.isRateLimited == true)
        #expect(waits.count == 0 && transport.requests.count == 1)
    }

    @Test func retryAfterAsAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        #expect(parseRetryAfter("Tue, 14 Nov 2023 22:13:30 GMT", now: now) == .seconds(10))
        #expect(parseRetryAfter("2.5") == .milliseconds(2500))
        #expect(parseRetryAfter("soon") == nil)
    }

    @Test(arguments: [TransportFailure.connectionRefused, .timedOut, .other("reset")])
    func transportFailuresOnGetAreRetried(_ failure: TransportFailure) async throws {
        let transport = ScriptedTransport([.failure(failure), .success(noGroupBody)])
        let notices = Recorder<RetryNotice>()
        let client = try makeClient(retry: recordingRetry(Recorder()), notices: notices) { try transport.handle($0) }
        #expect(try await client.currentGroup() == nil)
        #expect(transport.requests.count == 2)
        #expect(notices.values.map(\.reason) == [failure.summary])
    }

    /// What will still be so a second later is not retried: a name that does not resolve, a refused connection to
    /// this machine (nothing listens there), a TLS failure.
    @Test(arguments: [("https://spark.test", TransportFailure.hostNotFound), ("http://127.0.0.1:9", .connectionRefused),
                      ("http://localhost:9", .connectionRefused), ("https://spark.test", .tls("certificate expired"))])
    func failuresThatWillStillBeThereAreNotRetried(endpoint: String, failure: TransportFailure) async throws {
        let transport = ScriptedTransport([.failure(failure)])
        let waits = Recorder<Duration>()
        let client = try makeClient(baseURL: endpoint, retry: recordingRetry(waits)) { try transport.handle($0) }
        let error = await #expect(throws: SparkError.self) { try await client.currentGroup() }
        guard case .transport(failure, _, _)? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(transport.requests.count == 1 && waits.count == 0)
    }

    @Test func tlsFailuresAreNotRetried() async throws {
        let transport = ScriptedTransport([.failure(.tls("certificate expired"))])
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        await #expect(throws: SparkError.self) { try await client.currentGroup() }
        #expect(transport.requests.count == 1)
    }

    @Test func putAndDeleteOfTheCurrentGroupRetry() async throws {
        let transport = ScriptedTransport([
            .success(TransportResponse(status: 500)), .success(successBody),
            .failure(.timedOut), .success(TransportResponse(status: 204)),
        ])
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        try await client.chooseGroup(id: "G")
        try await client.leaveGroup()
        #expect(transport.requests.values.map(\.method) == ["PUT", "PUT", "DELETE", "DELETE"])
    }

    @Test func postNeverRetries() async throws {
        let waits = Recorder<Duration>()
        for answer: Result<TransportResponse, TransportFailure> in [
            .success(TransportResponse(status: 503)), .success(sparkError(429, code: 1550)), .failure(.timedOut),
        ] {
            let transport = ScriptedTransport([answer])
            let client = try makeClient(retry: recordingRetry(waits)) { try transport.handle($0) }
            await #expect(throws: SparkError.self) {
                try await client.grantToken(.authorizationCode("c"), clientID: "i", clientSecret: "s", redirectURI: "r")
            }
            #expect(transport.requests.count == 1)
        }
        #expect(waits.count == 0)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let transport = ScriptedTransport([.success(sparkError(400, code: 1025))])
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        await #expect(throws: SparkError.self) { try await client.chooseGroup(id: "gone") }
        #expect(transport.requests.count == 1)
    }
}

@Suite("Cancellation", .timeLimit(.minutes(1)))
struct CancellationTests {
    @Test func cancellingDuringTheRequestEndsWithCancelledAndNoRetry() async throws {
        let started = Recorder<Int>()
        let client = try makeClient(retry: recordingRetry(Recorder())) { _ in
            started.append(1)
            try await Task.sleep(for: .seconds(3600))  // ends only by cancellation
            return noGroupBody
        }
        let task = Task { try await client.groups() }
        try await eventually("request started") { started.count == 1 }
        task.cancel()
        let result = await task.result
        #expect(throws: SparkError.cancelled(context: RequestContext(method: "GET", path: "/v1/portal/groups?_limit=25&_pagination=1"))) {
            try result.get()
        }
        #expect(started.count == 1)
    }

    @Test func cancellingDuringABackoffWaitEndsWithCancelled() async throws {
        let requests = Recorder<Int>()
        let waiting = Recorder<Duration>()
        let policy = RetryPolicy(maxAttempts: 4, baseDelay: .seconds(3600), maxDelay: .seconds(3600), jitter: 0) {
            waiting.append($0)
            try await Task.sleep(for: $0)
        }
        let client = try makeClient(retry: policy) { _ in
            requests.append(1)
            return TransportResponse(status: 503)
        }
        let task = Task { try await client.currentGroup() }
        try await eventually("backoff started") { waiting.count == 1 }
        task.cancel()
        let error = await #expect(throws: SparkError.self) { try await task.value }
        guard case .cancelled? = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
        #expect(requests.count == 1)
    }

    @Test func anAlreadyCancelledTaskSendsNothing() async throws {
        let requests = Recorder<Int>()
        let client = try makeClient { _ in requests.append(1); return noGroupBody }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.currentGroup()
        }
        await #expect(throws: SparkError.self) { try await task.value }
        #expect(requests.count == 0)
    }
}
