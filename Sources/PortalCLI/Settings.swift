import ArgumentParser
import Foundation
import PortalApp
import SparkAPI
import SparkMock

/// The version `--version` prints and the default user agent carries.
public let sparkPortalVersion = "0.1.0"

/// Options every command takes.
public struct GlobalOptions: ParsableArguments, Sendable {
    @Flag(help: "Use the built-in demo server: no account or network needed.")
    public var demo = false

    @Option(name: .customLong("demo-data"), help: ArgumentHelp(
        "The demo server's data set: seed (the API walkthrough), demo, large or hostile.", valueName: "set"),
            transform: DemoEndpoint.dataSet(named:))
    public var demoData: DemoDataSet = .demo

    @Option(help: ArgumentHelp(
        "The Spark API base URL (env SPARK_API_ENDPOINT; default https://sparkapi.com). http:// only for localhost.",
        valueName: "url"))
    public var endpoint: String?

    @Option(name: .customLong("user-agent"), help: ArgumentHelp(
        "The X-SparkApi-User-Agent name of your API key (env SPARK_USER_AGENT; default spark-portal/\(sparkPortalVersion)).",
        valueName: "name"))
    public var userAgent: String?

    @Option(name: .customLong("log-file"), help: ArgumentHelp(
        "Append a log of every request to this file (env SPARK_PORTAL_LOG). Tokens are never logged.", valueName: "path"))
    public var logFile: String?

    @Flag(name: .customLong("no-color"), help: "No colours (also when NO_COLOR is set).")
    public var noColor = false

    @Option(help: ArgumentHelp(
        "Which stored login to use or create (env SPARK_PORTAL_ACCOUNT; default 'default').", valueName: "name"))
    public var account: String?

    @Flag(help: "Say each request (method, path, status, duration) and each retry wait on stderr.")
    public var verbose = false

    public init() {}
}

/// Everything a command needs to know, resolved from flags, then environment, then the configuration
/// file, then defaults.
public struct Settings: Equatable, Sendable {
    public var endpoint: URL
    public var userAgent: String
    public var color: Bool
    public var mouse: Bool
    public var keyMap: KeyMap
    public var logFile: String?
    /// The demo data set, when `--demo` was given.
    public var demo: DemoDataSet?
    /// The stored login to use (`--account`, `SPARK_PORTAL_ACCOUNT`, else "default").
    public var account: String = CredentialsFile.defaultAccount
    /// Whether the endpoint was chosen (flag, environment or file) rather than defaulted: a stored login
    /// brings its own endpoint only when none was chosen.
    public var endpointIsExplicit: Bool = false
    /// The longest one try of a request may take (env `SPARK_PORTAL_REQUEST_TIMEOUT`, in seconds); on the command
    /// line, also the longest a whole request may take, its retries included.
    public var requestTimeout: Duration = SparkClientConfiguration().requestTimeout
    /// `--verbose`: every request and every retry wait on stderr.
    public var verbose = false

    public static let defaultUserAgent = "spark-portal/\(sparkPortalVersion)"

    public static func resolve(_ options: GlobalOptions, environment: [String: String], file: ConfigFile,
                               outputIsTerminal: Bool) throws(CLIError) -> Settings {
        func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        let endpointText = nonEmpty(options.endpoint) ?? nonEmpty(environment["SPARK_API_ENDPOINT"])
            ?? nonEmpty(file.endpoint) ?? SparkClientConfiguration.defaultBaseURL.absoluteString
        let endpoint = try Self.endpoint(endpointText)
        let endpointIsExplicit = (nonEmpty(options.endpoint) ?? nonEmpty(environment["SPARK_API_ENDPOINT"])
            ?? nonEmpty(file.endpoint)) != nil
        let account = nonEmpty(options.account) ?? nonEmpty(environment["SPARK_PORTAL_ACCOUNT"]) ?? CredentialsFile.defaultAccount
        let userAgent = nonEmpty(options.userAgent) ?? nonEmpty(environment["SPARK_USER_AGENT"])
            ?? nonEmpty(file.userAgent) ?? defaultUserAgent
        let noColor = options.noColor || nonEmpty(environment["NO_COLOR"]) != nil || file.color == false
        var keyMap = KeyMap.standard
        for override in file.keys {
            keyMap.rebind(override.command, to: override.keys, label: override.label)
        }
        var settings = Settings(
            endpoint: endpoint, userAgent: userAgent, color: !noColor && outputIsTerminal,
            mouse: file.mouse ?? true, keyMap: keyMap,
            logFile: nonEmpty(options.logFile) ?? nonEmpty(environment["SPARK_PORTAL_LOG"]),
            demo: options.demo ? options.demoData : nil, account: account, endpointIsExplicit: endpointIsExplicit)
        if let text = nonEmpty(environment["SPARK_PORTAL_REQUEST_TIMEOUT"]) {
            settings.requestTimeout = try requestTimeout(text)
        }
        settings.verbose = options.verbose
        return settings
    }

    /// Seconds, e.g. `20` or `0.5`: more than zero, at most an hour.
    static func requestTimeout(_ text: String) throws(CLIError) -> Duration {
        guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
            throw CLIError("Invalid SPARK_PORTAL_REQUEST_TIMEOUT '\(text)': expected seconds, like 20 or 0.5.", status: .usage)
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// Checks an endpoint: a URL with a host, https (or http to a loopback host: `SparkClient.isAllowedEndpoint`).
    static func endpoint(_ text: String) throws(CLIError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw CLIError("Invalid endpoint '\(text)': expected a URL like https://sparkapi.com.", status: .usage)
        }
        guard SparkClient.isAllowedEndpoint(url) else {
            guard scheme == "http" else {
                throw CLIError("Invalid endpoint '\(text)': only https:// (or http:// for localhost) is supported.", status: .usage)
            }
            throw CLIError(SparkError.insecureEndpoint(text))
        }
        return url
    }
}
