import Foundation

/// A typed Spark API call: what to send, and how to read a successful answer into `Response`.
/// Built by `Endpoints`; sent by `SparkClient.send(_:)`.
public struct Request<Response: Sendable>: Sendable {
    public var method: String
    /// The path under the base URL, starting with `/v1/`.
    public var path: String
    public var query: [(name: String, value: String)]
    /// The JSON body, already in its wire shape (`{"D": ...}` for Spark calls).
    public var body: Data?
    /// Whether the call may be sent again after a failure (GET, and PUT/DELETE of the current group).
    public var isRetryable: Bool
    /// Whether the call carries the access token (everything but the token endpoint).
    public var isAuthorized: Bool
    /// Values in the body that must never appear in errors (client secret, codes, refresh tokens).
    var secrets: [String] = []
    let decode: @Sendable (Data) throws -> Response

    init(
        method: String, path: String, query: [(name: String, value: String)] = [], body: Data? = nil,
        isRetryable: Bool? = nil, isAuthorized: Bool = true, decode: @escaping @Sendable (Data) throws -> Response
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.isRetryable = isRetryable ?? (method != "POST")
        self.isAuthorized = isAuthorized
        self.decode = decode
    }

    /// Path and query as they appear in logs and events (no host).
    public var pathAndQuery: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(escapeQuery($0.name))=\(escapeQuery($0.value))" }.joined(separator: "&")
    }
}

private let queryAllowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+;#"))

private func escapeQuery(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? text
}

private let segmentAllowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/;?#"))

/// An id as one path segment, so an odd id can never change the route.
func pathSegment(_ id: String) -> String {
    id.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? id
}

/// The Spark calls spark-portal makes (DESIGN section 2), as `Request` values.
public enum Endpoints {
    /// Spark's largest page size.
    public static let maxPageSize = 25

    /// `GET /v1/portal/groups/current`: no items when no group is chosen.
    public static func currentGroup() -> Request<Page<PortalGroup>> {
        Request(method: "GET", path: "/v1/portal/groups/current", decode: decodePage)
    }

    public static func groups(page: Int, limit: Int) -> Request<Page<PortalGroup>> {
        Request(method: "GET", path: "/v1/portal/groups", query: paging(page, limit), decode: decodePage)
    }

    /// `PUT /v1/portal/groups/current` with `{"D":{"Id":id}}`.
    public static func chooseGroup(id: String) -> Request<Void> {
        Request(method: "PUT", path: "/v1/portal/groups/current", body: sparkBody(["Id": .string(id)]),
                decode: decodeSuccess)
    }

    /// `DELETE /v1/portal/groups/current`: act on your own carts again.
    public static func leaveGroup() -> Request<Void> {
        Request(method: "DELETE", path: "/v1/portal/groups/current", decode: decodeSuccess)
    }

    public static func listingCarts(page: Int, limit: Int) -> Request<Page<ListingCart>> {
        Request(method: "GET", path: "/v1/listingcarts", query: paging(page, limit), decode: decodePage)
    }

    public static func listingCart(id: String) -> Request<Page<ListingCart>> {
        Request(method: "GET", path: "/v1/listingcarts/\(pathSegment(id))", decode: decodePage)
    }

    public static func listings(inCart cartId: String, page: Int, limit: Int) -> Request<Page<Listing>> {
        Request(method: "GET", path: "/v1/listingcarts/\(pathSegment(cartId))/listings",
                query: paging(page, limit), decode: decodePage)
    }

    public static func myAccount() -> Request<Page<Account>> {
        Request(method: "GET", path: "/v1/my/account", decode: decodePage)
    }

    /// `POST /v1/oauth2/grant`. The token endpoint takes a plain JSON object (no `D`), needs no access
    /// token, and is never retried: an authorization code is single use.
    public static func grant(
        _ grant: OAuthGrant, clientID: String, clientSecret: String, redirectURI: String
    ) -> Request<OAuthTokens> {
        var fields: [String: JSONValue] = [
            "client_id": .string(clientID), "client_secret": .string(clientSecret),
            "grant_type": .string(grant.grantType), "redirect_uri": .string(redirectURI),
        ]
        let (key, secret) = switch grant {
        case .authorizationCode(let code): ("code", code)
        case .refreshToken(let token): ("refresh_token", token)
        }
        fields[key] = .string(secret)
        var request = Request<OAuthTokens>(
            method: "POST", path: "/v1/oauth2/grant", body: encodeJSON(.object(fields)), isRetryable: false,
            isAuthorized: false
        ) { data in
            try JSONDecoder().decode(OAuthTokens.self, from: data)
        }
        request.secrets = [clientSecret, secret]
        return request
    }

    /// The paging query: page 1 is `_limit=N&_pagination=1`; later pages add `_page`.
    static func paging(_ page: Int, _ limit: Int) -> [(name: String, value: String)] {
        let limit = min(max(limit, 1), maxPageSize)
        var query = [(name: "_limit", value: String(limit)), (name: "_pagination", value: "1")]
        if page > 1 { query.append((name: "_page", value: String(page))) }
        return query
    }
}

/// Wraps a body the way Spark wants it: `{"D": ...}`.
func sparkBody(_ fields: [String: JSONValue]) -> Data {
    encodeJSON(["D": .object(fields)])
}

func encodeJSON(_ value: JSONValue) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // JSONValue always encodes.
    return (try? encoder.encode(value)) ?? Data("{}".utf8)
}

/// The `{"D": {...}}` envelope of every Spark answer.
struct Envelope<Item: Decodable>: Decodable {
    struct Body: Decodable {
        var success: Bool?
        var results: LossyList<Item>?
        var pagination: Pagination?

        enum CodingKeys: String, CodingKey { case success = "Success", results = "Results", pagination = "Pagination" }
    }

    var body: Body

    enum CodingKeys: String, CodingKey { case body = "D" }
}

func decodePage<Item: Decodable & Sendable>(_ data: Data) throws -> Page<Item> {
    let body = try JSONDecoder().decode(Envelope<Item>.self, from: data).body
    return Page(items: body.results?.items ?? [], pagination: body.pagination)
}

func decodeSuccess(_ data: Data) throws {
    // An empty 2xx body is success too; otherwise it must be an envelope.
    guard !data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return }
    _ = try JSONDecoder().decode(Envelope<JSONValue>.self, from: data)
}

/// What an answer says about failure: `D.Success`, `D.Code`, `D.Message`; or the token endpoint's
/// `error`, `error_description`. Every field optional and lenient.
struct FailureProbe: Decodable {
    var isEnvelope = false
    var success: Bool?
    var code: Int?
    var message: String?
    var oauthError: String?
    var oauthDescription: String?

    enum Keys: String, CodingKey {
        case d = "D", success = "Success", code = "Code", message = "Message"
        case error, errorDescription = "error_description"
    }

    init(from decoder: any Decoder) throws {
        let top = try LenientFields(decoder, Keys.self)
        oauthError = top.string(.error)
        oauthDescription = top.string(.errorDescription)
        if let inner = try? top.container.nestedContainer(keyedBy: Keys.self, forKey: .d) {
            let fields = LenientFields(container: inner)
            isEnvelope = true
            success = fields.bool(.success)
            code = fields.int(.code)
            message = fields.string(.message)
        }
    }

    static func read(_ data: Data) -> FailureProbe? {
        try? JSONDecoder().decode(FailureProbe.self, from: data)
    }
}
