/// Lines of text, each with an optional style and alignment, wrapped at word boundaries (or cut
/// with an ellipsis when wrapping is off), scrolled by whole wrapped lines.
public struct Paragraph: Widget, Sendable {
    public struct Line: Hashable, Sendable, ExpressibleByStringLiteral {
        public var text: String
        public var style: Style?
        public var alignment: TextWidth.Alignment
        public init(_ text: String, style: Style? = nil, alignment: TextWidth.Alignment = .left) {
            self.text = text
            self.style = style
            self.alignment = alignment
        }
        public init(stringLiteral value: String) { self.init(value) }
    }

    public var lines: [Line]
    public var style: Style
    public var wrap: Bool
    /// Wrapped lines skipped at the top.
    public var scroll: Int

    public init(lines: [Line], style: Style = .plain, wrap: Bool = true, scroll: Int = 0) {
        self.lines = lines
        self.style = style
        self.wrap = wrap
        self.scroll = scroll
    }

    public init(_ text: String, style: Style = .plain, wrap: Bool = true) {
        self.init(lines: text.split(separator: "\n", omittingEmptySubsequences: false).map { Line(String($0)) },
                  style: style, wrap: wrap)
    }

    /// The lines as drawn in `width` columns (after wrapping).
    public func layout(width: Int) -> [Line] {
        guard width > 0 else { return [] }
        guard wrap else { return lines }
        return lines.flatMap { line in
            Paragraph.wrap(line.text, width: width).map { Line($0, style: line.style, alignment: line.alignment) }
        }
    }

    /// Splits `text` into pieces of at most `width` columns, breaking at spaces when it can and
    /// inside a word only when the word alone is wider than `width`.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        let cells = TextWidth.cells(of: text)
        var result: [String] = []
        var current: [(text: String, width: Int)] = []
        var currentWidth = 0
        var lastSpace: Int? = nil  // index in `current` of the last space
        func flush(_ upTo: Int) {
            let piece = current[..<upTo]
            result.append(piece.map(\.text).joined().trimmingTrailingSpaces())
        }
        for cell in cells {
            if currentWidth + cell.width > width && !current.isEmpty {
                if cell.text == " " {
                    flush(current.count)
                    current = []; currentWidth = 0; lastSpace = nil
                    continue
                }
                if let space = lastSpace {
                    flush(space)
                    current = Array(current[(space + 1)...])
                } else {
                    flush(current.count)
                    current = []
                }
                currentWidth = current.reduce(0) { $0 + $1.width }
                lastSpace = nil
            }
            if cell.text == " " { lastSpace = current.count }
            current.append(cell)
            currentWidth += cell.width
        }
        if !current.isEmpty || result.isEmpty { result.append(current.map(\.text).joined().trimmingTrailingSpaces()) }
        return result
    }

    public func render(in area: Rect, into buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: style)
        let shown = layout(width: area.width).dropFirst(max(0, scroll)).prefix(area.height)
        for (row, line) in shown.enumerated() {
            let text = TextWidth.pad(line.text, to: area.width, alignment: line.alignment)
            buffer.write(text, in: area, row: row, style: line.style.map { style.patched(with: $0) } ?? style)
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
