import CTerminal
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes text safe to draw: every C0 control (U+0000–U+001F, including ESC, CR, LF, BS, TAB),
/// DEL and every C1 control (U+0080–U+009F) is replaced by a visible placeholder, so text from a
/// server can never move the cursor, change colours or send escape sequences.
///
/// - C0 becomes its Unicode control picture: ESC → "␛", LF → "␊", TAB → "␉", NUL → "␀".
/// - DEL becomes "␡".
/// - C1 has no control pictures: each becomes "�" (U+FFFD).
/// - Anything else `wcwidth` calls unprintable (unassigned code points, U+2028/U+2029) becomes "�",
///   because ncurses would draw it in an escaped form of unknown width.
/// - The bidi embedding/override/isolate controls (U+202A–U+202E, U+2066–U+2069) become "�": they
///   reorder the rest of the line on some terminals, moving text across column borders.
/// - The zero-width joiner (U+200D) is dropped: terminals disagree on emoji ZWJ sequences (tmux 3.3,
///   kitty and others draw 👨‍👩‍👧 as one 2-column glyph, `wcwidth` and xterm count 6), so a joined
///   sequence would shift the rest of the row. Without it every terminal draws the parts, 2 columns each.
///   The invisible direction marks (LRM, RLM, ALM) are dropped too: they only steer bidi terminals.
///
/// Every path that puts text into a `Buffer` goes through this function (`Buffer.write` calls it).
public func sanitize(_ s: String) -> String {
    var needsWork = false
    for scalar in s.unicodeScalars where !isPlainASCII(scalar) {
        if droppedScalars.contains(scalar) || placeholder(for: scalar) != nil { needsWork = true; break }
    }
    guard needsWork else { return s }
    var out = String.UnicodeScalarView()
    for scalar in s.unicodeScalars where !droppedScalars.contains(scalar) {
        out.append(placeholder(for: scalar) ?? scalar)
    }
    return String(out)
}

/// Zero-width scalars that are left out: the joiner, and the left-to-right, right-to-left and Arabic letter marks.
private let droppedScalars: Set<Unicode.Scalar> = ["\u{200D}", "\u{200E}", "\u{200F}", "\u{061C}"]

@inline(__always)
private func isPlainASCII(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value >= 0x20 && scalar.value < 0x7F
}

private let replacementCharacter: Unicode.Scalar = "\u{FFFD}"

/// The placeholder a scalar is drawn as, or nil when it is safe as it is.
private func placeholder(for scalar: Unicode.Scalar) -> Unicode.Scalar? {
    let v = scalar.value
    switch v {
    case 0x20..<0x7F: return nil
    case 0x00..<0x20: return Unicode.Scalar(0x2400 + v)
    case 0x7F: return "\u{2421}"
    case 0x80..<0xA0: return replacementCharacter
    case 0x202A...0x202E, 0x2066...0x2069: return replacementCharacter
    default: return TextWidth.columns(of: scalar) < 0 ? replacementCharacter : nil
    }
}

/// Display widths of text, as the terminal and ncurses count them: libc `wcwidth` under a UTF-8
/// locale, whatever the process locale is (tests never call `setlocale`), so the buffer and
/// ncurses always agree on where each cell goes.
///
/// Text is split into cells the way ncurses' `waddwstr` does: every scalar with a width of 1 or
/// 2 starts a cell; zero-width scalars (combining marks, ZWJ, variation selectors) attach to the
/// cell before them, at most 4 per cell (ncurses' `CCHARW_MAX` is 5); further ones are dropped.
/// An emoji ZWJ sequence is therefore as wide as its parts (👨‍👩‍👧 takes 6 columns), which is
/// what ncurses will move the cursor by.
public enum TextWidth {
    /// How many columns `s` takes once sanitized.
    public static func of(_ s: String) -> Int {
        var total = 0
        var asciiOnly = true
        for b in s.utf8 where b < 0x20 || b >= 0x7F { asciiOnly = false; break }
        if asciiOnly { return s.utf8.count }
        for cell in cells(of: s) { total += cell.width }
        return total
    }

    /// `s` cut to at most `width` columns. When it had to be cut, the last column(s) hold
    /// `ellipsis`; a wide character that would straddle the edge is dropped whole.
    public static func truncate(_ s: String, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        let parts = cells(of: s)
        let full = parts.reduce(0) { $0 + $1.width }
        if full <= width { return parts.map(\.text).joined() }
        let ellipsisCells = cells(of: ellipsis)
        let ellipsisWidth = ellipsisCells.reduce(0) { $0 + $1.width }
        let room = width - ellipsisWidth
        if room < 0 { return take(parts, width: width) }
        return take(parts, width: room) + ellipsisCells.map(\.text).joined()
    }

    /// `s` truncated (with an ellipsis) or padded with spaces to exactly `width` columns.
    /// A wide character that would end past the edge is replaced by spaces, so borders after it
    /// stay aligned.
    public static func pad(_ s: String, to width: Int, alignment: Alignment = .left, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        let cut = truncate(s, to: width, ellipsis: ellipsis)
        let gap = String(repeating: " ", count: max(0, width - of(cut)))
        switch alignment {
        case .left: return cut + gap
        case .right: return gap + cut
        case .center:
            let left = gap.count / 2
            return String(repeating: " ", count: left) + cut + String(repeating: " ", count: gap.count - left)
        }
    }

    /// Where a piece of text sits in a wider space.
    public enum Alignment: Hashable, Sendable { case left, right, center }

    /// The width of one scalar under a UTF-8 locale: 0, 1, 2, or -1 when it is not printable.
    public static func columns(of scalar: Unicode.Scalar) -> Int {
        if isPlainASCII(scalar) { return 1 }
        return UTF8Locale.shared.withLocale { rawWidth(scalar) }
    }

    /// The cells `s` occupies after sanitizing: each a spacing character plus its marks.
    static func cells(of s: String) -> [(text: String, width: Int)] {
        let safe = sanitize(s)
        var result: [(text: String, width: Int)] = []
        result.reserveCapacity(safe.utf8.count)
        var marksInLast = 0
        UTF8Locale.shared.withLocale {
            for scalar in safe.unicodeScalars {
                let w = isPlainASCII(scalar) ? 1 : rawWidth(scalar)
                if w > 0 {
                    result.append((String(scalar), min(w, 2)))
                    marksInLast = 0
                } else if w == 0 {
                    if result.isEmpty {
                        // A mark with nothing to sit on: give it a space, as ncurses does.
                        result.append((" " + String(scalar), 1))
                        marksInLast = 1
                    } else if marksInLast < 4 {
                        result[result.count - 1].text.unicodeScalars.append(scalar)
                        marksInLast += 1
                    }
                } else {
                    // Unprintable after sanitize only when no UTF-8 locale exists at all.
                    result.append(("\u{FFFD}", 1))
                    marksInLast = 0
                }
            }
        }
        return result
    }

    private static func take(_ parts: [(text: String, width: Int)], width: Int) -> String {
        var used = 0
        var out = ""
        for p in parts {
            if used + p.width > width { break }
            out += p.text
            used += p.width
        }
        return out
    }
}

/// wcwidth of a scalar under whatever locale is current on this thread.
@inline(__always)
private func rawWidth(_ scalar: Unicode.Scalar) -> Int {
    Int(tui_wcwidth(scalar.value))
}

/// A UTF-8 LC_CTYPE locale object, made once, installed per call with `uselocale` (thread-local),
/// so widths are right without touching the process locale.
private struct UTF8Locale: @unchecked Sendable {
    // @unchecked: `handle` is created once and never mutated; glibc locale objects are read-only
    // after newlocale and may be used by several threads at once.
    let handle: locale_t?

    static let shared = UTF8Locale()

    private init() {
        var found: locale_t? = nil
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"] {
            if let l = newlocale(LC_CTYPE_MASK, name, nil) { found = l; break }
        }
        handle = found
    }

    func withLocale<T>(_ body: () -> T) -> T {
        guard let handle else { return body() }
        let previous = uselocale(handle)
        defer { uselocale(previous) }
        return body()
    }
}
