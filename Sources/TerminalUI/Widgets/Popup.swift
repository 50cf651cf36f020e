/// A centred box over the rest of the screen (help, an error, the request log): clears the
/// area under it, draws a border with a title and the text inside, wrapped.
public struct Popup: Widget, Sendable {
    public var title: String
    public var lines: [Paragraph.Line]
    /// A line on the bottom border, e.g. "Esc close".
    public var footer: String?
    public var style: Style
    public var borderStyle: Style
    /// The largest size wanted; the popup shrinks to its content and to the screen.
    public var maxSize: Size
    public var scroll: Int

    public init(title: String, lines: [Paragraph.Line], footer: String? = nil, style: Style = .plain,
                borderStyle: Style = .bold, maxSize: Size = Size(width: 72, height: 24), scroll: Int = 0) {
        self.title = title
        self.lines = lines
        self.footer = footer
        self.style = style
        self.borderStyle = borderStyle
        self.maxSize = maxSize
        self.scroll = scroll
    }

    /// A popup showing `text`, one line per line of it (each wrapped to the popup's width).
    public init(title: String, text: String, footer: String? = nil, style: Style = .plain,
                borderStyle: Style = .bold, maxSize: Size = Size(width: 72, height: 24), scroll: Int = 0) {
        self.init(title: title,
                  lines: text.split(separator: "\n", omittingEmptySubsequences: false).map { Paragraph.Line(String($0)) },
                  footer: footer, style: style, borderStyle: borderStyle, maxSize: maxSize, scroll: scroll)
    }

    /// Where the popup goes inside `screen`.
    public func area(in screen: Rect) -> Rect {
        let contentWidth = max(TextWidth.of(title) + 4, footer.map { TextWidth.of($0) + 4 } ?? 0,
                               lines.map { TextWidth.of($0.text) }.max() ?? 0)
        let width = min(contentWidth + 4, maxSize.width, screen.width)
        let inner = max(1, width - 4)
        let wrapped = Paragraph(lines: lines).layout(width: inner).count
        let height = min(wrapped + 2, maxSize.height, screen.height)
        return screen.centered(width: width, height: height)
    }

    public func render(in screen: Rect, into buffer: inout Buffer) {
        let box = area(in: screen)
        guard !box.isEmpty else { return }
        Clear(style: style).render(in: box, into: &buffer)
        let block = Block(title: title, focused: true, style: style, focusedBorderStyle: borderStyle)
        block.render(in: box, into: &buffer)
        let inner = block.inner(box).inset(horizontal: 1, vertical: 0)
        Paragraph(lines: lines, style: style, scroll: scroll).render(in: inner, into: &buffer)
        if let footer, box.height >= 2, box.width >= 6 {
            let text = " " + TextWidth.truncate(footer, to: box.width - 4) + " "
            let w = TextWidth.of(text)
            buffer.write(text, at: box.right - 1 - w, y: box.bottom - 1, maxWidth: w, style: style.patched(with: borderStyle))
        }
    }
}

/// What is drawn instead of the interface when the terminal is smaller than it needs: the most it can
/// say whole in the room there is, the sizes last to go.
///
///     Terminal too small           Too small        need 20×6        20×6
///     need 60×16, have 40×10       need 20×6
///                                  have 12×4
public struct TooSmallNotice: Widget, Sendable {
    public var minimum: Size
    public init(minimum: Size) { self.minimum = minimum }

    /// Whether `size` is too small for the interface.
    public func applies(to size: Size) -> Bool {
        size.width < minimum.width || size.height < minimum.height
    }

    /// The lines shown in `size`: the first of these layouts that fits whole, else the sizes cut.
    func lines(for size: Size) -> [String] {
        let need = "need \(minimum)", have = "have \(size)"
        let layouts = [
            ["Terminal too small", "\(need), \(have)"],
            ["Terminal too small", need, have],
            ["Too small", need, have],
            ["\(need), \(have)"],
            [need, have],
            [need],
            ["\(minimum)"],
        ]
        return layouts.first { lines in
            lines.count <= size.height && lines.allSatisfy { TextWidth.of($0) <= size.width }
        } ?? ["\(minimum)"]
    }

    public func render(in area: Rect, into buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        buffer.fill(area)
        let lines = self.lines(for: area.size)
        let shown = Array(lines.prefix(area.height))
        let top = area.y + (area.height - shown.count) / 2
        for (i, line) in shown.enumerated() {
            let text = TextWidth.truncate(line, to: area.width)
            let w = TextWidth.of(text)
            buffer.write(text, at: area.x + (area.width - w) / 2, y: top + i, maxWidth: area.width,
                         style: line.hasPrefix("need") || line.hasPrefix("have") ? .plain : .bold)
        }
    }
}
