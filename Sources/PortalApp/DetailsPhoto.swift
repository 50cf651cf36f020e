import Foundation
import PhotoCodec
import SparkAPI
import TerminalPictures
import TerminalUI

// The listing's photos in its details (issue #20): which photo the details show, asking for it, what came of it.
//
// The photo wanted is a function of the state (the listing in details, its photos, the photo chosen with p/P, the
// photo's place at the terminal's size): after every action `followDetailsPhoto` compares it with the photo on
// screen and the one on its way, asks for it when it is neither, and cancels the one on its way when nobody wants
// it any more (the user left the details or the listing, or the terminal changed size again). So no key or answer
// has to remember photos; an answer carries the request it answers, and any but the latest is dropped.

/// How listing details show photos in this session, decided once at start from the `photos` setting and the
/// terminal's colours.
public enum DetailsPhotoMode: Hashable, Sendable {
    /// `photos = "off"`: no photo, and no place for one.
    case off
    /// The photo's place says this line instead (a terminal under 256 colours, or colours off).
    case unavailable(String)
    /// Photos drawn in character cells, in these colours.
    case cells(PictureColors)

    /// Whether photos are drawn (and so fetched).
    public var drawsPictures: Bool {
        if case .cells = self { return true }
        return false
    }

    /// The mode for the `photos` setting on a terminal with `colors`.
    public static func decide(setting: PhotoMode, colors: ColorSupport) -> DetailsPhotoMode {
        guard setting != .off else { return .off }
        switch PhotoDisplay.decide(colors: colors, mode: setting) {
        case .cells(let colors): return .cells(colors)
        case .unavailable(let reason): return .unavailable(reason)
        }
    }
}

/// One photo to draw: which (the listing, the photo's place in its photos, the photo), into how many cells, how.
public struct PhotoRequest: Hashable, Sendable {
    public var listingId: String
    public var index: Int
    public var photo: ListingPhoto
    /// The cells the picture may take (it keeps its proportions inside).
    public var area: Size
    public var colors: PictureColors
    /// The terminal's cell size in pixels: the picture's shape, and which of the photo's sizes to fetch.
    public var cellPixels: PixelSize

    public init(listingId: String, index: Int, photo: ListingPhoto, area: Size, colors: PictureColors, cellPixels: PixelSize) {
        self.listingId = listingId
        self.index = index
        self.photo = photo
        self.area = area
        self.colors = colors
        self.cellPixels = cellPixels
    }

    /// The photo's smallest URI that covers the area in pixels.
    public var url: URL? {
        photo.uri(coveringWidth: area.width * cellPixels.width, height: area.height * cellPixels.height)
    }

    /// The photo's URIs that cover the area, smallest first (`url`, then the larger sizes): a larger one already in
    /// the session's store is drawn from rather than fetching `url` (a window made smaller redraws, never fetches).
    var coveringURLs: [URL] {
        guard let url, let size = photo.uris.first(where: { $0.value == url })?.key else { return [] }
        return ListingPhoto.Size.allCases.filter { $0 >= size }.compactMap { photo.uris[$0] }
    }

    public var cellAspect: Double { CellGeometry.aspect(of: cellPixels) }

    /// The same photo of the same listing, at whatever size.
    func isSamePhoto(as other: PhotoRequest) -> Bool {
        listingId == other.listingId && index == other.index && photo == other.photo
    }
}

/// What came of a photo request: its cells, or the one line saying why there are none.
public enum PhotoOutcome: Equatable, Sendable {
    case drawn(PictureCells)
    case failed(String)

    var isFailure: Bool {
        if case .failed = self { return true }
        return false
    }
}

/// The photos of the listing in details, as its record lists them, and which one is chosen.
public struct ListingPhotos: Equatable, Sendable {
    public var listingId: String
    /// `StandardFields.Photos` as the record had it (nothing until the full record, read with `_expand=Photos`).
    var field: JSONValue
    public var photos: [ListingPhoto]
    /// The photo shown: the primary one at first, then where p/P took it.
    public var index: Int
}

/// A photo on screen and what came of it. Cells are kept only for the photo on screen.
public struct ShownPhoto: Equatable, Sendable {
    public var request: PhotoRequest
    public var outcome: PhotoOutcome
}

/// Everything the details' photo needs (`AppState.detailsPhoto`).
public struct DetailsPhotoState: Equatable, Sendable {
    public var mode: DetailsPhotoMode
    /// The terminal's cell size in pixels (reported by the terminal at start, else `CellGeometry.fallback`).
    public var cellPixels: PixelSize
    /// The photos of the listing in details (photos in cells only).
    public internal(set) var listing: ListingPhotos?
    /// The photo on its way.
    public internal(set) var pending: PhotoRequest?
    /// The photo on screen (or the reason it is not), for the photo chosen.
    public internal(set) var shown: ShownPhoto?

    /// - Parameters:
    ///   - mode: `.off` (the default) draws no photos and keeps no place for them.
    ///   - cellPixels: the terminal's cells in pixels.
    public init(mode: DetailsPhotoMode = .off, cellPixels: PixelSize = CellGeometry.fallback) {
        self.mode = mode
        self.cellPixels = cellPixels
    }
}

extension AppState {
    /// The details' layout at the current size: with the photo's place unless photos are off.
    var detailsLayout: DetailsLayout {
        DetailsLayout(size: size, photo: detailsPhoto.mode != .off)
    }
}

/// The part of the photo's place the picture may take: all but the caption's row under it.
func pictureArea(in place: Rect) -> Rect {
    Rect(x: place.x, y: place.y, width: place.width, height: max(place.height - 1, 0))
}

// MARK: - Reducing

/// Runs after every action: brings the photo on screen and the one on its way in line with the photo the details
/// want now. Returns the request for a photo that is neither on screen nor on its way, or the cancellation of one
/// on its way that is no longer wanted.
func followDetailsPhoto(after action: AppAction, _ state: inout AppState) -> [AppEffect] {
    updateListingPhotos(&state)
    var photo = state.detailsPhoto
    // The listing read again (`r`, or its details opened again): a photo that failed is tried again.
    if case .listingLoaded(let id, .success) = action, let shown = photo.shown, shown.request.listingId == id,
       shown.outcome.isFailure {
        photo.shown = nil
    }
    let wanted = wantedPhoto(state)
    // Cells are kept only for the photo on screen; while another size of it is drawn (a resize), the old ones stay.
    if let shown = photo.shown, !(wanted.map { shown.request.isSamePhoto(as: $0) } ?? false) {
        photo.shown = nil
    }
    var effects: [AppEffect] = []
    if let wanted, !isSettled(photo.shown, for: wanted) {
        if photo.pending != wanted {
            photo.pending = wanted
            effects = [.loadPhoto(wanted)]
        }
    } else if photo.pending != nil {
        photo.pending = nil
        effects = [.cancel(.photo)]
    }
    if photo != state.detailsPhoto { state.detailsPhoto = photo }
    return effects
}

/// Whether what is on screen answers `wanted`: its cells at that size, or a failure of that photo (a failure is not
/// asked again at every size: it is retried when the listing is read again).
private func isSettled(_ shown: ShownPhoto?, for wanted: PhotoRequest) -> Bool {
    guard let shown else { return false }
    return shown.request == wanted || (shown.outcome.isFailure && shown.request.isSamePhoto(as: wanted))
}

/// The photo the details want now, fitted into the photo's place: nil without details, without photos to draw,
/// or without room.
func wantedPhoto(_ state: AppState) -> PhotoRequest? {
    guard case .cells(let colors) = state.detailsPhoto.mode, let listing = state.detailsPhoto.listing,
          listing.photos.indices.contains(listing.index), let place = state.detailsLayout.photo else { return nil }
    let area = pictureArea(in: place)
    guard area.width > 0, area.height > 0 else { return nil }
    return PhotoRequest(listingId: listing.listingId, index: listing.index, photo: listing.photos[listing.index],
                        area: area.size, colors: colors, cellPixels: state.detailsPhoto.cellPixels)
}

/// Keeps `detailsPhoto.listing` on the listing in details: its photos read once per record (not on every action),
/// the primary one chosen at first; a record read again keeps the photo chosen when it still has it.
private func updateListingPhotos(_ state: inout AppState) {
    guard state.detailsPhoto.mode.drawsPictures, let details = state.details else {
        if state.detailsPhoto.listing != nil { state.detailsPhoto.listing = nil }
        return
    }
    let field = details.listing.field("Photos")
    let current = state.detailsPhoto.listing.flatMap { $0.listingId == details.listingId ? $0 : nil }
    if let current, current.field == field { return }
    let photos = details.listing.photos
    var index = photos.firstIndex(where: \.isPrimary) ?? 0
    if let current, current.photos.indices.contains(current.index),
       let same = photos.firstIndex(of: current.photos[current.index]) {
        index = same
    }
    state.detailsPhoto.listing = ListingPhotos(listingId: details.listingId, field: field, photos: photos, index: index)
}

/// An answer to a photo request: shown when it answers the photo on its way, else dropped (late: the user moved on).
func photoLoaded(_ request: PhotoRequest, _ outcome: PhotoOutcome, _ state: inout AppState) -> [AppEffect] {
    guard request == state.detailsPhoto.pending else { return [] }
    state.detailsPhoto.pending = nil
    state.detailsPhoto.shown = ShownPhoto(request: request, outcome: outcome)
    return []
}

/// `p` / `P` in details: the next or previous photo of the listing (round from the last to the first). Where there
/// are no photos to step through, the status line says why.
func stepPhoto(by delta: Int, _ state: inout AppState) -> [AppEffect] {
    guard let details = state.details else { return [] }
    switch state.detailsPhoto.mode {
    case .off:
        state.status = StatusMessage("Photos are off (--no-photo, or photos = \"off\" in the configuration file).")
    case .unavailable(let reason):
        state.status = StatusMessage("No photos here: \(reason).")
    case .cells:
        guard var listing = state.detailsPhoto.listing, !listing.photos.isEmpty else {
            state.status = StatusMessage(details.loading ? "The listing's photos are still loading…"
                                                         : "This listing has no photos.")
            return []
        }
        let count = listing.photos.count
        listing.index = ((listing.index + delta) % count + count) % count
        state.detailsPhoto.listing = listing
    }
    return []
}
