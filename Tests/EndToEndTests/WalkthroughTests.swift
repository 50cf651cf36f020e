import Foundation
import Testing
import TestSupport

/// The real `spark-portal` binary in a real terminal (tmux) against the real `spark-mock`.
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct WalkthroughTests {
    static let seedToken = "MY_OAUTH2_ACCESS_TOKEN"

    /// Runs spark-portal in tmux against the server.
    static func start(_ server: MockServerProcess, width: Int = 120, height: Int = 40,
                      arguments: [String] = [], environment: [String: String] = [:]) throws -> Tmux {
        var environment = environment
        environment["SPARK_ACCESS_TOKEN"] = environment["SPARK_ACCESS_TOKEN"] ?? seedToken
        environment["XDG_CONFIG_HOME"] = "/nonexistent-spark-portal-e2e"
        return try Tmux(width: width, height: height,
                        program: [Executable.product("spark-portal"), "--endpoint", server.baseURL.absoluteString] + arguments,
                        environment: environment)
    }

    @Test func seedWalkthroughByKeys() throws {
        let server = try MockServerProcess(["--data", "seed"])
        defer { server.stop() }
        let tmux = try Self.start(server)

        try tmux.waitFor("Portal groups", "Ozzy Owner", "acting for: My own workspace", "Lake cabins")
        try tmux.send("Down")
        try tmux.waitFor("Johnny Consumer", "Betty Buyer")
        try tmux.send("Enter")
        let screen = try tmux.waitFor("acting for: Ozzy Owner's group", "Listing carts · Ozzy Owner",
                                      "Favorites", "Possibilities", "Recommended", "Rejects", "Removed")
        #expect(screen.contains { $0.contains("●") && $0.contains("Ozzy Owner") })
        #expect(!screen.contains { $0.contains("Lake cabins") }, "only the new group's carts")
        try tmux.send("q")
        let exit = try tmux.waitForProgramExit()
        #expect(exit.status == 0)
    }

    @Test func terminalIsRestoredAfterQuit() throws {
        let server = try MockServerProcess(["--data", "seed"])
        defer { server.stop() }
        let tmux = try Self.start(server, width: 100, height: 30)
        try tmux.waitFor("Ozzy Owner")
        try tmux.send("q")
        let exit = try tmux.waitForProgramExit()
        #expect(exit.status == 0)
        let words = Set(exit.stty.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        #expect(words.contains("icanon"), "\(exit.stty)")
        #expect(words.contains("echo"), "\(exit.stty)")
        #expect(!words.contains("-icanon") && !words.contains("-echo"))
    }

    @Test func subcommandsWorkAgainstSparkMock() throws {
        let server = try MockServerProcess(["--data", "seed"])
        defer { server.stop() }
        let binary = Executable.product("spark-portal")
        let environment = ["SPARK_ACCESS_TOKEN": Self.seedToken, "XDG_CONFIG_HOME": "/nonexistent-spark-portal-e2e",
                           "PATH": "/usr/bin:/bin"]
        let endpoint = ["--endpoint", server.baseURL.absoluteString]
        let use = try Executable.run(binary, ["use", "20130919194721820379000000"] + endpoint, environment: environment)
        #expect(use.status == 0, "\(use.error)")
        let current = try Executable.run(binary, ["current", "--json"] + endpoint, environment: environment)
        let group = try JSONSerialization.jsonObject(with: Data(current.output.utf8)) as? [String: Any]
        #expect(group?["Id"] as? String == "20130919194721820379000000")
        let carts = try Executable.run(binary, ["carts"] + endpoint, environment: environment)
        #expect(carts.output.contains("Possibilities") && carts.error.isEmpty)
        let noToken = try Executable.run(binary, ["groups"] + endpoint, environment: ["PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": "/nonexistent"])
        #expect(noToken.status == 77)
        #expect(noToken.output.isEmpty)
        #expect(noToken.error.split(separator: "\n").count == 1)
    }
}
