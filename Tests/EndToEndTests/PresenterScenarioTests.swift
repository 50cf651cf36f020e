import Foundation
import SparkAPI
import SparkMock
import Testing
import TerminalUI
import TestSupport

/// The presenter's tools against the demo server, in process (#16): acting as another demo member (`A`), and a
/// request of the log copied as curl (`y`) — which, run by a shell with the member's token, does the same again.
@Suite struct PresenterScenarioTests {
    static let ozzyGroup = "20130919194721820379000000"
    static let johnnyID = "20130405184413250277000000"
    static let bettyID = "20110616210203794915000000"

    @Test func actAsJohnnyThenCopyHisGroupChoiceAsCurlAndRunIt() async throws {
        try await InProcessScreen.run(DemoServerConfiguration(dataSet: .demo), token: DemoCredentials.demoAccessToken,
                                      actAs: true) { screen, server in
            try await screen.waitFor("the first screen") { isQuiet($0) && $0.contains { $0.contains("Weekend cabins") } }
            try await screen.press(.char("j"), .char("j"), .char("j"), .enter)  // Ozzy Owner's group
            try await screen.waitFor("Ozzy's carts") { isQuiet($0) && $0[0].contains("Betty Buyer · acting for: Ozzy Owner's group") }

            try await screen.press(.char("A"))
            let chooser = try await screen.waitFor("the chooser") { $0.contains { $0.contains("Act as (demo)") } }
            #expect(chooser.contains { $0.contains("Johnny Consumer") })
            #expect(!chooser.contains { $0.contains("▸ Betty Buyer") }, "not the member acted as now")
            try await screen.press(.enter)
            // Johnny's own current group was his own workspace: the app chose Ozzy's for him, as him.
            try await screen.waitFor("Johnny in Ozzy's group") { lines in
                isQuiet(lines) && lines[0].contains("Johnny Consumer · acting for: Ozzy Owner's group")
                    && lines.contains { $0.contains("Possibilities") }
            }
            #expect(await server.currentGroupID(of: Self.johnnyID) == Self.ozzyGroup)
            #expect(await server.currentGroupID(of: Self.bettyID) == Self.ozzyGroup)

            // The log: the newest PUT is Johnny's choice of Ozzy's group.
            try await screen.press(.char("L"))
            let log = try await screen.waitFor("the log") { $0.contains { $0.contains("Requests · newest first") } }
            let header = try #require(log.firstIndex { $0.contains("Method") && $0.contains("Status") })
            let put = try #require(log.indices.first { $0 > header && log[$0].contains("PUT") })
            try await screen.press(Array(repeating: Key.char("j"), count: put - header - 1) + [.enter])
            let detail = try await screen.waitFor("the request") { $0.contains { $0.contains("PUT /v1/portal/groups/current") } }
            #expect(!detail.joined().contains("DEMO_ACCESS_TOKEN"))
            try await screen.press(.char("y"))
            try await screen.waitFor("the copy") { ($0.last ?? "").contains("Copied the curl command for PUT") }
            let curl = try #require(screen.clipboardWrites.last.flatMap(Clipboard.text(ofOSC52:)))
            #expect(curl.hasPrefix(#"curl "\#(server.baseURL.absoluteString)/v1/portal/groups/current" -H "X-SparkApi-User-Agent: "#))
            #expect(curl.contains(#" -H "Authorization: OAuth $SPARK_ACCESS_TOKEN" -H 'Content-Type: application/json' -X PUT --data '"#))
            #expect(curl.contains(Self.ozzyGroup))
            #expect(!curl.contains("DEMO_ACCESS_TOKEN"))

            // Johnny leaves the group elsewhere; the copied command, run with his token, chooses it again.
            try await SparkClient.withLive(configuration: SparkClientConfiguration(baseURL: server.baseURL, userAgent: "spark-portal-tests"),
                                           tokens: StaticToken("DEMO_ACCESS_TOKEN_JOHNNY")) { try await $0.leaveGroup() }
            #expect(await server.currentGroupID(of: Self.johnnyID) == nil)
            let ran = try await Executable.run("/bin/sh", ["-c", curl + " --silent --show-error"],
                                               environment: ["PATH": "/usr/bin:/bin", "SPARK_ACCESS_TOKEN": "DEMO_ACCESS_TOKEN_JOHNNY"])
            #expect(ran.status == 0, "\(ran.error)")
            #expect(ran.output.contains(#""Success":true"#) || ran.output.contains(#""Success": true"#), "\(ran.output)")
            #expect(await server.currentGroupID(of: Self.johnnyID) == Self.ozzyGroup)
        }
    }
}
