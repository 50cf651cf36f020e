import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The real transport: AsyncHTTPClient, with its own connection pool on NIO's shared event loops.
/// Redirects are not followed (Spark does not redirect, and a redirect elsewhere must never carry
/// the token): a 3xx comes back as `SparkError.http`. Call `shutdown()` when done.
public final class AsyncHTTPClientTransport: SparkTransport {
    private let client: HTTPClient
    /// Bodies larger than this are not read (`ResponseTooLarge`).
    let maxBodyBytes: Int
    /// 32 MiB: a page of 25 full listings is far below it.
    public static let defaultMaxBodyBytes = 32 << 20

    /// - Parameters:
    ///   - proxy: default: from the environment for `endpoint` (see `ProxySettings`).
    ///   - tlsConfiguration: default: the system's trust roots and full certificate checks (tests pass their own
    ///     trust root here).
    ///   - maxBodyBytes: a larger answer is not read: `send` throws `ResponseTooLarge`.
    public init(endpoint: URL, proxy: ProxySettings?? = nil, connectTimeout: Duration = .seconds(10),
                tlsConfiguration: TLSConfiguration? = nil, maxBodyBytes: Int = defaultMaxBodyBytes) {
        self.maxBodyBytes = maxBodyBytes
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tlsConfiguration
        configuration.redirectConfiguration = .disallow
        // Fail a refused connection at once instead of retrying it inside the pool until the connect
        // timeout: SparkClient retries itself, with backoff the UI can show.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .nanoseconds(connectTimeout.nanoseconds))
        if let proxy = proxy ?? ProxySettings.fromEnvironment(for: endpoint) {
            let authorization = proxy.username.map {
                HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "")
            }
            configuration.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        // One deadline for the whole exchange. AsyncHTTPClient's own ends when the response head arrives, so
        // the body is read under a timer of ours on the event loop, which a server stopping mid-body runs into.
        let deadline = NIODeadline.now() + .nanoseconds(request.timeout.nanoseconds)
        do {
            let response = try await client.execute(outgoing, deadline: deadline)
            let body: ByteBuffer
            do {
                body = try await Self.collect(response.body, upTo: maxBodyBytes, deadline: deadline,
                                              on: client.eventLoopGroup.any())
            } catch is NIOTooManyBytesError {
                throw ResponseTooLarge(status: Int(response.status.code), limit: maxBodyBytes)
            }
            var headers: [String: String] = [:]
            for (name, value) in response.headers { headers[name.lowercased()] = value }
            return TransportResponse(status: Int(response.status.code), headers: headers, body: Data(body.readableBytesView))
        } catch {
            throw Self.failure(for: error)
        }
    }

    /// Reads a whole body, or fails with `TransportFailure.timedOut` at `deadline`. The timer is a scheduled
    /// task on an event loop, removed the moment the body is in (a `Task.sleep` racing it would have left a
    /// pending timer behind for every request until its deadline).
    static func collect(_ body: HTTPClientResponse.Body, upTo maxBytes: Int, deadline: NIODeadline,
                        on eventLoop: any EventLoop) async throws -> ByteBuffer {
        let reading = Task { try await body.collect(upTo: maxBytes) }
        let timer = eventLoop.scheduleTask(deadline: deadline) { reading.cancel() }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await reading.value
            } onCancel: {
                reading.cancel()
            }
        } catch {
            if !Task.isCancelled, NIODeadline.now() >= deadline { throw TransportFailure.timedOut }
            throw error
        }
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Maps NIO and AsyncHTTPClient errors onto the few failures a user can tell apart.
    static func failure(for error: any Error) -> any Error {
        if Task.isCancelled || error is CancellationError { return CancellationError() }
        if error is TransportFailure || error is ResponseTooLarge { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled: return CancellationError()
            case .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout,
                .httpProxyHandshakeTimeout, .socksHandshakeTimeout:
                return TransportFailure.timedOut
            case .tlsHandshakeTimeout: return TransportFailure.tls("handshake timed out")
            case .remoteConnectionClosed: return TransportFailure.other("connection closed by the server")
            case .proxyAuthenticationRequired: return TransportFailure.other("the proxy wants credentials")
            case .invalidProxyResponse: return TransportFailure.other("the proxy refused the connection")
            case .bodyLengthMismatch: return TransportFailure.other("the body's length differs from its Content-Length")
            default: return TransportFailure.other(error.shortDescription)
            }
        }
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return TransportFailure.hostNotFound
            }
            let refused = error.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }
            return refused ? TransportFailure.connectionRefused : TransportFailure.other("could not connect")
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return TransportFailure.connectionRefused
            case ETIMEDOUT: return TransportFailure.timedOut
            default: return TransportFailure.other("connection error (errno \(error.errnoCode))")
            }
        }
        if error is SocketAddressError { return TransportFailure.hostNotFound }
        if error is ChannelError { return TransportFailure.other("connection closed") }
        switch error {
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError, is NIOSSLCloseTimedOutError, is NIOTLSUnwrappingError:
            return TransportFailure.tls(String(describing: type(of: error)))
        default:
            return TransportFailure.other(String(reflecting: type(of: error)))
        }
    }
}

extension SparkClient {
    /// A client on the real network (`AsyncHTTPClientTransport`, proxy from the environment).
    /// Call `shutdown()` when done, or use `withLive`.
    public static func live(
        configuration: SparkClientConfiguration, tokens: any AccessTokenProvider,
        onEvent: @escaping @Sendable (RequestEvent) -> Void = { _ in },
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in }
    ) throws -> SparkClient {
        try checkEndpoint(configuration.baseURL)  // before starting any connection pool
        return try SparkClient(
            configuration: configuration, tokens: tokens,
            transport: AsyncHTTPClientTransport(endpoint: configuration.baseURL),
            onEvent: onEvent, onRetry: onRetry)
    }

    /// Runs `body` with a live client and always shuts it down afterwards.
    public static func withLive<Result>(
        configuration: SparkClientConfiguration, tokens: any AccessTokenProvider,
        onEvent: @escaping @Sendable (RequestEvent) -> Void = { _ in },
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in },
        _ body: (SparkClient) async throws -> Result
    ) async throws -> Result {
        let client = try live(configuration: configuration, tokens: tokens, onEvent: onEvent, onRetry: onRetry)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

extension Duration {
    /// Whole nanoseconds, for NIO's `TimeAmount`.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
