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
            group's workspace in tabs (listing carts, saved searches, news feeds) to read and change by keys, \
            kept live (re-read every --refresh-interval seconds). Enter on a group makes it current; press ? in \
            the TUI for every key.

            The access token comes from SPARK_ACCESS_TOKEN, else from the login that `spark-portal login` \
            stored (--account NAME picks one); never from an argument. Use --demo to try everything against \
            the built-in demo server, with no account.

            A <cart>, <search> or <feed> is its Id or its name (exact, any case). Writes change the workspace \
            of the group you act for, which every member sees; each says in one line what changed.

            Examples:
              spark-portal --demo                 the TUI against the demo server
              spark-portal groups                 your portal groups, the current one marked ●
              spark-portal use 20130919194721820379000000
              spark-portal carts --json | jq '.[].Name'
              spark-portal cart create "Weekend cabins" 20060608231713000089000000
              spark-portal favorite 20060608231713000089000000

            Exit codes:
            \(ExitStatus.table)
            """,
        version: sparkPortalVersion,
        subcommands: [Groups.self, Current.self, Use.self, Leave.self, Carts.self, Listings.self, Listing.self, Cart.self,
                      Favorite.self, Reject.self, Searches.self, Search.self, Feeds.self, Feed.self, Whoami.self, Login.self,
                      Logout.self]
    )

    @OptionGroup public var options: GlobalOptions

    @Option(name: .customLong("refresh-interval"), help: ArgumentHelp(
        "Seconds between the TUI's re-reads of the workspace, to show what other members change (env "
            + "SPARK_PORTAL_REFRESH_INTERVAL, config refresh_interval; default 20; 0 turns it off; fractions allowed).",
        valueName: "seconds"))
    public var refreshInterval: String?

    @Flag(name: .customLong("no-cache"), help: """
        The TUI neither reads nor writes its cache of the last-known workspace (config: cache = false).
        """)
    public var noCache = false

    @Flag(name: .customLong("no-photo"), help: """
        The TUI's listing details draw no photo and keep no place for one (config: photos = "off").
        """)
    public var noPhoto = false

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
        let status = await TUILauncher.run(options: options, refreshInterval: refreshInterval, noCache: noCache,
                                           noPhoto: noPhoto, console: .process)
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// Runs one subcommand with the process's streams and exits with its status on failure.
    static func execute(_ command: PortalCommand, _ options: GlobalOptions) async throws {
        let status = await execute(command, options: options, console: .process, terminal: .process)
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// Runs one subcommand: settings, session, command, and one clear line on stderr when it fails.
    public static func execute(_ command: PortalCommand, options: GlobalOptions, console: Console,
                               terminal: UserTerminal = .none) async -> ExitStatus {
        do {
            let settings = try resolveSettings(options, console: console)
            // One request gets the request timeout, its retries included: a stalled server costs one timeout.
            try await Session.with(settings, environment: console.environment,
                                   onEvent: requestReporter(settings, console), onRetry: retryReporter(settings, console),
                                   callTimeout: settings.requestTimeout, retry: RetryPolicy(sleep: console.sleep)) { session in
                try await command.run(in: session, console: console, terminal: terminal)
            }
            return .success
        } catch {
            return CLIError.report(error, to: console)
        }
    }

    /// A retry wait shorter than this passes unsaid (unless `--verbose`): a pause a person would not notice.
    static let noticeableWait: Duration = .seconds(2)

    /// Says retry waits on stderr: each with `--verbose`, otherwise only one long enough to notice (a 429's
    /// `Retry-After`), so a pause is never a mystery and a quick retry is not noise.
    static func retryReporter(_ settings: Settings, _ console: Console) -> @Sendable (RetryNotice) -> Void {
        let verbose = settings.verbose
        return { notice in
            if verbose || notice.delay >= noticeableWait { console.err("spark-portal: \(sanitize(Format.retry(notice)))") }
        }
    }

    /// With `--verbose`, says each request on stderr as it ends: `GET /v1/listingcarts → 200, 12 ms`.
    static func requestReporter(_ settings: Settings, _ console: Console) -> @Sendable (RequestEvent) -> Void {
        guard settings.verbose else { return { _ in } }
        return { event in console.err("spark-portal: \(sanitize(requestLine(event)))") }
    }

    /// `GET /v1/portal/groups?_limit=25&_pagination=1 → 200, 12 ms`, `GET /v1/listingcarts → 503 code 1040, 4 ms
    /// (attempt 2)`, `GET /v1/my/account → connection refused, 1 ms`.
    static func requestLine(_ event: RequestEvent) -> String {
        let outcome = event.status.map { status in "\(status)\(event.sparkCode.map { " code \($0)" } ?? "")" }
            ?? event.errorSummary ?? "no answer"
        let attempt = event.attempt > 1 ? " (attempt \(event.attempt))" : ""
        return "\(event.method) \(event.path) → \(outcome), \(Format.milliseconds(event.duration)) ms\(attempt)"
    }

    static func resolveSettings(_ options: GlobalOptions, console: Console) throws -> Settings {
        let file = try ConfigFile.load(environment: console.environment)
        return try Settings.resolve(options, environment: console.environment, file: file,
                                    outputIsTerminal: console.stdoutIsTerminal)
    }
}

let jsonHelp = ArgumentHelp("Print JSON (Spark field names) instead of a table.")
let jsonPrintsServer = ArgumentHelp("Print the objects the server answered, as JSON, instead of a sentence.")
private let cartHelp = ArgumentHelp("The cart: its Id, or its name (exact, any case).")

/// A `<cart>` argument: not empty (a name may hold anything else; it is looked up among the workspace's carts).
private func checkCart(_ cart: String) throws {
    try checkNamed(cart, .cart)
}

/// Listing Ids are letters and digits, like 20060608231713000089000000.
private func checkListingIDs(_ ids: [String], required: Bool = true) throws {
    if required, ids.isEmpty { throw ValidationError("Give at least one listing Id.") }
    for id in ids where id.isEmpty || !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
        throw ValidationError("'\(sanitize(id))' is not a listing Id: listing Ids are letters and digits, like 20060608231713000089000000.")
    }
}

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
            abstract: "List the listings in one cart, or those a saved search matches (--search).",
            discussion: """
                Examples: spark-portal listings Favorites
                          spark-portal listings 20110706204418816410000000   (ids from `spark-portal carts`)
                          spark-portal listings --search "Lake towns, 2+ baths"
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: cartHelp) var cart: String?
        @Option(help: ArgumentHelp("The saved search: its Id, or its name (exact, any case).", valueName: "search"))
        var search: String?
        @Flag(help: jsonHelp) var json = false

        func validate() throws {
            switch (cart, search) {
            case (let cart?, nil): try checkCart(cart)
            case (nil, let search?): try checkNamed(search, .search)
            case (nil, nil): throw ValidationError("Name a cart, or a saved search with --search.")
            case (_?, _?): throw ValidationError("Name a cart or --search a saved search, not both.")
            }
        }

        func run() async throws {
            let command: PortalCommand = if let search { .searchListings(search: search, json: json) }
                else { .listings(cart: cart ?? "", json: json) }
            try await SparkPortalCommand.execute(command, options)
        }
    }

    struct Listing: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one listing: its photo (on a terminal), its facts, and which carts of the workspace hold it.",
            discussion: """
                On a terminal with 256 colours or more, the listing's primary photo is drawn above the facts in \
                character cells (config photos = "off" or --no-photo to skip it). A photo that cannot be loaded \
                costs one line saying why, never the facts. --json carries the photo objects (StandardFields.Photos).

                Example: spark-portal listing 20060608231713000089000000 --json
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The listing's Id.") var listingID: String
        @Flag(help: jsonHelp) var json = false
        @Flag(name: .customLong("no-photo"), help: "Do not draw the listing's photo.") var noPhoto = false
        func validate() throws { try checkListingIDs([listingID]) }
        func run() async throws {
            try await SparkPortalCommand.execute(.listing(id: listingID, json: json, photo: !noPhoto), options)
        }
    }

    struct Cart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, rename or delete a cart; add listings to it or remove them.",
            discussion: """
                A <cart> is a cart's Id or its name (exact, any case). Portal carts (Favorites, Possibilities, \
                Recommended, Rejects, Removed) cannot be created, renamed or deleted; Recommended and Removed are \
                the agent's and the portal's, and spark-portal does not change their listings.
                """,
            subcommands: [Create.self, Rename.self, Delete.self, Add.self, Remove.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a cart in the current workspace (prints its Id).",
                discussion: "Example: spark-portal cart create \"Weekend cabins\" 20060608231713000089000000")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The new cart's name.") var name: String
            @Argument(help: ArgumentHelp("Listings to put in it.", valueName: "listing-id")) var listingIDs: [String] = []
            @Flag(help: jsonPrintsServer) var json = false
            func validate() throws { try checkListingIDs(listingIDs, required: false) }
            func run() async throws {
                try await SparkPortalCommand.execute(.createCart(name: name, listingIds: listingIDs, json: json), options)
            }
        }

        struct Rename: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Rename a cart.", discussion: "Example: spark-portal cart rename \"Weekend cabins\" \"Lake cabins\"")
            @OptionGroup var options: GlobalOptions
            @Argument(help: cartHelp) var cart: String
            @Argument(help: "Its new name.") var newName: String
            @Flag(help: jsonPrintsServer) var json = false
            func validate() throws { try checkCart(cart) }
            func run() async throws {
                try await SparkPortalCommand.execute(.renameCart(cart: cart, newName: newName, json: json), options)
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Delete a cart (asks first on a terminal; without one, --yes is required).",
                discussion: "Example: spark-portal cart delete \"Weekend cabins\" --yes")
            @OptionGroup var options: GlobalOptions
            @Argument(help: cartHelp) var cart: String
            @Flag(help: "Delete without asking.") var yes = false
            @Flag(help: jsonPrintsServer) var json = false
            func validate() throws { try checkCart(cart) }
            func run() async throws { try await SparkPortalCommand.execute(.deleteCart(cart: cart, yes: yes, json: json), options) }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add listings to a cart.", discussion: "Example: spark-portal cart add Favorites 20060608231713000089000000")
            @OptionGroup var options: GlobalOptions
            @Argument(help: cartHelp) var cart: String
            @Argument(help: ArgumentHelp("The listings' Ids.", valueName: "listing-id")) var listingIDs: [String] = []
            @Flag(help: jsonPrintsServer) var json = false
            func validate() throws {
                try checkCart(cart)
                try checkListingIDs(listingIDs)
            }
            func run() async throws {
                try await SparkPortalCommand.execute(.addToCart(cart: cart, listingIds: listingIDs, json: json), options)
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove listings from a cart.",
                discussion: "Example: spark-portal cart remove Favorites 20060608231713000089000000")
            @OptionGroup var options: GlobalOptions
            @Argument(help: cartHelp) var cart: String
            @Argument(help: ArgumentHelp("The listings' Ids.", valueName: "listing-id")) var listingIDs: [String] = []
            @Flag(help: jsonPrintsServer) var json = false
            func validate() throws {
                try checkCart(cart)
                try checkListingIDs(listingIDs)
            }
            func run() async throws {
                try await SparkPortalCommand.execute(.removeFromCart(cart: cart, listingIds: listingIDs, json: json), options)
            }
        }
    }

    struct Favorite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put listings into Favorites (and out of Rejects).",
            discussion: "Example: spark-portal favorite 20060608231713000089000000")
        @OptionGroup var options: GlobalOptions
        @Argument(help: ArgumentHelp("The listings' Ids.", valueName: "listing-id")) var listingIDs: [String] = []
        @Flag(help: jsonPrintsServer) var json = false
        func validate() throws { try checkListingIDs(listingIDs) }
        func run() async throws { try await SparkPortalCommand.execute(.mark(listingIds: listingIDs, as: .favorite, json: json), options) }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put listings into Rejects (and out of Favorites).",
            discussion: "Example: spark-portal reject 20060608231713000089000000")
        @OptionGroup var options: GlobalOptions
        @Argument(help: ArgumentHelp("The listings' Ids.", valueName: "listing-id")) var listingIDs: [String] = []
        @Flag(help: jsonPrintsServer) var json = false
        func validate() throws { try checkListingIDs(listingIDs) }
        func run() async throws { try await SparkPortalCommand.execute(.mark(listingIds: listingIDs, as: .reject, json: json), options) }
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
