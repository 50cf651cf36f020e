/// The request a failure belongs to: method and path (with query, without host).
public struct RequestContext: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var path: String

    public init(method: String, path: String) {
        self.method = method
        self.path = path
    }

    public var description: String { "\(method) \(path)" }
}

/// Why no connection or no answer came.
public enum TransportFailure: Error, Sendable, Hashable {
    case connectionRefused
    case timedOut
    /// The host name could not be resolved.
    case hostNotFound
    /// The TLS handshake or certificate check failed.
    case tls(String)
    /// The connection broke or something else went wrong below HTTP.
    case other(String)

    var summary: String {
        switch self {
        case .connectionRefused: "connection refused"
        case .timedOut: "timed out"
        case .hostNotFound: "host not found"
        case .tls(let detail): "TLS failure: \(detail)"
        case .other(let detail): detail
        }
    }
}

/// Everything that can go wrong talking to Spark. Each case carries the context a log needs
/// (`description`) and has one sentence a user can act on (`userMessage`). Never contains a token.
public enum SparkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No usable answer: refused, timed out, DNS, TLS, broken connection.
    case transport(TransportFailure, host: String, context: RequestContext)
    /// The server answered with a Spark error envelope (`"Success": false`, `Code`, `Message`).
    case api(status: Int, code: Int?, message: String?, context: RequestContext)
    /// A non-2xx status without a Spark envelope (a proxy's HTML page, an empty 502, a redirect).
    case http(status: Int, context: RequestContext)
    /// A 2xx answer the client could not read.
    case malformedBody(status: Int, reason: String, context: RequestContext)
    /// An answer whose body was larger than the transport reads (`limit` bytes): not read, not retried.
    case answerTooLarge(status: Int, limit: Int, context: RequestContext)
    case cancelled(context: RequestContext?)
    /// The endpoint is `http://` (or another scheme) to a host that is not loopback.
    case insecureEndpoint(String)
    /// The token endpoint refused the grant (`error`, `error_description`).
    case oauth(error: String, description: String?, status: Int)
    /// There is no access token to send.
    case missingToken

    public static let codeBadToken = 1000
    public static let codeTokenExpired = 1020
    public static let codeGroupNotValid = 1025
    public static let codeNoPortalAccount = 1100
    public static let codeNotAvailableForKey = 1500
    public static let codeNotAvailableForMLS = 1505
    public static let codeRateLimited = 1550
    public static let codeMissingUserAgent = 1016
    /// `_filter=SavedSearch Eq '<Id>'` names a search that does not exist or that this user may not read.
    public static let codeSavedSearchNotAvailable = 2001

    public var sparkCode: Int? {
        if case .api(_, let code, _, _) = self { code } else { nil }
    }

    public var httpStatus: Int? {
        switch self {
        case .api(let status, _, _, _), .http(let status, _), .malformedBody(let status, _, _),
            .answerTooLarge(let status, _, _), .oauth(_, _, let status):
            status
        default: nil
        }
    }

    public var context: RequestContext? {
        switch self {
        case .transport(_, _, let context), .api(_, _, _, let context), .http(_, let context),
            .malformedBody(_, _, let context), .answerTooLarge(_, _, let context):
            context
        case .cancelled(let context): context
        case .insecureEndpoint, .oauth, .missingToken: nil
        }
    }

    /// True when logging in again is the fix (bad or expired token, HTTP 401, missing token).
    public var needsLogin: Bool {
        switch self {
        case .api(_, SparkError.codeBadToken, _, _), .api(_, SparkError.codeTokenExpired, _, _): true
        case .api(401, nil, _, _), .http(401, _): true
        case .oauth, .missingToken: true
        default: false
        }
    }

    /// The saved search is gone or not this user's to read (2001): deleted, or the group they act for changed.
    public var isSavedSearchUnavailable: Bool { sparkCode == SparkError.codeSavedSearchNotAvailable }

    /// The key (1500) or the MLS (1505) has no access to what was asked: a state to show, never worth a retry.
    public var isNotAvailableForKeyOrMLS: Bool {
        sparkCode == SparkError.codeNotAvailableForKey || sparkCode == SparkError.codeNotAvailableForMLS
    }

    /// True when the server asked us to slow down (1550 or HTTP 429).
    public var isRateLimited: Bool {
        switch self {
        case .api(_, SparkError.codeRateLimited, _, _), .api(429, _, _, _), .http(429, _): true
        default: false
        }
    }

    /// Whether the server may have acted on the request although the client saw a failure: false only when the
    /// failure proves it did not — no connection was made (refused, unknown host, TLS), or the server answered
    /// with a refusal (a 4xx, an expired token, a rate limit, an error envelope in a 2xx). A timeout, a dropped
    /// connection, a 5xx, an unreadable or oversized answer or a cancellation may each come after the write was applied.
    public var mayHaveBeenApplied: Bool {
        switch self {
        case .transport(.connectionRefused, _, _), .transport(.hostNotFound, _, _), .transport(.tls, _, _): false
        case .transport: true
        case .api(let status, _, _, _), .http(let status, _): status >= 500 && !isRateLimited
        case .malformedBody, .answerTooLarge, .cancelled: true
        case .insecureEndpoint, .oauth, .missingToken: false
        }
    }

    /// What happened to a request that may have been applied (`mayHaveBeenApplied`), as a clause with no advice in it:
    /// whether no answer came or the server answered with a failure. "the server failed (HTTP 500, code 0: Injected
    /// fault)", "no answer came (sparkapi.com did not answer in time)".
    public var outcomeUnknownClause: String {
        switch self {
        case .api(let status, let code, let message, _):
            "the server failed (HTTP \(status)\(code.map { ", code \($0)" } ?? "")\(message.map { ": \($0)" } ?? ""))"
        case .http(let status, _): "the server failed (HTTP \(status))"
        case .malformedBody(let status, _, _), .answerTooLarge(let status, _, _): "the server's answer could not be read (HTTP \(status))"
        case .transport(.timedOut, let host, _): "no answer came (\(host) did not answer in time)"
        case .transport(_, let host, _): "no answer came (the connection to \(host) broke)"
        case .cancelled: "no answer came (the request was cancelled)"
        case .insecureEndpoint, .oauth, .missingToken: userMessage
        }
    }

    /// One sentence a user can act on.
    public var userMessage: String {
        switch self {
        case .transport(.connectionRefused, let host, _):
            "Could not connect to \(host): nothing is listening there. Check --endpoint and try again."
        case .transport(.timedOut, let host, _):
            "\(host) did not answer in time. Check your network connection and try again."
        case .transport(.hostNotFound, let host, _):
            "Could not find the server \(host). Check --endpoint and your network connection."
        case .transport(.tls, let host, _):
            "Could not make a secure connection to \(host). Check --endpoint, your proxy and the system clock."
        case .transport(.other, let host, _):
            "The connection to \(host) failed. Check your network connection and try again."
        case .api(let status, let code, let message, _):
            Self.apiMessage(status: status, code: code, message: message)
        case .http(let status, _):
            Self.httpMessage(status: status)
        case .malformedBody:
            "The Spark API sent an answer spark-portal could not read. Try again; if it persists, report it."
        case .answerTooLarge(_, let limit, let context):
            "The answer to \(context) was larger than \(Self.bytes(limit)), more than any Spark answer should be; "
                + "it was not read. Check --endpoint; if it persists, report it."
        case .cancelled:
            "The request was cancelled."
        case .insecureEndpoint(let endpoint):
            "Refusing to send credentials over plain http to \(endpoint): use an https:// endpoint "
                + "(http:// is allowed only for localhost)."
        case .oauth(let error, let description, _):
            "Login failed (\(error)\(description.map { ": \($0)" } ?? "")). Run spark-portal login again."
        case .missingToken:
            "No access token: set SPARK_ACCESS_TOKEN or run spark-portal login."
        }
    }

    private static func apiMessage(status: Int, code: Int?, message: String?) -> String {
        switch code {
        case codeTokenExpired:
            return "Your session has expired. Run spark-portal login again."
        case codeBadToken:
            return "Your access token was not accepted. Run spark-portal login again (or check SPARK_ACCESS_TOKEN)."
        case codeGroupNotValid:
            return "That portal group is no longer available. Pick another group."
        case codeRateLimited:
            return "The Spark API is rate limiting this key. Wait a few minutes and try again."
        case codeNotAvailableForKey:
            return "This feature is not available for your API key. Ask your Spark key administrator."
        case codeNotAvailableForMLS:
            return "This feature is not available for your MLS."
        case codeNoPortalAccount:
            return "You have no portal account. Ask your agent to set up your portal."
        case codeSavedSearchNotAvailable:
            return "That saved search is not available to you any more: it was deleted, or the group you act for "
                + "changed. Read the saved searches again."
        case codeMissingUserAgent:
            return "The request was sent without a user agent, which is a bug in spark-portal. Please report it."
        case let code? where status >= 500:
            // A server failure is not a refusal: say it is theirs and worth another try.
            let detail = message.map { ": \($0)" } ?? ""
            return "The Spark API is having trouble (HTTP \(status), code \(code)\(detail)). Try again later."
        case let code?:
            let detail = message.map { ": \($0)" } ?? ""
            return "The Spark API refused the request (code \(code)\(detail))."
        case nil:
            return message.map { "The Spark API refused the request: \($0)." } ?? httpMessage(status: status)
        }
    }

    /// `32 MiB`, `512 KiB`, `100 bytes`.
    static func bytes(_ count: Int) -> String {
        if count >= 1 << 20, count % (1 << 20) == 0 { return "\(count >> 20) MiB" }
        if count >= 1 << 10, count % (1 << 10) == 0 { return "\(count >> 10) KiB" }
        return "\(count) bytes"
    }

    private static func httpMessage(status: Int) -> String {
        switch status {
        case 401: "The Spark API did not accept your credentials. Run spark-portal login again."
        case 403: "Your account is not allowed to do this."
        case 404: "The Spark API does not know this resource. Check the id, or --endpoint."
        case 429: "The Spark API is rate limiting this key. Wait a few minutes and try again."
        case 300..<400: "The Spark API redirected the request elsewhere, which spark-portal does not follow. Check --endpoint."
        case 500...: "The Spark API is having trouble (HTTP \(status)). Try again later."
        default: "The Spark API refused the request (HTTP \(status))."
        }
    }

    /// Details for logs: what was asked, what came back.
    public var description: String {
        switch self {
        case .transport(let failure, let host, let context):
            "\(context) to \(host): \(failure.summary)"
        case .api(let status, let code, let message, let context):
            "\(context): HTTP \(status)\(code.map { ", Spark code \($0)" } ?? "")\(message.map { ": \($0)" } ?? "")"
        case .http(let status, let context):
            "\(context): HTTP \(status) without a Spark error body"
        case .malformedBody(let status, let reason, let context):
            "\(context): HTTP \(status), unreadable body: \(reason)"
        case .answerTooLarge(let status, let limit, let context):
            "\(context): HTTP \(status), body over \(limit) bytes"
        case .cancelled(let context):
            "\(context.map { "\($0): " } ?? "")cancelled"
        case .insecureEndpoint(let endpoint):
            "insecure endpoint \(endpoint): http:// is allowed only for loopback hosts"
        case .oauth(let error, let description, let status):
            "token endpoint: HTTP \(status), \(error)\(description.map { ": \($0)" } ?? "")"
        case .missingToken:
            "no access token"
        }
    }

    /// The message of the server's error envelope, when it sent one.
    public var serverMessage: String? {
        guard case .api(_, _, let message?, _) = self, !message.isEmpty else { return nil }
        return message
    }

    /// The short form used in `RequestEvent.errorSummary`.
    var summary: String {
        switch self {
        case .transport(let failure, _, _): failure.summary
        case .api(let status, let code, _, _): "HTTP \(status)\(code.map { ", Spark code \($0)" } ?? "")"
        case .http(let status, _): "HTTP \(status)"
        case .malformedBody(let status, _, _): "HTTP \(status), unreadable body"
        case .answerTooLarge(let status, let limit, _): "HTTP \(status), body over \(Self.bytes(limit))"
        case .cancelled: "cancelled"
        case .insecureEndpoint: "insecure endpoint"
        case .oauth(let error, _, let status): "HTTP \(status), \(error)"
        case .missingToken: "no access token"
        }
    }
}
