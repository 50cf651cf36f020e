import Foundation
import SparkMock
import Testing

private func form(_ fields: [String: String]) -> String {
    fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
}

private let client = ["client_id": DemoCredentials.clientID, "client_secret": DemoCredentials.clientSecret,
                      "redirect_uri": DemoCredentials.redirectURI]

@Suite("OAuth 2 grant endpoint", .serialized)
struct OAuthTests {
    @Test func authorizationCodeThenRefreshThenRevoke() async throws {
        try await withStartedDemoServer(DemoServerConfiguration(dataSet: .demo)) { server in
            let grantURL = server.baseURL.appendingPathComponent("v1/oauth2/grant")
            let formHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
            let hanako = DemoDataSet.demo.users.first { $0.name == "山田 花子" }!
            let code = await server.issueAuthorizationCode(for: hanako.id)

            let granted = try await httpRequest(grantURL, method: "POST", headers: formHeaders,
                                                body: form(client.merging(["grant_type": "authorization_code", "code": code]) { $1 }))
            #expect(granted.status == 200)
            #expect(granted.object["expires_in"] as? Int == 86400)
            let access = try #require(granted.object["access_token"] as? String)
            let refresh = try #require(granted.object["refresh_token"] as? String)

            let me = try await httpRequest(server.baseURL.appendingPathComponent("v1/my/account"),
                                           headers: ["Authorization": "OAuth \(access)", "X-SparkApi-User-Agent": testUserAgent])
            #expect(me.results.first?["Name"] as? String == "山田 花子")

            // Codes are single use.
            let reused = try await httpRequest(grantURL, method: "POST", headers: formHeaders,
                                               body: form(client.merging(["grant_type": "authorization_code", "code": code]) { $1 }))
            #expect(reused.status == 400)
            #expect(reused.object["error"] as? String == "invalid_grant")
            #expect(reused.object["error_description"] is String)

            // Refresh with a JSON body; the refresh token rotates.
            let jsonBody = String(decoding: try JSONSerialization.data(withJSONObject:
                client.merging(["grant_type": "refresh_token", "refresh_token": refresh]) { $1 }), as: UTF8.self)
            let refreshed = try await httpRequest(grantURL, method: "POST", headers: ["Content-Type": "application/json"], body: jsonBody)
            #expect(refreshed.status == 200)
            let newRefresh = try #require(refreshed.object["refresh_token"] as? String)
            #expect(refreshed.object["access_token"] as? String != access)
            let again = try await httpRequest(grantURL, method: "POST", headers: ["Content-Type": "application/json"], body: jsonBody)
            #expect(again.object["error"] as? String == "invalid_grant")

            await server.revokeRefreshToken(newRefresh)
            let revoked = try await httpRequest(grantURL, method: "POST", headers: formHeaders,
                                                body: form(client.merging(["grant_type": "refresh_token", "refresh_token": newRefresh]) { $1 }))
            #expect(revoked.object["error"] as? String == "invalid_grant")

            // The journal keeps only the grant type.
            let grants = await server.journal.requests(method: "POST", path: "/v1/oauth2/grant")
            #expect(grants.count == 5)
            #expect(grants.allSatisfy { $0.body?.hasPrefix("grant_type=") == true && !($0.body?.contains("secret") ?? false) })
        }
    }

    @Test(arguments: [
        (["client_id": "someone", "client_secret": DemoCredentials.clientSecret], 401, "invalid_client"),
        (["client_id": DemoCredentials.clientID, "client_secret": "wrong"], 401, "invalid_client"),
        (client.merging(["grant_type": "password"]) { $1 }, 400, "unsupported_grant_type"),
        (client, 400, "invalid_request"),
        (client.merging(["grant_type": "refresh_token", "refresh_token": "nope"]) { $1 }, 400, "invalid_grant"),
        (client.merging(["grant_type": "refresh_token", "redirect_uri": "https://evil.example"]) { $1 }, 400, "invalid_request"),
    ])
    func grantErrors(fields: [String: String], status: Int, error: String) async throws {
        try await withRouter { api throws in
            let reply = try await api.call(.post, "/v1/oauth2/grant", token: nil, userAgent: nil, body: form(fields),
                                           contentType: "application/x-www-form-urlencoded")
            #expect(reply.status == status)
            #expect(reply.object["error"] as? String == error)
            #expect(reply.object["D"] == nil)
        }
    }

    /// The sign-in page names what is wrong, each mistake on its own: a wrong client id is not blamed on the redirect.
    @Test(arguments: [
        ("response_type=token&client_id=spark-portal-demo&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb",
         "unsupported_response_type", "response_type must be code"),
        ("response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb",
         "invalid_request", "client_id is missing; the demo client is spark-portal-demo"),
        ("response_type=code&client_id=mine&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb",
         "unauthorized_client", "unknown client_id 'mine'; the demo client is spark-portal-demo (spark-mock --help)"),
        ("response_type=code&client_id=spark-portal-demo", "invalid_request", "redirect_uri is missing"),
        ("response_type=code&client_id=spark-portal-demo&redirect_uri=https%3A%2F%2Fevil.example%2Fcb",
         "invalid_request", "redirect_uri 'https://evil.example/cb' is not registered for this client"),
    ])
    func authorizeNamesTheProblem(query: String, error: String, description: String) async throws {
        try await withRouter { api throws in
            let reply = try await api.call(.get, "/oauth2/authorize?" + query, token: nil)
            #expect(reply.status == 400)
            #expect(reply.object["error"] as? String == error)
            #expect((reply.object["error_description"] as? String)?.hasPrefix(description) == true, "\(reply.object)")
        }
    }

    @Test func fixedRefreshTokenWorksOnceAndAuthorizeRedirectsWithACode() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .demo)) { api throws in
            let body = form(client.merging(["grant_type": "refresh_token", "refresh_token": DemoCredentials.demoRefreshToken]) { $1 })
            let first = try await api.call(.post, "/v1/oauth2/grant", token: nil, body: body, contentType: "application/x-www-form-urlencoded")
            #expect(first.status == 200)
            let token = try #require(first.object["access_token"] as? String)
            #expect(try await api.get("/v1/my/account", token: token).results.first?["Name"] as? String == "Betty Buyer")

            let redirect = "http://127.0.0.1:9/callback"
            let authorize = try await api.call(.get, "/oauth2/authorize?response_type=code&client_id=\(DemoCredentials.clientID)"
                + "&redirect_uri=\(redirect.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&state=xyz", token: nil)
            #expect(authorize.status == 302)
            let location = try #require(authorize.headers["location"])
            #expect(location.hasPrefix(redirect + "?code="))
            #expect(location.hasSuffix("&state=xyz"))
            let code = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value)
            let exchanged = try await api.call(.post, "/v1/oauth2/grant", token: nil, body: form([
                "client_id": DemoCredentials.clientID, "client_secret": DemoCredentials.clientSecret,
                "redirect_uri": redirect, "grant_type": "authorization_code", "code": code,
            ]), contentType: "application/x-www-form-urlencoded")
            #expect(exchanged.status == 200)
        }
    }
}
