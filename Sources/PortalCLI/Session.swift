import Foundation
import Logging
import PortalApp
import SparkAPI
import SparkMock

/// One command's connection to Spark: the client, the demo server behind it (with `--demo`), and the
/// request log. `close()` stops all of it.
public final class Session: Sendable {
    public let client: SparkClient
    public let settings: Settings
    /// Where the token came from, for `whoami`.
    public let tokenSource: String
    /// The kind of token in use, for `whoami --json`.
    public let tokenKind: TokenKind
    /// The stored login in use (and renewed as needed), when the token came from `spark-portal login`.
    public let storedLogin: StoredLoginToken?
    /// The endpoint requests go to (a stored login brings its own when none was chosen).
    public let endpoint: URL
    public let server: DemoServer?
    private let logSink: FileLogHandler.Sink?

    /// Where a session's access token came from.
    public enum TokenKind: String, Sendable {
        case demo, environment, credentials
    }

    private init(client: SparkClient, settings: Settings, tokenSource: String, tokenKind: TokenKind,
                 storedLogin: StoredLoginToken?, endpoint: URL, server: DemoServer?, logSink: FileLogHandler.Sink?) {
        self.client = client
        self.settings = settings
        self.tokenSource = tokenSource
        self.tokenKind = tokenKind
        self.storedLogin = storedLogin
        self.endpoint = endpoint
        self.server = server
        self.logSink = logSink
    }

    /// Connects as the settings say. `onEvent` and `onRetry` see every request (the TUI's request log).
    public static func open(
        _ settings: Settings, environment: [String: String],
        onEvent: @escaping @Sendable (RequestEvent) -> Void = { _ in },
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in }
    ) async throws -> Session {
        let sink: FileLogHandler.Sink?
        if let path = settings.logFile {
            do { sink = try FileLogHandler.Sink(path: path) } catch {
                throw CLIError("Cannot write the log file \(path): \(error.localizedDescription)", status: .usage)
            }
        } else {
            sink = nil
        }
        let logger = sink.map { sink in Logger(label: "spark-portal") { FileLogHandler(label: $0, sink: sink) } }

        var server: DemoServer?
        let endpoint: URL
        let tokens: any AccessTokenProvider
        let tokenSource: String
        let tokenKind: TokenKind
        var storedLogin: StoredLoginToken?
        if let dataSet = settings.demo {
            let started = try await DemoServer.start(DemoServerConfiguration(dataSet: dataSet))
            server = started
            endpoint = started.baseURL
            let token = dataSet == .seed ? DemoCredentials.seedAccessToken : DemoCredentials.demoAccessToken
            tokens = StaticToken(token)
            sink?.redact(token)
            tokenSource = "the built-in demo server (--demo)"
            tokenKind = .demo
        } else if let fromEnvironment = environment["SPARK_ACCESS_TOKEN"], !fromEnvironment.isEmpty {
            endpoint = settings.endpoint
            tokens = StaticToken(fromEnvironment)
            sink?.redact(fromEnvironment)
            tokenSource = "SPARK_ACCESS_TOKEN"
            tokenKind = .environment
        } else if let file = CredentialsFile(environment: environment), let login = try file.login(account: settings.account) {
            guard let stored = URL(string: login.endpoint) else { throw CLIError.missingToken }
            if settings.endpointIsExplicit, !sameEndpoint(stored, settings.endpoint) {
                throw CLIError(
                    "The stored login '\(settings.account)' is for \(login.endpoint), not \(settings.endpoint.absoluteString): "
                        + "run `spark-portal login --endpoint \(settings.endpoint.absoluteString)` (add --account NAME to keep both).",
                    status: .authentication)
            }
            endpoint = stored
            let provider = StoredLoginToken(account: settings.account, login: login, file: file)
            for secret in [login.accessToken, login.refreshToken, login.clientSecret].compactMap({ $0 }) { sink?.redact(secret) }
            tokens = provider
            storedLogin = provider
            tokenSource = "the stored login '\(settings.account)' (\(file.path))"
            tokenKind = .credentials
        } else {
            throw CLIError.missingToken
        }
        logger?.info("session start", metadata: ["endpoint": "\(endpoint.absoluteString)", "version": "\(sparkPortalVersion)"])

        let configuration = SparkClientConfiguration(baseURL: endpoint, userAgent: settings.userAgent,
                                                     requestTimeout: settings.requestTimeout)
        do {
            let client = try SparkClient.live(
                configuration: configuration, tokens: tokens,
                onEvent: { event in
                    logger?.info("request", metadata: [
                        "method": "\(event.method)", "path": "\(event.path)",
                        "status": "\(event.status.map(String.init) ?? "-")",
                        "code": "\(event.sparkCode.map(String.init) ?? "-")",
                        "duration_ms": "\(Format.milliseconds(event.duration))", "attempt": "\(event.attempt)",
                        "error": "\(event.errorSummary ?? "-")",
                    ])
                    onEvent(event)
                },
                onRetry: { notice in
                    logger?.notice("retry", metadata: [
                        "method": "\(notice.method)", "path": "\(notice.path)", "attempt": "\(notice.attempt)",
                        "delay_ms": "\(Format.milliseconds(notice.delay))", "reason": "\(notice.reason)",
                    ])
                    onRetry(notice)
                })
            if let storedLogin {
                // Renewals go through this session's client, so they are logged (redacted) like every request.
                await storedLogin.attach { [sink] grant, login in
                    let tokens = try await client.grantToken(grant, clientID: login.clientID, clientSecret: login.clientSecret,
                                                             redirectURI: login.redirectURI)
                    sink?.redact(tokens.accessToken)
                    if let refresh = tokens.refreshToken { sink?.redact(refresh) }
                    return tokens
                }
            }
            return Session(client: client, settings: settings, tokenSource: tokenSource, tokenKind: tokenKind,
                           storedLogin: storedLogin, endpoint: endpoint, server: server, logSink: sink)
        } catch {
            await server?.stop()
            sink?.close()
            throw error
        }
    }

    /// Stops the client, the demo server and the log.
    public func close() async {
        await storedLogin?.attach(nil)  // the grant closure holds the client: break the cycle
        await client.shutdown()
        await server?.stop()
        logSink?.close()
    }

    /// Runs `body` with an open session and always closes it.
    public static func with<T>(
        _ settings: Settings, environment: [String: String],
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in },
        _ body: (Session) async throws -> T
    ) async throws -> T {
        let session = try await open(settings, environment: environment, onRetry: onRetry)
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }
}

/// Same scheme, host and port, whatever the trailing slash.
func sameEndpoint(_ a: URL, _ b: URL) -> Bool {
    func key(_ url: URL) -> String {
        var text = url.absoluteString.lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
    return key(a) == key(b)
}
