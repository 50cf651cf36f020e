import PhotoCodec
import TerminalUI

/// Photos fetched, decoded and drawn as cells, kept in memory: a least-recently-used cache bounded in bytes
/// (each entry holds the JPEG, its decoded pixels and the cells of the last size it was drawn at).
///
/// `cells(for:fitting:colors:)` answers from the cache when it can: the same photo at the same size costs a
/// lookup, another size (a resize) re-renders from the decoded pixels (decoding again, from the kept JPEG,
/// only when the new size needs more pixels than were decoded), and only a photo not in the cache is fetched.
/// A call is cancelled with its task (the fetch is a cancellable network call); the photo then is not cached.
///
/// Knows nothing of where photos come from: `fetch` does (for listing photos, SparkAPI's `PhotoFetcher`).
/// Errors are `fetch`'s own, `JPEGError`, or `CancellationError`; `PhotoDisplay.reason(for:)` says them.
public actor PictureStore<Key: Hashable & Sendable> {
    public typealias Fetch = @Sendable (Key) async throws -> [UInt8]

    /// How much work the store has done, for tests and benchmarks.
    public struct Statistics: Sendable, Hashable {
        public var fetches = 0
        public var decodes = 0
        public var renders = 0
        /// Bytes held now, and the most the store may hold.
        public var bytes = 0
        public var budget = 0
        public var entries = 0
    }

    struct Entry: Sendable {
        var jpeg: [UInt8]
        var full: PixelSize
        var image: RGBImage
        var rendered: PictureCells
        var renderedFor: Rendering

        var cost: Int { jpeg.count + image.byteCount + rendered.byteCount }
    }

    /// What a set of cells depends on.
    struct Rendering: Hashable, Sendable {
        var area: Size
        var colors: PictureColors
        var cellAspect: Double
    }

    /// 32 MB: about 30 photos at 640×480 (decoded at the size the screen needs, usually less).
    public static var defaultBudget: Int { 32 << 20 }

    private var cache: LRUCache<Key, Entry>
    private let fetch: Fetch
    private var counts = Statistics()

    public init(budget: Int = defaultBudget, fetch: @escaping Fetch) {
        cache = LRUCache(budget: budget)
        self.fetch = fetch
    }

    public var statistics: Statistics {
        var s = counts
        s.bytes = cache.totalCost
        s.budget = cache.budget
        s.entries = cache.count
        return s
    }

    /// The photo `key` as cells fitted into `area` (see `PictureRenderer.render`), from the cache when it can.
    public func cells(for key: Key, fitting area: Size, colors: PictureColors,
                      cellAspect: Double = PictureRenderer.defaultCellAspect) async throws -> PictureCells {
        let rendering = Rendering(area: area, colors: colors, cellAspect: cellAspect)
        if let entry = cache.value(for: key) {
            if entry.renderedFor == rendering { return entry.rendered }
            let redrawn = try await Self.draw(entry.jpeg, full: entry.full, decoded: entry.image, rendering)
            count(redrawn)
            cache.insert(redrawn.entry, cost: redrawn.entry.cost, for: key)
            return redrawn.entry.rendered
        }
        counts.fetches += 1
        let jpeg = try await fetch(key)
        try Task.checkCancellation()
        let full = try JPEG.size(of: jpeg)
        let drawn = try await Self.draw(jpeg, full: full, decoded: nil, rendering)
        try Task.checkCancellation()
        count(drawn)
        cache.insert(drawn.entry, cost: drawn.entry.cost, for: key)
        return drawn.entry.rendered
    }

    /// Whether the photo is in the cache (drawn at some size).
    public func contains(_ key: Key) -> Bool { cache.contains(key) }

    /// Forgets every photo.
    public func removeAll() { cache.removeAll() }

    private func count(_ drawn: (entry: Entry, decoded: Bool)) {
        if drawn.decoded { counts.decodes += 1 }
        counts.renders += 1
    }

    /// Decodes (unless `decoded` has enough pixels for the rendering) and renders, off the actor: other
    /// photos' lookups go on meanwhile.
    private nonisolated static func draw(_ jpeg: [UInt8], full: PixelSize, decoded: RGBImage?,
                                         _ rendering: Rendering) async throws -> (entry: Entry, decoded: Bool) {
        let canvas = PictureRenderer.canvasSize(for: full, fitting: rendering.area, cellAspect: rendering.cellAspect)
        let needed = PictureRenderer.pixelsNeeded(for: canvas)
        var image: RGBImage
        var didDecode = false
        if let decoded, decoded.width >= min(needed.width, full.width), decoded.height >= min(needed.height, full.height) {
            image = decoded
        } else {
            image = try JPEG.decode(jpeg, covering: needed)
            didDecode = true
        }
        let cells = PictureRenderer.render(image, fitting: rendering.area, colors: rendering.colors,
                                           cellAspect: rendering.cellAspect)
        return (Entry(jpeg: jpeg, full: full, image: image, rendered: cells, renderedFor: rendering), didDecode)
    }
}

extension PhotoDisplay {
    /// The one line to show in a photo's place for an error from `PictureStore.cells(for:…)`; nil for a
    /// cancellation (the user left: show nothing). Fetchers' errors say their reason in `description`
    /// (SparkAPI's `PhotoFetchError` does: "HTTP 404", "photo host did not answer in time", …), as does
    /// `JPEGError` ("not a JPEG", "damaged JPEG (…)").
    public static func reason(for error: any Error) -> String? {
        if error is CancellationError { return nil }
        return String(describing: error)
    }
}
