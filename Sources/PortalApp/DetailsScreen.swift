import SparkAPI
import TerminalUI

/// Where the parts of a listing's details go: a bordered box over the whole body (between the title and status
/// bars), the text inside it. Pure, so the reducer (scrolling) and the view agree.
///
/// With `photo: true` the listing's photo (issue #20) takes the left two fifths beside the facts when the body is wide
/// (at least `photoBesideWidth` columns inside), or the top half above them when narrow, and the facts the rest (the
/// details ask for it unless photos are off: `AppState.detailsLayout`).
public struct DetailsLayout: Equatable, Sendable {
    public let box: Rect
    /// Where the text goes (inside the border, a column of padding on each side).
    public let text: Rect
    /// Where the photo goes, when one was asked for and there is room.
    public let photo: Rect?

    public static let photoBesideWidth = 100

    public init(size: Size, photo: Bool = false) {
        let body = Rect(x: 0, y: 1, width: max(size.width, 0), height: max(size.height - 2, 0))
        box = body
        let inner = body.inset(by: 1)
        guard photo, inner.width >= 20, inner.height >= 8 else {
            text = inner.inset(horizontal: 1, vertical: 0)
            self.photo = nil
            return
        }
        if inner.width >= Self.photoBesideWidth {
            let width = inner.width * 2 / 5
            self.photo = Rect(x: inner.x, y: inner.y, width: width, height: inner.height)
            text = Rect(x: inner.x + width + 2, y: inner.y, width: inner.width - width - 3, height: inner.height)
        } else {
            let height = inner.height / 2
            self.photo = Rect(x: inner.x, y: inner.y, width: inner.width, height: height)
            text = Rect(x: inner.x + 1, y: inner.y + height + 1, width: inner.width - 2, height: inner.height - height - 1)
        }
    }
}

/// The text of a listing's details, wrapped to `width`: which carts hold it, where it is, its facts, its remarks.
func detailLines(_ details: ListingDetails, holders: [ListingCart]?, width: Int) -> [Paragraph.Line] {
    guard width > 0 else { return [] }
    let facts = ListingFacts(details.listing)
    var lines: [Paragraph.Line] = []
    let labelWidth = (facts.place + facts.facts + [("In carts", ""), ("Remarks", "")]).map { TextWidth.of($0.label) }.max() ?? 0
    switch holders {
    case nil:
        lines += wrapped("In carts", "not known yet", labelWidth: labelWidth, width: width, style: Theme.dim)
    case let holders? where holders.isEmpty:
        lines += wrapped("In carts", "none of this workspace's", labelWidth: labelWidth, width: width, style: Theme.dim)
    case let holders?:
        let names = holders.map { cart in
            switch cart.portalCartType {
            case .favorites?: "★ \(cart.name)"
            case .rejects?: "✗ \(cart.name)"
            default: cart.name
            }
        }
        lines += wrapped("In carts", names.joined(separator: " · "), labelWidth: labelWidth, width: width, style: Theme.accent)
    }
    lines.append("")
    for (label, value) in facts.place { lines += wrapped(label, value, labelWidth: labelWidth, width: width) }
    lines.append("")
    for (label, value) in facts.facts { lines += wrapped(label, value, labelWidth: labelWidth, width: width) }
    switch details.listing.publicRemarks {
    case .value(let remarks):
        lines.append("")
        lines.append(Paragraph.Line("Remarks", style: Theme.title))
        for paragraph in remarks.split(separator: "\n", omittingEmptySubsequences: false) {
            lines += Paragraph.wrap(String(paragraph), width: width).map { Paragraph.Line($0) }
        }
    case .restricted:
        lines.append("")
        lines += wrapped("Remarks", Format.restricted, labelWidth: labelWidth, width: width)
    case .absent:
        break
    }
    return lines
}

/// `Label      value`, the value wrapped under itself when it is longer than the room beside the label.
private func wrapped(_ label: String, _ value: String, labelWidth: Int, width: Int, style: Style? = nil) -> [Paragraph.Line] {
    let indent = labelWidth + 2
    guard width > indent + 8 else {
        return Paragraph.wrap("\(label): \(value)", width: width).map { Paragraph.Line($0, style: style) }
    }
    let pieces = Paragraph.wrap(value, width: width - indent)
    return pieces.enumerated().map { index, piece in
        let head = index == 0 ? TextWidth.pad(label, to: labelWidth) : String(repeating: " ", count: labelWidth)
        return Paragraph.Line(head + "  " + piece, style: value == Format.restricted ? Theme.dim : style)
    }
}

extension AppState {
    /// The details' lines at the current size.
    var detailLineCount: Int {
        guard let details else { return 0 }
        return detailLines(details, holders: holders(of: details.listingId),
                           width: detailsLayout.text.width).count
    }
}
