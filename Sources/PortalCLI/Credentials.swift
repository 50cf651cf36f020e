import Foundation
import SparkAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One stored login: what `spark-portal login` received for one account, and what is needed to renew it.
/// Its descriptions and mirror never show the tokens or the client secret.
public struct StoredLogin: Codable, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The Spark API base URL these tokens belong to.
    public var endpoint: String
    public var accessToken: String
    public var refreshToken: String?
    /// When the access token stops working (now + `expires_in` at the time of the grant).
    public var expiresAt: Date?
    public var clientID: String
    /// Needed for `grant_type=refresh_token`; kept in the same 0600 file as the tokens it can mint.
    public var clientSecret: String
    /// Spark requires the same `redirect_uri` on refresh as on the authorization.
    public var redirectURI: String
    /// The signed-in user's name, when it was known at login (for `whoami` without a request).
    public var userName: String?

    public init(endpoint: String, accessToken: String, refreshToken: String?, expiresAt: Date?, clientID: String,
                clientSecret: String, redirectURI: String, userName: String? = nil) {
        self.endpoint = endpoint
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.userName = userName
    }

    /// The login made from a token answer received at `now`.
    public init(tokens: OAuthTokens, receivedAt now: Date, endpoint: String, clientID: String, clientSecret: String,
                redirectURI: String, userName: String? = nil) {
        self.init(endpoint: endpoint, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken,
                  expiresAt: now.addingTimeInterval(TimeInterval(tokens.expiresIn ?? 86400)), clientID: clientID,
                  clientSecret: clientSecret, redirectURI: redirectURI, userName: userName)
    }

    enum CodingKeys: String, CodingKey {
        case endpoint, accessToken = "access_token", refreshToken = "refresh_token", expiresAt = "expires_at"
        case clientID = "client_id", clientSecret = "client_secret", redirectURI = "redirect_uri", userName = "user_name"
    }

    public var description: String {
        "StoredLogin(endpoint: \(endpoint), expiresAt: \(expiresAt.map { "\($0)" } ?? "nil"), tokens: <redacted>)"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}

/// The credentials file, `$XDG_CONFIG_HOME/spark-portal/credentials.json` (or `~/.config/...`): stored
/// logins keyed by account name. Created 0600 in a 0700 directory, always replaced atomically, and refused
/// when others can read it.
public struct CredentialsFile: Sendable {
    /// The default account name, when neither `--account` nor `SPARK_PORTAL_ACCOUNT` says otherwise.
    public static let defaultAccount = "default"

    public let path: String

    public init(path: String) { self.path = path }

    /// The file for this environment, or nil when neither XDG_CONFIG_HOME nor HOME is set.
    public init?(environment: [String: String]) {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            path = xdg + "/spark-portal/credentials.json"
        } else if let home = environment["HOME"], !home.isEmpty {
            path = home + "/.config/spark-portal/credentials.json"
        } else {
            return nil
        }
    }

    public var directory: String { (path as NSString).deletingLastPathComponent }

    /// The document on disk: `{"version": 1, "accounts": {"<name>": {...}}}`.
    struct Document: Codable {
        var version = 1
        var accounts: [String: StoredLogin] = [:]
    }

    // MARK: Reading

    /// Every stored login by account name; empty when the file does not exist.
    public func load() throws(CLIError) -> [String: StoredLogin] {
        try loadDocument().accounts
    }

    /// The stored login of one account, or nil.
    public func login(account: String) throws(CLIError) -> StoredLogin? {
        try load()[account]
    }

    func loadDocument(checkingMode: Bool = true) throws(CLIError) -> Document {
        let data: Data?
        do throws(PrivateFile.ReadError) {
            data = try file.read(checkingMode: checkingMode)
        } catch {
            switch error {
            case .othersCanRead(let mode):
                throw CLIError(
                    "The credentials file \(path) can be read by others (mode \(String(mode, radix: 8))); "
                        + "it holds your tokens. Run `chmod 600 \(path)` (and log in again if others may have read it).",
                    status: .configuration)
            case .unreadable(let reason):
                throw CLIError("Cannot read the credentials file \(path): \(reason).", status: .configuration)
            case .tooLarge:
                throw CLIError("Cannot read the credentials file \(path): too large.", status: .configuration)
            }
        }
        guard let data, !data.isEmpty else { return Document() }
        do {
            return try JSONDecoder.credentials.decode(Document.self, from: data)
        } catch {
            // Never echo the content: it holds tokens.
            throw CLIError("The credentials file \(path) is not readable JSON; remove it and run `spark-portal login` again.",
                           status: .configuration)
        }
    }

    // MARK: Writing

    /// Stores (or, with nil, removes) one account's login, leaving the others as they are.
    public func update(account: String, to login: StoredLogin?) throws(CLIError) {
        var document = try loadDocument()
        document.accounts[account] = login
        try save(document)
    }

    func save(_ document: Document, afterWrite: (() throws -> Void)? = nil) throws(CLIError) {
        let data: Data
        do { data = try JSONEncoder.credentials.encode(document) } catch {
            throw CLIError("Cannot encode the credentials: \(error)", status: .internalError)
        }
        try ensureDirectory()
        try file.writeAtomically(data, afterWrite: afterWrite)
    }

    /// Creates the directory 0700, or narrows an existing one to 0700 (it is ours, and it holds the tokens).
    func ensureDirectory() throws(CLIError) {
        try file.ensureDirectory()
    }

    /// The file as private data: 0600 in 0700, replaced atomically, refused when others can read it.
    private var file: PrivateFile { PrivateFile(path: path, name: "the credentials file") }
}

extension CredentialsFile {
    /// An exclusive lock shared by every spark-portal process that uses this credentials file
    /// (`flock` on `credentials.json.lock` beside it): a renewal holds it from re-reading the file to saving the
    /// new tokens, so two processes whose token expired together send one grant, not two (the second with a
    /// refresh token already used up). The kernel drops the lock when its holder exits, however it exits.
    final class RenewalLock: Sendable {
        private let descriptor: Int32

        private init(descriptor: Int32) { self.descriptor = descriptor }

        /// Waits up to `patience` for the lock. Nil when it cannot be had (no directory, a read-only disk, or a
        /// holder that never lets go): the renewal then goes ahead unlocked, as it would have without the lock.
        static func acquire(for file: CredentialsFile, patience: Duration = .seconds(20)) async -> RenewalLock? {
            try? file.ensureDirectory()
            let descriptor = open(file.path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { return nil }
            let deadline = ContinuousClock.now + patience
            while true {
                if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return RenewalLock(descriptor: descriptor) }
                guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline,
                      (try? await Task.sleep(for: .milliseconds(20))) != nil
                else {
                    close(descriptor)
                    return nil
                }
            }
        }

        func release() {
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }
}

extension JSONEncoder {
    static var credentials: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    static var credentials: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
