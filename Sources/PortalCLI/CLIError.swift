import Foundation
import SparkAPI
import TerminalUI

/// The exit codes users and scripts can rely on (listed in the README and `--help`).
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    /// Asked at a confirmation prompt (`cart delete`, `search delete`), the user said no: nothing was changed.
    case declined = 1
    /// What was asked is not available for this API key or MLS (Spark code 1500 or 1505; news feeds need a privileged
    /// key): nothing failed, and trying again will not change it.
    case notAvailable = 3
    /// Bad flags or arguments (swift-argument-parser uses the same code).
    case usage = 64
    /// The Spark API could not be reached: refused, timed out, DNS, TLS.
    case network = 69
    /// A bug in spark-portal.
    case internalError = 70
    /// The Spark API answered with an error, or with something unreadable.
    case api = 76
    /// No token, or the token was refused or has expired: log in again.
    case authentication = 77
    /// The configuration file is wrong.
    case configuration = 78
    /// Interrupted (Ctrl-C).
    case interrupted = 130

    public var meaning: String {
        switch self {
        case .success: "success"
        case .declined: "you answered no when asked to confirm: nothing was changed"
        case .notAvailable: "not available for your API key or MLS (news feeds need a privileged key): nothing failed"
        case .usage: "usage error: bad arguments, unknown or ambiguous cart, search or feed, a group not among yours, refused endpoint"
        case .network: "network error: the Spark API could not be reached"
        case .internalError: "internal error (a bug: please report it)"
        case .api: "API error: the Spark API refused the request or sent an unreadable or oversized answer"
        case .authentication: "authentication error: no access token, or it was refused or expired"
        case .configuration: "configuration error: the configuration file or the credentials file is wrong or unsafe"
        case .interrupted: "interrupted"
        }
    }

    /// The exit-code table for `--help` and the README.
    public static var table: String {
        allCases.map { "  \(String($0.rawValue).padding(toLength: 4, withPad: " ", startingAt: 0)) \($0.meaning)" }
            .joined(separator: "\n")
    }
}

/// A failure of a command: one sentence for stderr and the exit status that goes with it.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var status: ExitStatus

    public init(_ message: String, status: ExitStatus) {
        self.message = message
        self.status = status
    }

    public var description: String { message }

    /// What a user should see for a client error, and the exit status scripts see.
    public init(_ error: SparkError) {
        message = error.userMessage
        switch error {
        case .transport: status = .network
        case .insecureEndpoint: status = .usage
        case .missingToken, .oauth: status = .authentication
        case .cancelled: status = .interrupted
        case .api, .http, .malformedBody, .answerTooLarge:
            status = error.needsLogin ? .authentication : error.isNotAvailableForKeyOrMLS ? .notAvailable : .api
        }
    }

    public init(_ error: ConfigError) {
        message = "Configuration error: \(error.description)"
        status = .configuration
    }

    /// Wraps anything thrown into a `CLIError`.
    public static func from(_ error: any Error) -> CLIError {
        switch error {
        case let error as CLIError: error
        case let error as SparkError: CLIError(error)
        case let error as ConfigError: CLIError(error)
        case let error as WorkspaceError: CLIError(error.userMessage, status: .api)
        case let error as NcursesBackend.StartError: CLIError(error.description, status: .usage)
        default: CLIError("Unexpected error: \(error)", status: .internalError)
        }
    }

    /// The one way a failed command ends: one sanitized line on stderr, and the exit status to return.
    static func report(_ error: any Error, to console: Console) -> ExitStatus {
        let failure = from(error)
        console.err("spark-portal: \(sanitize(failure.message))")
        return failure.status
    }

    public static let missingToken = CLIError(
        "No access token: set SPARK_ACCESS_TOKEN, run `spark-portal login`, or try `spark-portal --demo`.",
        status: .authentication)
}
