/// One request/response the client saw, for the request-log pane and `--log-file`.
/// Holds no headers, so never a token: what it keeps to repeat the request (`url`, `userAgent`, `body`) is what the
/// request sent apart from the `Authorization` header, and a body is kept only when it holds no secret (never the
/// token grant's, which carries the client secret and a code or refresh token).
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
    /// The whole URL the request went to: the endpoint, the path and the query.
    public var url: String?
    /// The `X-SparkApi-User-Agent` it carried.
    public var userAgent: String?
    /// The JSON body of a write, as sent; nil for a request without one, and for one whose body holds a secret.
    public var body: String?

    public init(
        method: String, path: String, status: Int?, sparkCode: Int?, duration: Duration, attempt: Int,
        errorSummary: String?, message: String? = nil, url: String? = nil, userAgent: String? = nil, body: String? = nil
    ) {
        self.method = method
        self.path = path
        self.status = status
        self.sparkCode = sparkCode
        self.duration = duration
        self.attempt = attempt
        self.errorSummary = errorSummary
        self.message = message
        self.url = url
        self.userAgent = userAgent
        self.body = body
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
