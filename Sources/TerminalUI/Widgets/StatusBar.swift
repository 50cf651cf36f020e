/// A key hint in the status bar: the key as the user types it and what it does.
public struct KeyHint: Hashable, Sendable {
    public var key: String
    public var label: String
    public init(key: String, label: String) {
        self.key = key
        self.label = label
    }
}

/// The bottom line: key hints on the left, a message on the right. Hints that do not fit are
/// dropped from the end (never cut in half); the message keeps priority and is cut with an
/// ellipsis only when it alone is too wide.
///
///      ↑↓/jk move  Tab pane  q quit                       PUT …/current 200 84ms
public struct StatusBar: Widget, Sendable {
    public var hints: [KeyHint]
    public var message: String
    public var messageStyle: Style
    public var keyStyle: Style
    public var style: Style

    public init(hints: [KeyHint] = [], message: String = "", messageStyle: Style = .plain,
                keyStyle: Style = .bold, style: Style = .plain) {
        self.hints = hints
        self.message = message
        self.messageStyle = messageStyle
        self.keyStyle = keyStyle
        self.style = style
    }

    public init(hints: [(key: String, label: String)], message: String = "", messageStyle: Style = .plain) {
        self.init(hints: hints.map { KeyHint(key: $0.key, label: $0.label) }, message: message, messageStyle: messageStyle)
    }

    public func render(in area: Rect, into buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let row = area.top(1)
        buffer.fill(row, style: style)
        // Message first: it says what is happening now.
        var messageWidth = 0
        if !message.isEmpty {
            let room = row.width - 1
            if room > 0 {
                let text = TextWidth.truncate(message, to: room)
                messageWidth = TextWidth.of(text)
                buffer.write(text, at: row.right - 1 - messageWidth, y: row.y, maxWidth: messageWidth,
                             style: style.patched(with: messageStyle))
            }
        }
        var x = row.x + 1
        let limit = row.right - (messageWidth > 0 ? messageWidth + 2 : 0)
        for hint in hints {
            let width = TextWidth.of(hint.key) + 1 + TextWidth.of(hint.label)
            if x + width > limit { break }
            x += buffer.write(hint.key, at: x, y: row.y, maxWidth: limit - x, style: style.patched(with: keyStyle))
            x += 1
            x += buffer.write(hint.label, at: x, y: row.y, maxWidth: limit - x, style: style)
            x += 2
        }
    }
}

/// An activity indicator: frame `tick % frames.count`.
public struct Spinner: Widget, Sendable {
    public var frames: [String]
    public var tick: Int
    public var style: Style

    public static let braille = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    public static let ascii = ["|", "/", "-", "\\"]

    public init(frames: [String] = Spinner.braille, tick: Int = 0, style: Style = .plain) {
        self.frames = frames.isEmpty ? [" "] : frames
        self.tick = tick
        self.style = style
    }

    public func frame(at tick: Int) -> String {
        let n = frames.count
        return frames[((tick % n) + n) % n]
    }

    public func render(in area: Rect, into buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        buffer.write(frame(at: tick), in: area, style: style)
    }
}
