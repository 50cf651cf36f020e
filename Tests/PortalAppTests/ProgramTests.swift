import Foundation
import SparkAPI
import SparkMock
import Testing
import TerminalUI
@testable import PortalApp

/// The whole app — program loop, effect runner, shared client — against the demo server in this
/// process, driven by scripted keys on an in-memory terminal.
@Suite struct ProgramTests {
    struct Outcome: Sendable {
        var failures: [String]
        var lines: [String]
        var frames: Int
    }

    static func play(_ steps: [ScriptedBackend.Step], baseURL: URL, token: String,
                     size: Size = Size(width: 120, height: 40)) async throws -> Outcome {
        let mailbox = Mailbox()
        let client = try SparkClient.live(
            configuration: SparkClientConfiguration(baseURL: baseURL, userAgent: "spark-portal-tests"),
            tokens: StaticToken(token),
            onEvent: { mailbox.post(.requestFinished($0)) },
            onRetry: { mailbox.post(.retryScheduled($0)) })
        let outcome = await onOwnThread { () -> Outcome in
            let backend = ScriptedBackend(size: size, steps: steps)
            let program = Program(backend: backend, client: client, mailbox: mailbox,
                                  state: AppState(size: size, endpointHost: "demo"))
            program.run()
            return Outcome(failures: backend.failures, lines: backend.lastFrame.lines, frames: backend.framesDrawn)
        }
        await client.shutdown()
        return outcome
    }

    static func screen(_ what: String, _ texts: String...) -> ScriptedBackend.Step {
        .waitUntil(what) { frame in texts.allSatisfy { frame.contains($0) } }
    }

    @Test func theSeedWalkthroughByKeys() async throws {
        let server = try await DemoServer.start(DemoServerConfiguration(dataSet: .seed))
        let outcome = try await Self.play([
            Self.screen("start-up data", "Ozzy Owner", "acting for: My own workspace"),
            .key(.down),
            Self.screen("members of Ozzy's group", "Johnny Consumer", "Betty Buyer", "owner"),
            .key(.enter),
            Self.screen("Ozzy Owner's carts after the switch",
                        "acting for: Ozzy Owner's group", "Listing carts · Ozzy Owner", "Possibilities", "Rejects", "Removed"),
            .key(.char("g")),
            .key(.enter),
            Self.screen("own workspace after leaving", "acting for: My own workspace", "Listing carts · my own", "Lake cabins"),
            .key(.tab), .key(.tab), .key(.enter),
            Self.screen("the listings of Betty's Favorites", "Favorites · listings", "$"),
            .key(.escape),
            Self.screen("the carts again", "Listing carts · my own", "Lake cabins"),
            .key(.char("q")),
        ], baseURL: server.baseURL, token: DemoCredentials.seedAccessToken)
        let requests = await server.journal.requests
        await server.stop()

        #expect(outcome.failures.isEmpty, "\(outcome.failures.joined(separator: "\n\n"))")
        let puts = requests.filter { $0.method == "PUT" && $0.path == "/v1/portal/groups/current" }
        #expect(puts.count == 1)
        #expect(puts.first?.body?.contains("20130919194721820379000000") == true)
        #expect(requests.contains { $0.method == "DELETE" && $0.path == "/v1/portal/groups/current" })
        #expect(requests.contains { $0.method == "GET" && $0.path.hasSuffix("/listings") })
        // Start-up asked for everything at once, and the groups with paging.
        #expect(requests.contains { $0.path == "/v1/portal/groups" && $0.queryValue("_pagination") == "1" })
    }
}
