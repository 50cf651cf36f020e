import Foundation
import Testing

@testable import SparkAPI

@Suite("Tokens never leak")
struct TokenSecrecyTests {
    /// Drives every failure path with a distinctive token, including a server that echoes the
    /// token back in its message, and searches every error text, description and event for it.
    @Test func tokenIsAbsentFromErrorsDescriptionsAndEvents() async throws {
        let answers: [Result<TransportResponse, TransportFailure>] = [
            .success(sparkError(401, code: 1000, message: "Bad token OAuth \(secretToken)")),
            .success(sparkError(401, code: 1020, message: "Expired \(secretToken)")),
            .success(sparkError(429, code: 1550)),
            .success(TransportResponse(status: 400, json: #"{"error":"invalid_token","error_description":"\#(secretToken) is invalid"}"#)),
            .success(TransportResponse(status: 502, body: Data("proxy saw Authorization: OAuth \(secretToken)".utf8))),
            .success(TransportResponse(status: 200, body: Data("{\"D\":{\"Results\":\"\(secretToken)\"".utf8))),
            .failure(.other("reset")), .failure(.timedOut), .failure(.tls("handshake")),
        ]
        let events = Recorder<RequestEvent>()
        let notices = Recorder<RetryNotice>()
        var texts: [String] = []
        for answer in answers {
            let transport = ScriptedTransport(Array(repeating: answer, count: 4))
            let client = try makeClient(
                retry: recordingRetry(Recorder(), maxAttempts: 2), tokens: RefreshingTokens(fresh: secretToken + "-2"),
                events: events, notices: notices
            ) { try transport.handle($0) }
            do {
                _ = try await client.currentGroup()
                Issue.record("expected a failure for \(answer)")
            } catch {
                texts += [String(describing: error), String(reflecting: error), error.localizedDescription]
                if let error = error as? SparkError { texts += [error.userMessage, error.description, error.summary] }
                var dumped = ""
                dump(error, to: &dumped)
                texts.append(dumped)
            }
        }
        texts += events.values.map { String(reflecting: $0) }
        texts += notices.values.map { String(reflecting: $0) }
        #expect(events.count >= answers.count)
        #expect(!notices.values.isEmpty)
        for text in texts {
            #expect(!text.contains(secretToken), "leaked in: \(text)")
        }
    }

    @Test func oauthTokensAndProvidersDoNotPrintTheirSecrets() {
        let tokens = OAuthTokens(accessToken: secretToken, refreshToken: "refresh-SECRET", expiresIn: 86400)
        var dumped = ""
        dump(tokens, to: &dumped)
        var dumpedProvider = ""
        dump(StaticToken(secretToken), to: &dumpedProvider)
        for text in [String(describing: tokens), String(reflecting: tokens), "\(tokens)", dumped,
                     String(describing: StaticToken(secretToken)), String(describing: OAuthGrant.refreshToken(secretToken)),
                     String(describing: OAuthGrant.authorizationCode(secretToken))] {
            #expect(!text.contains(secretToken) && !text.contains("refresh-SECRET"), "leaked in: \(text)")
        }
        #expect(String(describing: tokens).contains("86400"))
    }
}

@Suite("Grant secrets never leak")
struct GrantSecrecyTests {
    @Test func anEchoingTokenEndpointCannotLeakTheCodeOrSecret() async throws {
        let client = try makeClient { _ in
            TransportResponse(status: 400, json: #"{"error":"invalid_grant","error_description":"code CODE-SECRET-1 for client CLIENT-SECRET-2"}"#)
        }
        let error = await #expect(throws: SparkError.self) {
            try await client.grantToken(.authorizationCode("CODE-SECRET-1"), clientID: "id", clientSecret: "CLIENT-SECRET-2", redirectURI: "r")
        }
        let text = [error?.description, error?.userMessage].compactMap { $0 }.joined()
        #expect(text.contains("invalid_grant"))
        #expect(!text.contains("CODE-SECRET-1") && !text.contains("CLIENT-SECRET-2"), "\(text)")
    }
}
