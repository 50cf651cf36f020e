import Foundation
import PhotoCodec
import SparkAPI
import SparkMock
import TerminalPictures
import TerminalUI

// MARK: - 8. Photos

/// A listing id of the generated pool with index `i` (SparkMock draws its photos from the index).
func poolListingID(_ i: Int) -> String { "20060000000000" + String(format: "%06d", i) + "000000" }

/// The photos of listing `id` as the app sees them: the demo catalog's `Photos` array, decoded by SparkAPI.
func listingPhotos(_ id: String, photoBase: URL) throws -> [ListingPhoto] {
    let json = #"{"Id":"\#(id)","StandardFields":{"Photos":\#(DemoPhotoCatalog(baseURL: photoBase).photosJSON(forListing: id))}}"#
    return try JSONDecoder().decode(Listing.self, from: Data(json.utf8)).photos
}

@MainActor func photosSection() async throws {
    report.section("8. Photos: decode (libjpeg-turbo) + render (chafa) into cells, the cache, memory while paging")
    let (api, photoBase, mock) = try startMock()
    defer { mock.terminate(); mock.waitUntilExit() }
    _ = api
    let fetcher = PhotoFetcher()
    defer { Task { await fetcher.shutdown() } }

    // The demo house at 640×480 and at 1280×960, fetched once from spark-mock's photo listener.
    let house = try listingPhotos(poolListingID(3), photoBase: photoBase)[0]
    let jpeg640 = Array(try await fetcher.fetch(house.uris[.uri640]!))
    let jpeg1280 = Array(try await fetcher.fetch(house.uris[.uri1280]!))
    let area = Size(width: 40, height: 15)
    let canvas = PictureRenderer.canvasSize(for: try JPEG.size(of: jpeg640), fitting: area)
    let needed = PictureRenderer.pixelsNeeded(for: canvas)
    let runs = quick ? 30 : 200
    report.line("photo: the demo house, 640×480 JPEG (\(jpeg640.count / 1024) KiB) and 1280×960 (\(jpeg1280.count / 1024) KiB); area 40×15 cells → canvas \(canvas), decoded at least \(needed)")

    let full = try measure(runs) { _ = try JPEG.decode(jpeg640) }
    let scaled = try measure(runs) { _ = try JPEG.decode(jpeg640, covering: needed) }
    let decoded = try JPEG.decode(jpeg640, covering: needed)
    report.line("decode 640×480 at full size: \(full.summary)")
    report.line("decode 640×480 scaled in the decoder to \(decoded.width)×\(decoded.height): \(scaled.summary)")
    for colors in [PictureColors.indexed256, .direct] {
        let render = measure(runs) { _ = PictureRenderer.render(decoded, fitting: area, colors: colors) }
        let both = try measure(runs) {
            let image = try JPEG.decode(jpeg640, covering: needed)
            _ = PictureRenderer.render(image, fitting: area, colors: colors)
        }
        report.line("render 40×15 (\(colors)): \(render.summary)")
        report.line("decode + render 640×480 → 40×15 (\(colors)): \(both.summary)   [goal: median ≤ 15 ms]")
    }
    let big = try measure(runs) {
        let needed = PictureRenderer.pixelsNeeded(for: PictureRenderer.canvasSize(for: try JPEG.size(of: jpeg1280), fitting: area))
        _ = PictureRenderer.render(try JPEG.decode(jpeg1280, covering: needed), fitting: area, colors: .direct)
    }
    report.line("decode + render 1280×960 → 40×15 (direct, decoder scaling 1/4): \(big.summary)")
    let big80 = try measure(quick ? 10 : 50) {
        let area = Size(width: 200, height: 50)
        let needed = PictureRenderer.pixelsNeeded(for: PictureRenderer.canvasSize(for: try JPEG.size(of: jpeg1280), fitting: area))
        _ = PictureRenderer.render(try JPEG.decode(jpeg1280, covering: needed), fitting: area, colors: .direct)
    }
    report.line("decode + render 1280×960 → 200×50 (a whole wide terminal, direct): \(big80.summary)")

    // What a frame costs once the cells exist: copying them into the frame's buffer.
    let cells = PictureRenderer.render(decoded, fitting: area, colors: .direct)
    let copy = measure(runs * 10) {
        var buffer = Buffer(size: Size(width: 120, height: 40))
        PictureView(.picture(cells)).render(in: Rect(x: 70, y: 5, width: 40, height: 15), into: &buffer)
    }
    report.line("drawing cached cells into a 120×40 frame (what every frame pays): \(copy.summary)")
    // The store: a hit, and a resize (render again from the decoded pixels, no fetch, no decode).
    let store = PictureStore<URL> { url in Array(try await fetcher.fetch(url)) }
    let url = house.uris[.uri640]!
    _ = try await store.cells(for: url, fitting: area, colors: .direct)
    let hit = try await timeAsync(runs * 5) { _ = try await store.cells(for: url, fitting: area, colors: .direct) }
    var flip = false
    let resize = try await timeAsync(runs) {
        flip.toggle()
        _ = try await store.cells(for: url, fitting: flip ? Size(width: 36, height: 13) : area, colors: .direct)
    }
    report.line("PictureStore: same photo and size again (a lookup): \(hit.summary)")
    report.line("PictureStore: after a resize (render from the kept pixels, no fetch or decode): \(resize.summary)")

    // Paging through 200 listings' photos (every photo of each, as p/P would), the real fetcher and the default
    // 32 MB store, spark-mock in its own process: memory sampled every 20 listings.
    let listings = quick ? 50 : 200
    let paging = PictureStore<URL> { url in Array(try await fetcher.fetch(url)) }
    var rss: [Double] = [], heap: [Double] = [], held: [Double] = []
    var shown = 0
    let clock = ContinuousClock(), start = clock.now
    for i in 0..<listings {
        for photo in try listingPhotos(poolListingID(i), photoBase: photoBase) {
            guard let uri = photo.uri(coveringWidth: 40 * 10, height: 15 * 20) else { continue }
            _ = try await paging.cells(for: uri, fitting: area, colors: .indexed256)
            shown += 1
        }
        if i % (listings / 10) == listings / 10 - 1 {
            rss.append(residentMemory().current)
            heap.append(heapInUse())
            held.append(Double(await paging.statistics.bytes) / 1_048_576)
        }
    }
    let elapsed = start.duration(to: clock.now)
    let stats = await paging.statistics
    report.line("paging through \(listings) listings, \(shown) photos (fetch 640 over loopback + decode + render 40×15): \(fmt(elapsed.milliseconds / Double(shown), 1)) ms a photo")
    report.line("  RSS every \(listings / 10) listings: " + rss.map { fmt($0, 1) }.joined(separator: " ") + " MiB")
    report.line("  heap in use: " + heap.map { fmt($0, 2) }.joined(separator: " ") + " MiB")
    report.line("  held by the store: " + held.map { fmt($0, 1) }.joined(separator: " ") + " MiB (budget \(stats.budget >> 20) MiB, \(stats.entries) photos at the end)")
}
