import Foundation
import SparkAPI
import Testing
import TerminalUI
@testable import PortalApp

private typealias W = Workspace15

/// The screens of #15 as whole-screen goldens at 80×24 and 120×40: the listing's details, the `a` chooser, the name
/// dialog (with the reason a name was refused), the delete confirmation, and rows with their marks and a change
/// on its way.
@Suite struct WorkspaceViewTests {
    static func screen(_ state: AppState) -> [String] { ViewTests.screen(state) }

    static func expectLines(_ actual: [String], _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        ViewTests.expectLines(actual, expected, sourceLocation: sourceLocation)
    }

    /// L1's details, its full record loaded: long remarks, a restricted year.
    static func detailsState(size: Size) -> AppState {
        var state = W.listingsState(size: size)
        var full = W.l1
        full.standardFields["PublicRemarks"] = .string(String(repeating: "Lake views from every room; deeded dock slip and a detached shop. ", count: 4))
        full.standardFields["YearBuilt"] = .string("********")
        full.standardFields["ListOfficeName"] = .string("Century 21 On The Lake")
        _ = reduce(&state, .keyPressed(.enter))
        _ = reduce(&state, .listingLoaded(id: "L1", .success(full)))
        return state
    }

    static func press(_ state: AppState, _ keys: Key...) -> AppState {
        var state = state
        for key in keys { _ = reduce(&state, .keyPressed(key)) }
        return state
    }

    @Test func details80x24() {
        Self.expectLines(Self.screen(Self.detailsState(size: Size(width: 80, height: 24))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┏ 101 Birch, Bonners Ferry ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1 of 3 ┓",
            "┃ In carts     ★ Favorites · Lake houses                                       ┃",
            "┃                                                                              ┃",
            "┃ Address      101 Birch                                                       ┃",
            "┃ City         Bonners Ferry                                                   ┃",
            "┃ State        —                                                               ┃",
            "┃ Postal code  —                                                               ┃",
            "┃                                                                              ┃",
            "┃ Price        $251,000                                                        ┃",
            "┃ Status       Active                                                          ┃",
            "┃ Beds         3                                                               ┃",
            "┃ Baths        2                                                               ┃",
            "┃ Area         —                                                               ┃",
            "┃ Lot          —                                                               ┃",
            "┃ Year built   restricted                                                      ┃",
            "┃ Type         —                                                               ┃",
            "┃ MLS #        MLS-1                                                           ┃",
            "┃ List office  Century 21 On The Lake                                          ┃",
            "┃                                                                              ┃",
            "┃ Remarks                                                                      ┃",
            "┃ Lake views from every room; deeded dock slip and a detached shop. Lake views ┃",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ ↓ more ┛",
            " ↑↓/jk scroll  f favorite  x reject  a add  ← prev  → next  Esc back  ? help    ",
        ])
    }

    @Test func addToCartChooser80x24() {
        Self.expectLines(Self.screen(Self.press(W.listingsState(size: Size(width: 80, height: 24)), .char("a"))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┌ Portal groups ──────────── 3 ┐┌ Members · Ozzy Owner ───────────────────── 3 ┐",
            "│  Owner                Members││  Name                                   Role │",
            "│  My own workspace            ││▸ Ozzy Owner                             owner│",
            "│  Amélie Durand              3││  Johnny Consumer                             │",
            "│  Carl Contact               2││  Betty Buyer                                 │",
            "│● Ozzy Owner                 3││                                              │",
            "│                              ││                                              │",
            "│                       ┏ Add 101 Birch to ━━━━━━━━ 5 ┓────────────────────────┘",
            "│                       ┃ / type to filter            ┃s ━━━━━━━━━━━━━━━━━━━ 3 ┓",
            "│                       ┃  Favorites           has it ┃ Price Beds/baths Status┃",
            "│                       ┃▸ Possibilities            3 ┃51,000 3 bd 2 ba  Active┃",
            "│                       ┃  Rejects                  1 ┃52,000 3 bd 2 ba  Active┃",
            "│                       ┃  Lake houses         has it ┃53,000 3 bd 2 ba  Active┃",
            "│                       ┃  New cart…                  ┃                        ┃",
            "│                       ┗━━ Enter choose · Esc cancel ┛                        ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "└──────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " Enter add  ↑↓ choose  type filter  Esc cancel                                  ",
        ])
    }

    @Test func newCartNameRefused80x24() {
        Self.expectLines(Self.screen(Self.press(W.cartsState(size: Size(width: 80, height: 24)), .char("n"), .enter)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┌ Portal groups ──────────── 3 ┐┌ Members · Ozzy Owner ───────────────────── 3 ┐",
            "│  Owner                Members││  Name                                   Role │",
            "│  My own workspace            ││▸ Ozzy Owner                             owner│",
            "│  Amélie Durand              3││  Johnny Consumer                             │",
            "│  Carl Contact               2││  Betty Buyer                                 │",
            "│● Ozzy Owner                 3││                                              │",
            "│                              ││                                              │",
            "│                              │└──────────────────────────────────────────────┘",
            "│      ┏ New cart ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓━━━ 5 ┓",
            "│      ┃ A new, empty cart in Ozzy Owner's group.                       ┃Type  ┃",
            "│      ┃                                                                ┃      ┃",
            "│      ┃ Name: the cart's name                                          ┃      ┃",
            "│      ┃ ✗ A cart needs a name.                                         ┃      ┃",
            "│      ┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ Enter create · Esc cancel ┛      ┃",
            "│                              │┃  Lake houses                         3 custom┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "└──────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " Enter create  Esc cancel                                                       ",
        ])
    }

    @Test func deleteConfirmation80x24() {
        Self.expectLines(Self.screen(Self.press(W.cartsState(size: Size(width: 80, height: 24)), .end, .char("d"))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┌ Portal groups ──────────── 3 ┐┌ Members · Ozzy Owner ───────────────────── 3 ┐",
            "│  Owner                Members││  Name                                   Role │",
            "│  My own workspace            ││▸ Ozzy Owner                             owner│",
            "│  Amélie Durand              3││  Johnny Consumer                             │",
            "│  Carl Contact               2││  Betty Buyer                                 │",
            "│● Ozzy Owner                 3││                                              │",
            "│                              ││                                              │",
            "│                              │└──────────────────────────────────────────────┘",
            "│                              │┏ Carts · Searches · Feeds · Ozzy Owner ━━━━ 5 ┓",
            "│         ┏ Delete cart ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓gs Type  ┃",
            "│         ┃ Delete 'Lake houses' (3 listings) from Ozzy Owner's      ┃ 2       ┃",
            "│         ┃ group? y/N                                               ┃ 3       ┃",
            "│         ┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ y delete · N keep ┛ 1       ┃",
            "│                              │┃  Rejects                             1       ┃",
            "│                              │┃▸ Lake houses                         3 custom┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "└──────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " y delete  n/Esc keep                                                           ",
        ])
    }

    @Test func details120x40() {
        Self.expectLines(Self.screen(Self.detailsState(size: Size(width: 120, height: 40))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                               sparkapi.com ",
            "┏ 101 Birch, Bonners Ferry ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1 of 3 ┓",
            "┃ In carts     ★ Favorites · Lake houses                                                                               ┃",
            "┃                                                                                                                      ┃",
            "┃ Address      101 Birch                                                                                               ┃",
            "┃ City         Bonners Ferry                                                                                           ┃",
            "┃ State        —                                                                                                       ┃",
            "┃ Postal code  —                                                                                                       ┃",
            "┃                                                                                                                      ┃",
            "┃ Price        $251,000                                                                                                ┃",
            "┃ Status       Active                                                                                                  ┃",
            "┃ Beds         3                                                                                                       ┃",
            "┃ Baths        2                                                                                                       ┃",
            "┃ Area         —                                                                                                       ┃",
            "┃ Lot          —                                                                                                       ┃",
            "┃ Year built   restricted                                                                                              ┃",
            "┃ Type         —                                                                                                       ┃",
            "┃ MLS #        MLS-1                                                                                                   ┃",
            "┃ List office  Century 21 On The Lake                                                                                  ┃",
            "┃                                                                                                                      ┃",
            "┃ Remarks                                                                                                              ┃",
            "┃ Lake views from every room; deeded dock slip and a detached shop. Lake views from every room; deeded dock slip and a ┃",
            "┃ detached shop. Lake views from every room; deeded dock slip and a detached shop. Lake views from every room; deeded  ┃",
            "┃ dock slip and a detached shop.                                                                                       ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk scroll  f favorite  x reject  a add  ← prev  → next  Esc back  r refresh  L requests  ? help  q quit             ",
        ])
    }

    @Test func addToCartChooser120x40() {
        Self.expectLines(Self.screen(Self.press(W.listingsState(size: Size(width: 120, height: 40)), .char("a"))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                               sparkapi.com ",
            "┌ Portal groups ────────── 3 ┐┌ Members · Ozzy Owner ───────────── 3 ┐┏ Lake houses · listings ━━━━━━━━━━━━━━━━━━━━━ 3 ┓",
            "│  Owner              Members││  Name                           Role │┃  Address                Price Beds/baths Status┃",
            "│  My own workspace          ││▸ Ozzy Owner                     owner│┃★ 101 Birch           $251,000 3 bd 2 ba  Active┃",
            "│  Amélie Durand            3││  Johnny Consumer                     │┃✗ 102 Birch           $252,000 3 bd 2 ba  Active┃",
            "│  Carl Contact             2││  Betty Buyer                         │┃  103 Birch           $253,000 3 bd 2 ba  Active┃",
            "│● Ozzy Owner               3││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││             ┏ Add 101 Birch to ━━━━━━━━ 5 ┓                                            ┃",
            "│                            ││             ┃ / type to filter            ┃                                            ┃",
            "│                            ││             ┃  Favorites           has it ┃                                            ┃",
            "│                            ││             ┃▸ Possibilities            3 ┃                                            ┃",
            "│                            ││             ┃  Rejects                  1 ┃                                            ┃",
            "│                            ││             ┃  Lake houses         has it ┃                                            ┃",
            "│                            ││             ┃  New cart…                  ┃                                            ┃",
            "│                            ││             ┗━━ Enter choose · Esc cancel ┛                                            ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "└────────────────────────────┘└──────────────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " Enter add  ↑↓ choose  type filter  Esc cancel                                                                          ",
        ])
    }

    @Test func newCartNameRefused120x40() {
        Self.expectLines(Self.screen(Self.press(W.cartsState(size: Size(width: 120, height: 40)), .char("n"), .enter)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                               sparkapi.com ",
            "┌ Portal groups ────────── 3 ┐┌ Members · Ozzy Owner ───────────── 3 ┐┏ Carts · Searches · Feeds · Ozzy Owner ━━━━━━ 5 ┓",
            "│  Owner              Members││  Name                           Role │┃  Name                           Listings Type  ┃",
            "│  My own workspace          ││▸ Ozzy Owner                     owner│┃▸ Favorites                             2       ┃",
            "│  Amélie Durand            3││  Johnny Consumer                     │┃  Possibilities                         3       ┃",
            "│  Carl Contact             2││  Betty Buyer                         │┃  Recommended                           1       ┃",
            "│● Ozzy Owner               3││                                      │┃  Rejects                               1       ┃",
            "│                            ││                                      │┃  Lake houses                           3 custom┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                          ┏ New cart ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓                          ┃",
            "│                          ┃ A new, empty cart in Ozzy Owner's group.                       ┃                          ┃",
            "│                          ┃                                                                ┃                          ┃",
            "│                          ┃ Name: the cart's name                                          ┃                          ┃",
            "│                          ┃ ✗ A cart needs a name.                                         ┃                          ┃",
            "│                          ┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ Enter create · Esc cancel ┛                          ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "└────────────────────────────┘└──────────────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " Enter create  Esc cancel                                                                                               ",
        ])
    }

    @Test func deleteConfirmation120x40() {
        Self.expectLines(Self.screen(Self.press(W.cartsState(size: Size(width: 120, height: 40)), .end, .char("d"))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                               sparkapi.com ",
            "┌ Portal groups ────────── 3 ┐┌ Members · Ozzy Owner ───────────── 3 ┐┏ Carts · Searches · Feeds · Ozzy Owner ━━━━━━ 5 ┓",
            "│  Owner              Members││  Name                           Role │┃  Name                           Listings Type  ┃",
            "│  My own workspace          ││▸ Ozzy Owner                     owner│┃  Favorites                             2       ┃",
            "│  Amélie Durand            3││  Johnny Consumer                     │┃  Possibilities                         3       ┃",
            "│  Carl Contact             2││  Betty Buyer                         │┃  Recommended                           1       ┃",
            "│● Ozzy Owner               3││                                      │┃  Rejects                               1       ┃",
            "│                            ││                                      │┃▸ Lake houses                           3 custom┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            │┏ Delete cart ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓                             ┃",
            "│                            │┃ Delete 'Lake houses' (3 listings) from Ozzy Owner's      ┃                             ┃",
            "│                            │┃ group? y/N                                               ┃                             ┃",
            "│                            │┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ y delete · N keep ┛                             ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "│                            ││                                      │┃                                                ┃",
            "└────────────────────────────┘└──────────────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " y delete  n/Esc keep                                                                                                   ",
        ])
    }

    /// At 100 columns the listings pane is narrow: "adding to Possibilities…" does not fit beside the prices. The prices
    /// and statuses stay on every row (before, the label took the room and they all went while the add was on its way).
    @Test func aLongChangeLabelLeavesThePricesOnScreen100x12() {
        let state = Self.press(W.listingsState(size: Size(width: 100, height: 12)), .char("a"), .enter)
        #expect(state.writes.inFlight.count == 1)
        Self.expectLines(Self.screen(state), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                         ⠋ sparkapi.com ",
            "┌ Portal groups ────── 3 ┐┌ Members · Ozzy Owner ────── 3 ┐┏ Lake houses · listings ━━━━━━━━━━━━ 3 ┓",
            "│  Owner          Members││  Name                    Role │┃  Address                  Price Status┃",
            "│  My own workspace      ││▸ Ozzy Owner              owner│┃⠋ 101 Birch             $251,000 Active┃",
            "│  Amélie Durand        3││  Johnny Consumer              │┃✗ 102 Birch             $252,000 Active┃",
            "│  Carl Contact         2││  Betty Buyer                  │┃  103 Birch             $253,000 Active┃",
            "│● Ozzy Owner           3││                               │┃                                       ┃",
            "│                        ││                               │┃                                       ┃",
            "│                        ││                               │┃                                       ┃",
            "│                        ││                               │┃                                       ┃",
            "└────────────────────────┘└───────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk move  Enter details  f favorite  x reject  ? help     ⠋ Adding 101 Birch to 'Possibilities'… ",
        ])
    }

    @Test func rowsShowTheirMarksAndAChangeOnItsWay80x24() {
        Self.expectLines(Self.screen(Self.press(W.listingsState(size: Size(width: 80, height: 24)), .char("j"), .char("f"))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group     ⠋ sparkapi.com ",
            "┌ Portal groups ──────────── 3 ┐┌ Members · Ozzy Owner ───────────────────── 3 ┐",
            "│  Owner                Members││  Name                                   Role │",
            "│  My own workspace            ││▸ Ozzy Owner                             owner│",
            "│  Amélie Durand              3││  Johnny Consumer                             │",
            "│  Carl Contact               2││  Betty Buyer                                 │",
            "│● Ozzy Owner                 3││                                              │",
            "│                              ││                                              │",
            "│                              │└──────────────────────────────────────────────┘",
            "│                              │┏ Lake houses · listings ━━━━━━━━━━━━━━━━━━━ 3 ┓",
            "│                              │┃  Address                         Price Status┃",
            "│                              │┃★ 101 Birch                    $251,000 Active┃",
            "│                              │┃⠋ 102 Birch        favoriting… $252,000 Active┃",
            "│                              │┃  103 Birch                    $253,000 Active┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "└──────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk move  Enter details  f favorite  ? help          ⠋ Favoriting 102 Birch… ",
        ])
    }

    @Test func helpGroupsKeysByWhereTheyWorkAndScrollsToItsLastLineOnly() {
        let state = Self.press(W.cartsState(size: Size(width: 80, height: 24)), .char("?"))
        let top = Self.screen(state)
        // Where the user is comes first: the carts' own keys, then those shared with the groups, the panes, everywhere.
        let headings = ["Listing carts", "Listing carts and saved searches", "Carts, searches and feeds",
                        "Portal groups, carts, searches and feeds", "In the panes", "Everywhere"]
        let rows = headings.map { heading in top.firstIndex { $0.hasPrefix("┃ \(heading) ") } }
        #expect(rows.allSatisfy { $0 != nil } && rows.compactMap { $0 } == rows.compactMap { $0 }.sorted(),
                "\(top.joined(separator: "\n"))")
        #expect(top[2].hasPrefix("┃ Listing carts "), "\(top[2])")
        #expect(top[22].hasSuffix("↓ more · Esc close ┛"), "\(top[22])")
        let bottom = Self.screen(Self.press(state, .char("G")))
        #expect(bottom[20].hasPrefix("┃ ^X is Ctrl-X. Mouse: click to focus and select (a tab's name opens it),"), "\(bottom[20])")
        #expect(bottom[21].hasPrefix("┃ wheel to scroll. "), "\(bottom[21])")
        #expect(bottom[22].hasSuffix("━ Esc close ┛"), "nothing more below: \(bottom[22])")
        #expect(bottom.contains { $0.contains("P          previous photo of the listing") }, "the last key")
        for heading in ["Typing a filter (/) or a cart's name", "Listing details"] {
            #expect(bottom.contains { $0.contains("┃ \(heading) ") }, "\(heading)")
        }
        #expect(bottom.contains { $0.contains("^U ^W ^K   delete before the cursor") })
        #expect(Self.screen(Self.press(state, .char("G"), .char("j"))) == bottom, "no further than the last line")
        #expect(Self.screen(Self.press(state, .char("G"), .char("k"))) != bottom, "one step up is one line up")
    }

    @Test func thePhotosPlaceIsBesideTheFactsWhenWideAndAboveThemWhenNarrow() throws {
        let wide = DetailsLayout(size: Size(width: 160, height: 40), photo: true)
        let photo = try #require(wide.photo)
        #expect(photo.y == wide.text.y && photo.right < wide.text.x, "beside")
        let narrow = DetailsLayout(size: Size(width: 80, height: 40), photo: true)
        let above = try #require(narrow.photo)
        #expect(above.bottom < narrow.text.y && above.width >= narrow.text.width, "above")
        #expect(DetailsLayout(size: Size(width: 80, height: 24)).photo == nil, "no photo asked for: the facts take it all")
    }

    @Test(arguments: [Size(width: 1, height: 1), Size(width: 10, height: 3), Size(width: 20, height: 6), Size(width: 40, height: 12),
                      Size(width: 60, height: 15), Size(width: 99, height: 30), Size(width: 200, height: 50)])
    func detailsAndDialogsDrawWholeAtEverySize(size: Size) {
        let states = [Self.detailsState(size: size), Self.press(W.listingsState(size: size), .char("a")),
                      Self.press(W.cartsState(size: size), .char("n")), Self.press(W.cartsState(size: size), .end, .char("d")),
                      Self.press(W.cartsState(size: size), .char("?"), .char("G"))]
        for state in states {
            let lines = Self.screen(state)
            #expect(lines.count == size.height)
            #expect(lines.allSatisfy { TextWidth.of($0) == size.width })
        }
    }
}
