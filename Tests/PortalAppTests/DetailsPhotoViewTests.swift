import Foundation
import SparkAPI
import Testing
import TerminalPictures
import TerminalUI
@testable import PortalApp

private typealias W = Workspace15

/// The details' photo as whole-screen goldens at 80×24 (above the facts) and 120×40 (beside them): a picture's cells
/// (a small picture drawn by hand, in state), a photo loading (its frame and a spinner), a photo that failed (its
/// reason in one line), and the listing's photos not known yet.
@Suite struct DetailsPhotoViewTests {
    /// L1's details with photos drawn in cells, its full record (5 photos, the second primary) loaded, and the primary
    /// photo's request answered with `outcome` (nil: still on its way; the record itself not in yet with `record: false`).
    static func state(size: Size, outcome: PhotoOutcome?, record: Bool = true) -> AppState {
        var state = PhotoFixture.listingsState(size: size)
        var full = PhotoFixture.withPhotos(W.l1)
        full.standardFields["PublicRemarks"] = .string(String(repeating: "Lake views from every room; deeded dock slip and a detached shop. ", count: 4))
        _ = reduce(&state, .keyPressed(.enter))
        guard record else { return state }
        let request = reduce(&state, .listingLoaded(id: "L1", .success(full))).photoRequests[0]
        if let outcome { _ = reduce(&state, .photoLoaded(request, outcome)) }
        return state
    }

    static let picture = PhotoOutcome.drawn(PhotoFixture.cells(Size(width: 12, height: 4)))

    @Test func aPicturesCells80x24() {
        ViewTests.expectLines(ViewTests.screen(Self.state(size: Size(width: 80, height: 24), outcome: Self.picture)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┏ 101 Birch, Bonners Ferry ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1 of 3 ┓",
            "┃                                 ▀▀▀▀▀▀▀▀▀▀▀▀                                 ┃",
            "┃                                 ▀▀▀▀▀▀▀▀▀▀▀▀                                 ┃",
            "┃                                 ▀▀▀▀▀▀▀▀▀▀▀▀                                 ┃",
            "┃                                 ▀▀▀▀▀▀▀▀▀▀▀▀                                 ┃",
            "┃                                 2/5 · Kitchen                                ┃",
            "┃                                                                              ┃",
            "┃                                                                              ┃",
            "┃                                                                              ┃",
            "┃                                                                              ┃",
            "┃                                                                              ┃",
            "┃                                                                              ┃",
            "┃ In carts     ★ Favorites · Lake houses                                       ┃",
            "┃                                                                              ┃",
            "┃ Address      101 Birch                                                       ┃",
            "┃ City         Bonners Ferry                                                   ┃",
            "┃ State        —                                                               ┃",
            "┃ Postal code  —                                                               ┃",
            "┃                                                                              ┃",
            "┃ Price        $251,000                                                        ┃",
            "┃ Status       Active                                                          ┃",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ ↓ more ┛",
            " ↑↓/jk scroll  f favorite  x reject  a add  ← prev  → next  p photo  ? help     ",
        ])
    }

    @Test func aPicturesCells120x40() {
        ViewTests.expectLines(ViewTests.screen(Self.state(size: Size(width: 120, height: 40), outcome: Self.picture)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                               sparkapi.com ",
            "┏ 101 Birch, Bonners Ferry ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1 of 3 ┓",
            "┃                 ▀▀▀▀▀▀▀▀▀▀▀▀                    In carts     ★ Favorites · Lake houses                               ┃",
            "┃                 ▀▀▀▀▀▀▀▀▀▀▀▀                                                                                         ┃",
            "┃                 ▀▀▀▀▀▀▀▀▀▀▀▀                    Address      101 Birch                                               ┃",
            "┃                 ▀▀▀▀▀▀▀▀▀▀▀▀                    City         Bonners Ferry                                           ┃",
            "┃                 2/5 · Kitchen                   State        —                                                       ┃",
            "┃                                                 Postal code  —                                                       ┃",
            "┃                                                                                                                      ┃",
            "┃                                                 Price        $251,000                                                ┃",
            "┃                                                 Status       Active                                                  ┃",
            "┃                                                 Beds         3                                                       ┃",
            "┃                                                 Baths        2                                                       ┃",
            "┃                                                 Area         —                                                       ┃",
            "┃                                                 Lot          —                                                       ┃",
            "┃                                                 Year built   —                                                       ┃",
            "┃                                                 Type         —                                                       ┃",
            "┃                                                 MLS #        MLS-1                                                   ┃",
            "┃                                                 List office  —                                                       ┃",
            "┃                                                                                                                      ┃",
            "┃                                                 Remarks                                                              ┃",
            "┃                                                 Lake views from every room; deeded dock slip and a detached shop.    ┃",
            "┃                                                 Lake views from every room; deeded dock slip and a detached shop.    ┃",
            "┃                                                 Lake views from every room; deeded dock slip and a detached shop.    ┃",
            "┃                                                 Lake views from every room; deeded dock slip and a detached shop.    ┃",
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
            " ↑↓/jk scroll  f favorite  x reject  a add  ← prev  → next  p photo  Esc back  r refresh  L requests  ? help  q quit    ",
        ])
    }

    @Test func aPhotoLoading80x24() {
        ViewTests.expectLines(ViewTests.screen(Self.state(size: Size(width: 80, height: 24), outcome: nil)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group     ⠋ sparkapi.com ",
            "┏ 101 Birch, Bonners Ferry ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1 of 3 ┓",
            "┃                           ┌──────────────────────┐                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │   ⠋ loading photo…   │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           └──────────────────────┘                           ┃",
            "┃                                2/5 · Kitchen                                 ┃",
            "┃                                                                              ┃",
            "┃ In carts     ★ Favorites · Lake houses                                       ┃",
            "┃                                                                              ┃",
            "┃ Address      101 Birch                                                       ┃",
            "┃ City         Bonners Ferry                                                   ┃",
            "┃ State        —                                                               ┃",
            "┃ Postal code  —                                                               ┃",
            "┃                                                                              ┃",
            "┃ Price        $251,000                                                        ┃",
            "┃ Status       Active                                                          ┃",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ ↓ more ┛",
            " ↑↓/jk scroll  f favorite  x reject  a add  ← prev  → next  p photo  ? help     ",
        ])
    }

    @Test func aPhotoLoading120x40() {
        ViewTests.expectLines(ViewTests.screen(Self.state(size: Size(width: 120, height: 40), outcome: nil)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                             ⠋ sparkapi.com ",
            "┏ 101 Birch, Bonners Ferry ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1 of 3 ┓",
            "┃┌─────────────────────────────────────────────┐  In carts     ★ Favorites · Lake houses                               ┃",
            "┃│                                             │                                                                       ┃",
            "┃│                                             │  Address      101 Birch                                               ┃",
            "┃│                                             │  City         Bonners Ferry                                           ┃",
            "┃│                                             │  State        —                                                       ┃",
            "┃│                                             │  Postal code  —                                                       ┃",
            "┃│                                             │                                                                       ┃",
            "┃│                                             │  Price        $251,000                                                ┃",
            "┃│              ⠋ loading photo…               │  Status       Active                                                  ┃",
            "┃│                                             │  Beds         3                                                       ┃",
            "┃│                                             │  Baths        2                                                       ┃",
            "┃│                                             │  Area         —                                                       ┃",
            "┃│                                             │  Lot          —                                                       ┃",
            "┃│                                             │  Year built   —                                                       ┃",
            "┃│                                             │  Type         —                                                       ┃",
            "┃│                                             │  MLS #        MLS-1                                                   ┃",
            "┃└─────────────────────────────────────────────┘  List office  —                                                       ┃",
            "┃                 2/5 · Kitchen                                                                                        ┃",
            "┃                                                 Remarks                                                              ┃",
            "┃                                                 Lake views from every room; deeded dock slip and a detached shop.    ┃",
            "┃                                                 Lake views from every room; deeded dock slip and a detached shop.    ┃",
            "┃                                                 Lake views from every room; deeded dock slip and a detached shop.    ┃",
            "┃                                                 Lake views from every room; deeded dock slip and a detached shop.    ┃",
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
            " ↑↓/jk scroll  f favorite  x reject  a add  ← prev  → next  p photo  Esc back  r refresh  L requests  ? help  q quit    ",
        ])
    }

    @Test func aPhotoThatFailed80x24() {
        ViewTests.expectLines(ViewTests.screen(Self.state(size: Size(width: 80, height: 24), outcome: .failed("HTTP 404"))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┏ 101 Birch, Bonners Ferry ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1 of 3 ┓",
            "┃                           ┌──────────────────────┐                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │      ✗ HTTP 404      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           └──────────────────────┘                           ┃",
            "┃                                2/5 · Kitchen                                 ┃",
            "┃                                                                              ┃",
            "┃ In carts     ★ Favorites · Lake houses                                       ┃",
            "┃                                                                              ┃",
            "┃ Address      101 Birch                                                       ┃",
            "┃ City         Bonners Ferry                                                   ┃",
            "┃ State        —                                                               ┃",
            "┃ Postal code  —                                                               ┃",
            "┃                                                                              ┃",
            "┃ Price        $251,000                                                        ┃",
            "┃ Status       Active                                                          ┃",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ ↓ more ┛",
            " ↑↓/jk scroll  f favorite  x reject  a add  ← prev  → next  p photo  ? help     ",
        ])
    }

    @Test func aReasonWiderThanTheFrameIsWrappedInItWhole() {
        // At 80×24 the frame is 22 columns inside: the reason takes two lines there rather than being cut.
        let lines = ViewTests.screen(Self.state(size: Size(width: 80, height: 24),
                                                outcome: .failed("photo host did not answer in time")))
        ViewTests.expectLines(Array(lines[2...10]), [
            "┃                           ┌──────────────────────┐                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │ ✗ photo host did not │                           ┃",
            "┃                           │    answer in time    │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           └──────────────────────┘                           ┃",
        ])
    }

    @Test func aPhotoThatFailed120x40() {
        ViewTests.expectLines(ViewTests.screen(Self.state(size: Size(width: 120, height: 40), outcome: .failed("HTTP 404"))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                               sparkapi.com ",
            "┏ 101 Birch, Bonners Ferry ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1 of 3 ┓",
            "┃┌─────────────────────────────────────────────┐  In carts     ★ Favorites · Lake houses                               ┃",
            "┃│                                             │                                                                       ┃",
            "┃│                                             │  Address      101 Birch                                               ┃",
            "┃│                                             │  City         Bonners Ferry                                           ┃",
            "┃│                                             │  State        —                                                       ┃",
            "┃│                                             │  Postal code  —                                                       ┃",
            "┃│                                             │                                                                       ┃",
            "┃│                                             │  Price        $251,000                                                ┃",
            "┃│                 ✗ HTTP 404                  │  Status       Active                                                  ┃",
            "┃│                                             │  Beds         3                                                       ┃",
            "┃│                                             │  Baths        2                                                       ┃",
            "┃│                                             │  Area         —                                                       ┃",
            "┃│                                             │  Lot          —                                                       ┃",
            "┃│                                             │  Year built   —                                                       ┃",
            "┃│                                             │  Type         —                                                       ┃",
            "┃│                                             │  MLS #        MLS-1                                                   ┃",
            "┃└─────────────────────────────────────────────┘  List office  —                                                       ┃",
            "┃                 2/5 · Kitchen                                                                                        ┃",
            "┃                                                 Remarks                                                              ┃",
            "┃                                                 Lake views from every room; deeded dock slip and a detached shop.    ┃",
            "┃                                                 Lake views from every room; deeded dock slip and a detached shop.    ┃",
            "┃                                                 Lake views from every room; deeded dock slip and a detached shop.    ┃",
            "┃                                                 Lake views from every room; deeded dock slip and a detached shop.    ┃",
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
            " ↑↓/jk scroll  f favorite  x reject  a add  ← prev  → next  p photo  Esc back  r refresh  L requests  ? help  q quit    ",
        ])
    }

    @Test func thePhotosNotKnownYet80x24() {
        ViewTests.expectLines(ViewTests.screen(Self.state(size: Size(width: 80, height: 24), outcome: nil, record: false)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group     ⠋ sparkapi.com ",
            "┏ 101 Birch, Bonners Ferry ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1 of 3 ┓",
            "┃                           ┌──────────────────────┐                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │  ⠋ loading photos…   │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           │                      │                           ┃",
            "┃                           └──────────────────────┘                           ┃",
            "┃                                                                              ┃",
            "┃                                                                              ┃",
            "┃ In carts     ★ Favorites · Lake houses                                       ┃",
            "┃                                                                              ┃",
            "┃ Address      101 Birch                                                       ┃",
            "┃ City         Bonners Ferry                                                   ┃",
            "┃ State        —                                                               ┃",
            "┃ Postal code  —                                                               ┃",
            "┃                                                                              ┃",
            "┃ Price        $251,000                                                        ┃",
            "┃ Status       Active                                                          ┃",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ ⠋ loading the whole listing… · ↓ more ┛",
            " ↑↓/jk scroll  f favorite  x reject  a add  ← prev  → next  p photo  ? help     ",
        ])
    }

    @Test func thePhotosNotKnownYet120x40() {
        ViewTests.expectLines(ViewTests.screen(Self.state(size: Size(width: 120, height: 40), outcome: nil, record: false)), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                             ⠋ sparkapi.com ",
            "┏ 101 Birch, Bonners Ferry ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1 of 3 ┓",
            "┃┌─────────────────────────────────────────────┐  In carts     ★ Favorites · Lake houses                               ┃",
            "┃│                                             │                                                                       ┃",
            "┃│                                             │  Address      101 Birch                                               ┃",
            "┃│                                             │  City         Bonners Ferry                                           ┃",
            "┃│                                             │  State        —                                                       ┃",
            "┃│                                             │  Postal code  —                                                       ┃",
            "┃│                                             │                                                                       ┃",
            "┃│                                             │  Price        $251,000                                                ┃",
            "┃│              ⠋ loading photos…              │  Status       Active                                                  ┃",
            "┃│                                             │  Beds         3                                                       ┃",
            "┃│                                             │  Baths        2                                                       ┃",
            "┃│                                             │  Area         —                                                       ┃",
            "┃│                                             │  Lot          —                                                       ┃",
            "┃│                                             │  Year built   —                                                       ┃",
            "┃│                                             │  Type         —                                                       ┃",
            "┃│                                             │  MLS #        MLS-1                                                   ┃",
            "┃└─────────────────────────────────────────────┘  List office  —                                                       ┃",
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
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┃                                                                                                                      ┃",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ ⠋ loading the whole listing… ┛",
            " ↑↓/jk scroll  f favorite  x reject  a add  ← prev  → next  p photo  Esc back  r refresh  L requests  ? help  q quit    ",
        ])
    }

    /// The cells keep their colours on screen, and nothing of the picture is drawn outside its place.
    @Test func thePicturesCellsReachTheScreenInTheirColours() throws {
        let state = Self.state(size: Size(width: 120, height: 40), outcome: Self.picture)
        var buffer = Buffer(size: state.size)
        render(state, into: &buffer)
        let place = try #require(state.detailsLayout.photo)
        var drawn: [Cell] = []
        for y in 0..<buffer.size.height {
            for x in 0..<buffer.size.width where buffer[x, y].grapheme == "▀" {
                #expect(place.contains(x: x, y: y), "a picture cell outside the photo's place at \(x),\(y)")
                drawn.append(buffer[x, y])
            }
        }
        #expect(drawn.count == 12 * 4)
        #expect(drawn.allSatisfy { $0.style == Style(fg: .indexed(196), bg: .indexed(21)) })
    }

    /// Off: the facts take the whole box, as before photos; under 256 colours the place says why there is no picture.
    @Test func offLeavesNoPlaceAndTooFewColoursSaySo() {
        var off = PhotoFixture.listingsState(size: Size(width: 80, height: 24), mode: .off)
        _ = reduce(&off, .keyPressed(.enter))
        var plain = W.listingsState(size: Size(width: 80, height: 24))
        _ = reduce(&plain, .keyPressed(.enter))
        #expect(ViewTests.screen(off) == ViewTests.screen(plain))
        let offLines = ViewTests.screen(off)
        #expect(offLines[2].hasPrefix("┃ In carts     ★ Favorites · Lake houses"), "the facts from the top: \(offLines[2])")
        #expect(!offLines.joined().contains("photo"), "no place, no spinner, no caption, no hint")

        var basic = PhotoFixture.listingsState(size: Size(width: 80, height: 24), mode: .unavailable(PhotoDisplay.needsColors))
        _ = reduce(&basic, .keyPressed(.enter))
        _ = reduce(&basic, .listingLoaded(id: "L1", .success(PhotoFixture.withPhotos(W.l1))))
        let lines = ViewTests.screen(basic)
        #expect(lines[6] == "┃                           photos need 256 colours                            ┃")
        #expect(lines[13].hasPrefix("┃ In carts"), "the facts under the place, as with a picture")
        #expect(!lines[23].contains("p photo"), "no photo key in the hints where no photo is drawn")
    }
}
