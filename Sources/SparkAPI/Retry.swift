import Foundation

/// How often and how long the client waits before sending a failed call again.
/// Tests inject `sleep`, `now` and `random` so no test really sleeps, deadlines pass when the test says, and jitter
/// is predictable.
public struct RetryPolicy: Sendable {
    /// Tries per call, the first included. A refresh after 1020 is not counted.
    public var maxAttempts: Int
    /// The first backoff; doubles on each retry.
    public var baseDelay: Duration
    /// No wait is longer; a `Retry-After` longer than this ends the retries instead.
    public var maxDelay: Duration
    /// The share of each backoff taken away at random (0 = none, 1 = "full jitter"), so many
    /// clients do not retry in lockstep.
    public var jitter: Double
    /// With a deadline for the whole call (`SparkClientConfiguration.callTimeout`), a wait is started only when at
    /// least this much time is left after it: a try with less would hardly have a chance.
    public var shortestTry: Duration
    public var sleep: @Sendable (Duration) async throws -> Void
    /// The clock call deadlines are measured on.
    public var now: @Sendable () -> ContinuousClock.Instant
    /// A random number in 0..<1.
    public var random: @Sendable () -> Double

    public init(
        maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
        jitter: Double = 0.5, shortestTry: Duration = .seconds(1),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.shortestTry = shortestTry
        self.sleep = sleep
        self.now = now
        self.random = random
    }

    /// Never retry (1020 refresh still happens).
    public static var none: RetryPolicy { RetryPolicy(maxAttempts: 1) }

    /// The wait before retry number `retry` (1-based): exponential, capped, jittered.
    func backoff(retry: Int) -> Duration {
        let exponential = baseDelay * Double(1 << min(max(retry - 1, 0), 20))
        let capped = min(exponential, maxDelay)
        return capped * (1 - min(max(jitter, 0), 1) * random())
    }
}

/// What to do after a failed try.
enum RetryDecision: Equatable {
    case refreshToken
    case wait(Duration, reason: String)
    case giveUp
}

extension RetryPolicy {
    /// The retry rules in one place:
    /// - a call is re-sent only when that cannot apply it twice: `.always` calls (idempotent) after any failure
    ///   below, `.ifNotApplied` ones (creating) only when the failure shows the server never acted on them
    ///   (`SparkError.mayHaveBeenApplied` is false), `.never` ones not at all;
    /// - 1020 (token expired): refresh once, then send again;
    /// - 1550 or HTTP 429: wait `Retry-After` (or backoff), unless it is longer than `maxDelay`;
    /// - 5xx and transport failures: backoff — but not a failure that will still be there a second later: a TLS
    ///   failure, a host name that does not resolve, a refused connection to this machine (nothing is listening
    ///   there, and nothing will be in a second);
    /// - never an answer too large to read, a 4xx, a cancellation, or after `maxAttempts`;
    /// - with a deadline for the whole call, never a wait that leaves less than `shortestTry` of `timeLeft`.
    func decision(
        after error: SparkError, retryAfter: Duration?, resend: ResendRule, retriesSoFar: Int, refreshed: Bool,
        canRefresh: Bool, timeLeft: Duration? = nil
    ) -> RetryDecision {
        switch resend {
        case .never: return .giveUp
        case .ifNotApplied where error.mayHaveBeenApplied: return .giveUp
        case .always, .ifNotApplied: break
        }
        if error.sparkCode == SparkError.codeTokenExpired {
            return canRefresh && !refreshed ? .refreshToken : .giveUp
        }
        guard retriesSoFar + 1 < maxAttempts, let (delay, reason) = wait(after: error, retryAfter: retryAfter, retry: retriesSoFar + 1)
        else { return .giveUp }
        if let timeLeft, delay + shortestTry > timeLeft { return .giveUp }
        return .wait(delay, reason: reason)
    }

    /// How long to wait before retry number `retry` after `error`, and why; nil when the error is not worth a retry.
    private func wait(after error: SparkError, retryAfter: Duration?, retry: Int) -> (Duration, String)? {
        switch error {
        case _ where error.isRateLimited:
            if let retryAfter { return retryAfter <= maxDelay ? (retryAfter, "rate limited") : nil }
            return (backoff(retry: retry), "rate limited")
        case .api(let status, _, _, _) where status >= 500 && status != 501,
            .http(let status, _) where status >= 500 && status != 501:
            return (backoff(retry: retry), "HTTP \(status)")
        case .transport(.tls, _, _), .transport(.hostNotFound, _, _):
            return nil
        case .transport(.connectionRefused, let host, _) where SparkClient.isLoopback(host):
            return nil
        case .transport(let failure, _, _):
            return (backoff(retry: retry), failure.summary)
        default:
            return nil
        }
    }
}

/// `Retry-After`: delta seconds, or an HTTP date.
func parseRetryAfter(_ value: String?, now: Date = Date()) -> Duration? {
    guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
    if let seconds = Double(value), seconds >= 0, seconds.isFinite { return .milliseconds(Int64(seconds * 1000)) }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = formatter.date(from: value) else { return nil }
    return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
}
