import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// How to run a demo server: which data, where to listen, and what faults to inject.
public struct DemoServerConfiguration: Sendable {
    public var dataSet: DemoDataSet
    public var host = "127.0.0.1"
    /// 0 picks any free port; `DemoServer.baseURL` reports the one bound.
    public var port = 0
    public var faults: FaultPlan
    /// Drives every random choice of fault injection (rates, jitter).
    public var seed: UInt64
    /// Faults of the photo listener (`spark-mock --photo-fault`).
    public var photoFaults: [PhotoFault] = []
    /// Where listings' photo URIs point: set by `DemoServer.start` to its photo listener (`http://HOST:PORT`,
    /// another port on `host`). Without one (socket-free tests) listings have no photos.
    public var photoBaseURL: URL?
    /// What latency, stalls and the rate limiter's window are measured on: the real clock, or a test's clock that
    /// only moves when the test advances it (so a test never waits for a stall or a rate-limit window to pass).
    public var clock: any Clock<Duration>
    /// Whether the key may read news feeds ("Privileged API Keys Only"). False makes every `/v1/newsfeeds` call
    /// answer 403, code 1500, as Spark does for a key without the privilege (`spark-mock --no-newsfeed-privilege`).
    public var newsFeedPrivilege: Bool

    /// Added to every response; the same value as `faults.latency`.
    public var latency: Duration {
        get { faults.latency }
        set { faults.latency = newValue }
    }

    public init(dataSet: DemoDataSet = .demo, host: String = "127.0.0.1", port: Int = 0,
                latency: Duration = .zero, faults: FaultPlan = FaultPlan(), seed: UInt64 = 0,
                clock: any Clock<Duration> = ContinuousClock(), newsFeedPrivilege: Bool = true) {
        self.dataSet = dataSet
        self.host = host
        self.port = port
        self.faults = faults
        self.seed = seed
        self.clock = clock
        self.newsFeedPrivilege = newsFeedPrivilege
        if latency != .zero { self.faults.latency = latency }
    }
}

/// The Hummingbird responder: turns a Hummingbird request into a `MockRequest`, asks `DemoAPI`, and back.
/// It holds no API logic.
struct DemoResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let api: DemoAPI

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 4 << 20)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        let mockRequest = MockRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                                      headers: headers, body: Array(body.readableBytesView))
        let answer = await api.respond(to: mockRequest)
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        guard let pause = answer.bodyPause else {
            return Response(status: .init(code: answer.status), headers: fields,
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        return Response(status: .init(code: answer.status), headers: fields, body: pausedBody(answer.body, pause: pause, clock: api.clock))
    }
}

/// A logger that drops everything: swift-log's default handler prints to stdout, which would draw over the TUI.
let silentLogger = Logger(label: "spark-mock", factory: { _ in SwiftLogNoOpLogHandler() })

/// The demo server's application, for socket-free tests (HummingbirdTesting's `.router` mode) or to run yourself.
/// `journal` receives every request the application answers.
public func buildDemoApplication(_ configuration: DemoServerConfiguration = .init(),
                                 journal: RequestJournal = RequestJournal(),
                                 logger: Logger? = nil,
                                 onServerRunning: @escaping @Sendable (Int?) async -> Void = { _ in })
    -> some ApplicationProtocol {
    let api = DemoAPI(configuration: configuration, journal: journal)
    return Application(
        responder: DemoResponder(api: api),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                serverName: nil),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
        logger: logger ?? silentLogger
    )
}

/// A running demo server, for long-lived use (`spark-portal --demo`, `spark-mock`): `start`, use `baseURL`, `stop()`.
/// It logs nothing and installs no signal handlers (it runs with `app.run()`, not a service group with signals).
/// Listings' photos come from a second listener on the same host, `photoBaseURL`.
public final class DemoServer: Sendable {
    /// `http://127.0.0.1:PORT` with the port actually bound.
    public let baseURL: URL
    /// The photo listener: `http://127.0.0.1:PORT2`.
    public let photoBaseURL: URL
    /// Every request the server answered, for tests that assert what reached it.
    public let journal: RequestJournal
    /// Every request the photo listener answered.
    public let photoJournal: RequestJournal
    public let configuration: DemoServerConfiguration
    private let api: DemoAPI
    private let listeners: [Listener]

    /// One Hummingbird application on a port, in a service group of its own (stopped gracefully).
    private struct Listener: Sendable {
        var url: URL
        var services: ServiceGroup
        var task: Task<Void, any Error>

        /// Stops accepting, answers and closes what it accepted (cut off after a second), and waits until it is down.
        func stop() async {
            await services.triggerGracefulShutdown()
            _ = await task.result
        }
    }

    private init(baseURL: URL, photoBaseURL: URL, journal: RequestJournal, photoJournal: RequestJournal,
                 configuration: DemoServerConfiguration, api: DemoAPI, listeners: [Listener]) {
        self.baseURL = baseURL
        self.photoBaseURL = photoBaseURL
        self.journal = journal
        self.photoJournal = photoJournal
        self.configuration = configuration
        self.api = api
        self.listeners = listeners
    }

    /// Starts listening (the photo listener first: the API's photo URIs point at it) and returns once both ports
    /// are bound (throws if binding fails).
    public static func start(_ configuration: DemoServerConfiguration = .init()) async throws -> DemoServer {
        var configuration = configuration
        let photoJournal = RequestJournal()
        // The service only counts a listing's photos; the catalog that writes URIs is the API's, made below.
        let photoService = DemoPhotoService(catalog: DemoPhotoCatalog(baseURL: nil), faults: configuration.photoFaults,
                                            journal: photoJournal, clock: configuration.clock)
        let photos = try await listen(DemoPhotoResponder(service: photoService), host: configuration.host, port: 0)
        configuration.photoBaseURL = photos.url
        let journal = RequestJournal()
        let api = DemoAPI(configuration: configuration, journal: journal)
        do {
            let main = try await listen(DemoResponder(api: api), host: configuration.host, port: configuration.port)
            return DemoServer(baseURL: main.url, photoBaseURL: photos.url, journal: journal, photoJournal: photoJournal,
                              configuration: configuration, api: api, listeners: [main, photos])
        } catch {
            await photos.stop()
            throw error
        }
    }

    /// Runs a Hummingbird application for `responder` on host:port; returns once the port is bound.
    private static func listen<Responder: HTTPResponder>(_ responder: Responder, host: String, port: Int) async throws
        -> Listener where Responder.Context == BasicRequestContext {
        let (portStream, portContinuation) = AsyncStream<Int?>.makeStream()
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port) },
            logger: silentLogger
        )
        // In a service group of its own, for a graceful stop; no signal handlers (they would fight ncurses).
        var group = ServiceGroupConfiguration(services: [app], logger: silentLogger)
        group.maximumGracefulShutdownDuration = .seconds(1)
        let services = ServiceGroup(configuration: group)
        let task = Task {
            defer { portContinuation.finish() }
            try await services.run()
        }
        var iterator = portStream.makeAsyncIterator()
        guard let bound = await iterator.next(), let port = bound else {
            // The stream finished without a port: the run failed (e.g. the port is taken).
            let result = await task.result
            if case .failure(let error) = result { throw error }
            throw DemoServerError.notListening
        }
        let name = host.contains(":") ? "[\(host)]" : host
        guard let url = URL(string: "http://\(name):\(port)") else { throw DemoServerError.notListening }
        return Listener(url: url, services: services, task: task)
    }

    /// Stops listening and waits until the server is down: gracefully (it stops accepting, and the connections
    /// it has accepted are answered and closed), then, after a second, by cancellation (an answer held by a stall).
    /// Not cancellation at once: cancelling while an accepted connection still waits in NIO's queue traps
    /// ("Deinited NIOAsyncWriter without calling finish()", swift-nio issue 2637).
    public func stop() async {
        for listener in listeners { await listener.services.triggerGracefulShutdown() }
        for listener in listeners { await listener.stop() }
    }

    /// Mints a single-use authorization code for a user of the data set, as if they had logged in at Spark's
    /// authorization page; redeem it at `POST /v1/oauth2/grant` with `grant_type=authorization_code`.
    public func issueAuthorizationCode(for userID: String, redirectURI: String = DemoCredentials.redirectURI) async -> String {
        await api.state.issueAuthorizationCode(for: userID, redirectURI: redirectURI)
    }

    /// Makes a refresh token unusable (as if the user revoked the app).
    public func revokeRefreshToken(_ token: String) async { await api.state.revoke(refreshToken: token) }

    /// Makes an access token answer 401/1020 from now on.
    public func expireAccessToken(_ token: String) async { await api.state.expire(accessToken: token) }

    /// Makes an access token unknown (401/1000) from now on.
    public func revokeAccessToken(_ token: String) async { await api.state.revoke(accessToken: token) }

    /// The id of the group the user currently acts for, as the server remembers it.
    public func currentGroupID(of userID: String) async -> String? {
        if case .valid(let group) = await api.state.currentGroup(of: userID) { return group.id }
        return nil
    }

    /// Removes a user from a group at run time (as an agent would). If it was their current group, reading the
    /// current group or the listing carts answers 400/1025 until they choose another group or leave it.
    public func removeMember(_ userID: String, fromGroup groupID: String) async {
        await api.state.removeMember(userID, from: groupID)
    }
}

/// Why a demo server could not start.
public enum DemoServerError: Error, CustomStringConvertible {
    case notListening
    public var description: String { "the demo server did not start listening" }
}

/// Starts a demo server, runs `body` with its base URL (`http://127.0.0.1:PORT`), and always stops it.
public func withDemoServer<T: Sendable>(_ configuration: DemoServerConfiguration = .init(),
                                        _ body: (URL) async throws -> T) async throws -> T {
    try await withStartedDemoServer(configuration) { server in try await body(server.baseURL) }
}

/// Like `withDemoServer(_:_:)`, giving the body the server itself (its journal, token and code helpers).
public func withStartedDemoServer<T: Sendable>(_ configuration: DemoServerConfiguration = .init(),
                                        _ body: (DemoServer) async throws -> T) async throws -> T {
    let server = try await DemoServer.start(configuration)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
