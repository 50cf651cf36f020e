import Foundation
import PortalApp
import SparkAPI
import SparkMock
import Testing
import TerminalUI
import TestSupport

/// The listing's photo in its details (#20), in process against the demo server and its photo host: the real
/// program, the real client and the real photo path (`PhotoFetcher` into one `PictureStore`), the picture drawn as
/// cells by chafa.
///
/// Betty's own workspace in `demo` has her cart Weekend cabins (3 listings); every demo listing has 3 to 6 photos,
/// photo 1 the house (primary), photo 2 the kitchen.
@Suite struct DetailsPhotoScenarioTests {
    /// Opens the first listing of Weekend cabins in details and returns its Id (from the server's journal).
    private func openDetails(_ screen: InProcessScreen, _ server: DemoServer) async throws -> String {
        try await screen.waitFor("the first screen") { isQuiet($0) && $0.contains { $0.contains("Weekend cabins") } }
        try await screen.press(.tab, .tab, .char("/"))
        try await screen.type("Weekend cabins")
        try await screen.press(.enter, .enter)
        try await screen.waitFor("the listings") { isQuiet($0) && $0.contains { $0.contains("Weekend cabins · listings") } }
        try await screen.press(.enter)
        try await screen.waitFor("the details") { $0.contains { $0.contains("In carts") } }
        let read = try await eventually("the listing's full record asked for") {
            await server.journal.requests.last(where: { $0.method == "GET" && $0.path.hasPrefix("/v1/listings/") })
        }
        return String(read.path.dropFirst("/v1/listings/".count))
    }

    /// The picture's cells in the photo's place: block elements or sextants, in palette colours.
    private func pictureCells(_ frame: Buffer, _ place: Rect) -> [Cell] {
        (place.y..<place.bottom).flatMap { y in (place.x..<place.right).map { frame[$0, y] } }
            .filter { isBlockOrSextant($0.grapheme) }
    }

    @Test func theDetailsDrawThePrimaryPhotoInCellsAndPStepsToTheKitchenWithoutTheToken() async throws {
        try await InProcessScreen.run(DemoServerConfiguration(dataSet: .demo), photos: .cells(.indexed256)) { screen, server in
            let id = try await openDetails(screen, server)
            let count = DemoPhotoCatalog(baseURL: nil).count(forListing: id)
            let place = try #require(DetailsLayout(size: screen.size, photo: true).photo)
            try await screen.waitFor("the house in the photo's place") { lines in
                lines.contains { $0.contains("1/\(count) · House") } && pictureRows(lines, place) >= 10
            }
            let cells = pictureCells(screen.lastFrame, place)
            #expect(cells.count >= 47 * 10, "a picture fills its place's width: \(cells.count) picture cells")
            #expect(cells.allSatisfy { ($0.style.fg.index ?? 0) >= 16 && ($0.style.bg.index ?? 0) >= 16 },
                    "palette colours 16…255, never the themed 16")
            #expect(Set(cells.map(\.style)).count > 8, "a picture, not a flat area")
            // The facts beside it, whole.
            let lines = try await screen.screen()
            #expect(lines.contains { $0.contains("Address") } && lines.contains { $0.contains("MLS #") },
                    "the facts beside the picture:\n\(lines.joined(separator: "\n"))")

            // The API was asked for the photos; the photo host got one request, with nothing of the API's.
            let listingRead = await server.journal.requests(method: "GET", path: "/v1/listings/\(id)").last
            #expect(listingRead?.queryValue("_expand") == "Photos")
            var photoRequests = await server.photoJournal.requests
            #expect(photoRequests.map(\.path) == ["/photos/\(id)/1/640.jpg"], "the primary photo at the size that covers 47×35 cells")
            #expect(photoRequests.allSatisfy { $0.headers["authorization"] == nil && $0.headers["x-sparkapi-user-agent"] == nil })

            try await screen.press(.char("p"))
            let kitchen = try await screen.waitFor("the kitchen") { lines in
                lines.contains { $0.contains("2/\(count) · Kitchen") } && pictureRows(lines, place) >= 10
            }
            #expect(!kitchen.joined().contains(demoToken))
            photoRequests = await server.photoJournal.requests
            #expect(photoRequests.map(\.path) == ["/photos/\(id)/1/640.jpg", "/photos/\(id)/2/640.jpg"])
            #expect(photoRequests.allSatisfy { $0.headers["authorization"] == nil }, "the token never goes to a photo host")

            // Back to the house: from the session's cache, not fetched again.
            try await screen.press(.char("P"))
            try await screen.waitFor("the house again") { lines in
                lines.contains { $0.contains("1/\(count) · House") } && pictureRows(lines, place) >= 10
            }
            #expect(await server.photoJournal.requests.count == 2)
        }
    }

    @Test func aPhotoThatFailsSaysWhyInItsPlaceAndTheOthersStillCome() async throws {
        var configuration = DemoServerConfiguration(dataSet: .demo)
        configuration.photoFaults = [PhotoFault(.status(404), photo: 1), PhotoFault(.damaged, photo: 3)]
        try await InProcessScreen.run(configuration, size: Size(width: 80, height: 24), photos: .cells(.indexed256)) { screen, server in
            let id = try await openDetails(screen, server)
            let count = DemoPhotoCatalog(baseURL: nil).count(forListing: id)
            let place = try #require(DetailsLayout(size: screen.size, photo: true).photo)
            let failed = try await screen.waitFor("the primary photo's failure") { lines in
                lines.contains { $0.contains("✗ HTTP 404") } && lines.contains { $0.contains("1/\(count) · House") }
            }
            #expect(pictureRows(failed, place) == 0)
            #expect(failed.filter { $0.contains("✗ HTTP 404") }.count == 1, "one line")
            #expect(failed.contains { $0.contains("Address") }, "the facts are there all the same:\n\(failed.joined(separator: "\n"))")

            try await screen.press(.char("p"))
            try await screen.waitFor("the kitchen") { lines in
                lines.contains { $0.contains("2/\(count) · Kitchen") } && pictureRows(lines, place) >= 5
            }
            try await screen.press(.char("p"))
            try await screen.waitFor("the third photo's failure") { lines in
                lines.contains { $0.contains("✗ damaged JPEG") } && lines.contains { $0.contains("3/\(count) · Living room") }
            }
        }
    }
}

/// How many rows of the photo's place hold picture cells (block elements or sextants).
func pictureRows(_ lines: [String], _ place: Rect) -> Int {
    lines.indices.filter { $0 >= place.y && $0 < place.bottom }.filter { y in
        slice(lines[y], from: place.x, to: place.right).contains { isBlockOrSextant(String($0)) }
    }.count
}

/// Block elements (U+2580–U+259F) and sextants (U+1FB00–U+1FB3B): what pictures are drawn with.
func isBlockOrSextant(_ text: String) -> Bool {
    guard let scalar = text.unicodeScalars.first, text.unicodeScalars.count == 1 else { return false }
    return (0x2580...0x259F).contains(scalar.value) || (0x1FB00...0x1FB3B).contains(scalar.value)
}

/// Polls `value` until it gives something (a deadline stops a broken test; never a fixed sleep).
func eventually<T: Sendable>(_ what: String, timeout: Duration = .seconds(30), _ value: () async -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let found = await value() { return found }
        guard ContinuousClock.now < deadline else { throw ScreenTimedOut(what: what, screen: []) }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// The real binary in a real terminal: the picture reaches it, in colour.
@Suite(.enabled(if: TmuxScreen.isAvailable, "tmux is not installed"))
struct DetailsPhotoTerminalTests {
    @Test func theDetailsDrawTheListingsPhotoInPaletteColoursInARealTerminal() async throws {
        // Colours as TERM says (256), whatever the test's own environment has.
        let portal = try await startPortalInTerminal(endpoint: nil, arguments: ["--demo"], environment: ["COLORTERM": "", "NO_COLOR": ""],
                                                     token: nil)
        try await portal.waitForWholeFrame("the first full frame", also: isQuiet)
        try await portal.press(.tab, .tab, .enter)
        try await portal.waitFor("a cart's listings") { isQuiet($0) && paneTitle($0, pane: 2).contains("· listings") }
        try await portal.press(.enter)
        let place = try #require(DetailsLayout(size: portal.size, photo: true).photo)
        let screen = try await portal.waitFor("the picture in the photo's place") { lines in
            pictureRows(lines, place) >= 10 && lines.contains { $0.contains("1/") && $0.contains(" · House") }
        }
        let rows = (place.y..<place.bottom).filter { y in slice(screen[y], from: place.x, to: place.right).contains { isBlockOrSextant(String($0)) } }
        #expect(rows.count >= 10)
        // Outside the place, no picture: the facts beside it.
        #expect(screen.allSatisfy { !slice($0, from: place.right + 1, to: portal.size.width).contains { isBlockOrSextant(String($0)) } })
        #expect(screen.contains { $0.contains("Address") })

        // `capture-pane -e`: the picture's rows carry palette colours (38;5;N / 48;5;N), many of them, none of the 16.
        let styled = try await portal.styledScreen().components(separatedBy: "\n")
        var indexes: Set<Int> = []
        for y in rows {
            let found = styled[y].matches(of: /[34]8;5;(\d+)/).compactMap { Int($0.1) }
            #expect(!found.isEmpty, "row \(y) has no palette colours: \(styled[y].debugDescription)")
            indexes.formUnion(found)
        }
        #expect(indexes.count > 8, "a picture, not a flat area: \(indexes.sorted())")
        #expect(!styled.joined().contains("38;2;"), "no direct colour on a 256-colour terminal")

        try await portal.press(.char("p"))
        try await portal.waitFor("the second photo") { lines in
            pictureRows(lines, place) >= 10 && lines.contains { $0.contains("2/") && $0.contains(" · Kitchen") }
        }
        try await portal.press(.char("q"))
        let (status, stty) = try await portal.waitForExit()
        #expect(status == 0)
        #expect(sttyWords(stty).contains("icanon"))
    }

    @Test func withNoPhotoTheFactsTakeTheWholeBoxAndNoPhotoIsFetched() async throws {
        let portal = try await startPortalInTerminal(endpoint: nil, arguments: ["--demo", "--no-photo"],
                                                     environment: ["COLORTERM": "", "NO_COLOR": ""], token: nil)
        try await portal.waitForWholeFrame("the first full frame", also: isQuiet)
        try await portal.press(.tab, .tab, .enter)
        try await portal.waitFor("a cart's listings") { isQuiet($0) && paneTitle($0, pane: 2).contains("· listings") }
        try await portal.press(.enter)
        let text = DetailsLayout(size: portal.size).text
        let screen = try await portal.waitFor("the details, read whole") { lines in
            isQuiet(lines) && lines.contains { $0.contains("MLS #") }
        }
        #expect(slice(screen[text.y], from: text.x, to: text.right).hasPrefix("In carts"),
                "the facts start at the top left of the box:\n\(screen.joined(separator: "\n"))")
        #expect(screen.allSatisfy { !$0.contains { isBlockOrSextant(String($0)) } && !$0.contains(" · House") })
        #expect(!screen.last!.contains("p photo"), "no hint for a key that has nothing to do")
        try await portal.press(.char("p"))
        try await portal.waitFor("why p does nothing") { $0.last!.contains("Photos are off (--no-photo") }
        try await portal.press(.char("q"))
        #expect(try await portal.waitForExit().status == 0)
    }
}
