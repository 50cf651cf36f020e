import Foundation
import SparkAPI

/// The access token of a stored login, renewed with its refresh token: ahead of time when it is about to
/// expire, and once when the server answers 1020. Every renewal is saved to the credentials file at once
/// (refresh tokens are single use). Concurrent requests that need a renewal share one grant request.
public actor StoredLoginToken: AccessTokenProvider, CustomStringConvertible, CustomReflectable {
    /// Exchanges a refresh token at `POST /v1/oauth2/grant`.
    public typealias Grant = @Sendable (_ grant: OAuthGrant, _ login: StoredLogin) async throws -> OAuthTokens

    public nonisolated let account: String
    public nonisolated let file: CredentialsFile
    /// Renew this long before the stored expiry, so a request never starts with a token about to lapse.
    public nonisolated let renewalMargin: TimeInterval
    private var login: StoredLogin
    private var grant: Grant?
    private var renewal: Task<StoredLogin, any Error>?
    /// A renewal Spark refused (revoked or expired refresh token), so later requests of this session fail
    /// at once instead of each sending another doomed grant.
    private var refusal: (accessToken: String, error: any Error)?
    private let now: @Sendable () -> Date

    public init(account: String, login: StoredLogin, file: CredentialsFile, renewalMargin: TimeInterval = 5 * 60,
                now: @escaping @Sendable () -> Date = { Date() }, grant: Grant? = nil) {
        self.account = account
        self.login = login
        self.file = file
        self.renewalMargin = renewalMargin
        self.now = now
        self.grant = grant
    }

    public nonisolated var description: String { "StoredLoginToken(account: \(account), <redacted>)" }
    /// Nothing for `dump` to print but the account.
    public nonisolated var customMirror: Mirror { Mirror(self, children: ["account": account]) }

    /// Sets how refresh grants are sent (the session's client, created after this provider).
    public func attach(_ grant: Grant?) { self.grant = grant }

    /// The login as it is now (after any renewal).
    public var current: StoredLogin { login }

    public func accessToken() async throws -> String {
        if let expiry = login.expiresAt, expiry.timeIntervalSince(now()) < renewalMargin, login.refreshToken != nil {
            do {
                return try await renewed().accessToken
            } catch {
                // A token that still works is better than a failed renewal: the 1020 path tries again later.
                if expiry > now() { return login.accessToken }
                throw error
            }
        }
        return login.accessToken
    }

    public func refreshedToken(replacing expired: String) async throws -> String? {
        // Another request renewed it meanwhile: use that token rather than renewing again.
        if login.accessToken != expired { return login.accessToken }
        guard login.refreshToken != nil else { return nil }
        return try await renewed().accessToken
    }

    /// One renewal at a time; callers that arrive while it runs wait for the same result.
    private func renewed() async throws -> StoredLogin {
        if let renewal { return try await renewal.value }
        let expiredToken = login.accessToken
        if let refusal, refusal.accessToken == expiredToken { throw refusal.error }
        let task = Task { try await self.renew(replacing: expiredToken) }
        renewal = task
        defer { renewal = nil }
        do {
            return try await task.value
        } catch let error as SparkError {
            if case .oauth = error { refusal = (expiredToken, error) }
            throw error
        }
    }

    private func renew(replacing expiredToken: String) async throws -> StoredLogin {
        // Other spark-portal processes renew under the same lock, so the file read next is never older than a
        // renewal in progress elsewhere.
        let lock = await CredentialsFile.RenewalLock.acquire(for: file)
        defer { lock?.release() }
        // Another spark-portal process may have renewed this login already (its refresh token is then used
        // up): take its tokens from the file instead of failing with ours.
        if let onDisk = try? file.login(account: account), onDisk.accessToken != expiredToken,
           onDisk.endpoint == login.endpoint, onDisk.expiresAt.map({ $0.timeIntervalSince(now()) >= renewalMargin }) ?? true
        {
            login = onDisk
            return onDisk
        }
        guard let grant, let refreshToken = login.refreshToken else { throw SparkError.missingToken }
        let tokens: OAuthTokens
        do {
            tokens = try await grant(.refreshToken(refreshToken), login)
        } catch SparkError.oauth(let error, let description, let status) {
            throw SparkError.oauth(
                error: error,
                description: "the stored login '\(account)' could not be renewed" + (description.map { ": \($0)" } ?? ""),
                status: status)
        }
        var fresh = StoredLogin(tokens: tokens, receivedAt: now(), endpoint: login.endpoint, clientID: login.clientID,
                                clientSecret: login.clientSecret, redirectURI: login.redirectURI, userName: login.userName)
        if fresh.refreshToken == nil { fresh.refreshToken = login.refreshToken }
        login = fresh
        try file.update(account: account, to: fresh)
        return fresh
    }
}
