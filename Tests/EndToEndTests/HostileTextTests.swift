import Foundation
import Testing
import TestSupport
import TerminalUI

/// Names from the server full of terminal control sequences (`spark-mock --data hostile`): OSC titles, clear
/// screen, cursor moves, BEL, CR, BS, C1 controls, right-to-left marks, ZWJ emoji, 500-character names. None
/// of it may drive the terminal: the pane title stays, the frame stays whole, and the bytes that reach the tty
/// hold no control sequence the app did not write itself.
@Suite(.enabled(if: TmuxScreen.isAvailable, "tmux is not installed"))
struct HostileTextTests {
    /// Marker words that sit inside the hostile control sequences (see SparkMock's HostileText).
    static let markers = ["PWNED-OSC-TITLE", "PWNED-OSC2-TITLE", "PWNED-C1-TITLE", "PWNED-ACCOUNT-TITLE", "PWNED-CART-TITLE"]

    @Test func hostileNamesNeverDriveTheTerminal() async throws {
        let server = try await MockServerProcess(["--data", "hostile"])
        defer { server.stop() }
        // The shell sets a pane title with OSC 2 before the app starts (so tmux demonstrably obeys title
        // sequences); a leaked OSC 0/2 from a name would change it.
        let titleBefore = "e2e-title-before-spark-portal"
        let portal = try await startPortalInTerminal(endpoint: server.baseURL.absoluteString, recordTTY: true,
                                          initialTitle: titleBefore)

        var screen = try await portal.waitFor("the first frame with hostile names") { isQuiet($0) && $0.contains { $0.contains("Olga") } }
        await expectWhole(screen, portal, "first frame")

        // Walk every group (the member pane follows the highlight), choose a few, open a cart's listings, and
        // show the request log and help: every place server text is drawn.
        for step in 0..<14 {
            try await portal.press(.down)
            screen = try await portal.waitForWholeFrame("highlight step \(step)")
            await expectWhole(screen, portal, "after \(step + 1) × Down")
            if step % 4 == 1 {
                // Esc first clears the last switch's "Now acting for", so the wait below sees this switch's.
                try await portal.press(.escape, .enter)
                screen = try await portal.waitFor("switched at step \(step)") { isQuiet($0) && $0.contains { $0.contains("Now acting for") } }
                await expectWhole(screen, portal, "after choosing at step \(step)")
            }
        }
        // The carts pane: open the first cart (its listings have hostile addresses, cities and statuses).
        try await portal.press(.tab)
        try await portal.press(.tab)
        try await portal.press(.enter)
        screen = try await portal.waitFor("the hostile listings") { isQuiet($0) && $0.contains { $0.contains("· listings") } }
        await expectWhole(screen, portal, "listings")
        try await portal.press(.escape)
        try await portal.press(.char("L"))
        screen = try await portal.waitFor("the request log") { $0.contains { $0.contains("Requests · newest first") } }
        #expect(screen.allSatisfy { TextWidth.of($0) <= 120 }, "request log rows fit the terminal")
        // The popup's sides are at its corners' columns on every row.
        let top = try #require(screen.firstIndex { $0.contains("┏ Requests") })
        let bottom = try #require(screen.firstIndex { $0.contains("Esc close ┛") })
        let left = try #require(cells(of: screen[top]).first { $0.character == "┏" }?.column)
        let right = try #require(cells(of: screen[top]).first { $0.character == "┓" }?.column)
        for row in screen[(top + 1)..<bottom] {
            let sides = cells(of: row).filter { $0.column == left || $0.column == right }.map(\.character)
            #expect(sides == ["┃", "┃"], "the request log's sides line up: \(row)")
        }
        try await portal.press(.escape)
        try await portal.waitForWholeFrame("the log closed")

        // Sanitized text is shown, not obeyed: the placeholders are on screen.
        let all = screen.joined(separator: "\n")
        #expect(all.contains("␛"), "ESC is shown as ␛")

        #expect(try await portal.paneTitle() == titleBefore, "the pane title never changes")
        try await portal.press(.char("q"))
        let (status, _) = try await portal.waitForExit()
        #expect(status == 0)
        #expect(try await portal.paneTitle() == titleBefore)

        expectNoForeignControls(portal.rawOutput)
    }

    /// The frame is whole (so nothing cleared or moved it) and no hostile marker became the title.
    private func expectWhole(_ screen: [String], _ portal: TmuxScreen, _ when: String,
                             sourceLocation: SourceLocation = #_sourceLocation) async {
        let problems = threePaneFrameProblems(screen, width: 120, height: 40)
        #expect(problems.isEmpty, "\(when): \(problems.joined(separator: "\n"))", sourceLocation: sourceLocation)
        let title = (try? await portal.paneTitle()) ?? ""
        #expect(!Self.markers.contains { title.contains($0) }, "\(when): pane title \(title)", sourceLocation: sourceLocation)
    }

    /// The bytes written to the terminal: only what ncurses writes for drawing. No OSC, DCS, BEL, NUL, no C1
    /// control characters, and no marker word right after an ESC.
    private func expectNoForeignControls(_ bytes: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(bytes.count > 1000, "the terminal's bytes were recorded", sourceLocation: sourceLocation)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("\u{1B}]"), "no OSC sequence reached the terminal", sourceLocation: sourceLocation)
        #expect(!text.contains("\u{1B}P"), "no DCS sequence reached the terminal", sourceLocation: sourceLocation)
        #expect(!text.contains("\u{1B}c"), "no terminal reset reached the terminal", sourceLocation: sourceLocation)
        #expect(!text.contains("\u{1B}[6n") && !text.contains("\u{1B}[c"), "no terminal query", sourceLocation: sourceLocation)
        #expect(!bytes.contains(0x07), "no BEL reached the terminal", sourceLocation: sourceLocation)
        #expect(!bytes.contains(0x00), "no NUL reached the terminal", sourceLocation: sourceLocation)
        let c1 = text.unicodeScalars.filter { (0x80...0x9F).contains($0.value) }
        #expect(c1.isEmpty, "no C1 controls reached the terminal: \(c1.map { String($0.value, radix: 16) })",
                sourceLocation: sourceLocation)
        for payload in ["\u{1B}[2J\u{1B}[3J\u{1B}[HClear", "\u{1B}[1;1H\u{1B}[10A", "\u{1B}[5;10r", "\u{1B}[?1049l\u{1B}[?25h AltOff",
                        "\u{1B}[31mRed"] {
            #expect(!text.contains(payload), "the payload \(payload.debugDescription) reached the terminal",
                    sourceLocation: sourceLocation)
        }
        for marker in Self.markers {
            // Drawn as text (maybe cut short by an ellipsis), never obeyed.
            #expect(text.contains(marker.prefix(9)), "\(marker) was drawn (as text)", sourceLocation: sourceLocation)
        }
    }

    // MARK: The command line

    @Test(arguments: [["groups", "--json"], ["current", "--json"], ["carts", "--json"], ["whoami", "--json"]])
    func jsonOutputEscapesEveryControlCharacter(_ arguments: [String]) async throws {
        let server = try await MockServerProcess(["--data", "hostile"])
        defer { server.stop() }
        if arguments[0] == "current" {
            // Choose the OSC-title group first, so `current` has a hostile group to print.
            let groups = try await runPortal(["groups", "--json", "--endpoint", server.baseURL.absoluteString])
            let list = try JSONSerialization.jsonObject(with: Data(groups.output.utf8)) as? [[String: Any]] ?? []
            let id = try #require(list.first { ownerName($0)?.contains("PWNED-OSC-TITLE") == true }?["Id"] as? String)
            let use = try await runPortal(["use", id, "--endpoint", server.baseURL.absoluteString])
            #expect(use.status == 0, "\(use.error)")
            expectSanitized(use.output, "use")
        }
        let result = try await runPortal(arguments + ["--endpoint", server.baseURL.absoluteString])
        #expect(result.status == 0, "\(result.error)")
        let bytes = Array(result.output.utf8)
        #expect(!bytes.isEmpty)
        // Only newlines below 0x20, and no C1 control, bidi control or line separator as a raw character.
        #expect(!bytes.contains { $0 < 0x20 && $0 != 0x0A }, "raw control bytes in \(arguments): \(result.output.debugDescription)")
        #expect(!result.output.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value)
                || (0x2066...0x2069).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 })
        // And it is still the exact data: decoding gives back the control characters.
        let decoded = try JSONSerialization.jsonObject(with: Data(result.output.utf8), options: [.fragmentsAllowed])
        let strings = allStrings(in: decoded)
        #expect(strings.contains { $0.contains("\u{1B}]") }, "the decoded JSON still holds the ESC sequences")
        switch arguments[0] {
        case "groups":
            #expect(strings.contains { $0.contains("\u{9B}2J\u{9D}0;PWNED-C1-TITLE\u{9C}") }, "C1 controls survive the round trip")
            #expect(strings.contains { $0.count == 500 && $0.hasPrefix("Lorenzo Longname") })
            #expect(strings.contains { $0.contains("\u{202E}Ruth Override\u{202C}") })
            #expect(strings.contains("Rita\r\rReturn \u{08}\u{08}\u{08}Back\u{7F}space"))
        case "carts":
            #expect(strings.contains("Clara \u{1B}[2J\u{1B}[3J\u{1B}[HClear"))
        default: break
        }
    }

    @Test(arguments: [["groups"], ["current"], ["carts"], ["whoami"], ["listings"]])
    func humanOutputIsSanitized(_ arguments: [String]) async throws {
        let server = try await MockServerProcess(["--data", "hostile"])
        defer { server.stop() }
        let endpoint = ["--endpoint", server.baseURL.absoluteString]
        var arguments = arguments
        switch arguments[0] {
        case "current":
            let groups = try await runPortal(["groups", "--json"] + endpoint)
            let list = try JSONSerialization.jsonObject(with: Data(groups.output.utf8)) as? [[String: Any]] ?? []
            let id = try #require(list.first { ownerName($0)?.hasPrefix("Clara") == true }?["Id"] as? String)
            #expect(try await runPortal(["use", id] + endpoint).status == 0)
        case "listings":
            let carts = try await runPortal(["carts", "--json"] + endpoint)
            let list = try JSONSerialization.jsonObject(with: Data(carts.output.utf8)) as? [[String: Any]] ?? []
            arguments.append(try #require(list.first?["Id"] as? String))
        default: break
        }
        let result = try await runPortal(arguments + endpoint)
        #expect(result.status == 0, "\(result.error)")
        expectSanitized(result.output, arguments.joined(separator: " "))
        if arguments[0] == "groups" {
            // Columns line up: the group ids start at the same column on every row, whatever came before them.
            let rows = result.output.split(separator: "\n").map(String.init).filter { $0.contains("2018") }
            #expect(rows.count == 12, "\(result.output)")
            let idColumns = rows.map { line -> Int in
                guard let start = line.range(of: "2018") else { return -1 }
                return cells(of: line)[line.distance(from: line.startIndex, to: start.lowerBound)].column
            }
            #expect(Set(idColumns).count == 1, "group ids line up: \(idColumns)\n\(result.output)")
        }
    }

    private func expectSanitized(_ output: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!output.utf8.contains { $0 < 0x20 && $0 != 0x0A }, "raw control bytes in `\(what)`: \(output.debugDescription)",
                sourceLocation: sourceLocation)
        #expect(!output.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value)
                || (0x2066...0x2069).contains($0.value) }, "C1 or bidi controls in `\(what)`", sourceLocation: sourceLocation)
    }

    private func allStrings(in value: Any) -> [String] {
        switch value {
        case let string as String: [string]
        case let array as [Any]: array.flatMap { allStrings(in: $0) }
        case let object as [String: Any]: object.values.flatMap { allStrings(in: $0) }
        default: []
        }
    }
}
