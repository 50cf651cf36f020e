import Foundation
import Logging
import SparkAPI
import SparkMock

/// One command's connection to Spark: the client, the demo server behind it (with `--demo`), and the
/// request log. `close()` stops all of it.
public final class Session: Sendable {
    public let client: SparkClient
    public let settings: Settings
    /// Where the token came from, for `whoami`.
    public let tokenSource: String
    public let server: DemoServer?
    private let logSink: FileLogHandler.Sink?

    private init(client: SparkClient, settings: Settings, tokenSource: String, server: DemoServer?,
                 logSink: FileLogHandler.Sink?) {
        self.client = client
        self.settings = settings
        self.tokenSource = tokenSource
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
        let token: String
        let tokenSource: String
        if let dataSet = settings.demo {
            let started = try await DemoServer.start(DemoServerConfiguration(dataSet: dataSet))
            server = started
            endpoint = started.baseURL
            token = dataSet == .seed ? DemoCredentials.seedAccessToken : DemoCredentials.demoAccessToken
            tokenSource = "the built-in demo server (--demo)"
        } else if let fromEnvironment = environment["SPARK_ACCESS_TOKEN"], !fromEnvironment.isEmpty {
            endpoint = settings.endpoint
            token = fromEnvironment
            tokenSource = "SPARK_ACCESS_TOKEN"
        } else {
            throw CLIError.missingToken
        }
        sink?.redact(token)
        logger?.info("session start", metadata: ["endpoint": "\(endpoint.absoluteString)", "version": "\(sparkPortalVersion)"])

        let configuration = SparkClientConfiguration(baseURL: endpoint, userAgent: settings.userAgent,
                                                     requestTimeout: settings.requestTimeout)
        do {
            let client = try SparkClient.live(
                configuration: configuration, tokens: StaticToken(token),
                onEvent: { event in
                    logger?.info("request", metadata: [
                        "method": "\(event.method)", "path": "\(event.path)",
                        "status": "\(event.status.map(String.init) ?? "-")",
                        "code": "\(event.sparkCode.map(String.init) ?? "-")",
                        "duration_ms": "\(event.duration.milliseconds)", "attempt": "\(event.attempt)",
                        "error": "\(event.errorSummary ?? "-")",
                    ])
                    onEvent(event)
                },
                onRetry: { notice in
                    logger?.notice("retry", metadata: [
                        "method": "\(notice.method)", "path": "\(notice.path)", "attempt": "\(notice.attempt)",
                        "delay_ms": "\(notice.delay.milliseconds)", "reason": "\(notice.reason)",
                    ])
                    onRetry(notice)
                })
            return Session(client: client, settings: settings, tokenSource: tokenSource, server: server, logSink: sink)
        } catch {
            await server?.stop()
            sink?.close()
            throw error
        }
    }

    /// Stops the client, the demo server and the log.
    public func close() async {
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

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
