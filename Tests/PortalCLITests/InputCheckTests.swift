import Foundation
import SparkAPI
import SparkMock
import Testing
@testable import PortalCLI

private let seedToken = ["SPARK_ACCESS_TOKEN": DemoCredentials.seedAccessToken]
private let ozzyGroup = "20130919194721820379000000"

/// A configuration file with `text`, as `XDG_CONFIG_HOME` for one command.
private func withConfig<T>(_ text: String, _ body: (_ environment: [String: String], _ path: String) async throws -> T) async throws -> T {
    let home = try ConfigHome()
    let directory = home.path + "/spark-portal"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try text.write(toFile: directory + "/config.toml", atomically: true, encoding: .utf8)
    return try await body(home.environment, directory + "/config.toml")
}

/// Bad endpoints are refused before anything is sent, each with the reason (issue #21, item 5).
@Suite("Endpoints are checked")
struct EndpointCheckTests {
    @Test func aPortOutOfRangeIsAUsageError() async throws {
        let result = try await run(.groups(json: false), ["--endpoint", "http://localhost:99999"],
                                   environment: ["SPARK_ACCESS_TOKEN": "t"], clock: TestSleeps())
        #expect(result.status == .usage)
        #expect(result.err == "spark-portal: Invalid endpoint 'http://localhost:99999': port 99999 is out of range (ports are 1 to 65535).")
    }

    /// `…/v1` is what the API's paths start with; the endpoint is the part before it.
    @Test(arguments: ["/v1", "/v1/"])
    func aTrailingV1IsDropped(suffix: String) async throws {
        try await withStartedDemoServer(DemoServerConfiguration(dataSet: .seed)) { server in
            let result = try await run(.groups(json: true), ["--endpoint", server.baseURL.absoluteString + suffix],
                                       environment: seedToken)
            #expect(result.status == .success, "\(result.err)")
            #expect(await server.journal.requests.map(\.path).sorted() == ["/v1/portal/groups", "/v1/portal/groups/current"])
        }
    }

    @Test func settingsKeepOtherPathsAndDropOnlyV1() throws {
        #expect(try Settings.endpoint("https://proxy.example.com/spark/v1").absoluteString == "https://proxy.example.com/spark")
        #expect(try Settings.endpoint("https://proxy.example.com/spark").absoluteString == "https://proxy.example.com/spark")
        #expect(try Settings.endpoint("https://sparkapi.com").absoluteString == "https://sparkapi.com")
    }

    /// A name that does not resolve will not resolve a second later: one line, no retry.
    @Test(.timeLimit(.minutes(1)))
    func anUnknownHostIsOneLineAndNotRetried() async throws {
        let clock = TestSleeps()
        let result = try await run(.current(json: false), ["--endpoint", "https://spark-portal-test.invalid"],
                                   environment: ["SPARK_ACCESS_TOKEN": "t"], clock: clock)
        #expect(result.status == .network)
        #expect(result.err == "spark-portal: Could not find the server spark-portal-test.invalid. Check --endpoint and your network connection.")
        #expect(clock.recorded.isEmpty)
    }

    @Test func demoWithAnEndpointIsRefused() async throws {
        let result = try await run(.groups(json: false), ["--demo", "--endpoint", "https://sparkapi.com"])
        #expect(result.status == .usage)
        #expect(result.err == "spark-portal: --demo runs its own server, so --endpoint has no place beside it: give one or the other.")
    }

    /// The environment's endpoint is a standing choice, not a contradiction: --demo simply does not use it.
    @Test func demoBesideTheEnvironmentsEndpointRuns() async throws {
        let result = try await run(.whoami(json: true), ["--demo"], environment: ["SPARK_API_ENDPOINT": "https://sparkapi.com"])
        #expect(result.status == .success, "\(result.err)")
    }
}

/// `use` with an id that is not among the user's groups (issue #21, item 6).
@Suite("A mistyped group id")
struct MistypedGroupTests {
    @Test func anIdThatIsNotAmongYourGroupsIsAUsageError() async throws {
        try await withDemoServer(DemoServerConfiguration(dataSet: .seed)) { baseURL in
            let result = try await run(.use(groupID: "12345"), ["--endpoint", baseURL.absoluteString], environment: seedToken)
            #expect(result.status == .usage)
            #expect(result.err == "spark-portal: No group 12345 among yours; see `spark-portal groups`.")
            #expect(result.out.isEmpty)
        }
    }

    /// A group the user belongs to that the server refuses with 1025 keeps 1025's own message.
    @Test func aGroupOfYoursThatIsNoLongerValidKeepsItsMessage() async throws {
        var plan = FaultPlan()
        try plan.add("PUT:/v1/portal/groups/current=400:1025")
        try await withDemoServer(DemoServerConfiguration(dataSet: .seed, faults: plan)) { baseURL in
            let result = try await run(.use(groupID: ozzyGroup), ["--endpoint", baseURL.absoluteString], environment: seedToken)
            #expect(result.status == .api)
            #expect(result.err == "spark-portal: That portal group is no longer available. Pick another group.")
        }
    }
}

/// The configuration file and the flags, the rest (issue #21, item 10).
@Suite("Configuration and flags")
struct ConfigAndFlagTests {
    @Test func aRefusedEndpointInTheFileIsAConfigurationErrorWithItsLine() async throws {
        try await withConfig("color = true\nendpoint = \"http://example.com\"\n") { environment, path in
            let result = try await run(.groups(json: false), [], environment: environment.merging(["SPARK_ACCESS_TOKEN": "t"]) { $1 })
            #expect(result.status == .configuration)
            #expect(result.err == "spark-portal: Configuration error: \(path):2: Refusing to send credentials over plain http to "
                    + "http://example.com: use an https:// endpoint (http:// is allowed only for localhost).")
        }
    }

    @Test func anUpperCaseBooleanSaysTrueOrFalse() async throws {
        try await withConfig("color = TRUE\n") { environment, path in
            let result = try await run(.groups(json: false), ["--demo"], environment: environment)
            #expect(result.status == .configuration)
            #expect(result.err == "spark-portal: Configuration error: \(path):1: color must be true or false, in lower case (not TRUE)")
        }
    }

    @Test func anEmptyUserAgentInTheFileIsRefused() async throws {
        try await withConfig("\nuser_agent = \"\"\n") { environment, path in
            let result = try await run(.groups(json: false), ["--demo"], environment: environment)
            #expect(result.status == .configuration)
            #expect(result.err == "spark-portal: Configuration error: \(path):2: user_agent: the Spark API requires a user agent "
                    + "(the name of your API key's application), so it cannot be empty")
        }
    }

    @Test(arguments: ["", "  ", "bad\u{0A}agent"])
    func aBadUserAgentFlagIsAUsageError(agent: String) async throws {
        let result = try await run(.groups(json: false), ["--demo", "--user-agent", agent])
        #expect(result.status == .usage)
        #expect(result.err.hasPrefix("spark-portal: Invalid --user-agent: "), "\(result.err)")
        #expect(!result.err.contains("\n"))
    }

    @Test func aLogFileInAFolderThatDoesNotExistSaysSo() async throws {
        let result = try await run(.groups(json: false), ["--demo", "--log-file", "/nonexistent-spark-portal/dir/log"])
        #expect(result.status == .usage)
        #expect(result.err == "spark-portal: Cannot write the log file /nonexistent-spark-portal/dir/log: "
                + "the folder /nonexistent-spark-portal/dir does not exist.")
    }

    @Test func aLogFileThatIsAFolderSaysSo() async throws {
        let result = try await run(.groups(json: false), ["--demo", "--log-file", NSTemporaryDirectory()])
        #expect(result.status == .usage)
        #expect(result.err.hasSuffix(": it is a folder."), "\(result.err)")
    }
}

/// `leave` and `--account`, said as they are (issue #21, item 12).
@Suite("Saying what is")
struct SayingWhatIsTests {
    @Test func leaveWithNoCurrentGroupSaysThereWasNone() async throws {
        try await withStartedDemoServer(DemoServerConfiguration(dataSet: .seed)) { server in
            let result = try await run(.leave, ["--endpoint", server.baseURL.absoluteString], environment: seedToken)
            #expect(result.status == .success)
            #expect(result.out == "No current group to leave: you already act for your own workspace.")
            #expect(await server.journal.requests(method: "DELETE", path: "/v1/portal/groups/current").isEmpty)
        }
    }

    @Test func leaveNamesTheGroupLeft() async throws {
        try await withStartedDemoServer(DemoServerConfiguration(dataSet: .seed)) { server in
            let endpoint = ["--endpoint", server.baseURL.absoluteString]
            _ = try await run(.use(groupID: ozzyGroup), endpoint, environment: seedToken)
            let result = try await run(.leave, endpoint, environment: seedToken)
            #expect(result.out == "Left Ozzy Owner's group: acting for your own workspace.")
            #expect(try await run(.current(json: true), endpoint, environment: seedToken).out == "null")
        }
    }

    @Test func anAccountWithNoStoredLoginIsNamed() async throws {
        let home = try ConfigHome()
        let result = try await run(.groups(json: false), ["--account", "work"], environment: home.environment)
        #expect(result.status == .authentication)
        #expect(result.err == "spark-portal: No stored login for account 'work': run `spark-portal login --account work`, "
                + "or set SPARK_ACCESS_TOKEN.")
    }

    @Test func theStoredAccountsAreListedWhenTheOneAskedForIsMissing() async throws {
        let home = try ConfigHome()
        try home.file.update(account: "home", to: StoredLogin(
            endpoint: "https://sparkapi.com", accessToken: "stored-access-token", refreshToken: nil, expiresAt: nil,
            clientID: "c", clientSecret: "s", redirectURI: "https://sparkplatform.com/oauth2/callback"))
        let result = try await run(.groups(json: false), [], environment: home.environment)
        #expect(result.status == .authentication)
        #expect(result.err == "spark-portal: No stored login for account 'default' (stored: home): pick one with --account, "
                + "run `spark-portal login`, or set SPARK_ACCESS_TOKEN.")
    }

    @Test func withNoLoginsAtAllTheAdviceIsThePlainOne() async throws {
        let home = try ConfigHome()
        let result = try await run(.groups(json: false), [], environment: home.environment)
        #expect(result.status == .authentication)
        #expect(result.err == "spark-portal: \(CLIError.missingToken.message)")
    }
}
