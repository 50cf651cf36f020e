import Foundation

/// How often and how long the client waits before sending a failed call again.
/// Tests inject `sleep` and `random` so no test really sleeps and jitter is predictable.
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
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A random number in 0..<1.
    public var random: @Sendable () -> Double

    public init(
        maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
        jitter: Double = 0.5,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.sleep = sleep
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
    /// - 5xx and transport failures (but TLS): backoff;
    /// - never after cancellation or `maxAttempts`.
    func decision(
        after error: SparkError, retryAfter: Duration?, resend: ResendRule, retriesSoFar: Int, refreshed: Bool,
        canRefresh: Bool
    ) -> RetryDecision {
        switch resend {
        case .never: return .giveUp
        case .ifNotApplied where error.mayHaveBeenApplied: return .giveUp
        case .always, .ifNotApplied: break
        }
        if error.sparkCode == SparkError.codeTokenExpired {
            return canRefresh && !refreshed ? .refreshToken : .giveUp
        }
        guard retriesSoFar + 1 < maxAttempts else { return .giveUp }
        let retry = retriesSoFar + 1
        switch error {
        case _ where error.isRateLimited:
            if let retryAfter {
                return retryAfter <= maxDelay ? .wait(retryAfter, reason: "rate limited") : .giveUp
            }
            return .wait(backoff(retry: retry), reason: "rate limited")
        case .api(let status, _, _, _) where status >= 500 && status != 501,
            .http(let status, _) where status >= 500 && status != 501:
            return .wait(backoff(retry: retry), reason: "HTTP \(status)")
        case .transport(.tls, _, _):
            return .giveUp  // a certificate problem does not fix itself
        case .transport(let failure, _, _):
            return .wait(backoff(retry: retry), reason: failure.summary)
        default:
            return .giveUp
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
