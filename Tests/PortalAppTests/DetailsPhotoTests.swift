import Foundation
import PhotoCodec
import Synchronization
import SparkAPI
import Testing
import TerminalUI
@testable import PortalApp
@testable import TerminalPictures

private typealias W = Workspace15

/// Listings with photos, and pictures made in the test: the details' photo without a network or chafa.
enum PhotoFixture {
    static let names = ["House", "Kitchen", "Living room", "Bath", "Yard"]

    /// A photo object as the API sends it (`_expand=Photos`), with three of its sizes.
    static func photo(_ listing: String, _ number: Int, primary: Bool) -> JSONValue {
        func uri(_ size: String) -> JSONValue { .string("http://photos.example/\(listing)/\(number)/\(size).jpg") }
        return .object(["Id": .string("P\(listing)-\(number)"), "Name": .string(names[(number - 1) % names.count]),
                        "Caption": "", "Primary": .bool(primary), "Uri300": uri("300"), "Uri640": uri("640"),
                        "Uri1024": uri("1024")])
    }

    /// The listing's full record with `count` photos, the second of them primary (so "primary" is not "first").
    static func withPhotos(_ listing: Listing, count: Int = 5) -> Listing {
        var full = listing
        full.standardFields["Photos"] = .array((1...count).map { photo(listing.id, $0, primary: $0 == 2) })
        return full
    }

    /// Cells drawn by hand: `size` of them, the top half of each row red over blue, so a golden can show them.
    static func cells(_ size: Size) -> PictureCells {
        let cell = Cell("▀", width: 1, style: Style(fg: .indexed(196), bg: .indexed(21)))
        return PictureCells(size: size, colors: .indexed256, cells: Array(repeating: cell, count: size.width * size.height))
    }

    /// The listings view of Lake houses with photos drawn in cells (256 colours, 10×20-pixel cells).
    static func listingsState(size: Size = Size(width: 120, height: 40), mode: DetailsPhotoMode = .cells(.indexed256)) -> AppState {
        var state = W.listingsState(size: size)
        state.detailsPhoto = DetailsPhotoState(mode: mode, cellPixels: PixelSize(width: 10, height: 20))
        return state
    }

    /// L1's details, its full record (with photos) loaded; returns the effects of the record's arrival.
    static func openL1(_ state: inout AppState) -> [AppEffect] {
        _ = reduce(&state, .keyPressed(.enter))
        return reduce(&state, .listingLoaded(id: "L1", .success(withPhotos(W.l1))))
    }
}

extension [AppEffect] {
    /// The photo requests among these effects.
    var photoRequests: [PhotoRequest] {
        compactMap { if case .loadPhoto(let request) = $0 { request } else { nil } }
    }
}

/// The details' photo in the reducer: asked for with the right size when the listing's photos are known, cancelled
/// when the user leaves, p/P, late answers, failures, resizes, and the states without pictures.
@Suite struct DetailsPhotoReducerTests {
    @Test func thePrimaryPhotoIsAskedForWhenTheFullRecordBringsThePhotosSizedToItsPlace() throws {
        var state = PhotoFixture.listingsState()
        let opened = state.press(.enter)
        #expect(opened == [.loadListing(id: "L1"), .loadHolders(listingIds: ["L1"], workspace: W.ozzy, tick: 0)],
                "the row's record has no photos: none is asked for yet")
        let effects = reduce(&state, .listingLoaded(id: "L1", .success(PhotoFixture.withPhotos(W.l1))))
        let request = try #require(effects.photoRequests.first)
        #expect(effects.count == 1)
        // 120×40: the place is beside the facts, 47 × 36 cells; the caption's row under the picture leaves 47 × 35.
        #expect(state.detailsLayout.photo == Rect(x: 1, y: 2, width: 47, height: 36))
        #expect(request == PhotoRequest(listingId: "L1", index: 1, photo: PhotoFixture.withPhotos(W.l1).photos[1],
                                        area: Size(width: 47, height: 35), colors: .indexed256,
                                        cellPixels: PixelSize(width: 10, height: 20)))
        // 470 × 700 pixels: a 4:3 photo fitted into them is 470 wide, so Uri640 covers it.
        #expect(request.url?.absoluteString == "http://photos.example/L1/2/640.jpg")
        #expect(state.detailsPhoto.pending == request)
        #expect(state.isBusy, "the spinner turns while the photo loads")
        #expect(reduce(&state, .tick).isEmpty, "asked once, not on every action")
    }

    @Test func at80x24ThePhotoIsAboveTheFactsAndASmallerSizeIsFetched() throws {
        var state = PhotoFixture.listingsState(size: Size(width: 80, height: 24))
        let request = try #require(PhotoFixture.openL1(&state).photoRequests.first)
        #expect(state.detailsLayout.photo == Rect(x: 1, y: 2, width: 78, height: 10))
        #expect(request.area == Size(width: 78, height: 9))
        #expect(request.url?.absoluteString == "http://photos.example/L1/2/300.jpg", "9 rows of 20 pixels: 240 wide is enough")
    }

    @Test func leavingTheDetailsOrTheListingCancelsThePhotoAndItsLateAnswerIsDropped() throws {
        var state = PhotoFixture.listingsState()
        let request = try #require(PhotoFixture.openL1(&state).photoRequests.first)
        #expect(state.press(.escape) == [.cancel(.photo)])
        #expect(state.detailsPhoto.pending == nil && !state.isBusy)
        _ = reduce(&state, .photoLoaded(request, .drawn(PhotoFixture.cells(Size(width: 4, height: 2)))))
        #expect(state.detailsPhoto.shown == nil, "an answer for details the user left is dropped")

        // The next listing: its row's record has no photos yet, so the one on its way is cancelled.
        _ = PhotoFixture.openL1(&state)
        let next = state.press(.right)
        #expect(next.contains(.cancel(.photo)) && next.contains(.loadListing(id: "L2")))
        let l2 = try #require(reduce(&state, .listingLoaded(id: "L2", .success(PhotoFixture.withPhotos(W.l2)))).photoRequests.first)
        #expect(l2.listingId == "L2" && l2.index == 1)
    }

    @Test func pAndShiftPStepThroughThePhotosRoundTheEnds() throws {
        var state = PhotoFixture.listingsState()
        let primary = try #require(PhotoFixture.openL1(&state).photoRequests.first)
        _ = reduce(&state, .photoLoaded(primary, .drawn(PhotoFixture.cells(Size(width: 4, height: 2)))))
        let third = try #require(state.press(.char("p")).photoRequests.first)
        #expect(third.index == 2 && third.photo.name == "Living room" && third.area == primary.area)
        #expect(state.detailsPhoto.shown == nil, "the cells of the photo left are let go")
        #expect(state.press(.char("P")).photoRequests.map(\.index) == [1])
        #expect(state.press(.char("P")).photoRequests.map(\.index) == [0])
        #expect(state.press(.char("P")).photoRequests.map(\.index) == [4], "before the first: the last")
        #expect(state.press(.char("p")).photoRequests.map(\.index) == [0], "after the last: the first")
        #expect(KeyMap.standard.command(for: .char("p"), in: .details) == .nextPhoto)
        #expect(KeyMap.standard.command(for: .char("p"), in: .listings) == nil, "photo keys work in the details only")
    }

    @Test func withoutPhotosPSaysWhy() {
        var state = PhotoFixture.listingsState()
        _ = state.press(.enter)
        #expect(state.press(.char("p")).isEmpty)
        #expect(state.status?.text == "The listing's photos are still loading…")
        _ = reduce(&state, .listingLoaded(id: "L1", .success(W.l1)))
        _ = state.press(.char("p"))
        #expect(state.status?.text == "This listing has no photos.")
        #expect(ViewTests.screen(state).contains { $0.contains("no photos") })
    }

    @Test func aLateAnswerForAPhotoLeftIsDroppedAndTheLatestIsShown() throws {
        var state = PhotoFixture.listingsState()
        let first = try #require(PhotoFixture.openL1(&state).photoRequests.first)
        let second = try #require(state.press(.char("p")).photoRequests.first)
        _ = reduce(&state, .photoLoaded(first, .drawn(PhotoFixture.cells(Size(width: 4, height: 2)))))
        #expect(state.detailsPhoto.shown == nil && state.detailsPhoto.pending == second)
        let cells = PhotoFixture.cells(Size(width: 6, height: 3))
        _ = reduce(&state, .photoLoaded(second, .drawn(cells)))
        #expect(state.detailsPhoto.shown == ShownPhoto(request: second, outcome: .drawn(cells)))
        #expect(state.detailsPhoto.pending == nil && !state.isBusy)
    }

    @Test func aFailureIsOneLineInThePhotosPlaceKeptAcrossResizesAndTriedAgainWhenTheListingIsReadAgain() throws {
        var state = PhotoFixture.listingsState()
        let request = try #require(PhotoFixture.openL1(&state).photoRequests.first)
        _ = reduce(&state, .photoLoaded(request, .failed("HTTP 404")))
        let place = try #require(state.detailsLayout.photo)
        let rows = ViewTests.screen(state)[place.y..<place.bottom].map { slice($0, place) }
        #expect(rows.filter { $0.contains("✗ HTTP 404") }.count == 1, "\(rows)")
        #expect(rows.contains { $0.contains("2/5 · Kitchen") }, "which photo failed: \(rows)")
        #expect(reduce(&state, .resized(Size(width: 160, height: 50))).photoRequests.isEmpty, "not fetched again at every size")
        #expect(state.press(.char("r")).photoRequests.isEmpty)
        let again = reduce(&state, .listingLoaded(id: "L1", .success(PhotoFixture.withPhotos(W.l1))))
        #expect(again.photoRequests.map(\.index) == [1], "the listing read again (r): the photo is tried again")
    }

    @Test func aResizeDrawsThePhotoAgainAtTheNewSizeKeepingTheOldCellsMeanwhile() throws {
        var state = PhotoFixture.listingsState()
        let request = try #require(PhotoFixture.openL1(&state).photoRequests.first)
        let cells = PhotoFixture.cells(Size(width: 8, height: 3))
        _ = reduce(&state, .photoLoaded(request, .drawn(cells)))
        let bigger = try #require(reduce(&state, .resized(Size(width: 160, height: 50))).photoRequests.first)
        #expect(bigger.isSamePhoto(as: request) && bigger.area == Size(width: 63, height: 45))
        #expect(state.detailsPhoto.shown?.outcome == .drawn(cells), "the old cells stay on screen until the new ones come")
        // Back to the size on screen before the new one came: nothing more to draw, the redraw is cancelled.
        #expect(reduce(&state, .resized(Size(width: 120, height: 40))) == [.cancel(.photo)])
        #expect(state.detailsPhoto.pending == nil)
    }

    @Test func photosOffLeaveNoPlaceAndAskForNothing() throws {
        var state = PhotoFixture.listingsState(mode: .off)
        #expect(PhotoFixture.openL1(&state).isEmpty)
        #expect(state.detailsLayout.photo == nil)
        #expect(state.detailsLayout.text == DetailsLayout(size: state.size).text, "the facts take the whole box")
        _ = state.press(.char("p"))
        #expect(state.status?.text == "Photos are off (--no-photo, or photos = \"off\" in the configuration file).")
        #expect(DetailsPhotoMode.decide(setting: .off, colors: .direct) == .off)
    }

    @Test(arguments: [ColorSupport.basic, .none])
    func underA256ColourTerminalThePlaceSaysSo(colors: ColorSupport) throws {
        let mode = DetailsPhotoMode.decide(setting: .auto, colors: colors)
        #expect(mode == .unavailable("photos need 256 colours"))
        var state = PhotoFixture.listingsState(mode: mode)
        #expect(PhotoFixture.openL1(&state).photoRequests.isEmpty)
        let place = try #require(state.detailsLayout.photo)
        let rows = ViewTests.screen(state)[place.y..<place.bottom].map { slice($0, place) }
        #expect(rows.filter { $0.contains("photos need 256 colours") }.count == 1, "\(rows)")
        _ = state.press(.char("p"))
        #expect(state.status?.text == "No photos here: photos need 256 colours.")
    }

    @Test func cellsInTheColoursTheTerminalHas() {
        #expect(DetailsPhotoMode.decide(setting: .auto, colors: .indexed256) == .cells(.indexed256))
        #expect(DetailsPhotoMode.decide(setting: .cells, colors: .direct) == .cells(.direct))
        #expect(DetailsPhotoMode.decide(setting: .auto, colors: .direct) == .cells(.direct))
    }
}

/// The text of a screen row inside a rectangle's columns.
func slice(_ line: String, _ rect: Rect) -> String {
    String(line.dropFirst(rect.x).prefix(rect.width))
}

/// The runner's side of a photo request (`EffectRunner.draw`): the session's store answers a photo seen before
/// without fetching it again (paging back, a resize), says a failure in one line, and says nothing when cancelled.
@Suite struct DetailsPhotoRunnerTests {
    /// A 640×480 JPEG made here: left half red, right half blue.
    static let jpeg: [UInt8] = {
        var image = RGBImage(width: 640, height: 480)
        for y in 0..<480 { for x in 0..<640 { image[x, y] = x < 320 ? RGB(220, 30, 30) : RGB(30, 30, 220) } }
        return try! JPEG.encode(image)
    }()

    /// A photo host in memory that counts what it is asked for; `fail` says what it throws instead, by URL path.
    final class Host: Sendable {
        let asked = Mutex<[String]>([])
        let failures: [String: any Error & Sendable]
        init(failures: [String: any Error & Sendable] = [:]) { self.failures = failures }
        func fetch(_ url: URL) async throws -> [UInt8] {
            asked.withLock { $0.append(url.path) }
            if url.path.contains("hang") { try await Task.sleep(for: .seconds(3600)) }
            if let failure = failures[url.path] { throw failure }
            return url.path.contains("damaged") ? Array(DetailsPhotoRunnerTests.jpeg.prefix(600)) : DetailsPhotoRunnerTests.jpeg
        }
    }

    static func request(_ listing: String, photo number: Int = 1, area: Size = Size(width: 40, height: 15)) -> PhotoRequest {
        let photo = ListingPhoto(json: PhotoFixture.photo(listing, number, primary: true))!
        return PhotoRequest(listingId: listing, index: number - 1, photo: photo, area: area, colors: .indexed256,
                            cellPixels: PixelSize(width: 10, height: 20))
    }

    @Test func aPhotoSeenBeforeComesFromTheStoreAndAResizeOnlyRedrawsIt() async throws {
        let host = Host()
        let store = PictureStore<URL> { try await host.fetch($0) }
        let first = try #require(await EffectRunner.draw(Self.request("L1"), photos: store))
        guard case .drawn(let cells) = first else { Issue.record("not drawn: \(first)"); return }
        #expect(cells.size.width == 40 && cells.size.height <= 15)
        let styles = Set((0..<cells.size.height).flatMap { y in (0..<cells.size.width).map { cells[$0, y].style } })
        #expect(styles.count >= 2, "red and blue, not a flat area")
        // Another listing's photo, then back to the first: not fetched again.
        _ = await EffectRunner.draw(Self.request("L2"), photos: store)
        #expect(await EffectRunner.draw(Self.request("L1"), photos: store) == first)
        #expect(host.asked.withLock { $0 } == ["/L1/1/640.jpg", "/L2/1/640.jpg"])
        // A smaller window (whose size alone would be Uri300): drawn again from the larger photo kept, not fetched.
        #expect(Self.request("L1", area: Size(width: 20, height: 8)).url?.path == "/L1/1/300.jpg")
        let resized = try #require(await EffectRunner.draw(Self.request("L1", area: Size(width: 20, height: 8)), photos: store))
        guard case .drawn(let smaller) = resized else { Issue.record("not drawn: \(resized)"); return }
        #expect(smaller.size.width <= 20 && smaller.size.height <= 8)
        let statistics = await store.statistics
        #expect(statistics.fetches == 2 && statistics.renders == 3)
        // A larger window needs more pixels than were fetched: the size that covers it is fetched.
        _ = await EffectRunner.draw(Self.request("L1", area: Size(width: 100, height: 40)), photos: store)
        #expect(host.asked.withLock { $0 } == ["/L1/1/640.jpg", "/L2/1/640.jpg", "/L1/1/1024.jpg"])
    }

    @Test func theStoreStaysWithinItsBudgetWhilePagingThroughManyListings() async throws {
        let host = Host()
        let budget = 2 << 20
        let store = PictureStore<URL>(budget: budget) { try await host.fetch($0) }
        for listing in 0..<40 {
            _ = await EffectRunner.draw(Self.request("L\(listing)"), photos: store)
            let statistics = await store.statistics
            #expect(statistics.bytes <= budget)
        }
        #expect(await store.statistics.entries < 40, "the least recently used went")
        _ = await EffectRunner.draw(Self.request("L0"), photos: store)
        #expect(host.asked.withLock { $0.count } == 41, "the first listing's photo was let go, and is fetched again")
    }

    @Test func aBrokenHugeOrMissingPhotoIsOneShortLine() async throws {
        let host = Host(failures: ["/L1/1/640.jpg": PhotoFetchError.status(404),
                                   "/L2/1/640.jpg": PhotoFetchError.tooLarge(bytes: nil, limit: 10 << 20),
                                   "/L3/1/640.jpg": PhotoFetchError.timedOut])
        let store = PictureStore<URL> { try await host.fetch($0) }
        #expect(await EffectRunner.draw(Self.request("L1"), photos: store) == .failed("HTTP 404"))
        #expect(await EffectRunner.draw(Self.request("L2"), photos: store) == .failed("photo too large (over 10 MB)"))
        #expect(await EffectRunner.draw(Self.request("L3"), photos: store) == .failed("photo host did not answer in time"))
        let damaged = try #require(await EffectRunner.draw(Self.request("damaged"), photos: store))
        guard case .failed(let reason) = damaged else { Issue.record("drawn: \(damaged)"); return }
        #expect(reason.hasPrefix("damaged JPEG") && !reason.contains("\n") && reason.count < 80, "\(reason)")
        #expect(await EffectRunner.draw(Self.request("L1"), photos: nil) == .failed("photos are not available"))
    }

    @Test func aCancelledPhotoSaysNothing() async throws {
        let host = Host()
        let store = PictureStore<URL> { try await host.fetch($0) }
        let task = Task { await EffectRunner.draw(Self.request("hang"), photos: store) }
        try await eventuallyTrue { host.asked.withLock { !$0.isEmpty } }
        task.cancel()
        #expect(await task.value == nil, "the user moved on: no line, no answer")
        #expect(await !store.contains(try #require(Self.request("hang").url)))
    }

    /// Waits (yielding, with a deadline) until `condition` holds.
    private func eventuallyTrue(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
