import Foundation

/// The HTTP proxy to use for one endpoint, read from the environment like curl does:
/// `https_proxy`/`HTTPS_PROXY` for https endpoints, `http_proxy` (lower case only, as curl) for http,
/// skipped when the host matches `no_proxy`/`NO_PROXY`. Loopback endpoints never use a proxy.
public struct ProxySettings: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?

    public init(host: String, port: Int, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// The proxy for `endpoint`, or nil for a direct connection.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, for endpoint: URL
    ) -> ProxySettings? {
        guard let host = endpoint.host?.lowercased(), !SparkClient.isLoopback(host) else { return nil }
        let names = endpoint.scheme?.lowercased() == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy"]
        guard let value = names.lazy.compactMap({ environment[$0] }).first(where: { !$0.isEmpty }) else { return nil }
        let noProxy = environment["no_proxy"] ?? environment["NO_PROXY"] ?? ""
        if bypasses(host: host, noProxy: noProxy) { return nil }
        return parse(value)
    }

    /// `http://user:pass@proxy:3128`, `proxy:3128` or `proxy` (port 1080, as curl).
    static func parse(_ value: String) -> ProxySettings? {
        let text = value.contains("://") ? value : "http://" + value
        guard let url = URL(string: text), let host = url.host, !host.isEmpty else { return nil }
        return ProxySettings(
            host: host, port: url.port ?? 1080,
            username: url.user?.removingPercentEncoding, password: url.password?.removingPercentEncoding)
    }

    /// curl's rules: `*` bypasses all; an entry matches the host itself or any subdomain
    /// (a leading dot is ignored); a `:port` suffix on an entry is ignored.
    static func bypasses(host: String, noProxy: String) -> Bool {
        let host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        for raw in noProxy.split(separator: ",") {
            var entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if entry == "*" { return true }
            if !entry.hasPrefix("["), let colon = entry.lastIndex(of: ":"), entry.filter({ $0 == ":" }).count == 1 {
                entry = String(entry[..<colon])
            }
            entry = entry.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            while entry.hasPrefix(".") { entry.removeFirst() }
            guard !entry.isEmpty else { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }

    public var description: String {
        "\(username == nil ? "" : "<credentials>@")\(host):\(port)"
    }
    public var customMirror: Mirror { Mirror(self, children: ["proxy": description]) }
}
