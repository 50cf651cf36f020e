import Foundation
import SparkMock
import Testing
import TestSupport
@testable import PortalCLI

/// The built executables: two `spark-portal` processes against one `spark-mock` process, as two members in two
/// terminals would run them. TestSupport starts and awaits every process off the cooperative pool.
@Suite("Two spark-portal processes at once", .timeLimit(.minutes(2)))
struct ConcurrentProcessTests {
    static let ozzyGroup = "20130919194721820379000000"

    /// What a process printed, and how it ended.
    struct Ran: Sendable {
        var status: Int32
        var output: String
        var error: String
    }

    /// Runs the real `spark-portal` with a member's token.
    static func portal(_ arguments: [String], server: MockServerProcess, token: String) async -> Ran {
        let environment = ["SPARK_ACCESS_TOKEN": token, "XDG_CONFIG_HOME": "/nonexistent-spark-portal-tests",
                           "PATH": "/usr/bin:/bin"]
        let binary = Executable.product("spark-portal")
        do {
            let result = try await Executable.run(binary, arguments + ["--endpoint", server.baseURL.absoluteString],
                                                  environment: environment)
            return Ran(status: result.status, output: result.output, error: result.error)
        } catch {
            return Ran(status: -1, output: "", error: "could not run \(binary): \(error)")
        }
    }

    @Test func twoConcurrentCartAddsBothLand() async throws {
        let server = try await MockServerProcess(["--data", "demo"])
        defer { server.stop() }
        let members = [DemoCredentials.demoAccessToken, "DEMO_ACCESS_TOKEN_JOHNNY"]
        for token in members {
            let use = await Self.portal(["use", Self.ozzyGroup], server: server, token: token)
            try #require(use.status == 0, "\(use.error)")
        }
        let spare = DemoDataSet.demo.unusedListingIDs(limit: 30)
        let batches = [Array(spare[0..<15]), Array(spare[15..<30])]

        async let first = Self.portal(["cart", "add", "Possibilities"] + batches[0], server: server, token: members[0])
        async let second = Self.portal(["cart", "add", "possibilities"] + batches[1], server: server, token: members[1])
        let results = await [first, second]
        for result in results {
            #expect(result.status == 0, "\(result.error)")
            #expect(result.output.hasPrefix("Added 15 listings to Possibilities (now "))
        }

        let read = await Self.portal(["listings", "Possibilities", "--json"], server: server, token: members[0])
        let listings = try #require(try JSONSerialization.jsonObject(with: Data(read.output.utf8)) as? [[String: Any]])
        let ids = Set(listings.compactMap { $0["Id"] as? String })
        #expect(ids.isSuperset(of: spare) && ids.count == 3 + 30, "both members' listings are in the cart, once each")
    }
}
