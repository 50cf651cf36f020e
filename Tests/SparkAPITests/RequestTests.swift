import Foundation
import Testing

@testable import SparkAPI

@Suite("Requests on the wire")
struct RequestTests {
    /// Every call, with what it must send.
    static let calls: [(name: String, method: String, path: String, body: String?, run: @Sendable (SparkClient) async throws -> Void)] = [
        ("currentGroup", "GET", "/v1/portal/groups/current", nil, { _ = try await $0.currentGroup() }),
        ("groups", "GET", "/v1/portal/groups?_limit=25&_pagination=1", nil, { _ = try await $0.groups() }),
        ("chooseGroup", "PUT", "/v1/portal/groups/current", #"{"D":{"Id":"2013 09\/x"}}"#, { try await $0.chooseGroup(id: "2013 09/x") }),
        ("leaveGroup", "DELETE", "/v1/portal/groups/current", nil, { try await $0.leaveGroup() }),
        ("listingCarts", "GET", "/v1/listingcarts?_limit=25&_pagination=1", nil, { _ = try await $0.listingCarts() }),
        ("listingCart", "GET", "/v1/listingcarts/C%2F1", nil, { _ = try await $0.listingCart(id: "C/1") }),
        ("listings", "GET", "/v1/listingcarts/C1/listings?_limit=25&_pagination=1", nil, { _ = try await $0.listings(inCart: "C1") }),
        ("myAccount", "GET", "/v1/my/account", nil, { _ = try await $0.myAccount() }),
        ("listingCart+ids", "GET", "/v1/listingcarts/C1?_expand=ListingIds", nil, { _ = try await $0.listingCart(id: "C1", withListingIds: true) }),
        ("cartsHolding", "GET", "/v1/listingcarts/for/L1,L%2F2?_limit=25&_pagination=1", nil, { _ = try await $0.carts(holding: ["L1", "L/2"]) }),
        ("addListing", "POST", "/v1/listingcarts/C1", #"{"D":{"ListingIds":["L1"]}}"#, { _ = try await $0.addListing("L1", toCart: "C1") }),
        ("removeListing", "DELETE", "/v1/listingcarts/C1/listings/L1", nil, { _ = try await $0.removeListing("L1", fromCart: "C1") }),
        ("renameCart", "PUT", "/v1/listingcarts/C1", #"{"D":{"Name":"Lake cabins"}}"#, { try await $0.renameCart(id: "C1", to: "Lake cabins") }),
        ("deleteCart", "DELETE", "/v1/listingcarts/C1", nil, { try await $0.deleteCart(id: "C1") }),
        ("listing", "GET", "/v1/listings/L1", nil, { _ = try await $0.listing(id: "L1") }),
        ("listing+photos", "GET", "/v1/listings/L1?_expand=Photos", nil, { _ = try await $0.listing(id: "L1", expand: ["Photos"]) }),
        ("savedSearches", "GET", "/v1/savedsearches?_limit=25&_pagination=1", nil, { _ = try await $0.savedSearches() }),
        ("savedSearch", "GET", "/v1/savedsearches/S%2F1", nil, { _ = try await $0.savedSearch(id: "S/1") }),
        ("searchListings", "GET", "/v1/listings?_filter=SavedSearch%20Eq%20'S1'&_limit=25&_pagination=1", nil,
         { _ = try await $0.listings(matchingSearch: "S1") }),
        ("searchListingsPage", "GET", "/v1/listings?_filter=SavedSearch%20Eq%20'S1'&_limit=10&_pagination=1&_page=3", nil,
         { _ = try await $0.listingsPage(matchingSearch: "S1", page: 3, limit: 10) }),
        ("providedSearchListings", "GET", "/v1/listings?_filter=SavedSearch%20Eq%20'S1'&_limit=25&_pagination=1&RequestMode=permissive",
         nil, { _ = try await $0.listings(matchingSearch: "S1", provided: true) }),
        ("oddSearchId", "GET", "/v1/listings?_filter=SavedSearch%20Eq%20'a%5C'%20Or%20%5C%5C'&_limit=25&_pagination=1", nil,
         { _ = try await $0.listings(matchingSearch: #"a' Or \"#) }),
        ("renameSavedSearch", "PUT", "/v1/savedsearches/S1", #"{"D":{"Name":"Lake towns"}}"#,
         { try await $0.renameSavedSearch(id: "S1", to: "Lake towns") }),
        ("deleteSavedSearch", "DELETE", "/v1/savedsearches/S1", nil, { try await $0.deleteSavedSearch(id: "S1") }),
        ("newsFeeds", "GET", "/v1/newsfeeds?_limit=25&_pagination=1", nil, { _ = try await $0.newsFeeds() }),
        ("newsFeed", "GET", "/v1/newsfeeds/F1", nil, { _ = try await $0.newsFeed(id: "F1") }),
        ("pauseNewsFeed", "PUT", "/v1/newsfeeds/F1", #"{"D":{"Active":false}}"#, { try await $0.setNewsFeed(id: "F1", active: false) }),
        ("resumeNewsFeed", "PUT", "/v1/newsfeeds/F1", #"{"D":{"Active":true}}"#, { try await $0.setNewsFeed(id: "F1", active: true) }),
        ("newsFeedMeta", "GET", "/v1/newsfeeds/meta", nil, { _ = try await $0.newsFeedMeta() }),
    ]

    @Test(arguments: calls.indices)
    func everyCallSendsTheSparkHeaders(_ index: Int) async throws {
        let call = Self.calls[index]
        let requests = Recorder<TransportRequest>()
        let client = try makeClient { request in
            requests.append(request)
            return TransportResponse(json: #"{"D":{"Success":true,"Results":[{"Id":"X","Name":"N"}]}}"#)
        }
        try await call.run(client)
        let request = try #require(requests.values.first)
        #expect(requests.count == 1)
        #expect(request.method == call.method)
        #expect(request.url.absoluteString == "https://spark.test" + call.path)
        #expect(request.header("Authorization") == "OAuth \(secretToken)")
        #expect(request.header("X-SparkApi-User-Agent") == "spark-portal-tests")
        #expect(request.header("Accept") == "application/json")
        #expect(request.timeout == .seconds(20))
        if let body = call.body {
            // The id is JSON-escaped in the body (`/` may be written `\/`); compare as JSON.
            let sent = try JSONDecoder().decode(JSONValue.self, from: try #require(request.body))
            #expect(sent == (try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))))
            #expect(request.header("Content-Type") == "application/json")
        } else {
            #expect(request.body == nil)
            #expect(request.header("Content-Type") == nil)
        }
    }

    @Test(arguments: [OAuthGrant.authorizationCode("the-code"), .refreshToken("the-refresh")])
    func grantPostsPlainJSONWithoutAnAccessToken(_ grant: OAuthGrant) async throws {
        let requests = Recorder<TransportRequest>()
        let client = try makeClient { request in
            requests.append(request)
            return TransportResponse(json: #"{"access_token":"A","refresh_token":"R","expires_in":86400}"#)
        }
        let tokens = try await client.grantToken(grant, clientID: "cid", clientSecret: "csecret", redirectURI: "https://app.test/cb")
        #expect(tokens == OAuthTokens(accessToken: "A", refreshToken: "R", expiresIn: 86400))
        let request = try #require(requests.values.first)
        #expect(request.method == "POST")
        #expect(request.url.absoluteString == "https://spark.test/v1/oauth2/grant")
        #expect(request.header("Authorization") == nil)
        #expect(request.header("X-SparkApi-User-Agent") == "spark-portal-tests")
        #expect(request.header("Content-Type") == "application/json")
        let body = try JSONDecoder().decode(JSONValue.self, from: try #require(request.body))
        var expected: [String: JSONValue] = [
            "client_id": "cid", "client_secret": "csecret", "redirect_uri": "https://app.test/cb",
        ]
        switch grant {
        case .authorizationCode(let code):
            expected["grant_type"] = "authorization_code"
            expected["code"] = .string(code)
        case .refreshToken(let token):
            expected["grant_type"] = "refresh_token"
            expected["refresh_token"] = .string(token)
        }
        #expect(body == .object(expected))
    }

    @Test func baseURLWithAPathPrefixAndTrailingSlash() async throws {
        let requests = Recorder<TransportRequest>()
        let client = try SparkClient(
            configuration: SparkClientConfiguration(baseURL: URL(string: "https://proxy.test/spark/")!),
            tokens: StaticToken("t"), transport: ClosureTransport { requests.append($0); return noGroupBody })
        _ = try await client.currentGroup()
        #expect(requests.values.first?.url.absoluteString == "https://proxy.test/spark/v1/portal/groups/current")
    }

    @Test(arguments: [
        ("https://sparkapi.com", true), ("http://127.0.0.1:8080", true), ("http://127.5.6.7", true),
        ("http://localhost:9000", true), ("http://[::1]:8080", true), ("HTTP://LOCALHOST", true),
        ("http://sparkapi.com", false), ("http://128.0.0.1", false), ("http://127.0.0.1.evil.test", false),
        ("http://localhost.evil.test", false), ("http://10.0.0.1", false), ("ftp://127.0.0.1", false),
        ("http://[::2]", false),
    ])
    func plainHTTPOnlyForLoopback(_ endpoint: String, _ allowed: Bool) throws {
        let make = {
            try SparkClient(
                configuration: SparkClientConfiguration(baseURL: URL(string: endpoint)!), tokens: StaticToken("t"),
                transport: ClosureTransport { _ in noGroupBody })
        }
        if allowed {
            _ = try make()
        } else {
            let error = #expect(throws: SparkError.self) { try make() }
            #expect(error == .insecureEndpoint(endpoint))
            #expect(error?.userMessage.contains("https://") == true)
        }
    }

    @Test func liveRefusesAnInsecureEndpointBeforeStartingAnything() {
        #expect(throws: SparkError.insecureEndpoint("http://sparkapi.com")) {
            try SparkClient.live(configuration: SparkClientConfiguration(baseURL: URL(string: "http://sparkapi.com")!),
                                 tokens: StaticToken("t"))
        }
    }
}

@Suite("Proxy from the environment")
struct ProxyTests {
    let spark = URL(string: "https://sparkapi.com")!

    @Test func httpsProxyIsUsed() {
        #expect(ProxySettings.fromEnvironment(["HTTPS_PROXY": "http://proxy.corp:3128"], for: spark)
            == ProxySettings(host: "proxy.corp", port: 3128))
        #expect(ProxySettings.fromEnvironment(["https_proxy": "proxy.corp:8080", "HTTPS_PROXY": "other:1"], for: spark)
            == ProxySettings(host: "proxy.corp", port: 8080))
        #expect(ProxySettings.fromEnvironment(["https_proxy": "http://u%40x:p%3Ass@proxy.corp"], for: spark)
            == ProxySettings(host: "proxy.corp", port: 1080, username: "u@x", password: "p:ss"))
        #expect(ProxySettings.fromEnvironment([:], for: spark) == nil)
        // curl reads only the lower-case http_proxy (httpoxy); https endpoints ignore it.
        #expect(ProxySettings.fromEnvironment(["http_proxy": "proxy:1"], for: spark) == nil)
    }

    @Test(arguments: [
        ("sparkapi.com", true), (".sparkapi.com", true), ("*", true), ("example.com,sparkapi.com:443", true),
        ("com", true), ("apisparkapi.com", false), ("example.com", false), ("", false),
    ])
    func noProxy(_ noProxy: String, _ bypassed: Bool) {
        let env = ["https_proxy": "proxy:3128", "NO_PROXY": noProxy]
        #expect((ProxySettings.fromEnvironment(env, for: spark) == nil) == bypassed)
    }

    @Test func loopbackNeverUsesAProxy() {
        #expect(ProxySettings.fromEnvironment(["http_proxy": "proxy:3128", "https_proxy": "proxy:3128"],
                                              for: URL(string: "http://127.0.0.1:8080")!) == nil)
    }

    @Test func proxyCredentialsAreNotDescribed() {
        let proxy = ProxySettings(host: "p", port: 1, username: "user", password: "hunter2")
        var dumped = ""
        dump(proxy, to: &dumped)
        for text in [proxy.description, String(reflecting: proxy), dumped] {
            #expect(!text.contains("hunter2") && !text.contains("user"), "\(text)")
        }
    }
}
