import Foundation

/// One HTTP request as the transport sends it: absolute URL, final headers (including the token:
/// transports must not log them), body.
public struct TransportRequest: Sendable, Hashable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: Data?
    /// The whole exchange must finish within this time.
    public var timeout: Duration

    public init(method: String, url: URL, headers: [String: String] = [:], body: Data? = nil, timeout: Duration = .seconds(20)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// A header by name, ignoring case.
    public func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// The answer to a `TransportRequest`: any status, headers, the whole body.
public struct TransportResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer, for tests and fakes.
    public init(status: Int = 200, json: String, headers: [String: String] = [:]) {
        self.init(status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a },
                  body: Data(json.utf8))
    }

    /// A header by name, ignoring case.
    public func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// An answer whose body is larger than the transport reads: it came, but was not read.
public struct ResponseTooLarge: Error, Sendable, Hashable {
    public var status: Int
    /// The most the transport reads, in bytes.
    public var limit: Int

    public init(status: Int, limit: Int) {
        self.status = status
        self.limit = limit
    }
}

/// Moves bytes: the client builds requests and reads answers; a transport only sends them.
/// Throw `TransportFailure` for connection problems, `ResponseTooLarge` for a body past the transport's limit and
/// `CancellationError` when cancelled; return every HTTP answer, whatever its status.
public protocol SparkTransport: Sendable {
    func send(_ request: TransportRequest) async throws -> TransportResponse
    /// Releases connections and threads; the transport must not be used afterwards.
    func shutdown() async
}

extension SparkTransport {
    public func shutdown() async {}
}

/// A transport made of a closure: canned answers in tests, or an in-process server.
public struct ClosureTransport: SparkTransport {
    private let handler: @Sendable (TransportRequest) async throws -> TransportResponse

    public init(_ handler: @escaping @Sendable (TransportRequest) async throws -> TransportResponse) {
        self.handler = handler
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        try await handler(request)
    }
}
