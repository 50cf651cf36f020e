/// One request/response the client saw, for the request-log pane and `--log-file`.
/// Holds no headers and no body, so never a token.
public struct RequestEvent: Sendable, Hashable {
    public var method: String
    /// Path and query, without the host.
    public var path: String
    /// The HTTP status, nil when no response came (transport error, cancellation).
    public var status: Int?
    /// The Spark `Code` of an error envelope.
    public var sparkCode: Int?
    public var duration: Duration
    /// 1 for the first try of a call, 2 for its first retry, ...
    public var attempt: Int
    /// A short reason when the exchange failed (`HTTP 429, Spark code 1550`, `connection refused`).
    public var errorSummary: String?
    /// The server's own words in an error envelope (`D.Message`), for the request log.
    public var message: String?

    public init(
        method: String, path: String, status: Int?, sparkCode: Int?, duration: Duration, attempt: Int,
        errorSummary: String?, message: String? = nil
    ) {
        self.method = method
        self.path = path
        self.status = status
        self.sparkCode = sparkCode
        self.duration = duration
        self.attempt = attempt
        self.errorSummary = errorSummary
        self.message = message
    }
}

/// A wait before a retry, reported before the wait starts so the UI can say
/// "rate limited, retrying in 4s".
public struct RetryNotice: Sendable, Hashable {
    public var method: String
    public var path: String
    /// The attempt that will run after the wait.
    public var attempt: Int
    public var delay: Duration
    /// Why: `rate limited`, `HTTP 503`, `timed out`, ...
    public var reason: String
    /// How long the call has been going, its earlier tries included (for "attempt 2, 21 s").
    public var elapsed: Duration

    public init(method: String, path: String, attempt: Int, delay: Duration, reason: String, elapsed: Duration = .zero) {
        self.method = method
        self.path = path
        self.attempt = attempt
        self.delay = delay
        self.reason = reason
        self.elapsed = elapsed
    }
}
