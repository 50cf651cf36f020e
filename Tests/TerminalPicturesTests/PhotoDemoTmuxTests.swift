import Foundation
import PhotoCodec
import Testing
import TerminalUI
import TestSupport

/// The real ncurses backend drawing photos (`photo-demo`) in tmux, read back with `capture-pane -e`: the
/// colours that reached the terminal.
@Suite("Photos on the real terminal (tmux)", .timeLimit(.minutes(2)),
       .enabled(if: TmuxScreen.isAvailable, "tmux is not installed: photo terminal tests skipped"))
struct PhotoDemoTmuxTests {
    static let hasDirectEntry = FileManager.default.fileExists(atPath: "/usr/share/terminfo/x/xterm-direct")
        || FileManager.default.fileExists(atPath: "/lib/terminfo/x/xterm-direct")

    /// Writes JPEG files into a fresh directory for `body`, and removes it afterwards.
    private func withFiles(_ pictures: [(String, [UInt8])], _ body: ([String]) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("photo-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = try pictures.map { name, bytes in
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }
        try await body(paths)
    }

    private func demo(_ files: [String], arguments: [String] = [], width: Int = 42, height: Int = 17,
                      environment: [String: String]) async throws -> TmuxScreen {
        try await TmuxScreen(program: [Executable.product("photo-demo")] + arguments + files,
                             size: Size(width: width, height: height), environment: environment)
    }

    /// Every `38;5;N` / `48;5;N` palette index in captured output.
    private func paletteIndexes(_ text: String) -> Set<Int> {
        var found: Set<Int> = []
        for match in text.matches(of: /[34]8;5;(\d+)/) { if let n = Int(match.1) { found.insert(n) } }
        return found
    }

    @Test func at256ColoursThePictureIsDrawnInPaletteColours() async throws {
        try await withFiles([("quadrants.jpg", try quadrantsJPEG())]) { paths in
            let tmux = try await demo(paths, environment: ["COLORTERM": "", "NO_COLOR": ""])
            try await tmux.waitFor("256 colours (xterm-256color)")
            // The red/blue edge runs down the middle of a cell column (a half block on every row), the colour
            // band across the middle of a row (upper or lower halves).
            let screen = try await tmux.waitFor("the picture") { screen in
                screen.count > 9 && (1...7).allSatisfy { screen[$0].contains("▌") || screen[$0].contains("▐") }
                    && screen[8].filter({ $0 == "▀" || $0 == "▄" }).count > 30
            }
            #expect(screen[1...15].allSatisfy { $0.allSatisfy { $0 == " " || $0.unicodeScalars.first!.value >= 0x2580 } })
            let captured = try await tmux.styledScreen()
            #expect(paletteIndexes(captured).isSuperset(of: [196, 21, 46, 226]), "\(paletteIndexes(captured).sorted())")
            #expect(!captured.contains("38;2;") && !captured.contains("48;2;"), "no direct colour at 256 colours")
            try await tmux.send("q")
            #expect(try await tmux.waitForExit().status == 0)
        }
    }

    @Test(.enabled(if: PhotoDemoTmuxTests.hasDirectEntry, "no xterm-direct terminfo entry (Debian: ncurses-term): direct colour not tested"))
    func withCOLORTERMTruecolorThePictureIsDrawnInDirectColour() async throws {
        try await withFiles([("quadrants.jpg", try quadrantsJPEG())]) { paths in
            let tmux = try await demo(paths, environment: ["COLORTERM": "truecolor", "NO_COLOR": ""])
            try await tmux.waitFor("direct colour (xterm-direct)")
            let captured = try await tmux.styledScreen()
            var rgb: [(Int, Int, Int)] = []
            for match in captured.matches(of: /[34]8;2;(\d+);(\d+);(\d+)/) {
                rgb.append((Int(match.1)!, Int(match.2)!, Int(match.3)!))
            }
            func seen(_ c: (Int, Int, Int)) -> Bool {
                rgb.contains { abs($0.0 - c.0) < 40 && abs($0.1 - c.1) < 40 && abs($0.2 - c.2) < 40 }
            }
            #expect(seen((255, 0, 0)) && seen((0, 0, 255)) && seen((0, 255, 0)) && seen((255, 255, 0)), "\(rgb.prefix(20))")
            try await tmux.send("q")
            #expect(try await tmux.waitForExit().status == 0)
        }
    }

    @Test("NO_COLOR: the picture's place says photos need 256 colours")
    func noColorSaysWhy() async throws {
        try await withFiles([("quadrants.jpg", try quadrantsJPEG())]) { paths in
            let tmux = try await demo(paths, environment: ["NO_COLOR": "1"])
            let screen = try await tmux.waitFor("photos need 256 colours")
            #expect(screen.contains { $0.contains("no colours") })
            #expect(!screen.joined().unicodeScalars.contains { (0x2580...0x259F).contains($0.value) })
            try await tmux.send("q")
            #expect(try await tmux.waitForExit().status == 0)
        }
    }

    /// With room for only 320 colour pairs, paging through twelve photos of different colours fills the pair
    /// table again and again; each time the backend starts a new table and redraws. The last photo must then look
    /// exactly as it does drawn alone in a fresh terminal: no cell kept a pair that was redefined under it.
    @Test func pagingThroughPhotosNeverRunsOutOfColourPairs() async throws {
        var pictures: [(String, [UInt8])] = []
        for i in 0..<12 {
            var image = RGBImage(width: 320, height: 240)
            for y in 0..<240 {
                for x in 0..<320 {
                    image[x, y] = RGB(UInt8(x * 255 / 319), UInt8(y * 255 / 239), UInt8((i * 23) % 256))
                }
            }
            pictures.append(("gradient-\(i).jpg", try JPEG.encode(image, quality: 90)))
        }
        try await withFiles(pictures) { paths in
            let paging = try await demo(paths, arguments: ["--pair-limit", "320"], width: 30, height: 11, environment: ["COLORTERM": "", "NO_COLOR": ""])
            try await paging.waitFor("1/12")
            for n in 2...12 {
                try await paging.send("n")
                try await paging.waitFor("\(n)/12")
            }
            let alone = try await demo([paths[11]], arguments: ["--pair-limit", "320"], width: 30, height: 11, environment: ["COLORTERM": "", "NO_COLOR": ""])
            try await alone.waitFor("1/1")
            let paged = try await paging.styledScreen().split(separator: "\n").dropFirst()
            let fresh = try await alone.styledScreen().split(separator: "\n").dropFirst()
            #expect(paged.count >= 9)
            #expect(Array(paged) == Array(fresh), "the last photo after paging differs from the same photo drawn alone")
            #expect(paletteIndexes(paged.joined()).count > 10)
            try await paging.send("q")
            try await alone.send("q")
        }
    }
}
