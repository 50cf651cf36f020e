import Foundation

/// When a call that failed may be sent again. The one question behind every retry: could sending it twice do
/// something sending it once does not? (`RetryPolicy.decision` asks it; DECISIONS.md, "Writes are re-sent only
/// when they cannot apply twice".)
public enum ResendRule: Sendable, Hashable {
    /// Idempotent: a second copy changes nothing the first did not (reads; PUT and DELETE; adding a listing to a
    /// cart, which holds each listing once). Re-sent after any failure the retry rules allow.
    case always
    /// Not idempotent (creating a cart): re-sent only when the failure proves the server never acted on it — no
    /// connection was made, or the server refused it before acting (token expired, rate limited). After a
    /// timeout, a dropped connection or a 5xx it is never re-sent; the caller looks at what the server has.
    case ifNotApplied
    /// Never, whatever happened (the token endpoint: an authorization code is single use).
    case never
}

/// A typed Spark API call: what to send, and how to read a successful answer into `Response`.
/// Built by `Endpoints`; sent by `SparkClient.send(_:)`.
public struct Request<Response: Sendable>: Sendable {
    public var method: String
    /// The path under the base URL, starting with `/v1/`.
    public var path: String
    public var query: [(name: String, value: String)]
    /// The JSON body, already in its wire shape (`{"D": ...}` for Spark calls).
    public var body: Data?
    /// When the call may be sent again after a failure.
    public var resend: ResendRule
    /// Whether the call carries the access token (everything but the token endpoint).
    public var isAuthorized: Bool
    /// Values in the body that must never appear in errors (client secret, codes, refresh tokens).
    var secrets: [String] = []
    let decode: @Sendable (Data) throws -> Response

    /// `resend` defaults to `.always` for GET, PUT and DELETE and to `.ifNotApplied` for POST.
    init(
        method: String, path: String, query: [(name: String, value: String)] = [], body: Data? = nil,
        resend: ResendRule? = nil, isAuthorized: Bool = true, decode: @escaping @Sendable (Data) throws -> Response
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.resend = resend ?? (method == "POST" ? .ifNotApplied : .always)
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
    /// Spark's largest `_page`.
    public static let maxPageNumber = 100_000

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

    /// `GET /v1/listingcarts/<Id>`, with `_expand=ListingIds` when `withListingIds` (the Ids of its listings).
    public static func listingCart(id: String, withListingIds: Bool = false) -> Request<Page<ListingCart>> {
        Request(method: "GET", path: "/v1/listingcarts/\(pathSegment(id))", query: withListingIds ? expandListingIds : [],
                decode: decodePage)
    }

    /// `GET /v1/listingcarts/for/<Id>,<Id>,...`: the workspace's carts holding any of these listings. At most
    /// `maxListingIdsPerRequest` Ids (the client splits longer lists).
    public static func cartsHolding(
        listingIds: [String], page: Int, limit: Int, withListingIds: Bool = false
    ) -> Request<Page<ListingCart>> {
        let ids = listingIds.map(pathSegment).joined(separator: ",")
        return Request(method: "GET", path: "/v1/listingcarts/for/\(ids)",
                       query: paging(page, limit) + (withListingIds ? expandListingIds : []), decode: decodePage)
    }

    /// `POST /v1/listingcarts` with `{"D":{"ListingCarts":[{"Name":…,"ListingIds":[…],"AutoName":true}]}}`: a new
    /// custom cart in the current workspace. Answers the new cart's Id (Spark answers only its `ResourceUri`).
    /// `AutoName` goes inside the cart object (DECISIONS.md, "AutoName is sent inside the cart"); it is left out
    /// when false, as are empty `ListingIds`. Never re-sent after a failure that may have created it.
    public static func createCart(name: String, listingIds: [String] = [], autoName: Bool = false) -> Request<String> {
        var cart: [String: JSONValue] = ["Name": .string(name)]
        if !listingIds.isEmpty { cart["ListingIds"] = .array(listingIds.map(JSONValue.string)) }
        if autoName { cart["AutoName"] = .bool(true) }
        return Request(method: "POST", path: "/v1/listingcarts", body: sparkBody(["ListingCarts": .array([.object(cart)])]),
                       resend: .ifNotApplied) { data in
            let page: Page<ListingCart> = try decodePage(data)
            guard let created = page.items.first else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "no created cart in Results"))
            }
            return created.id
        }
    }

    /// `POST /v1/listingcarts/<Id>` with `{"D":{"ListingIds":[…]}}`: adds listings (a listing already in the cart
    /// stays once, so re-sending is safe). Answers the cart with its new `ListingCount`.
    public static func addListings(_ listingIds: [String], toCart cartId: String) -> Request<Page<ListingCart>> {
        Request(method: "POST", path: "/v1/listingcarts/\(pathSegment(cartId))",
                body: sparkBody(["ListingIds": .array(listingIds.map(JSONValue.string))]), resend: .always,
                decode: decodePage)
    }

    /// `DELETE /v1/listingcarts/<Id>/listings/<ListingId>`: removes one listing. Answers the cart with its new
    /// `ListingCount`.
    public static func removeListing(_ listingId: String, fromCart cartId: String) -> Request<Page<ListingCart>> {
        Request(method: "DELETE", path: "/v1/listingcarts/\(pathSegment(cartId))/listings/\(pathSegment(listingId))",
                decode: decodePage)
    }

    /// `PUT /v1/listingcarts/<Id>` with `{"D":{"Name":…}}`. The only PUT of a cart spark-portal makes: a PUT of
    /// `ListingIds` replaces the whole list and undoes what another member added meanwhile, so there is none.
    public static func renameCart(id: String, to name: String) -> Request<Void> {
        Request(method: "PUT", path: "/v1/listingcarts/\(pathSegment(id))", body: sparkBody(["Name": .string(name)]),
                decode: decodeSuccess)
    }

    /// `DELETE /v1/listingcarts/<Id>`.
    public static func deleteCart(id: String) -> Request<Void> {
        Request(method: "DELETE", path: "/v1/listingcarts/\(pathSegment(id))", decode: decodeSuccess)
    }

    /// `GET /v1/listings/<Id>`, with `_expand` when expansions are named (`Photos`, ...).
    public static func listing(id: String, expand: [String] = []) -> Request<Page<Listing>> {
        Request(method: "GET", path: "/v1/listings/\(pathSegment(id))",
                query: expand.isEmpty ? [] : [(name: "_expand", value: expand.joined(separator: ","))], decode: decodePage)
    }

    /// How many listing Ids one request carries, in a `/for/` path or an add's body: 50 Ids of 26 digits and their
    /// commas are 1,350 characters, so a `/for/` URL stays under 2,000 (the request-line limit of the strictest
    /// proxies and CDNs in common use is 2 kB; most allow 8 kB), and a refused add is retried listing by listing
    /// over at most 50.
    public static let maxListingIdsPerRequest = 50

    private static let expandListingIds = [(name: "_expand", value: "ListingIds")]

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
            method: "POST", path: "/v1/oauth2/grant", body: encodeJSON(.object(fields)), resend: .never,
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
