import TerminalUI

/// A picture rendered as character cells: a value, so an app state can hold it and a view can copy it into a
/// `Buffer` on every frame for the cost of a copy (rendering happens once per picture and size).
public struct PictureCells: Sendable, Equatable {
    public let size: Size
    public let colors: PictureColors
    private let cells: [Cell]

    init(size: Size, colors: PictureColors, cells: [Cell]) {
        precondition(cells.count == size.width * size.height)
        self.size = size
        self.colors = colors
        self.cells = cells
    }

    /// The cell at (x, y) of the picture; a blank outside it.
    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < size.width, y < size.height else { return .blank }
        return cells[y * size.width + x]
    }

    /// Each row's text (for tests and debugging).
    public var lines: [String] {
        (0..<size.height).map { y in (0..<size.width).map { self[$0, y].grapheme }.joined() }
    }

    /// Roughly the memory the cells hold (what a cache counts).
    public var byteCount: Int { cells.count * MemoryLayout<Cell>.stride }

    /// Draws the picture centred in `area`, clipped to it; the rest of the area is left as it was.
    public func draw(in area: Rect, into buffer: inout Buffer) {
        let left = area.x + max(0, (area.width - size.width) / 2)
        let top = area.y + max(0, (area.height - size.height) / 2)
        for y in 0..<min(size.height, area.height) {
            for x in 0..<min(size.width, area.width) {
                buffer[left + x, top + y] = cells[y * size.width + x]
            }
        }
    }
}

/// The `photos` setting: `cells` (character cells always), `auto` (real pixels where the terminal speaks an
/// image protocol, else cells — this build always draws cells), `off` (no photos).
public enum PhotoMode: String, Sendable, Hashable, CaseIterable {
    case cells, auto, off
}

/// Whether photos can be drawn, and how: what the photo's place on screen shows.
public enum PhotoDisplay: Sendable, Hashable {
    /// Draw character cells with these colours.
    case cells(PictureColors)
    /// Do not draw the photo; show this one line in its place instead.
    case unavailable(String)

    /// The one line shown instead of photos on a terminal with fewer than 256 colours (or none: `NO_COLOR`,
    /// `--no-color`).
    public static let needsColors = "photos need 256 colours"
    /// The one line shown when the `photos` setting is `off`.
    public static let turnedOff = "photos are off (photos = \"off\")"

    /// What to do on a terminal with `support` colours under the `photos` setting `mode`.
    public static func decide(colors support: ColorSupport, mode: PhotoMode = .auto) -> PhotoDisplay {
        if mode == .off { return .unavailable(turnedOff) }
        switch support {
        case .direct: return .cells(.direct)
        case .indexed256: return .cells(.indexed256)
        case .basic, .none: return .unavailable(needsColors)
        }
    }
}

/// A photo's place on screen: the picture centred in the area, or one line (a reason it is not there,
/// "loading…") centred in it — wrapped over more lines when the area is narrower than the line.
public struct PictureView: Sendable {
    public enum Content: Sendable, Equatable {
        case picture(PictureCells)
        case message(String)
    }

    public var content: Content
    public var messageStyle: Style

    public init(_ content: Content, messageStyle: Style = .dim) {
        self.content = content
        self.messageStyle = messageStyle
    }

    public func render(in area: Rect, into buffer: inout Buffer) {
        guard area.width > 0, area.height > 0 else { return }
        switch content {
        case .picture(let cells):
            cells.draw(in: area, into: &buffer)
        case .message(let text):
            // One line when it fits; else wrapped over the lines there are (the last cut with … if need be).
            var lines = TextWidth.of(text) > area.width && area.height > 1 ? Paragraph.wrap(text, width: area.width) : [text]
            if lines.count > area.height {
                lines = Array(lines.prefix(area.height - 1)) + [lines[(area.height - 1)...].joined(separator: " ")]
            }
            let top = area.y + (area.height - lines.count) / 2
            for (row, line) in lines.enumerated() {
                let width = min(area.width, TextWidth.of(line))
                let x = area.x + (area.width - width) / 2
                buffer.write(line, at: x, y: top + row, maxWidth: area.right - x, style: messageStyle, ellipsis: "…")
            }
        }
    }
}
