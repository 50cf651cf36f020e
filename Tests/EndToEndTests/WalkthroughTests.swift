import Foundation
import Testing
import TestSupport

/// The real `spark-portal` binary in a real terminal (tmux) against the real `spark-mock`.
@Suite(.enabled(if: Tmux.isAvailable, "tmux is not installed"), .serialized)
struct WalkthroughTests {
    static let seedToken = "MY_OAUTH2_ACCESS_TOKEN"

    /// Runs spark-portal in tmux against the server; its exit status is printed after it.
    static func start(_ server: MockServerProcess, width: Int = 120, height: Int = 40,
                      arguments: String = "", environment: [String: String] = [:]) throws -> Tmux {
        let binary = Tmux.quote(Executable.product("spark-portal"))
        var environment = environment
        environment["SPARK_ACCESS_TOKEN"] = environment["SPARK_ACCESS_TOKEN"] ?? seedToken
        environment["XDG_CONFIG_HOME"] = "/nonexistent-spark-portal-e2e"
        return try Tmux(width: width, height: height,
                        command: "\(binary) --endpoint \(server.baseURL.absoluteString) \(arguments); echo \"exit=$?\"",
                        environment: environment)
    }

    @Test func seedWalkthroughByKeys() throws {
        let server = try MockServerProcess(["--data", "seed"])
        defer { server.stop() }
        let tmux = try Self.start(server)

        try tmux.waitFor("Portal groups", "Ozzy Owner", "acting for: My own workspace")
        try tmux.send("Down")
        try tmux.waitFor("Johnny Consumer", "Betty Buyer")
        try tmux.send("Enter")
        let screen = try tmux.waitFor("acting for: Ozzy Owner's group", "Listing carts · Ozzy Owner",
                                      "Favorites", "Possibilities", "Recommended", "Rejects", "Removed")
        #expect(screen.contains { $0.contains("●") && $0.contains("Ozzy Owner") })
        try tmux.send("q")
        try tmux.waitFor("exit=0")
    }

    @Test func terminalIsRestoredAfterQuit() throws {
        let server = try MockServerProcess(["--data", "seed"])
        defer { server.stop() }
        let sttyFile = FileManager.default.temporaryDirectory.appendingPathComponent("stty-\(UUID()).txt").path
        let binary = Tmux.quote(Executable.product("spark-portal"))
        let tmux = try Tmux(width: 100, height: 30,
                            command: "\(binary) --endpoint \(server.baseURL.absoluteString); echo \"exit=$?\"; stty -a > \(Tmux.quote(sttyFile))",
                            environment: ["SPARK_ACCESS_TOKEN": Self.seedToken, "XDG_CONFIG_HOME": "/nonexistent-spark-portal-e2e"])
        try tmux.waitFor("Ozzy Owner")
        try tmux.send("q")
        try tmux.waitFor("exit=0")
        try tmux.waitFor("stty output") { _ in FileManager.default.fileExists(atPath: sttyFile) }
        let stty = try String(contentsOfFile: sttyFile, encoding: .utf8)
        let words = Set(stty.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        #expect(words.contains("icanon"), "\(stty)")
        #expect(words.contains("echo"), "\(stty)")
        #expect(!words.contains("-icanon") && !words.contains("-echo"))
    }
}
