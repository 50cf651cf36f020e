import Foundation
import SparkAPI

extension Output {
    /// `whoami --json`: the Spark account object plus where the session's token comes from. Fields are
    /// only added, so scripts reading the account fields keep working.
    public struct WhoamiJSON: Encodable {
        public var account: Account
        public var endpoint: String
        /// "demo", "environment" or "credentials".
        public var tokenSource: String
        /// The stored login's name (`--account`), when the token comes from the credentials file.
        public var loginAccount: String?
        public var tokenExpires: Date?

        public func encode(to encoder: any Encoder) throws {
            try account.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(endpoint, forKey: .endpoint)
            try container.encode(tokenSource, forKey: .tokenSource)
            try container.encodeIfPresent(loginAccount, forKey: .loginAccount)
            try container.encodeIfPresent(tokenExpires, forKey: .tokenExpires)
        }

        enum Key: String, CodingKey {
            case endpoint = "Endpoint", tokenSource = "TokenSource", loginAccount = "LoginAccount"
            case tokenExpires = "TokenExpires"
        }
    }

    /// "in 23h 12m (2026-11-30 10:41 UTC)", "expired 5m ago (…)", or "unknown".
    public static func expiry(_ date: Date?, now: Date) -> String {
        guard let date else { return "unknown" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        let stamp = formatter.string(from: date)
        let seconds = Int(date.timeIntervalSince(now).rounded(.down))
        return seconds >= 0 ? "in \(span(seconds)) (\(stamp))" : "expired \(span(-seconds)) ago (\(stamp))"
    }

    /// 83520 → "23h 12m"; 300 → "5m"; 42 → "42s".
    static func span(_ seconds: Int) -> String {
        let days = seconds / 86400, hours = seconds % 86400 / 3600, minutes = seconds % 3600 / 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m" }
        return "\(seconds)s"
    }
}
