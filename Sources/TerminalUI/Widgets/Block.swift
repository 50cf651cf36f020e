/// A bordered box with a title on the top border (and optionally one on the right of it).
/// A focused block has a heavy border and a bold title, so focus shows without colour.
///
///     ┌ Portal groups ─────── 3 ┐      ┏ Portal groups ━━━━━━━ 3 ┓   (focused)
///     │                         │      ┃                         ┃
///     └─────────────────────────┘      ┗━━━━━━━━━━━━━━━━━━━━━━━━━┛
public struct Block: Widget, Sendable {
    public var title: String?
    public var titleRight: String?
    public var focused: Bool
    /// The style of the inner area (filled before the border is drawn).
    public var style: Style
    public var borderStyle: Style
    public var focusedBorderStyle: Style
    public var titleStyle: Style

    public init(title: String? = nil, titleRight: String? = nil, focused: Bool = false,
                style: Style = .plain, borderStyle: Style = .plain,
                focusedBorderStyle: Style = .bold, titleStyle: Style = .plain) {
        self.title = title
        self.titleRight = titleRight
        self.focused = focused
        self.style = style
        self.borderStyle = borderStyle
        self.focusedBorderStyle = focusedBorderStyle
        self.titleStyle = titleStyle
    }

    private struct Lines { let h, v, tl, tr, bl, br: String }
    private static let light = Lines(h: "─", v: "│", tl: "┌", tr: "┐", bl: "└", br: "┘")
    private static let heavy = Lines(h: "━", v: "┃", tl: "┏", tr: "┓", bl: "┗", br: "┛")

    /// The area inside the border; empty when `area` is too small for a border and content.
    public func inner(_ area: Rect) -> Rect {
        guard area.width >= 2, area.height >= 2 else {
            return Rect(x: area.x, y: area.y, width: 0, height: 0)
        }
        return area.inset(by: 1)
    }

    /// How wide the title may be in `area` beside `titleRight` before it is cut; 0 when there is no room for a title
    /// with a space on each side. A caller that shortens its title its own way (a strip of tabs) fits it to this; the
    /// title starts two columns after `area.x`.
    public func titleRoom(in area: Rect) -> Int {
        guard area.width >= 2, area.height >= 2 else { return 0 }
        let available = (area.width - 2) - rightTitleWidth(room: area.width - 2)
        return available >= 3 ? available - 2 : 0
    }

    /// The columns `titleRight` takes on the top border (with its padding and the gap before it).
    private func rightTitleWidth(room: Int) -> Int {
        guard let titleRight, !titleRight.isEmpty, room >= 5 else { return 0 }
        return TextWidth.of(TextWidth.truncate(titleRight, to: max(1, room / 3))) + 3
    }

    public func render(in area: Rect, into buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: style)
        let l = focused ? Self.heavy : Self.light
        let bs = focused ? focusedBorderStyle : borderStyle
        // Too small for corners: a single row or column is just a line.
        if area.height == 1 {
            buffer.write(String(repeating: l.h, count: area.width), in: area, style: bs)
            return
        }
        if area.width == 1 {
            for row in 0..<area.height { buffer.write(l.v, in: area, row: row, style: bs) }
            return
        }
        let middle = String(repeating: l.h, count: area.width - 2)
        buffer.write(l.tl + middle + l.tr, in: area, row: 0, style: bs)
        buffer.write(l.bl + middle + l.br, in: area, row: area.height - 1, style: bs)
        for row in 1..<(area.height - 1) {
            buffer.write(l.v, at: area.x, y: area.y + row, maxWidth: 1, style: bs)
            buffer.write(l.v, at: area.right - 1, y: area.y + row, maxWidth: 1, style: bs)
        }
        // Titles sit on the top border between the corners, each padded by one space.
        let room = area.width - 2
        var ts = titleStyle
        if focused { ts = ts.with(adding: .bold) }
        var rightUsed = 0
        if let titleRight, !titleRight.isEmpty, room >= 5 {
            let text = " " + TextWidth.truncate(titleRight, to: max(1, room / 3)) + " "
            rightUsed = TextWidth.of(text)
            buffer.write(text, at: area.right - 1 - rightUsed, y: area.y, maxWidth: rightUsed, style: ts)
        }
        if let title, !title.isEmpty {
            let available = room - rightTitleWidth(room: room)
            if available >= 3 {
                let text = " " + TextWidth.truncate(title, to: available - 2) + " "
                buffer.write(text, at: area.x + 1, y: area.y, maxWidth: available, style: ts)
            } else if available >= 1 {
                buffer.write(TextWidth.truncate(title, to: available), at: area.x + 1, y: area.y, maxWidth: available, style: ts)
            }
        }
    }
}
