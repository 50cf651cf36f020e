import Foundation
import SparkAPI
import SparkMock
import Synchronization
import Testing
@testable import PortalCLI
import ArgumentParser
import TerminalUI
import TestSupport

/// Captures what a command prints.
final class CapturedConsole: Sendable {
    private let streams = Mutex<(out: [String], err: [String])>(([], []))

    func console(environment: [String: String] = [:], terminal: Bool = false, clock: TestSleeps? = nil) -> Console {
        var console = Console(out: { text in self.streams.withLock { $0.out.append(text) } },
                              err: { text in self.streams.withLock { $0.err.append(text) } },
                              environment: environment, stdoutIsTerminal: terminal, stderrIsTerminal: terminal)
        if let clock { console.sleep = clock.sleep }
        return console
    }

    var out: String { streams.withLock { $0.out.joined(separator: "\n") } }
    var err: String { streams.withLock { $0.err.joined(separator: "\n") } }
}

/// A command's clock in tests: every wait it asks for is recorded and ends at once (or when `until` says).
final class TestSleeps: Sendable {
    private let waits = Mutex<[Duration]>([])
    private let until: @Sendable (Duration) async throws -> Void

    init(until: @escaping @Sendable (Duration) async throws -> Void = { _ in }) { self.until = until }

    var recorded: [Duration] { waits.withLock { $0 } }

    var sleep: @Sendable (Duration) async throws -> Void {
        { duration in
            self.waits.withLock { $0.append(duration) }
            try await self.until(duration)
        }
    }
}

/// Runs one command line (subcommand + options) in-process.
func run(_ command: PortalCommand, _ arguments: [String], environment: [String: String] = [:],
         terminal: Bool = false, clock: TestSleeps? = nil) async throws -> (status: PortalCLI.ExitStatus, out: String, err: String) {
    let captured = CapturedConsole()
    var environment = environment
    environment["XDG_CONFIG_HOME"] = environment["XDG_CONFIG_HOME"] ?? "/nonexistent-spark-portal-tests"
    let options = try GlobalOptions.parse(arguments)
    let status = await SparkPortalCommand.execute(command, options: options,
                                                  console: captured.console(environment: environment, terminal: terminal,
                                                                            clock: clock))
    return (status, captured.out, captured.err)
}

func jsonObject(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}

let seedGroupID = "20130919194721820379000000"

@Suite struct DemoCommandTests {
    @Test func groupsJSONHasSparkFieldsAndCurrent() async throws {
        let result = try await run(.groups(json: true), ["--demo", "--demo-data", "seed"])
        #expect(result.status == .success, "\(result.err)")
        let groups = try #require(try jsonObject(result.out) as? [[String: Any]])
        #expect(groups.count == 1)
        let group = try #require(groups.first)
        #expect(group["Id"] as? String == seedGroupID)
        #expect(group["ContactId"] as? String == "20130919194721358470000000")
        #expect(group["ResourceUri"] as? String == "/v1/portal/groups/\(seedGroupID)")
        #expect(group["Current"] as? Bool == false)
        let users = try #require(group["Users"] as? [[String: Any]])
        #expect(users.map { $0["Name"] as? String } == ["Ozzy Owner", "Johnny Consumer", "Betty Buyer"])
        #expect(users.last?["LastLogin"] != nil)
        #expect(result.err.isEmpty)
    }

    @Test func groupsForPeopleAreAlignedAndMarkTheCurrentGroup() async throws {
        let result = try await run(.groups(json: false), ["--demo"])
        #expect(result.status == .success, "\(result.err)")
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("OWNER") == true)
        #expect(lines.filter { $0.hasPrefix("●") }.count == 1, "exactly one current group:\n\(result.out)")
        #expect(!result.out.contains("\u{1B}"), "no escape sequences when not on a terminal")
    }

    @Test func currentJSONIsNullWithoutAGroup() async throws {
        let result = try await run(.current(json: true), ["--demo", "--demo-data", "seed"])
        #expect(result.status == .success)
        #expect(result.out == "null")
    }

    @Test func cartsJSON() async throws {
        let result = try await run(.carts(json: true), ["--demo", "--demo-data", "seed"])
        #expect(result.status == .success, "\(result.err)")
        let carts = try #require(try jsonObject(result.out) as? [[String: Any]])
        #expect(!carts.isEmpty)
        for cart in carts {
            #expect(cart["Id"] is String && cart["Name"] is String && cart["ListingCount"] is Int)
        }
    }

    @Test func whoamiJSON() async throws {
        let result = try await run(.whoami(json: true), ["--demo", "--demo-data", "seed"])
        #expect(result.status == .success, "\(result.err)")
        let account = try #require(try jsonObject(result.out) as? [String: Any])
        #expect(account["Name"] as? String == "Betty Buyer")
    }
}

@Suite struct ServerCommandTests {
    /// Commands against one long-lived server, as a user of `spark-mock` would run them.
    @Test func useThenCurrentReflectsThePutAndLeaveSendsDelete() async throws {
        try await withDemoServer(DemoServerConfiguration(dataSet: .seed)) { baseURL in
            let environment = ["SPARK_ACCESS_TOKEN": DemoCredentials.seedAccessToken]
            let endpoint = ["--endpoint", baseURL.absoluteString]

            let use = try await run(.use(groupID: seedGroupID), endpoint, environment: environment)
            #expect(use.status == .success, "\(use.err)")
            #expect(use.out == "Now acting for Ozzy Owner's group.")

            let current = try await run(.current(json: true), endpoint, environment: environment)
            let group = try #require(try jsonObject(current.out) as? [String: Any])
            #expect(group["Id"] as? String == seedGroupID)

            let carts = try await run(.carts(json: true), endpoint, environment: environment)
            let names = try #require(try jsonObject(carts.out) as? [[String: Any]]).map { $0["Name"] as? String }
            #expect(names == ["Favorites", "Possibilities", "Recommended", "Rejects", "Removed"])

            let leave = try await run(.leave, endpoint, environment: environment)
            #expect(leave.status == .success)
            let after = try await run(.current(json: true), endpoint, environment: environment)
            #expect(after.out == "null")
        }
    }


    @Test func aRefusedTokenIsAnAuthenticationError() async throws {
        try await withDemoServer(DemoServerConfiguration(dataSet: .seed)) { baseURL in
            let token = "NOT-A-REAL-TOKEN-0123456789"
            let result = try await run(.groups(json: true), ["--endpoint", baseURL.absoluteString],
                                       environment: ["SPARK_ACCESS_TOKEN": token])
            #expect(result.status == .authentication)
            #expect(!result.err.contains(token))
            #expect(result.out.isEmpty)
        }
    }
}

@Suite struct FailureExitCodeTests {
    @Test func noTokenSaysWhatToDo() async throws {
        let result = try await run(.groups(json: false), [])
        #expect(result.status == .authentication)
        #expect(result.err.contains("SPARK_ACCESS_TOKEN"))
        #expect(result.err.contains("--demo"))
        #expect(result.err.contains("login"))
    }

    @Test func refusedConnectionIsANetworkError() async throws {
        let refusing = try RefusingPort()
        let result = try await run(.groups(json: true), ["--endpoint", "http://127.0.0.1:\(refusing.port)"],
                                   environment: ["SPARK_ACCESS_TOKEN": "token-for-refused-test"])
        #expect(result.status == .network)
        #expect(result.err.contains("127.0.0.1"))
    }

    @Test func httpToARemoteHostIsRefusedBeforeAnyRequest() async throws {
        let result = try await run(.groups(json: true), ["--endpoint", "http://example.com"],
                                   environment: ["SPARK_ACCESS_TOKEN": "secret-token-value"])
        #expect(result.status == .usage)
        #expect(!result.err.contains("secret-token-value"))
    }

    /// `groups --demo` with a configuration file holding `text`.
    private func groupsWithConfigFile(_ text: String) async throws -> (status: PortalCLI.ExitStatus, out: String, err: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sp-\(UUID())")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("spark-portal"), withIntermediateDirectories: true)
        try text.write(to: directory.appendingPathComponent("spark-portal/config.toml"), atomically: true, encoding: .utf8)
        return try await run(.groups(json: true), ["--demo"], environment: ["XDG_CONFIG_HOME": directory.path])
    }

    @Test func aBadConfigFileIsAConfigurationError() async throws {
        let result = try await groupsWithConfigFile("endpoint = nope\n")
        #expect(result.status == .configuration)
        #expect(result.err.contains("config.toml:1:"))
    }

    @Test func aKeyBoundTwiceInOnePlaceIsAConfigurationError() async throws {
        let result = try await groupsWithConfigFile("[keys]\nquit = \"j\"\n")
        #expect(result.status == .configuration)
        #expect(result.status.rawValue == 78)
        #expect(result.err.contains("config.toml:2: \"j\" would be the key of both quit and down everywhere"))
    }

    @Test func theLogFileHasTheRequestsAndNotTheToken() async throws {
        try await withDemoServer(DemoServerConfiguration(dataSet: .seed)) { baseURL in
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("sp-\(UUID()).log").path
            let result = try await run(.groups(json: true), ["--endpoint", baseURL.absoluteString, "--log-file", log],
                                       environment: ["SPARK_ACCESS_TOKEN": DemoCredentials.seedAccessToken])
            #expect(result.status == .success)
            let text = try String(contentsOfFile: log, encoding: .utf8)
            #expect(text.contains("method=GET"))
            #expect(text.contains("path=/v1/portal/groups"))
            #expect(text.contains("status=200"))
            #expect(!text.contains(DemoCredentials.seedAccessToken))
            let attributes = try FileManager.default.attributesOfItem(atPath: log)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }
}
