import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import SparkAPI

/// A token distinctive enough that finding it anywhere is a leak.
let secretToken = "tok-SECRET-7f3a9c1e"

/// `../shared` beside the checkout, when present (it holds fixtures from other projects that we
/// must not copy into this one).
enum Shared {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared")
    static let fixtures = root.appendingPathComponent("fixtures")
    static let seed = root.appendingPathComponent("seed/changing-current-portal-group.txt")
    static var isPresent: Bool { FileManager.default.fileExists(atPath: fixtures.path) }
    static let skipNote: Comment = "../shared is absent: the shared fixtures and seed are not available, so these tests are skipped"

    /// Every .json file under fixtures/, as paths relative to it.
    static func fixtureFiles() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: fixtures.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted()
    }

    static func fixture(_ relativePath: String) throws -> Data {
        try Data(contentsOf: fixtures.appendingPathComponent(relativePath))
    }

    /// The JSON blocks of the seed walkthrough, in order: each starts on a line that is just `{`
    /// and ends at its matching brace (the curl lines hold other braces inline, which this skips).
    static func seedBlocks() throws -> [String] {
        let text = try String(contentsOf: seed, encoding: .utf8)
        var blocks: [String] = []
        var current: String?
        var depth = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "{" { current = "" }
            guard current != nil else { continue }
            current! += line + "\n"
            depth += line.filter { $0 == "{" }.count - line.filter { $0 == "}" }.count
            if depth == 0 {
                blocks.append(current!)
                current = nil
            }
        }
        return blocks
    }
}

/// Thread-safe recording for transports and observers.
final class Recorder<Value: Sendable>: Sendable {
    private let box = NIOLockedValueBox<[Value]>([])
    func append(_ value: Value) { box.withLockedValue { $0.append(value) } }
    var values: [Value] { box.withLockedValue { $0 } }
    var count: Int { values.count }
}

/// Waits for a condition with a deadline (never a fixed sleep).
func eventually(_ what: Comment, timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting for: \(what)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(2))
    }
}

/// A clock for call deadlines that moves only when told: `sleep` records each wait and moves it on, and a
/// transport can move it to play a slow answer.
final class DeadlineClock: Sendable {
    private let start = ContinuousClock.now
    private let offset = NIOLockedValueBox<Duration>(.zero)
    let waits = Recorder<Duration>()

    var now: ContinuousClock.Instant { start + offset.withLockedValue { $0 } }
    func advance(_ duration: Duration) { offset.withLockedValue { $0 += duration } }

    /// A retry policy on this clock (backoff 1 s, 2 s, ... with half jittered away at `random` 0.5).
    func policy(maxAttempts: Int = 4, random: Double = 0.5) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: maxAttempts, baseDelay: .seconds(1), maxDelay: .seconds(30), jitter: 0.5,
            sleep: { self.waits.append($0); self.advance($0) }, now: { self.now }, random: { random })
    }
}

/// A retry policy that never sleeps: it records the waits it was asked for (on a clock that stands still).
func recordingRetry(_ waits: Recorder<Duration>, maxAttempts: Int = 4, random: Double = 0.5) -> RetryPolicy {
    let frozen = ContinuousClock.now
    return RetryPolicy(
        maxAttempts: maxAttempts, baseDelay: .seconds(1), maxDelay: .seconds(30), jitter: 0.5,
        sleep: { waits.append($0) }, now: { frozen }, random: { random })
}

/// A client on a closure transport at a fake https endpoint.
func makeClient(
    baseURL: String = "https://spark.test", retry: RetryPolicy = .none, callTimeout: Duration? = nil,
    tokens: any AccessTokenProvider = StaticToken(secretToken), pageSize: Int = 25, maxConcurrentPages: Int = 6,
    lastPageNumber: Int = Endpoints.maxPageNumber,
    events: Recorder<RequestEvent>? = nil, notices: Recorder<RetryNotice>? = nil,
    _ handler: @escaping @Sendable (TransportRequest) async throws -> TransportResponse
) throws -> SparkClient {
    var configuration = SparkClientConfiguration(
        baseURL: URL(string: baseURL)!, userAgent: "spark-portal-tests", callTimeout: callTimeout,
        retry: retry, pageSize: pageSize, maxConcurrentPages: maxConcurrentPages)
    configuration.lastPageNumber = lastPageNumber
    return try SparkClient(
        configuration: configuration, tokens: tokens, transport: ClosureTransport(handler),
        onEvent: { events?.append($0) }, onRetry: { notices?.append($0) })
}

/// Answers from a script, one per request, and records the requests.
final class ScriptedTransport: Sendable {
    let requests = Recorder<TransportRequest>()
    private let script: NIOLockedValueBox<[Result<TransportResponse, TransportFailure>]>

    init(_ script: [Result<TransportResponse, TransportFailure>]) {
        self.script = NIOLockedValueBox(script)
    }

    func handle(_ request: TransportRequest) throws -> TransportResponse {
        requests.append(request)
        let next = script.withLockedValue { $0.isEmpty ? nil : $0.removeFirst() }
        guard let next else {
            Issue.record("unexpected extra request \(request.method) \(request.url)")
            return TransportResponse(status: 500, json: "{}")
        }
        return try next.get()
    }
}

/// A Spark error envelope.
func sparkError(_ status: Int, code: Int, message: String = "Error", headers: [String: String] = [:]) -> TransportResponse {
    TransportResponse(
        status: status, json: #"{"D":{"Success":false,"Code":\#(code),"Message":"\#(message)"}}"#, headers: headers)
}

let successBody = TransportResponse(json: #"{"D":{"Success":true}}"#)
let noGroupBody = TransportResponse(json: #"{"D":{"Success":true,"Results":[]}}"#)

/// A query parameter of a request URL.
func queryValue(_ request: TransportRequest, _ name: String) -> String? {
    URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == name }?.value
}
