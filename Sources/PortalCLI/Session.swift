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
    /// The embedded demo server, with `--demo`.
    let demo: DemoEndpoint?
    /// With `--demo`, the data set's members and their tokens, switching this session's token (the TUI's `A`).
    public let demoMembers: MemberTokens?
    /// The file name of this session's workspace cache (`WorkspaceCacheFile`): a digest of the endpoint and the
    /// login's account name or the token. Nil with `--demo`, which never keeps one.
    public let cacheName: String?
    private let log: RequestLog?

    /// Where a session's access token came from.
    public enum TokenKind: String, Sendable {
        case demo, environment, credentials
    }

    private init(client: SparkClient, settings: Settings, access: Access, log: RequestLog?) {
        self.client = client
        self.settings = settings
        self.tokenSource = access.source
        self.tokenKind = access.kind
        self.storedLogin = access.storedLogin
        self.endpoint = access.endpoint
        self.demo = access.demo
        if let demo = access.demo, let switchable = access.tokens as? SwitchableToken {
            demoMembers = MemberTokens(demo.dataSet.users.map { (ActAsMember(id: $0.id, name: $0.name), $0.accessToken) },
                                       provider: switchable)
        } else {
            demoMembers = nil
        }
        self.cacheName = access.cacheName
        self.log = log
    }

    /// Writes a line to the log file (`--log-file`), if there is one: what the user need not see, such as a cache
    /// that could not be read or saved.
    public func note(_ message: String) {
        log?.logger.notice("\(message)")
    }

    /// Connects as the settings say. `onEvent` and `onRetry` see every request (the TUI's request log). `callTimeout`
    /// bounds each call, its retries included (`SparkClientConfiguration.callTimeout`; the command line passes the
    /// request timeout); `retry` says how to wait between tries.
    public static func open(
        _ settings: Settings, environment: [String: String],
        onEvent: @escaping @Sendable (RequestEvent) -> Void = { _ in },
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in },
        callTimeout: Duration? = nil, retry: RetryPolicy = RetryPolicy()
    ) async throws -> Session {
        let log = try settings.logFile.map(RequestLog.init(path:))
        let access: Access
        do {
            access = try await Access.resolve(settings, environment: environment, log: log)
        } catch {
            log?.close()
            throw error
        }
        log?.logger.info("session start", metadata: ["endpoint": "\(access.endpoint.absoluteString)", "version": "\(sparkPortalVersion)"])
        do {
            let client = try SparkClient.live(
                configuration: SparkClientConfiguration(baseURL: access.endpoint, userAgent: settings.userAgent,
                                                        requestTimeout: settings.requestTimeout, callTimeout: callTimeout,
                                                        retry: retry),
                tokens: access.tokens,
                onEvent: { event in
                    log?.record(event)
                    onEvent(event)
                },
                onRetry: { notice in
                    log?.record(notice)
                    onRetry(notice)
                })
            if let storedLogin = access.storedLogin {
                // Renewals go through this session's client, so they are logged (redacted) like every request.
                await storedLogin.attach { grant, login in
                    let tokens = try await client.grantToken(grant, clientID: login.clientID, clientSecret: login.clientSecret,
                                                             redirectURI: login.redirectURI)
                    log?.redact([tokens.accessToken, tokens.refreshToken].compactMap { $0 })
                    return tokens
                }
            }
            return Session(client: client, settings: settings, access: access, log: log)
        } catch {
            await access.demo?.stop()
            log?.close()
            throw error
        }
    }

    /// Stops the client, the demo server and the log.
    public func close() async {
        await storedLogin?.attach(nil)  // the grant closure holds the client: break the cycle
        await client.shutdown()
        await demo?.stop()
        log?.close()
    }

    /// Runs `body` with a session opened as `open` does, and always closes it.
    public static func with<T>(
        _ settings: Settings, environment: [String: String],
        onEvent: @escaping @Sendable (RequestEvent) -> Void = { _ in },
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in },
        callTimeout: Duration? = nil, retry: RetryPolicy = RetryPolicy(),
        _ body: (Session) async throws -> T
    ) async throws -> T {
        let session = try await open(settings, environment: environment, onEvent: onEvent, onRetry: onRetry,
                                     callTimeout: callTimeout, retry: retry)
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

/// Where a session's requests go and with which token: the demo server (`--demo`), `SPARK_ACCESS_TOKEN`, or the
/// login `spark-portal login` stored, in that order.
struct Access: Sendable {
    var endpoint: URL
    var tokens: any AccessTokenProvider
    var source: String
    var kind: Session.TokenKind
    var storedLogin: StoredLoginToken?
    var demo: DemoEndpoint?
    /// See `Session.cacheName`.
    var cacheName: String?

    static func resolve(_ settings: Settings, environment: [String: String], log: RequestLog?) async throws -> Access {
        if let dataSet = settings.demo {
            let demo = try await DemoEndpoint.start(dataSet)
            log?.redact([demo.token] + demo.dataSet.users.map(\.accessToken))  // any member the TUI may act as
            // Switchable: the TUI can act as another of the demo's members (`A`).
            return Access(endpoint: demo.url, tokens: SwitchableToken(StaticToken(demo.token)),
                          source: "the built-in demo server (--demo)", kind: .demo, demo: demo)
        }
        if let token = environment["SPARK_ACCESS_TOKEN"], !token.isEmpty {
            log?.redact([token])
            return Access(endpoint: settings.endpoint, tokens: StaticToken(token), source: "SPARK_ACCESS_TOKEN", kind: .environment,
                          cacheName: WorkspaceCacheFile.name(endpoint: settings.endpoint, token: token))
        }
        guard let file = CredentialsFile(environment: environment) else { throw CLIError.missingToken }
        let logins = try file.load()
        if let login = logins[settings.account] { return try stored(login, from: file, settings: settings, log: log) }
        throw missingLogin(settings.account, stored: logins.keys.sorted())
    }

    /// No token: the plain advice, or, when an account was named or others are stored, which account has no login.
    static func missingLogin(_ account: String, stored: [String]) -> CLIError {
        guard account != CredentialsFile.defaultAccount || !stored.isEmpty else { return CLIError.missingToken }
        let others = stored.isEmpty ? "" : " (stored: \(stored.joined(separator: ", ")))"
        let advice = account == CredentialsFile.defaultAccount
            ? "pick one with --account, run `spark-portal login`"
            : "run `spark-portal login --account \(account)`"
        return CLIError("No stored login for account '\(account)'\(others): \(advice), or set SPARK_ACCESS_TOKEN.",
                        status: .authentication)
    }

    /// The stored login of `settings.account`, at its own endpoint; an explicit other endpoint is refused rather
    /// than sent that login's token.
    private static func stored(_ login: StoredLogin, from file: CredentialsFile, settings: Settings, log: RequestLog?) throws -> Access {
        guard let endpoint = URL(string: login.endpoint) else { throw CLIError.missingToken }
        if settings.endpointIsExplicit, !sameEndpoint(endpoint, settings.endpoint) {
            throw CLIError(
                "The stored login '\(settings.account)' is for \(login.endpoint), not \(settings.endpoint.absoluteString): "
                    + "run `spark-portal login --endpoint \(settings.endpoint.absoluteString)` (add --account NAME to keep both).",
                status: .authentication)
        }
        log?.redact([login.accessToken, login.refreshToken, login.clientSecret].compactMap { $0 })
        let provider = StoredLoginToken(account: settings.account, login: login, file: file)
        return Access(endpoint: endpoint, tokens: provider, source: "the stored login '\(settings.account)' (\(file.path))",
                      kind: .credentials, storedLogin: provider,
                      cacheName: WorkspaceCacheFile.name(endpoint: endpoint, login: settings.account))
    }
}

/// `--log-file`: one line per request and per retry wait, with every secret of the session redacted.
final class RequestLog: Sendable {
    let logger: Logger
    private let sink: FileLogHandler.Sink

    init(path: String) throws(CLIError) {
        let sink: FileLogHandler.Sink
        do {
            sink = try FileLogHandler.Sink(path: path)
        } catch {
            throw CLIError("Cannot write the log file \(path): \(error).", status: .usage)
        }
        self.sink = sink
        logger = Logger(label: "spark-portal") { FileLogHandler(label: $0, sink: sink) }
    }

    func redact(_ secrets: [String]) {
        secrets.forEach(sink.redact)
    }

    func record(_ event: RequestEvent) {
        logger.info("request", metadata: [
            "method": "\(event.method)", "path": "\(event.path)",
            "status": "\(event.status.map(String.init) ?? "-")",
            "code": "\(event.sparkCode.map(String.init) ?? "-")",
            "duration_ms": "\(Format.milliseconds(event.duration))", "attempt": "\(event.attempt)",
            "error": "\(event.errorSummary ?? "-")",
        ])
    }

    func record(_ notice: RetryNotice) {
        logger.notice("retry", metadata: [
            "method": "\(notice.method)", "path": "\(notice.path)", "attempt": "\(notice.attempt)",
            "delay_ms": "\(Format.milliseconds(notice.delay))", "reason": "\(notice.reason)",
        ])
    }

    func close() {
        sink.close()
    }
}

/// Same scheme, host and port, whatever the trailing slash.
func sameEndpoint(_ a: URL, _ b: URL) -> Bool {
    endpointKey(a) == endpointKey(b)
}

/// An endpoint as a key: lower case, without a trailing slash (`https://sparkapi.com/` is `https://sparkapi.com`).
func endpointKey(_ url: URL) -> String {
    var text = url.absoluteString.lowercased()
    while text.hasSuffix("/") { text.removeLast() }
    return text
}
