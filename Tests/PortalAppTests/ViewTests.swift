import Foundation
import SparkAPI
import Testing
import TerminalUI
@testable import PortalApp

/// Fixed states rendered at fixed sizes, compared line by line (the whole screen is the expectation).
@Suite struct ViewTests {
    static func screen(_ state: AppState) -> [String] {
        var buffer = Buffer(size: state.size)
        render(state, into: &buffer)
        return buffer.lines
    }

    static func expectLines(_ actual: [String], _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (index, (a, e)) in zip(actual, expected).enumerated() where a != e {
            Issue.record("line \(index) differs:\n  actual:   |\(a)|\n  expected: |\(e)|", sourceLocation: sourceLocation)
        }
    }

    static func listingsState(size: Size) -> AppState {
        var state = Fixture.loadedState(size: size)
        _ = state.press(.tab, .tab, .enter)
        _ = reduce(&state, .listingsPageLoaded(source: .cart(id: "K1"), page: 1,
                                               .success(Fixture.page((1...2).map(Fixture.listing), page: 1, totalRows: 2))))
        return state
    }

    @Test func wideLayoutAt120x40() {
        let lines = Self.screen(Fixture.loadedState(size: Size(width: 120, height: 40)))
        Self.expectLines(Array(lines.prefix(7)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                               sparkapi.com ",
            "┏ Portal groups ━━━━━━━━━━ 3 ┓┌ Members · Ozzy Owner ───────────── 3 ┐┌ Carts · Searches · Feeds · Ozzy Owner ────── 3 ┐",
            "┃  Owner              Members┃│  Name                           Role ││  Name                           Listings Type  │",
            "┃  My own workspace          ┃│▸ Ozzy Owner                     owner││▸ Favorites                             2       │",
            "┃  Amélie Durand            3┃│  Johnny Consumer                     ││  Possibilities                         3       │",
            "┃  Carl Contact             2┃│  Betty Buyer                         ││  Lake houses                          40 custom│",
            "┃● Ozzy Owner               3┃│                                      ││                                                │",
        ])
        #expect(lines.last?.hasPrefix(" ↑↓/jk move  Enter use group  Tab pane  r refresh  / filter  L requests  ? help  q quit") == true)
        #expect(lines.count == 40 && lines.allSatisfy { TextWidth.of($0) == 120 })
    }

    @Test func mediumLayoutAt80x24() {
        Self.expectLines(Self.screen(Fixture.loadedState(size: Size(width: 80, height: 24))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┏ Portal groups ━━━━━━━━━━━━ 3 ┓┌ Members · Ozzy Owner ───────────────────── 3 ┐",
            "┃  Owner                Members┃│  Name                                   Role │",
            "┃  My own workspace            ┃│▸ Ozzy Owner                             owner│",
            "┃  Amélie Durand              3┃│  Johnny Consumer                             │",
            "┃  Carl Contact               2┃│  Betty Buyer                                 │",
            "┃● Ozzy Owner                 3┃│                                              │",
            "┃                              ┃│                                              │",
            "┃                              ┃└──────────────────────────────────────────────┘",
            "┃                              ┃┌ Carts · Searches · Feeds · Ozzy Owner ──── 3 ┐",
            "┃                              ┃│  Name                         Listings Type  │",
            "┃                              ┃│▸ Favorites                           2       │",
            "┃                              ┃│  Possibilities                       3       │",
            "┃                              ┃│  Lake houses                        40 custom│",
            "┃                              ┃│                                              │",
            "┃                              ┃│                                              │",
            "┃                              ┃│                                              │",
            "┃                              ┃│                                              │",
            "┃                              ┃│                                              │",
            "┃                              ┃│                                              │",
            "┃                              ┃│                                              │",
            "┃                              ┃│                                              │",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛└──────────────────────────────────────────────┘",
            " ↑↓/jk move  Enter use group  Tab pane  r refresh  / filter  L requests  ? help ",
        ])
    }

    @Test func mediumLayoutAt60x20() {
        Self.expectLines(Self.screen(Fixture.loadedState(size: Size(width: 60, height: 20))), [
            " Betty Buyer · acting for: Ozzy Owner's group               ",
            "┏ Portal groups ━━━━ 3 ┓┌ Members · Ozzy Owner ───────── 3 ┐",
            "┃  Owner              #┃│  Name                       Role │",
            "┃  My own workspace    ┃│▸ Ozzy Owner                 owner│",
            "┃  Amélie Durand      3┃│  Johnny Consumer                 │",
            "┃  Carl Contact       2┃│  Betty Buyer                     │",
            "┃● Ozzy Owner         3┃│                                  │",
            "┃                      ┃└──────────────────────────────────┘",
            "┃                      ┃┌ Carts · Searches · Feeds ───── 3 ┐",
            "┃                      ┃│  Name             Listings Type  │",
            "┃                      ┃│▸ Favorites               2       │",
            "┃                      ┃│  Possibilities           3       │",
            "┃                      ┃│  Lake houses            40 custom│",
            "┃                      ┃│                                  │",
            "┃                      ┃│                                  │",
            "┃                      ┃│                                  │",
            "┃                      ┃│                                  │",
            "┃                      ┃│                                  │",
            "┗━━━━━━━━━━━━━━━━━━━━━━┛└──────────────────────────────────┘",
            " ↑↓/jk move  Enter use group  Tab pane  r refresh  ? help   ",
        ])
    }

    @Test func tabbedLayoutAt20x6() {
        Self.expectLines(Self.screen(Fixture.loadedState(size: Size(width: 20, height: 6))), [
            " Ozzy Owner's gr…   ",
            "   ◂ Groups 1/3 ▸   ",
            "┏ Portal grou… ━ 3 ┓",
            "┃● Ozzy Owner     3┃",
            "┗━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk move  ? help ",
        ])
    }

    @Test func tooSmallAt10x3() {
        Self.expectLines(Self.screen(Fixture.loadedState(size: Size(width: 10, height: 3))), [
            "Too small ",
            "need 20×6 ",
            "have 10×3 ",
        ])
    }

    @Test func cartListingsAt80x24() {
        Self.expectLines(Self.screen(Self.listingsState(size: Size(width: 80, height: 24))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┌ Portal groups ──────────── 3 ┐┌ Members · Ozzy Owner ───────────────────── 3 ┐",
            "│  Owner                Members││  Name                                   Role │",
            "│  My own workspace            ││▸ Ozzy Owner                             owner│",
            "│  Amélie Durand              3││  Johnny Consumer                             │",
            "│  Carl Contact               2││  Betty Buyer                                 │",
            "│● Ozzy Owner                 3││                                              │",
            "│                              ││                                              │",
            "│                              │└──────────────────────────────────────────────┘",
            "│                              │┏ Favorites · listings ━━━━━━━━━━━━━━━━━━━━━ 2 ┓",
            "│                              │┃  Address              Price Beds/baths Status┃",
            "│                              │┃▸ 101 Birch         $251,000 3 bd 2 ba  Active┃",
            "│                              │┃  102 Birch         $252,000 3 bd 2 ba  Active┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "└──────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk move  Enter details  f favorite  x reject  a add  d remove  ? help       ",
        ])
    }

    // Names come before every other column: the name column gets its longest visible name first, the other
    // columns follow in order of use while they fit. System carts say nothing in the type column.

    @Test func namesComeFirstAt80x24() {
        let lines = Self.screen(Fixture.longNamesState(size: Size(width: 80, height: 24)))
        Self.expectLines(Array(lines.prefix(16)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┌ Portal groups ──────────── 3 ┐┏ Members · Ozzy Owner ━━━━━━━━━━━━━━━━━━━━━ 5 ┓",
            "│  Owner                Members│┃  Name                          Role  Status  ┃",
            "│  My own workspace            │┃▸ Ozzy Owner                    owner         ┃",
            "│  Amélie Durand              3│┃  Maximilian Rosenberg                ● active┃",
            "│  Carl Contact               2│┃  Betty Buyer                                 ┃",
            "│● Ozzy Owner                 5│┃  Carla Agent                   agent         ┃",
            "│                              │┃  Old Timer                           disabled┃",
            "│                              │┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            "│                              │┌ Carts · Searches · Feeds · Ozzy Owner ──── 5 ┐",
            "│                              ││  Name                         Listings Type  │",
            "│                              ││▸ Favorites                           2       │",
            "│                              ││  Possibilities                       3       │",
            "│                              ││  Lake houses                        40 custom│",
            "│                              ││  Weekend cabins near lake        12345 custom│",
            "│                              ││  From the agent                      7 agent │",
        ])
    }

    @Test func aLongCartNameIsWholeAt100x30() {
        let lines = Self.screen(Fixture.longNamesState(size: Size(width: 100, height: 30)))
        Self.expectLines(Array(lines.prefix(9)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                           sparkapi.com ",
            "┌ Portal groups ────── 3 ┐┏ Members · Ozzy Owner ━━━━━━ 5 ┓┌ Carts · Searches · Feeds · Ozzy … ─ 5 ┐",
            "│  Owner          Members│┃  Name                    Role ┃│  Name                         Listings│",
            "│  My own workspace      │┃▸ Ozzy Owner              owner┃│▸ Favorites                           2│",
            "│  Amélie Durand        3│┃  Maximilian Rosenberg         ┃│  Possibilities                       3│",
            "│  Carl Contact         2│┃  Betty Buyer                  ┃│  Lake houses                        40│",
            "│● Ozzy Owner           5│┃  Carla Agent             agent┃│  Weekend cabins near lake        12345│",
            "│                        │┃  Old Timer                    ┃│  From the agent                      7│",
            "│                        │┃                               ┃│                                       │",
        ])
        #expect(lines.contains { $0.contains("│  Weekend cabins near lake ") }, "24 characters, whole")
        #expect(lines.contains { $0.contains("┃  Maximilian Rosenberg ") })
    }

    @Test func aLongMemberNameIsWholeAt120x40() {
        let lines = Self.screen(Fixture.longNamesState(size: Size(width: 120, height: 40)))
        Self.expectLines(Array(lines.prefix(9)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                               sparkapi.com ",
            "┌ Portal groups ────────── 3 ┐┏ Members · Ozzy Owner ━━━━━━━━━━━━━ 5 ┓┌ Carts · Searches · Feeds · Ozzy Owner ────── 5 ┐",
            "│  Owner              Members│┃  Name                  Role  Status  ┃│  Name                           Listings Type  │",
            "│  My own workspace          │┃▸ Ozzy Owner            owner         ┃│▸ Favorites                             2       │",
            "│  Amélie Durand            3│┃  Maximilian Rosenberg        ● active┃│  Possibilities                         3       │",
            "│  Carl Contact             2│┃  Betty Buyer                         ┃│  Lake houses                          40 custom│",
            "│● Ozzy Owner               5│┃  Carla Agent           agent         ┃│  Weekend cabins near lake          12345 custom│",
            "│                            │┃  Old Timer                   disabled┃│  From the agent                        7 agent │",
            "│                            │┃                                      ┃│                                                │",
        ])
        #expect(lines.contains { $0.contains("┃  Maximilian Rosenberg ") }, "20 characters, whole, with role and status beside it")
    }

    @Test func everyColumnAt200x50() {
        let lines = Self.screen(Fixture.longNamesState(size: Size(width: 200, height: 50)))
        Self.expectLines(Array(lines.prefix(9)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                                                                                                               sparkapi.com ",
            "┌ Portal groups ────────────────────────────── 3 ┐┏ Members · Ozzy Owner ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 5 ┓┌ Carts · Searches · Feeds · Ozzy Owner ──────────────────────────────────────── 5 ┐",
            "│  Owner                                  Members│┃  Name                                 Role  Status   Last login┃│  Name                                                             Listings Type  │",
            "│  My own workspace                              │┃▸ Ozzy Owner                           owner                    ┃│▸ Favorites                                                               2       │",
            "│  Amélie Durand                                3│┃  Maximilian Rosenberg                       ● active 2026-11-28┃│  Possibilities                                                           3       │",
            "│  Carl Contact                                 2│┃  Betty Buyer                                         2026-12-01┃│  Lake houses                                                            40 custom│",
            "│● Ozzy Owner                                   5│┃  Carla Agent                          agent                    ┃│  Weekend cabins near lake                                            12345 custom│",
            "│                                                │┃  Old Timer                                  disabled           ┃│  From the agent                                                          7 agent │",
            "│                                                │┃                                                                ┃│                                                                                  │",
        ])
    }

    @Test func aNameWiderThanThePaneIsCutAndTakesTheWholeRow() {
        var state = Fixture.longNamesState(size: Size(width: 24, height: 12))
        _ = state.press(.tab)
        Self.expectLines(Self.screen(state), [
            " Ozzy Owner's group     ",
            "     ◂ Carts 3/3 ▸      ",
            "┏ Carts · S · F ━━━━ 5 ┓",
            "┃  Name                ┃",
            "┃▸ Favorites           ┃",
            "┃  Possibilities       ┃",
            "┃  Lake houses         ┃",
            "┃  Weekend cabins near…┃",
            "┃  From the agent      ┃",
            "┃                      ┃",
            "┗━━━━━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk move  ? help     ",
        ])
    }

    @Test(arguments: [Size(width: 0, height: 0), Size(width: 1, height: 1), Size(width: 19, height: 40), Size(width: 300, height: 5),
                      Size(width: 100, height: 8), Size(width: 59, height: 14), Size(width: 250, height: 80)])
    func everySizeDrawsWithoutCrashingAndKeepsRowsFull(size: Size) {
        for state in [Fixture.loadedState(size: size), Self.listingsState(size: size), AppState(size: size, endpointHost: "h")] {
            let lines = Self.screen(state)
            #expect(lines.count == size.height)
            #expect(lines.allSatisfy { TextWidth.of($0) == size.width })
        }
    }

    @Test func startUpShowsSpinnersInEachPane() {
        var state = AppState(size: Size(width: 120, height: 30), endpointHost: "sparkapi.com")
        _ = reduce(&state, .started)
        let lines = Self.screen(state)
        #expect(lines[0].contains("acting for: …"))
        #expect(lines.contains { $0.contains("loading carts…") })
        #expect(lines.contains { $0.contains("loading groups…") })
    }

    @Test func switchingShowsAtOnceOnTheTargetRowAndInTheTitle() {
        var state = Fixture.loadedState(size: Size(width: 120, height: 30))
        _ = state.press(.char("g"), .down, .down, .enter)   // Carl Contact
        let lines = Self.screen(state)
        #expect(lines[0].contains("switching to Carl Contact's group…"))
        #expect(lines[1].contains("switching…"))
        let carl = lines.first { $0.contains("Carl Contact") } ?? ""
        #expect(!carl.contains("●"), "the mark stays on the server's current group until it answers")
        #expect(lines.contains { $0.contains("●") && $0.contains("Ozzy Owner") })
        #expect(lines.last?.contains("Switching to Carl Contact's group…") == true)
    }

    @Test func failuresAreShownInThePaneAndTheStatusBar() {
        var state = Fixture.loadedState(size: Size(width: 120, height: 30))
        _ = state.press(.char("r"))
        let failure = SparkError.api(status: 503, code: nil, message: nil,
                                     context: RequestContext(method: "GET", path: "/v1/listingcarts"))
        _ = reduce(&state, .cartsLoaded(forGroup: nil, request: state.cartsRequest, .failure(failure)))
        let lines = Self.screen(state)
        #expect(lines.contains { $0.contains("│✗ The Spark API is having trouble (HTTP 503)") }, "in the pane")
        #expect(lines.last?.contains("Couldn't load the listing carts") == true)
        #expect(lines.last?.hasPrefix(" e error  ? help ") == true, "the way to the whole error and to every key stays")
        #expect(lines.contains { $0.contains("Possibilities") }, "the carts the server last sent stay on screen")
    }

    @Test func hostileNamesAreDrawnHarmlessly() throws {
        let name = "Evil\u{1B}]0;pwned\u{07}\u{1B}[2J\r\u{8}\u{9B}31m Owner"
        var state = AppState(size: Size(width: 120, height: 20), endpointHost: "h")
        _ = reduce(&state, .started)
        let group = Fixture.decode(PortalGroup.self, """
            {"Id":"G1","ContactId":"C1","Users":[{"Id":"C1","Name":\(String(decoding: try JSONEncoder().encode(name), as: UTF8.self)),"UserType":"Contact"}]}
            """)
        _ = reduce(&state, .groupsLoaded(.success([group])))
        let lines = Self.screen(state)
        for line in lines {
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
            #expect(TextWidth.of(line) == 120)
        }
        #expect(lines.contains { $0.contains("Evil␛]0;pwned") })
    }

    @Test func helpIsGeneratedFromTheKeyTable() {
        var state = Fixture.loadedState(size: Size(width: 100, height: 70))
        _ = state.press(.char("?"))
        let text = Self.screen(state).joined(separator: "\n")
        for binding in state.keyMap.bindings {
            #expect(text.contains(binding.summary), "help lacks \(binding.summary)")
        }
    }

    @Test func requestLogListsNewestFirst() {
        var state = Fixture.loadedState(size: Size(width: 100, height: 30))
        for (method, path, status) in [("GET", "/v1/portal/groups", 200), ("PUT", "/v1/portal/groups/current", 400)] {
            _ = reduce(&state, .requestFinished(RequestEvent(method: method, path: path, status: status, sparkCode: status == 400 ? 1025 : nil,
                                                              duration: .milliseconds(84), attempt: 1, errorSummary: nil)))
        }
        _ = state.press(.char("L"))
        let lines = Self.screen(state)
        let put = lines.firstIndex { $0.contains("PUT") && $0.contains(" 400 ") && $0.contains("code 1025") }
        let get = lines.firstIndex { $0.contains("GET") && $0.contains(" 200 ") && $0.contains("/v1/portal/groups") }
        #expect(put != nil && get != nil && put! < get!)
        #expect(lines.last?.contains("PUT …/current 400 (1025) 84ms") == true || lines.last?.contains("Esc") == true)
    }

    @Test func filteringShowsTheFilterAndTheMatchesInTheTitleAndStatusBar() {
        var state = Fixture.loadedState(size: Size(width: 120, height: 20))
        _ = state.press(.char("/"))
        _ = state.type("ca")
        let lines = Self.screen(state)
        #expect(lines[1].contains("/ca 1"), "\(lines[1])")
        #expect(lines.last?.hasPrefix(" filter groups: ca ") == true, "\(lines.last ?? "")")
        #expect(lines.contains { $0.contains("Carl Contact") })
        #expect(!lines.contains { $0.contains("Amélie") })
    }
}
