import Foundation
import Testing
import TerminalUI
import TestSupport

/// Resizing never kills or garbles the app: a storm of resizes, sizes down to 1×1, and back to the full layout.
@Suite(.enabled(if: TmuxScreen.isAvailable, "tmux is not installed"))
struct ResizeTests {
    @Test func stormOfResizesThenTinySizesThenFullLayoutAgain() async throws {
        let server = try await MockServerProcess(["--data", "demo"])
        defer { server.stop() }
        let portal = try await startPortalInTerminal(endpoint: server.baseURL.absoluteString)
        try await portal.waitForWholeFrame("the first full frame", also: isQuiet)
        let pid = try await portal.portalPID()

        // 30 resizes as fast as tmux takes them (seeded sizes), without waiting for the app in between.
        var random = SeededRandom(seed: 0x5EED_0007)
        for _ in 0..<30 {
            try await portal.resize(to: Size(width: Int.random(in: 15...160, using: &random), height: Int.random(in: 4...50, using: &random)))
        }
        try await portal.resize(to: Size(width: 120, height: 40))
        var screen = try await portal.waitForWholeFrame("the full layout after the storm")
        #expect(threePaneFrameProblems(screen, width: 120, height: 40).isEmpty)
        #expect(kill(pid, 0) == 0, "still running")

        // Each size draws something sensible: the layout for its size, or the "too small" notice.
        let sizes: [(Int, Int, @Sendable ([String]) -> Bool)] = [
            (80, 24, { screen in screen.contains { $0.contains("Portal groups") } && screen.contains { $0.contains("Carts · Searches · Feeds") } }),
            (40, 12, { screen in screen.contains { $0.contains("Groups") && $0.contains("Carts") } }),
            (20, 6, { screen in screen.contains { $0.contains("Groups") || $0.contains("Grou") } }),
            (19, 6, { screen in screen.contains { $0.contains("too small") || $0.contains("Terminal") } }),
            (10, 3, { screen in screen.contains { $0.contains("Terminal") || $0.contains("too") || $0.contains("small") } }),
            (1, 1, { screen in screen.count == 1 }),
        ]
        for (width, height, sensible) in sizes {
            try await portal.resize(to: Size(width: width, height: height))
            screen = try await portal.waitFor("something sensible at \(width)×\(height)") { screen in
                screen.count == height && sensible(screen) && screen.allSatisfy { TextWidth.of($0) <= width }
            }
            #expect(kill(pid, 0) == 0, "alive at \(width)×\(height)")
        }
        // The tiny terminal's notice says how big it must be.
        try await portal.resize(to: Size(width: 30, height: 4))
        screen = try await portal.waitFor("the too-small notice") { $0.contains { $0.contains("Terminal too small") } }
        #expect(screen.contains { $0.contains("need 20×6") })

        try await portal.resize(to: Size(width: 120, height: 40))
        screen = try await portal.waitForWholeFrame("the full layout at 120×40 again")
        #expect(threePaneFrameProblems(screen, width: 120, height: 40).isEmpty)
        #expect(screen[0].contains("acting for:"))
        #expect(paneTitle(screen, pane: 0).contains("Portal groups"))
        #expect(paneRows(screen, pane: 0).contains { $0.contains("My own workspace") })

        // And it still works: a key moves the highlight, q quits cleanly.
        try await portal.press(.down)
        try await portal.waitFor("Members ·")
        try await portal.press(.char("q"))
        let (status, stty) = try await portal.waitForExit()
        #expect(status == 0)
        #expect(sttyWords(stty).contains("icanon"))
    }
}
