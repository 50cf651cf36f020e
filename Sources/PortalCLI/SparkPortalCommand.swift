import ArgumentParser
import Foundation
import PortalApp
import SparkAPI
import TerminalUI

/// `spark-portal`: the interactive TUI, and the scriptable subcommands.
public struct SparkPortalCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "spark-portal",
        abstract: "A keyboard-driven terminal client for Spark API portal groups.",
        discussion: """
            Without a subcommand, opens the interactive TUI: portal groups, their members, and the current \
            group's listing carts. Enter on a group makes it current; press ? in the TUI for every key.

            The access token comes from SPARK_ACCESS_TOKEN, else from the login that `spark-portal login` \
            stored (--account NAME picks one); never from an argument. Use --demo to try everything against \
            the built-in demo server, with no account.

            Examples:
              spark-portal --demo                 the TUI against the demo server
              spark-portal groups                 your portal groups, the current one marked ●
              spark-portal use 20130919194721820379000000
              spark-portal carts --json | jq '.[].Name'

            Exit codes:
            \(ExitStatus.table)
            """,
        version: sparkPortalVersion,
        subcommands: [Groups.self, Current.self, Use.self, Leave.self, Carts.self, Listings.self, Whoami.self,
                      Login.self, Logout.self]
    )

    @OptionGroup public var options: GlobalOptions

    public init() {}

    /// The executable's entry point: parses the command line and runs the chosen command (the TUI when
    /// there is no subcommand), exiting with its status. (swift-argument-parser's own `main()` refuses
    /// to run an async root command called from another module's top-level code on Linux.)
    public static func runAsMain() async -> Never {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit()
        } catch {
            exit(withError: error)
        }
    }

    public func run() async throws {
        let status = await TUILauncher.run(options: options, console: .process)
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// Runs one subcommand with the process's streams and exits with its status on failure.
    static func execute(_ command: PortalCommand, _ options: GlobalOptions) async throws {
        let status = await execute(command, options: options, console: .process)
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// Runs one subcommand: settings, session, command, and one clear line on stderr when it fails.
    public static func execute(_ command: PortalCommand, options: GlobalOptions, console: Console) async -> ExitStatus {
        do {
            let settings = try resolveSettings(options, console: console)
            // A wait (rate limit, server trouble, timeout) is said at once, so a silent pause is never a mystery.
            try await Session.with(settings, environment: console.environment,
                                   onRetry: { console.err("spark-portal: \(retryLine($0))") }) { session in
                try await command.run(in: session, console: console)
            }
            return .success
        } catch {
            let failure = CLIError.from(error)
            console.err("spark-portal: \(sanitize(failure.message))")
            return failure.status
        }
    }

    /// `rate limited — retrying GET /v1/listingcarts in 1.0s (attempt 2)`.
    static func retryLine(_ notice: RetryNotice) -> String {
        sanitize(Format.retry(notice))
    }

    static func resolveSettings(_ options: GlobalOptions, console: Console) throws -> Settings {
        let file = try ConfigFile.load(environment: console.environment)
        return try Settings.resolve(options, environment: console.environment, file: file,
                                    outputIsTerminal: console.stdoutIsTerminal)
    }
}

private let jsonHelp = ArgumentHelp("Print JSON (Spark field names) instead of a table.")

extension SparkPortalCommand {
    struct Groups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List all portal groups, marking the current one.",
            discussion: "Example: spark-portal groups --json | jq '.[] | select(.Current) | .Id'")
        @OptionGroup var options: GlobalOptions
        @Flag(help: jsonHelp) var json = false
        func run() async throws { try await SparkPortalCommand.execute(.groups(json: json), options) }
    }

    struct Current: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the current group (JSON: the group object, or null).",
            discussion: "Example: spark-portal current --json")
        @OptionGroup var options: GlobalOptions
        @Flag(help: jsonHelp) var json = false
        func run() async throws { try await SparkPortalCommand.execute(.current(json: json), options) }
    }

    struct Use: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Choose the current group (PUT /v1/portal/groups/current).",
            discussion: "Example: spark-portal use 20130919194721820379000000   (ids from `spark-portal groups`)")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The group's Id.") var groupID: String

        func validate() throws {
            guard !groupID.isEmpty, groupID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw ValidationError("A group id is letters and digits, like 20130919194721820379000000.")
            }
        }

        func run() async throws { try await SparkPortalCommand.execute(.use(groupID: groupID), options) }
    }

    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Leave the current group and act on your own carts again (DELETE; membership stays).",
            discussion: "Example: spark-portal leave")
        @OptionGroup var options: GlobalOptions
        func run() async throws { try await SparkPortalCommand.execute(.leave, options) }
    }

    struct Carts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the listing carts of the current group.",
            discussion: "Example: spark-portal carts --json | jq '.[] | {Name, ListingCount}'")
        @OptionGroup var options: GlobalOptions
        @Flag(help: jsonHelp) var json = false
        func run() async throws { try await SparkPortalCommand.execute(.carts(json: json), options) }
    }

    struct Listings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the listings in one cart.",
            discussion: "Example: spark-portal listings 20110706204418816410000000   (ids from `spark-portal carts`)")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The cart's Id.") var cartID: String
        @Flag(help: jsonHelp) var json = false

        func validate() throws {
            guard !cartID.isEmpty, cartID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw ValidationError("A cart id is letters and digits, like 20110706204418816410000000.")
            }
        }

        func run() async throws { try await SparkPortalCommand.execute(.listings(cartID: cartID, json: json), options) }
    }

    struct Whoami: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show who the token belongs to, and which endpoint is in use.",
            discussion: "Example: spark-portal whoami --json")
        @OptionGroup var options: GlobalOptions
        @Flag(help: jsonHelp) var json = false
        func run() async throws { try await SparkPortalCommand.execute(.whoami(json: json), options) }
    }

    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign in with OAuth 2 and store the tokens (renewed automatically).",
            discussion: """
                Prints Spark's sign-in address (and opens a browser when there is one). When the redirect URI is \
                http://127.0.0.1:<port>/… or http://localhost:<port>/…, spark-portal listens there for the \
                browser; otherwise paste the address the browser went to (or just the code).

                The client secret comes from SPARK_CLIENT_SECRET or a prompt that does not echo; never a flag. \
                The tokens go to $XDG_CONFIG_HOME/spark-portal/credentials.json (mode 0600), under --account.

                Examples:
                  SPARK_CLIENT_ID=abc spark-portal login --redirect-uri http://127.0.0.1:8765/callback
                  spark-portal login --client-id abc --portal my_portal      (a VOW key)
                  spark-portal --demo login                                   (try it against the demo server)
                """)
        @OptionGroup var options: GlobalOptions
        @Option(name: .customLong("client-id"), help: ArgumentHelp("Your API key's OAuth client id (env SPARK_CLIENT_ID).",
                                                                   valueName: "id"))
        var clientID: String?
        @Option(name: .customLong("redirect-uri"), help: ArgumentHelp(
            "The redirect URI registered for the key (default https://sparkplatform.com/oauth2/callback; "
                + "with --demo http://127.0.0.1:0/callback, port 0 meaning any free port).", valueName: "url"))
        var redirectURI: String?
        @Option(help: ArgumentHelp("The portal name of a VOW key: sign in at https://sparkplatform.com/auth/vow/<portal>.",
                                   valueName: "name"))
        var portal: String?
        @Option(name: .customLong("authorize-url"), help: .hidden)
        var authorizeURL: String?

        func run() async throws {
            let request = LoginRequest(clientID: clientID, redirectURI: redirectURI, portal: portal, authorizeURL: authorizeURL)
            let status = await PortalCLI.Login.execute(request, options: options, console: .process, terminal: .process)
            if status != .success { throw ExitCode(status.rawValue) }
        }
    }

    struct Logout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget the stored login of an account (--account; default 'default').",
            discussion: """
                The Spark API documents no token revocation, so the removed tokens stay valid at Spark until \
                they expire. Example: spark-portal logout --account work
                """)
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let status = PortalCLI.Login.logout(options: options, console: .process)
            if status != .success { throw ExitCode(status.rawValue) }
        }
    }
}
