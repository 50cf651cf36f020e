import Foundation
import SparkAPI
import SparkMock
import Synchronization
import Testing
@testable import PortalCLI
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A fresh XDG_CONFIG_HOME for one test, removed afterwards.
final class ConfigHome: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "spark-portal-login-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var file: CredentialsFile { CredentialsFile(path: path + "/spark-portal/credentials.json") }
    var environment: [String: String] { ["XDG_CONFIG_HOME": path] }

    func mode(of path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }
}

/// The person at the keyboard during a login, played by the test: what they paste, the secret they type,
/// and a "browser" that follows the authorize address with URLSession (as a browser would, redirects included).
final class ScriptedLoginUser: Sendable {
    enum BrowserBehaviour: Sendable {
        /// Follow the authorize address and its redirect to our listener.
        case follow
        /// Follow it, but with the `state` parameter replaced (a forged answer).
        case followWithState(String)
        /// Open nothing (no browser); the test pastes instead.
        case none
    }

    private let record = Mutex<(urls: [URL], prompts: [String], browsed: [Int])>(([], [], []))
    let behaviour: BrowserBehaviour
    let secret: String?
    let paste: (@Sendable (URL) async -> String?)?

    init(browser: BrowserBehaviour, secret: String? = nil, paste: (@Sendable (URL) async -> String?)? = nil) {
        self.behaviour = browser
        self.secret = secret
        self.paste = paste
    }

    var authorizeURLs: [URL] { record.withLock { $0.urls } }
    var prompts: [String] { record.withLock { $0.prompts } }
    /// The HTTP statuses the browser ended on.
    var browsedStatuses: [Int] { record.withLock { $0.browsed } }

    var terminal: UserTerminal {
        UserTerminal(
            readLine: { [self] in
                guard let paste, let url = authorizeURLs.last else { return nil }
                return await paste(url)
            },
            readSecret: { [self] prompt in
                record.withLock { $0.prompts.append(prompt) }
                return secret
            },
            openBrowser: { [self] url in
                record.withLock { $0.urls.append(url) }
                var target = url
                switch behaviour {
                case .none: return false
                case .follow: break
                case .followWithState(let forged):
                    var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
                    components.queryItems = components.queryItems?.map {
                        $0.name == "state" ? URLQueryItem(name: "state", value: forged) : $0
                    }
                    target = components.url!
                }
                Task {
                    let status = (try? await URLSession.shared.data(from: target)).flatMap { ($0.1 as? HTTPURLResponse)?.statusCode }
                    self.record.withLock { $0.browsed.append(status ?? -1) }
                }
                return true
            })
    }
}

/// The `state` query value of an authorize address.
func stateParameter(of url: URL) -> String? {
    URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "state" }?.value
}

/// Runs `spark-portal login` in-process.
func runLogin(_ request: LoginRequest, _ arguments: [String], environment: [String: String],
              user: ScriptedLoginUser, clock: TestSleeps? = nil) async throws -> (status: PortalCLI.ExitStatus, out: String, err: String) {
    let captured = CapturedConsole()
    let options = try GlobalOptions.parse(arguments)
    let status = await Login.execute(request, options: options,
                                     console: captured.console(environment: environment, clock: clock),
                                     terminal: user.terminal)
    return (status, captured.out, captured.err)
}

/// Logs in against `server` through the loopback listener, as a user with a browser would, and returns the
/// stored login.
@discardableResult
func loginThroughBrowser(_ server: DemoServer, home: ConfigHome, account: String? = nil) async throws -> StoredLogin {
    let user = ScriptedLoginUser(browser: .follow)
    var arguments = ["--endpoint", server.baseURL.absoluteString]
    if let account { arguments += ["--account", account] }
    let result = try await runLogin(
        LoginRequest(redirectURI: "http://127.0.0.1:0/callback", timeout: .seconds(20)), arguments,
        environment: home.environment.merging(
            ["SPARK_CLIENT_ID": DemoCredentials.clientID, "SPARK_CLIENT_SECRET": DemoCredentials.clientSecret]) { $1 },
        user: user)
    #expect(result.status == .success, "\(result.err)")
    return try #require(try home.file.login(account: account ?? CredentialsFile.defaultAccount))
}

/// Runs `spark-portal login` against `server` with the demo client's id and secret in the environment; by default
/// with a loopback redirect (any free port) that our listener answers.
func runDemoClientLogin(_ server: DemoServer, home: ConfigHome, user: ScriptedLoginUser,
                      redirectURI: String = "http://127.0.0.1:0/callback",
                      account: String? = nil) async throws -> (status: PortalCLI.ExitStatus, out: String, err: String) {
    try await runLogin(
        LoginRequest(redirectURI: redirectURI, timeout: .seconds(20)),
        ["--endpoint", server.baseURL.absoluteString] + (account.map { ["--account", $0] } ?? []),
        environment: home.environment.merging(
            ["SPARK_CLIENT_ID": DemoCredentials.clientID, "SPARK_CLIENT_SECRET": DemoCredentials.clientSecret]) { $1 },
        user: user)
}

/// The demo user signs in at the authorize address, as in a browser that then cannot reach the redirect:
/// the redirect URI it asked for, and the code the server issued for it.
func signIn(_ server: DemoServer, _ authorize: URL) async -> (redirect: String, code: String) {
    let items = URLComponents(url: authorize, resolvingAgainstBaseURL: false)?.queryItems ?? []
    let redirect = items.first { $0.name == "redirect_uri" }?.value ?? ""
    return (redirect, await server.issueAuthorizationCode(for: DemoDataSet.demo.defaultUser.id, redirectURI: redirect))
}

/// The refresh-token grants the server has answered.
func refreshGrants(_ server: DemoServer) async -> [RecordedRequest] {
    await server.journal.requests(method: "POST", path: "/v1/oauth2/grant").filter { $0.body == "grant_type=refresh_token" }
}
