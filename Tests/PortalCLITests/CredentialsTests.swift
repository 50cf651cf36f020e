import Foundation
import SparkAPI
import SparkMock
import Synchronization
import Testing
@testable import PortalCLI

/// Paths of request events, collected from any task.
final class EventLog: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ path: String) { storage.withLock { $0.append(path) } }
    var paths: [String] { storage.withLock { $0 } }
}

func sampleLogin(_ suffix: String = "1", endpoint: String = "https://sparkapi.com") -> StoredLogin {
    StoredLogin(endpoint: endpoint, accessToken: "access-token-\(suffix)", refreshToken: "refresh-token-\(suffix)",
                expiresAt: Date(timeIntervalSince1970: 1_900_000_000), clientID: "client-\(suffix)",
                clientSecret: "client-secret-\(suffix)", redirectURI: "https://sparkplatform.com/oauth2/callback",
                userName: "Betty Buyer")
}

@Suite("The credentials file")
struct CredentialsFileTests {
    @Test func savedPrivatelyAndReadBack() throws {
        let home = try ConfigHome()
        let file = home.file
        try file.update(account: "default", to: sampleLogin("1"))
        try file.update(account: "work", to: sampleLogin("2"))
        #expect(home.mode(of: file.path) == 0o600)
        #expect(home.mode(of: file.directory) == 0o700)
        let all = try file.load()
        #expect(all == ["default": sampleLogin("1"), "work": sampleLogin("2")])
        let text = try String(contentsOfFile: file.path, encoding: .utf8)
        #expect(text.contains("\"accounts\"") && text.contains("\"expires_at\" : \"2030-03-17T17:46:40Z\""))
    }

    @Test func anExistingOpenDirectoryIsMadePrivate() throws {
        let home = try ConfigHome()
        try FileManager.default.createDirectory(atPath: home.file.directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        try home.file.update(account: "default", to: sampleLogin())
        #expect(home.mode(of: home.file.directory) == 0o700)
    }

    @Test(arguments: [0o644, 0o640, 0o604])
    func aFileOthersCanReadIsRefused(mode: Int) async throws {
        let home = try ConfigHome()
        try home.file.update(account: "default", to: sampleLogin())
        chmod(home.file.path, mode_t(mode))
        #expect {
            try home.file.load()
        } throws: { error in
            let failure = error as? CLIError
            return failure?.status == .configuration && failure?.message.contains("chmod 600 \(home.file.path)") == true
        }
        // Commands refuse it too, with the same message and without showing what is in it.
        let result = try await run(.whoami(json: false), [], environment: home.environment)
        #expect(result.status == .configuration)
        #expect(result.err.contains("can be read by others") && result.err.contains("chmod 600 \(home.file.path)"))
        #expect(!result.err.contains("access-token-1"))
    }

    @Test func aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws {
        let home = try ConfigHome()
        let file = home.file
        try file.update(account: "default", to: sampleLogin("old"))
        let before = try Data(contentsOf: URL(fileURLWithPath: file.path))

        var document = try file.loadDocument()
        document.accounts["default"] = sampleLogin("new")
        struct DiskFull: Error {}
        #expect(throws: CLIError.self) { try file.save(document, afterWrite: { throw DiskFull() }) }

        #expect(try Data(contentsOf: URL(fileURLWithPath: file.path)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: file.directory) == ["credentials.json"])
        #expect(try file.login(account: "default") == sampleLogin("old"))
    }

    @Test func unreadableJSONIsReportedWithoutItsContent() throws {
        let home = try ConfigHome()
        try home.file.update(account: "default", to: sampleLogin())
        try "{\"accounts\": {\"default\": {\"access_token\": \"leaky-token\"".write(toFile: home.file.path, atomically: false, encoding: .utf8)
        #expect {
            try home.file.load()
        } throws: { error in
            let message = (error as? CLIError)?.message ?? ""
            return message.contains("not readable JSON") && !message.contains("leaky-token")
        }
    }

    @Test func descriptionsNeverShowTokens() throws {
        let login = sampleLogin("secretive")
        var dumped = ""
        dump(login, to: &dumped)
        for text in ["\(login)", String(reflecting: login), dumped] {
            #expect(!text.contains("access-token-secretive") && !text.contains("refresh-token-secretive")
                    && !text.contains("client-secret-secretive"), "\(text)")
        }
        let provider = StoredLoginToken(account: "default", login: login, file: CredentialsFile(path: "/nonexistent"))
        var dumpedProvider = ""
        dump(provider, to: &dumpedProvider)
        #expect(!"\(provider)".contains("access-token") && !dumpedProvider.contains("access-token"), "\(dumpedProvider)")
    }
}

@Suite("Accounts, logout and the token order")
struct AccountTests {
    @Test func accountSelectsTheStoredLogin() async throws {
        let home = try ConfigHome()
        try await withStartedDemoServer { server in
            try await loginThroughBrowser(server, home: home)  // Betty Buyer, "default"
            // A second user of the same server as account "agent": sign them in with a code minted for them.
            let other = try #require(DemoDataSet.demo.users.dropFirst().first)
            let code = await server.issueAuthorizationCode(for: other.id)
            let paste = ScriptedLoginUser(browser: .none, paste: { _ in code })
            let login = try await runDemoClientLogin(server, home: home, user: paste, redirectURI: DemoCredentials.redirectURI,
                                                     account: "agent")
            #expect(login.status == .success, "\(login.err)")

            func name(_ arguments: [String], _ extra: [String: String] = [:]) async throws -> (String?, String?) {
                let result = try await run(.whoami(json: true), arguments, environment: home.environment.merging(extra) { $1 })
                let object = try jsonObject(result.out) as? [String: Any]
                return (object?["Name"] as? String, object?["LoginAccount"] as? String)
            }
            #expect(try await name([]) == ("Betty Buyer", "default"))
            #expect(try await name(["--account", "agent"]) == (other.name, "agent"))
            #expect(try await name([], ["SPARK_PORTAL_ACCOUNT": "agent"]) == (other.name, "agent"))
            #expect(try await name(["--account", "default"], ["SPARK_PORTAL_ACCOUNT": "agent"]) == ("Betty Buyer", "default"))

            let missing = try await run(.whoami(json: true), ["--account", "nobody"], environment: home.environment)
            #expect(missing.status == .authentication)
            #expect(missing.err.contains("spark-portal login"))
        }
    }

    @Test func theEnvironmentTokenComesBeforeTheStoredLogin() async throws {
        let home = try ConfigHome()
        try await withStartedDemoServer(DemoServerConfiguration(dataSet: .seed)) { server in
            try home.file.update(account: "default", to: sampleLogin("unused", endpoint: server.baseURL.absoluteString))
            let result = try await run(.whoami(json: true), ["--endpoint", server.baseURL.absoluteString],
                                       environment: home.environment.merging(["SPARK_ACCESS_TOKEN": DemoCredentials.seedAccessToken]) { $1 })
            #expect(result.status == .success, "\(result.err)")
            let object = try #require(try jsonObject(result.out) as? [String: Any])
            #expect(object["TokenSource"] as? String == "environment")
            #expect(object["LoginAccount"] == nil && object["TokenExpires"] == nil)
        }
    }

    @Test func aStoredLoginForAnotherEndpointIsNotSentThere() async throws {
        let home = try ConfigHome()
        try home.file.update(account: "default", to: sampleLogin("1", endpoint: "https://sparkapi.com"))
        let result = try await run(.groups(json: true), ["--endpoint", "http://127.0.0.1:9"], environment: home.environment)
        #expect(result.status == .authentication)
        #expect(result.err.contains("is for https://sparkapi.com"), "\(result.err)")
        #expect(!result.err.contains("access-token-1"))
    }

    @Test func logoutRemovesOnlyThatAccount() async throws {
        let home = try ConfigHome()
        try home.file.update(account: "default", to: sampleLogin("1"))
        try home.file.update(account: "work", to: sampleLogin("2"))
        let captured = CapturedConsole()
        let status = Login.logout(options: try GlobalOptions.parse(["--account", "work"]),
                                  console: captured.console(environment: home.environment))
        #expect(status == .success)
        #expect(try home.file.load().keys.sorted() == ["default"])
        #expect(captured.out.contains("removed the stored login 'work'"))
        #expect(captured.out.contains("no way to revoke"))
        #expect(!captured.out.contains("access-token-2"))
        #expect(home.mode(of: home.file.path) == 0o600)

        let again = CapturedConsole()
        #expect(Login.logout(options: try GlobalOptions.parse(["--account", "work"]), console: again.console(environment: home.environment)) == .success)
        #expect(again.out.contains("No stored login for account 'work'"))

        // The last one out removes the file.
        #expect(Login.logout(options: try GlobalOptions.parse([]), console: CapturedConsole().console(environment: home.environment)) == .success)
        #expect(!FileManager.default.fileExists(atPath: home.file.path))
        let after = try await run(.whoami(json: false), [], environment: home.environment)
        #expect(after.status == .authentication)
    }
}

@Suite("Login pieces")
struct LoginPieceTests {
    @Test func authorizePages() throws {
        let spark = URL(string: "https://sparkapi.com")!
        #expect(try Login.authorizeBase(endpoint: spark, portal: nil, override: nil).absoluteString == "https://sparkplatform.com/oauth2")
        #expect(try Login.authorizeBase(endpoint: spark, portal: "my_portal", override: nil).absoluteString
                == "https://sparkplatform.com/auth/vow/my_portal")
        #expect(try Login.authorizeBase(endpoint: URL(string: "http://127.0.0.1:8080")!, portal: "x", override: nil).absoluteString
                == "http://127.0.0.1:8080/oauth2/authorize")
        #expect(try Login.authorizeBase(endpoint: spark, portal: nil, override: "https://example.test/auth").absoluteString
                == "https://example.test/auth")
        #expect(throws: CLIError.self) { try Login.authorizeBase(endpoint: spark, portal: "../evil", override: nil) }
        #expect(throws: CLIError.self) { try Login.authorizeBase(endpoint: spark, portal: nil, override: "http://example.test/") }

        let url = Login.authorizeURL(base: URL(string: "https://sparkplatform.com/oauth2")!, clientID: "id+1",
                                     redirectURI: "http://127.0.0.1:8765/callback", state: "abc")
        let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        #expect(items.map(\.name) == ["response_type", "client_id", "redirect_uri", "state"])
        #expect(items.first { $0.name == "client_id" }?.value == "id+1")
        #expect(items.first { $0.name == "redirect_uri" }?.value == "http://127.0.0.1:8765/callback")
        #expect(url.absoluteString == "https://sparkplatform.com/oauth2?response_type=code&client_id=id%2B1"
                + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&state=abc")
    }

    @Test func statesAreFreshAndLong() {
        let states = (0..<100).map { _ in Login.newState() }
        #expect(Set(states).count == 100)
        #expect(states.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
    }

    @Test(arguments: [
        ("https://sparkplatform.com/oauth2/callback?code=abc&state=s1", ["code": "abc", "state": "s1"]),
        ("  code=abc&state=s1 ", ["code": "abc", "state": "s1"]),
        ("abc123", ["code": "abc123"]),
        ("http://127.0.0.1:1/cb?error=access_denied&state=s1", ["error": "access_denied", "state": "s1"]),
        ("", [:]),
    ])
    func pastedAnswers(text: String, expected: [String: String]) {
        #expect(Login.parseAnswer(text) == expected)
    }

    @Test func stateChecks() throws {
        #expect(try Login.checkedCode(["code": "c", "state": "s"], expectedState: "s", stateRequired: true) == "c")
        #expect(try Login.checkedCode(["code": "c"], expectedState: "s", stateRequired: false) == "c")
        #expect(throws: CLIError.self) { try Login.checkedCode(["code": "c"], expectedState: "s", stateRequired: true) }
        #expect(throws: CLIError.self) { try Login.checkedCode(["code": "c", "state": "t"], expectedState: "s", stateRequired: false) }
        #expect(throws: CLIError.self) { try Login.checkedCode(["error": "access_denied", "state": "s"], expectedState: "s", stateRequired: true) }
    }

    @Test func loopbackRedirects() throws {
        #expect(try Login.loopbackRedirect("http://127.0.0.1:8765/callback")! == ("127.0.0.1", 8765, "/callback"))
        #expect(try Login.loopbackRedirect("http://localhost:9000/")! == ("127.0.0.1", 9000, "/"))
        #expect(try Login.loopbackRedirect("https://sparkplatform.com/oauth2/callback") == nil)
        #expect(try Login.loopbackRedirect("https://127.0.0.1:8765/callback") == nil)
    }

    @Test func expiryIsSaidInHoursAndMinutes() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(Output.expiry(now.addingTimeInterval(23 * 3600 + 12 * 60 + 5), now: now).hasPrefix("in 23h 12m ("))
        #expect(Output.expiry(now.addingTimeInterval(-300), now: now).hasPrefix("expired 5m ago"))
        #expect(Output.expiry(nil, now: now) == "unknown")
    }
}
