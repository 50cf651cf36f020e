import PhotoCodec
import TerminalPictures
import TerminalUI

/// The photo's place in a listing's details: the picture at the top of the place, centred across it, with which
/// photo it is under it ("2/5 · Kitchen"); while it loads, a frame the size the picture will have with a spinner in
/// it; when it failed, the reason in that frame. Instead of a picture: "photos need 256 colours" (the terminal), the
/// spinner while the listing's photos are not known yet, or "no photos".
///
///     ┌───────────────────────┐
///     │                       │
///     │   ⠋ loading photo…    │
///     │                       │
///     └───────────────────────┘
///              2/5 · Kitchen
func renderDetailsPhoto(_ state: AppState, in place: Rect, into buffer: inout Buffer) {
    let photo = state.detailsPhoto
    guard photo.mode.drawsPictures else {
        if case .unavailable(let reason) = photo.mode { PictureView(.message(reason)).render(in: place, into: &buffer) }
        return
    }
    let area = pictureArea(in: place)
    guard !area.isEmpty else { return }
    let spinner = Spinner().frame(at: state.tick)
    guard let listing = photo.listing, listing.photos.indices.contains(listing.index) else {
        if state.details?.loading == true {
            renderPhotoFrame("\(spinner) loading photos…", style: Theme.progress, in: expectedPictureRect(in: area, state),
                             into: &buffer)
        } else {
            let text = state.details?.error != nil ? "photos unknown: the listing could not be read" : "no photos"
            PictureView(.message(text)).render(in: area, into: &buffer)
        }
        return
    }
    let current = listing.photos[listing.index]
    let caption = "\(listing.index + 1)/\(listing.photos.count)" + (current.label.map { " · " + $0 } ?? "")
    let pictureRect: Rect
    if let shown = photo.shown, shown.request.listingId == listing.listingId, shown.request.index == listing.index {
        switch shown.outcome {
        case .drawn(let cells):
            // While another size is drawn (a resize), these cells stay, clipped to the place.
            pictureRect = topCentred(cells.size, in: area)
            cells.draw(in: pictureRect, into: &buffer)
        case .failed(let reason):
            pictureRect = expectedPictureRect(in: area, state)
            renderPhotoFrame("✗ \(reason)", style: Theme.error, in: pictureRect, into: &buffer)
        }
    } else {
        pictureRect = expectedPictureRect(in: area, state)
        renderPhotoFrame("\(spinner) loading photo…", style: Theme.progress, in: pictureRect, into: &buffer)
    }
    // Under the picture, centred on it; the caption is the server's text (`Buffer.write` makes it safe to draw).
    let width = min(TextWidth.of(caption), place.width)
    let x = max(place.x, min(pictureRect.x + (pictureRect.width - width) / 2, place.right - width))
    buffer.write(caption, at: x, y: min(pictureRect.bottom, place.bottom - 1), maxWidth: place.right - x, style: Theme.dim,
                 ellipsis: "…")
}

/// Where a picture of `size` cells goes in `area`: at the top, centred across.
private func topCentred(_ size: Size, in area: Rect) -> Rect {
    let width = min(size.width, area.width), height = min(size.height, area.height)
    return Rect(x: area.x + (area.width - width) / 2, y: area.y, width: width, height: height)
}

/// The rectangle a 4:3 photo (what Spark's photo sizes are) takes in `area` on this terminal's cells: the frame
/// drawn while it loads, so the place does not change shape when the picture comes.
private func expectedPictureRect(in area: Rect, _ state: AppState) -> Rect {
    let size = PictureRenderer.canvasSize(for: PixelSize(width: 640, height: 480), fitting: area.size,
                                          cellAspect: CellGeometry.aspect(of: state.detailsPhoto.cellPixels))
    return topCentred(size, in: area)
}

/// A light frame with one line in its middle (the line alone when the frame has no room inside).
private func renderPhotoFrame(_ text: String, style: Style, in rect: Rect, into buffer: inout Buffer) {
    guard !rect.isEmpty else { return }
    var inside = rect
    if rect.width >= 4, rect.height >= 3 {
        Block(borderStyle: Theme.dim).render(in: rect, into: &buffer)
        inside = rect.inset(by: 1)
    }
    PictureView(.message(text), messageStyle: style).render(in: inside, into: &buffer)
}
