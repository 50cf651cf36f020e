/// The text of a one-line editor and where its cursor is: plain data for the app's state. Editing is
/// `handle(_:)`, a pure function of the state and a key; drawing is `LineEditor`. The editor decides
/// nothing for the app: it says what the key did, and the app decides what happens next.
///
///     // In the state:   var cartName = LineEditorState(limit: 80)
///     // In the reducer:
///     switch state.cartName.handle(key) {
///     case .confirmed(let name): return [.createCart(name: name)]   // Enter
///     case .cancelled: state.editing = nil                           // Esc
///     case .changed, .moved, .limitReached: break                    // redrawn with the new state
///     case .ignored: break                                           // not an editing key: the app's to use
///     }
///
/// Keys: characters and pastes insert at the cursor; ←/→ move by one character (a grapheme cluster: é
/// written as e + ◌́, a flag, an emoji family are each one); Home/Ctrl-A and End/Ctrl-E go to the ends;
/// Backspace and Delete/Ctrl-D remove one character; Ctrl-W removes the word before the cursor, Ctrl-U
/// everything before it, Ctrl-K everything after it; Enter confirms; Esc cancels.
///
/// Only text that can be drawn safely gets in (`clean(_:)`): line breaks and tabs become spaces, other
/// control characters and the bidi overrides are left out, so what the app sends on is what was shown.
public struct LineEditorState: Hashable, Sendable {
    public private(set) var text: String
    /// How many characters (grapheme clusters) are before the cursor: 0 is the start, `text.count` the end.
    public private(set) var cursor: Int
    /// The most characters the text may hold; nil for no limit.
    public let limit: Int?

    /// What a key did.
    public enum Outcome: Hashable, Sendable {
        /// The text changed.
        case changed
        /// The text is the same; the cursor may have moved (or the key had nothing to do, as Backspace at
        /// the start).
        case moved
        /// Input was refused because the text is at `limit`. A paste is inserted up to the limit (so the
        /// text may have changed) and the rest dropped.
        case limitReached
        /// Enter: the text as it stands. The state is left as it is (the app clears or closes it).
        case confirmed(String)
        /// Esc.
        case cancelled
        /// Not an editing key (↑, Tab, F1, a mouse click…): the app may use it.
        case ignored
    }

    /// A state holding `text` (cleaned, cut to `limit`) with the cursor at its end.
    public init(text: String = "", limit: Int? = nil) {
        self.limit = limit.map { max(0, $0) }
        let clean = Self.clean(text)
        self.text = self.limit.map { String(clean.prefix($0)) } ?? clean
        self.cursor = self.text.count
    }

    public var isEmpty: Bool { text.isEmpty }

    /// Applies one key. See the type's documentation for the keys.
    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .char(let character): return insert(String(character))
        case .paste(let pasted): return insert(Self.cleanPaste(pasted))
        case .enter: return .confirmed(text)
        case .escape: return .cancelled
        case .left: return moveCursor(to: cursor - 1)
        case .right: return moveCursor(to: cursor + 1)
        case .home, .ctrl("a"): return moveCursor(to: 0)
        case .end, .ctrl("e"): return moveCursor(to: text.count)
        case .backspace: return remove(cursor - 1..<cursor)
        case .delete, .ctrl("d"): return remove(cursor..<cursor + 1)
        case .ctrl("u"): return remove(0..<cursor)
        case .ctrl("k"): return remove(cursor..<text.count)
        case .ctrl("w"): return remove(wordStart()..<cursor)
        default: return .ignored
        }
    }

    /// Replaces the whole text (cleaned, cut to `limit`) and puts the cursor at its end.
    public mutating func setText(_ newText: String) {
        self = LineEditorState(text: newText, limit: limit)
    }

    /// `text` made safe to keep and send on: every line break (LF, CR, CR LF, NEL, U+2028/9) and tab
    /// becomes a space; other C0 and C1 controls, DEL, the bidi embedding/override/isolate controls and
    /// characters that draw as nothing on their own are left out.
    public static func clean(_ text: String) -> String {
        var out = ""
        for character in text {
            if character.unicodeScalars.allSatisfy(isSpaceLike) {
                out.append(" ")
                continue
            }
            var kept = String.UnicodeScalarView()
            for scalar in character.unicodeScalars where !isUnsafe(scalar) { kept.append(scalar) }
            let piece = String(kept)
            if !piece.isEmpty && TextWidth.of(piece) > 0 { out += piece }
        }
        return out
    }

    /// A paste as it goes into one line: its final line breaks dropped (copying a whole line takes its line
    /// break along, which should not become a trailing space), the rest `clean`ed.
    public static func cleanPaste(_ text: String) -> String {
        var text = text
        while text.last?.isNewline == true { text.removeLast() }
        return clean(text)
    }

    private static func isSpaceLike(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    // MARK: Editing

    private mutating func insert(_ raw: String) -> Outcome {
        guard !raw.isEmpty else { return .moved }
        var piece = Self.clean(raw)
        var refused = false
        if let limit {
            let room = max(0, limit - text.count)
            if piece.count > room {
                piece = String(piece.prefix(room))
                refused = true
            }
        }
        guard !piece.isEmpty else { return refused ? .limitReached : .moved }
        let split = index(cursor)
        let before = String(text[..<split]) + piece
        text = before + String(text[split...])
        // Counted again: an inserted combining mark joins the character before it.
        cursor = before.count
        return refused ? .limitReached : .changed
    }

    private mutating func moveCursor(to position: Int) -> Outcome {
        cursor = min(max(0, position), text.count)
        return .moved
    }

    private mutating func remove(_ range: Range<Int>) -> Outcome {
        let lower = max(0, range.lowerBound), upper = min(text.count, range.upperBound)
        guard lower < upper else { return .moved }
        text.removeSubrange(index(lower)..<index(upper))
        cursor = lower
        return .changed
    }

    /// Where the word before the cursor starts: back over spaces, then over the word (as readline's Ctrl-W).
    private func wordStart() -> Int {
        let characters = Array(text.prefix(cursor))
        var i = characters.count
        while i > 0 && characters[i - 1].isWhitespace { i -= 1 }
        while i > 0 && !characters[i - 1].isWhitespace { i -= 1 }
        return i
    }

    private func index(_ offset: Int) -> String.Index {
        text.index(text.startIndex, offsetBy: min(max(0, offset), text.count))
    }
}

/// Draws a `LineEditorState` on one row: an optional prompt, then the text with the cursor as a reversed
/// cell (so it shows without colour, and the terminal's own cursor can stay hidden). Text wider than the
/// field scrolls to keep the cursor in view, with `…` where text is hidden; an empty text shows the
/// placeholder, dimmed. All text goes through `Buffer.write`, so it is sanitized like everything else.
///
///     Name: Weekend cabins▮            Name: …nd cabins in the woods▮      Name: ▮ew cart name
///                                                                          (placeholder "New cart name")
public struct LineEditor: Widget, Sendable {
    public var state: LineEditorState
    public var prompt: String
    public var placeholder: String
    /// Whether the cursor is drawn (false for an editor that is shown but not being typed into).
    public var showsCursor: Bool
    public var style: Style
    public var promptStyle: Style
    public var placeholderStyle: Style
    /// Drawn over the character under the cursor.
    public var cursorStyle: Style

    public init(state: LineEditorState, prompt: String = "", placeholder: String = "", showsCursor: Bool = true,
                style: Style = .plain, promptStyle: Style = .bold, placeholderStyle: Style = .dim,
                cursorStyle: Style = .reverse) {
        self.state = state
        self.prompt = prompt
        self.placeholder = placeholder
        self.showsCursor = showsCursor
        self.style = style
        self.promptStyle = promptStyle
        self.placeholderStyle = placeholderStyle
        self.cursorStyle = cursorStyle
    }

    public func render(in area: Rect, into buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let row = area.top(1)
        buffer.fill(row, style: style)
        // The prompt gets at most half the row: the text is what is being edited.
        var x = row.x
        if !prompt.isEmpty {
            x += buffer.write(prompt, at: x, y: row.y, maxWidth: max(0, row.width / 2),
                              style: style.patched(with: promptStyle), ellipsis: "…")
        }
        let field = Rect(x: x, y: row.y, width: row.right - x, height: 1)
        guard field.width > 0 else { return }
        if state.text.isEmpty {
            buffer.write(placeholder, in: field, style: style.patched(with: placeholderStyle), ellipsis: "…")
            if showsCursor {
                let width = placeholder.first.map { max(1, TextWidth.of(String($0))) } ?? 1
                buffer.setStyle(cursorStyle, in: Rect(x: field.x, y: field.y, width: min(width, field.width), height: 1), patch: true)
            }
            return
        }
        let characters = Array(state.text)
        let widths = characters.map { TextWidth.of(String($0)) }
        let window = Self.window(widths: widths, cursor: showsCursor ? state.cursor : nil, width: field.width)
        var column = field.x
        let ellipsisStyle = style.patched(with: placeholderStyle)
        if window.first > 0 { column += buffer.write("…", at: column, y: row.y, maxWidth: 1, style: ellipsisStyle) }
        for index in window.first..<window.end {
            let isCursor = showsCursor && index == state.cursor
            column += buffer.write(String(characters[index]), at: column, y: row.y, maxWidth: field.right - column,
                                   style: isCursor ? style.patched(with: cursorStyle) : style)
        }
        if showsCursor && state.cursor == characters.count && column < field.right {
            buffer.write(" ", at: column, y: row.y, maxWidth: 1, style: style.patched(with: cursorStyle))
        }
        if window.end < characters.count { buffer.write("…", at: field.right - 1, y: row.y, maxWidth: 1, style: ellipsisStyle) }
    }

    /// Which characters are drawn in `width` columns: `first..<end`, with one column for `…` on each side
    /// that hides text. The window starts as early as it can while the cursor (a cell past the end when
    /// it is after the last character) stays in view.
    static func window(widths: [Int], cursor: Int?, width: Int) -> (first: Int, end: Int) {
        let count = widths.count
        var prefix = [0]
        prefix.reserveCapacity(count + 1)
        for w in widths { prefix.append(prefix.last! + w) }
        /// The last `end` with `prefix[end] - prefix[first] <= room` (prefix sums only grow).
        func lastFitting(from first: Int, room: Int) -> Int {
            var low = first, high = count
            while low < high {
                let mid = (low + high + 1) / 2
                if prefix[mid] - prefix[first] <= room { low = mid } else { high = mid - 1 }
            }
            return low
        }
        /// How far characters from `first` fill `width`, and whether the cursor's cell is among them.
        func fill(from first: Int) -> (end: Int, showsCursor: Bool) {
            let left = first > 0 ? 1 : 0
            let cursorAtEnd = cursor == count ? 1 : 0
            let right = left + prefix[count] - prefix[first] + cursorAtEnd > width ? 1 : 0
            let room = width - left - right
            let end = lastFitting(from: first, room: room)
            guard let cursor else { return (end, true) }
            let cursorEnd = cursor < count ? prefix[cursor + 1] : prefix[count] + 1
            return (end, cursor >= first && cursorEnd - prefix[first] <= room)
        }
        // No window starting before this one can show the cursor, even without the `…` columns.
        var first = 0
        if let cursor {
            let cursorEnd = cursor < count ? prefix[cursor + 1] : prefix[count] + 1
            while first < min(cursor, count) && cursorEnd - prefix[first] > width { first += 1 }
        }
        while first <= count {
            let result = fill(from: first)
            if result.showsCursor { return (first, result.end) }
            first += 1
        }
        // Narrower than the character under the cursor: show from the cursor on, as much as fits.
        let start = min(cursor ?? 0, count)
        return (start, fill(from: start).end)
    }
}
