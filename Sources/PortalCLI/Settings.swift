import ArgumentParser
import Foundation
import PortalApp
import SparkAPI
import SparkMock
import TerminalPictures

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

    @Flag(help: "Say each request (method, path, status, duration) and each retry wait on stderr (the TUI shows them under L).")
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
    /// How listing photos are drawn (config `photos`, default `auto`): `listing <id>` and the TUI's listing details
    /// read it; with `PhotoDisplay.decide(colors:mode:)` it says what a photo's place shows.
    public var photos: PhotoMode = .auto
    /// How long the TUI waits between two re-reads of what it shows (live refresh); nil: never. Config
    /// `refresh_interval` here; `--refresh-interval` and `SPARK_PORTAL_REFRESH_INTERVAL`, which are the TUI's, are
    /// applied by `withRefreshInterval(flag:environment:)`.
    public var refreshInterval: Duration? = Settings.defaultRefreshInterval

    public static let defaultRefreshInterval: Duration = .seconds(20)
    /// The TUI keeps the last-known workspace and starts from it (config `cache`; `--no-cache` turns it off).
    public var cache = true

    public static let defaultUserAgent = "spark-portal/\(sparkPortalVersion)"

    public static func resolve(_ options: GlobalOptions, environment: [String: String], file: ConfigFile,
                               outputIsTerminal: Bool) throws(CLIError) -> Settings {
        func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        if options.demo, options.endpoint != nil {
            throw CLIError("--demo runs its own server, so --endpoint has no place beside it: give one or the other.",
                           status: .usage)
        }
        let chosenEndpoint = options.endpoint ?? nonEmpty(environment["SPARK_API_ENDPOINT"]) ?? nonEmpty(file.endpoint)
        let endpoint = try Self.endpoint(chosenEndpoint ?? SparkClientConfiguration.defaultBaseURL.absoluteString)
        let account = nonEmpty(options.account) ?? nonEmpty(environment["SPARK_PORTAL_ACCOUNT"]) ?? CredentialsFile.defaultAccount
        let userAgent: String
        if let flag = options.userAgent {
            try checkUserAgent(flag, source: "--user-agent")
            userAgent = flag
        } else if let variable = nonEmpty(environment["SPARK_USER_AGENT"]) {
            try checkUserAgent(variable, source: "SPARK_USER_AGENT")
            userAgent = variable
        } else {
            userAgent = file.userAgent ?? defaultUserAgent
        }
        let noColor = options.noColor || nonEmpty(environment["NO_COLOR"]) != nil || file.color == false
        var keyMap = KeyMap.standard
        for override in file.keys {
            keyMap.rebind(override.command, to: override.keys, label: override.label)
        }
        var settings = Settings(
            endpoint: endpoint, userAgent: userAgent, color: !noColor && outputIsTerminal,
            mouse: file.mouse ?? true, keyMap: keyMap,
            logFile: nonEmpty(options.logFile) ?? nonEmpty(environment["SPARK_PORTAL_LOG"]),
            demo: options.demo ? options.demoData : nil, account: account, endpointIsExplicit: chosenEndpoint != nil)
        if let text = nonEmpty(environment["SPARK_PORTAL_REQUEST_TIMEOUT"]) {
            settings.requestTimeout = try requestTimeout(text)
        }
        settings.verbose = options.verbose
        settings.photos = file.photos ?? .auto
        if let interval = file.refreshInterval { settings.refreshInterval = interval.duration }
        settings.cache = file.cache ?? true
        return settings
    }

    /// These settings with the TUI's refresh interval from its flag, else `SPARK_PORTAL_REFRESH_INTERVAL`, else as the
    /// configuration file (or the default) left it. A bad value is a usage error naming where it came from.
    public func withRefreshInterval(flag: String?, environment: [String: String]) throws(CLIError) -> Settings {
        var settings = self
        let variable = environment["SPARK_PORTAL_REFRESH_INTERVAL"].flatMap { $0.isEmpty ? nil : $0 }
        for (text, source) in [(flag, "--refresh-interval"), (variable, "SPARK_PORTAL_REFRESH_INTERVAL")] {
            guard let text else { continue }
            guard let interval = RefreshInterval(text) else {
                throw CLIError("Invalid \(source) '\(text)': \(RefreshInterval.expected).", status: .usage)
            }
            settings.refreshInterval = interval.duration
            break
        }
        return settings
    }

    /// A user agent is required by the API (code 1016 without one) and goes into a header: not empty, no control
    /// characters. The configuration file checks its own with file and line (ConfigFile).
    static func checkUserAgent(_ text: String, source: String) throws(CLIError) {
        if let problem = userAgentProblem(text) { throw CLIError("Invalid \(source): \(problem).", status: .usage) }
    }

    /// What is wrong with a user agent, or nil.
    static func userAgentProblem(_ text: String) -> String? {
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            return "the Spark API requires a user agent (the name of your API key's application), so it cannot be empty"
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "a user agent cannot hold control characters"
        }
        return nil
    }

    /// Seconds, e.g. `20` or `0.5`: more than zero, at most an hour.
    static func requestTimeout(_ text: String) throws(CLIError) -> Duration {
        guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
            throw CLIError("Invalid SPARK_PORTAL_REQUEST_TIMEOUT '\(text)': expected seconds, like 20 or 0.5.", status: .usage)
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// Checks an endpoint: a URL with a host and a port that can exist, https (or http to a loopback host:
    /// `SparkClient.isAllowedEndpoint`). A trailing `/v1` is dropped: every path spark-portal sends starts with it.
    static func endpoint(_ text: String) throws(CLIError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw CLIError("Invalid endpoint '\(text)': expected a URL like https://sparkapi.com.", status: .usage)
        }
        if let port = url.port, !(1...65535).contains(port) {
            throw CLIError("Invalid endpoint '\(text)': port \(port) is out of range (ports are 1 to 65535).", status: .usage)
        }
        guard url.query == nil, url.fragment == nil else {
            throw CLIError("Invalid endpoint '\(text)': the endpoint is a base URL, like https://sparkapi.com, without ? or #.",
                           status: .usage)
        }
        guard SparkClient.isAllowedEndpoint(url) else {
            guard scheme == "http" else {
                throw CLIError("Invalid endpoint '\(text)': only https:// (or http:// for localhost) is supported.", status: .usage)
            }
            throw CLIError(SparkError.insecureEndpoint(text))
        }
        var path = url.path
        while path.hasSuffix("/") { path.removeLast() }
        guard path.lowercased().hasSuffix("/v1"), var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        else { return url }
        components.path = String(path.dropLast(3))
        return components.url ?? url
    }
}

/// Seconds between the TUI's re-reads of what it shows: `20`, `0.5`; `0` turns live refresh off.
public struct RefreshInterval: Equatable, Sendable {
    /// nil: off.
    public var duration: Duration?

    /// What a value must be, for messages: "expected …".
    static let expected = "expected the seconds between refreshes, like 20 or 0.5 (0 turns live refresh off; "
        + "at least 0.1, at most 86400)"

    /// Nil when the text is not such a number.
    public init?(_ text: String) {
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite else { return nil }
        if seconds == 0 {
            duration = nil
        } else if seconds >= 0.1, seconds <= 86_400 {
            duration = .milliseconds(Int64((seconds * 1000).rounded()))
        } else {
            return nil
        }
    }
}
