import Foundation
import Synchronization

/// Supplies the OAuth access token for each request. The app reads it from the environment or the
/// stored credentials; tests give a fixed one.
public protocol AccessTokenProvider: Sendable {
    /// The token to send now. Throw `SparkError.missingToken` when there is none.
    func accessToken() async throws -> String
    /// Called once after the server answered 1020 (token expired): return a new token, or nil when no
    /// refresh is possible.
    func refreshedToken(replacing expired: String) async throws -> String?
}

/// A fixed access token that cannot be refreshed (`SPARK_ACCESS_TOKEN`, tests).
public struct StaticToken: AccessTokenProvider, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let token: String

    public init(_ token: String) { self.token = token }

    public func accessToken() async throws -> String {
        guard !token.isEmpty else { throw SparkError.missingToken }
        return token
    }

    public func refreshedToken(replacing expired: String) async throws -> String? { nil }

    public var description: String { "StaticToken(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

/// How to get tokens from `POST /v1/oauth2/grant`.
public enum OAuthGrant: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The single-use code from the authorization redirect.
    case authorizationCode(String)
    case refreshToken(String)

    var grantType: String {
        switch self {
        case .authorizationCode: "authorization_code"
        case .refreshToken: "refresh_token"
        }
    }

    public var description: String { "OAuthGrant.\(grantType)(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: ["grantType": grantType]) }
}

/// The token endpoint's answer (`access_token`, `refresh_token`, `expires_in`). Its descriptions and
/// mirror never show the tokens, so printing or dumping one cannot leak them.
public struct OAuthTokens: Codable, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var accessToken: String
    public var refreshToken: String?
    /// Seconds the access token lives (86400 on Spark).
    public var expiresIn: Int?

    public init(accessToken: String, refreshToken: String? = nil, expiresIn: Int? = nil) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", refreshToken = "refresh_token", expiresIn = "expires_in"
    }

    public init(from decoder: any Decoder) throws {
        let fields = try LenientFields(decoder, CodingKeys.self)
        guard let access = fields.string(.accessToken) else {
            throw DecodingError.keyNotFound(
                CodingKeys.accessToken, .init(codingPath: decoder.codingPath, debugDescription: "no access_token"))
        }
        accessToken = access
        refreshToken = fields.string(.refreshToken)
        expiresIn = fields.int(.expiresIn)
    }

    public var description: String {
        "OAuthTokens(accessToken: <redacted>, refreshToken: \(refreshToken == nil ? "nil" : "<redacted>"), "
            + "expiresIn: \(expiresIn.map(String.init) ?? "nil"))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}

/// A token provider whose provider can be replaced while the client runs: the demo's "act as another member"
/// (`A` in the TUI) sends every request from then on with that member's token. Requests already on their way keep
/// the token they were sent with.
public final class SwitchableToken: AccessTokenProvider, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let current: Mutex<any AccessTokenProvider>

    public init(_ initial: any AccessTokenProvider) {
        current = Mutex(initial)
    }

    /// Every request sent from now on uses `provider`'s tokens.
    public func use(_ provider: any AccessTokenProvider) {
        current.withLock { $0 = provider }
    }

    public func accessToken() async throws -> String {
        try await current.withLock { $0 }.accessToken()
    }

    public func refreshedToken(replacing expired: String) async throws -> String? {
        try await current.withLock { $0 }.refreshedToken(replacing: expired)
    }

    public var description: String { "SwitchableToken(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
