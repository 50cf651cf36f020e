import ArgumentParser
import Dispatch
import Foundation
import SparkMock

/// `spark-mock`: serves SparkMock's Spark-compatible API on 127.0.0.1 until SIGINT or SIGTERM.
@main
struct SparkMockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spark-mock",
        abstract: "A local Spark-compatible server for portal groups, listing carts, saved searches and news feeds.",
        discussion: """
        The first line on stdout is `listening on http://127.0.0.1:PORT`, the second `photos on \
        http://127.0.0.1:PORT2` (listings' photos, served from their own port).

        Every token is one user. A group's carts are its owner's, read and written by every member: two \
        terminals with the tokens of two members of one group see each other's changes. \
        MY_OAUTH2_ACCESS_TOKEN and DEMO_ACCESS_TOKEN are each data set's default user; the members of --data demo \
        who can sign in (and the owners of their groups):
        \(memberTable)

        Saved searches and news feeds are the workspace's too. A search's listings are those its Filter matches; \
        filters may use Eq/Ne (one value or a list), Gt/Ge/Lt/Le, Bt low,high, And/Or (left to right) and \
        parentheses over the listings' standard fields, and anything else answers 400/1040. \
        --no-newsfeed-privilege makes every /v1/newsfeeds call answer 403/1500.

        The demo OAuth client, for spark-portal login --endpoint http://127.0.0.1:PORT:
          client id      \(DemoCredentials.clientID)
          client secret  \(DemoCredentials.clientSecret)
          redirect URIs  \(DemoCredentials.redirectURI),
                         http://127.0.0.1:PORT/..., http://localhost:PORT/...
        /oauth2/authorize signs in the default user at once (add user=ID for another).

        --fault METHOD:PATH=EFFECT[:COUNT|:RATE] (repeatable; PATH may end in *):
          STATUS:CODE          answer this error instead; nothing is applied
          applied:STATUS:CODE  apply the write, then answer this error
          stall:SECONDS        apply it, then hold the answer (past a timeout: lost)
          stall-body:SECONDS   send the headers and half the body, then hold
          malformed, truncated, no-envelope: spoil the body
        e.g. --fault POST:/v1/listingcarts=applied:500:1040:1
        """
    )

    /// The demo members who can sign in: token, name, the owners of their groups.
    static var memberTable: String {
        let users = DemoDataSet.demo.users
        let width = users.map(\.accessToken.count).max() ?? 0
        return users.map { user in
            let token = user.accessToken.padding(toLength: width, withPad: " ", startingAt: 0)
            let owners = user.groupOwners.count > 2
                ? user.groupOwners.prefix(2).joined(separator: ", ") + " +\(user.groupOwners.count - 2)"
                : user.groupOwners.joined(separator: ", ")
            return "  \(token)  \(user.name) (\(owners))"
        }.joined(separator: "\n")
    }

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 0

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The data set: seed (the walkthrough), demo (a brokerage), large (for benchmarks) or hostile (names full of control sequences, for the terminal-safety tests).")
    var data: DemoDataSet = .demo

    @Option(name: .customLong("latency-ms"), help: "Milliseconds added to every response.")
    var latencyMilliseconds = 0

    @Option(name: .customLong("jitter-ms"), help: "Up to this many random milliseconds more (drawn from --seed).")
    var jitterMilliseconds = 0

    @Option(name: .customLong("fault"),
            help: "METHOD:PATH=STATUS:CODE[:COUNT|:RATE], or =applied:STATUS:CODE|malformed|truncated|no-envelope|stall:SECONDS|stall-body:SECONDS (repeatable; see below).")
    var faults: [String] = []

    @Option(name: .customLong("photo-fault"),
            help: "A fault of the photo listener: slow:SECONDS, stall-body:SECONDS, damaged, not-jpeg, huge[:MB] or an HTTP STATUS, each optionally @N for only the N-th photo of every listing (repeatable).")
    var photoFaults: [String] = []

    @Option(name: .customLong("expire-token-after"), help: "Each access token answers N requests, then 401/1020.")
    var expireTokenAfter: Int?

    @Option(name: .customLong("rate-limit"), help: "N/WINDOW, e.g. 1500/5m: beyond N requests per window, 429/1550.")
    var rateLimit: String?

    @Option(help: "Seed for every random fault decision.")
    var seed: UInt64 = 0

    @Flag(name: .customLong("no-newsfeed-privilege"),
          help: "Act as a key without the news-feed privilege: every /v1/newsfeeds call answers 403, code 1500.")
    var noNewsFeedPrivilege = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard latencyMilliseconds >= 0, jitterMilliseconds >= 0 else { throw ValidationError("latency and jitter must not be negative") }
        if let expireTokenAfter, expireTokenAfter < 0 { throw ValidationError("--expire-token-after must not be negative") }
        _ = try makeConfiguration()
    }

    func makeConfiguration() throws -> DemoServerConfiguration {
        var plan = FaultPlan()
        plan.latency = .milliseconds(latencyMilliseconds)
        plan.jitter = .milliseconds(jitterMilliseconds)
        plan.expireTokenAfter = expireTokenAfter
        var configuration = DemoServerConfiguration(dataSet: data, host: host, port: port, faults: plan, seed: seed)
        do {
            for spec in faults { try configuration.faults.add(spec) }
            configuration.faults.rateLimit = try rateLimit.map(RateLimit.parse)
            configuration.photoFaults = try photoFaults.map(PhotoFault.parse)
        } catch let error as FaultSpecError {
            throw ValidationError(error.description)
        }
        configuration.newsFeedPrivilege = !noNewsFeedPrivilege
        return configuration
    }

    func run() async throws {
        let server = try await DemoServer.start(try makeConfiguration())
        // Written straight to the file descriptor (no stdio buffering): a parent waiting for this line gets it now.
        FileHandle.standardOutput.write(Data("listening on \(server.baseURL.absoluteString)\nphotos on \(server.photoBaseURL.absoluteString)\n".utf8))
        let signal = await Self.waitForTerminationSignal()
        FileHandle.standardError.write(Data("spark-mock: stopping (signal \(signal))\n".utf8))
        await server.stop()
    }

    /// Waits for SIGINT or SIGTERM (handled, not default, so we stop the server before exiting).
    static func waitForTerminationSignal() async -> Int32 {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let queue = DispatchQueue(label: "spark-mock.signals")
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        var iterator = stream.makeAsyncIterator()
        let received = await iterator.next() ?? SIGTERM
        sources.forEach { $0.cancel() }
        return received
    }
}

extension DemoDataSet: ExpressibleByArgument {}
