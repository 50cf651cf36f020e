/// A key the user pressed (or a mouse event, or a resize), decoded from ncurses' `wget_wch`.
public enum Key: Hashable, Sendable {
    /// A printable character, any script (`q`, `é`, `中`).
    case char(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case tab, backTab, enter, escape, backspace, delete
    /// Ctrl with a letter, lower case (`.ctrl("a")`); Ctrl-Space / Ctrl-@ is `.ctrl(" ")`.
    /// Ctrl-C and Ctrl-Z normally arrive as signals instead (the terminal keeps ISIG).
    case ctrl(Character)
    /// F1…F63.
    case function(Int)
    case mouse(MouseEvent)
    /// Text the user pasted, whole, from a terminal in bracketed-paste mode (the ncurses backend asks for it).
    /// Line breaks arrive as `"\n"` (a terminal sends CR, LF or CR LF); everything else as pasted, control
    /// characters included: text editors clean it (`LineEditorState` does) before storing it, and
    /// `Buffer.write` sanitizes it like any other text. Pasted text is never read as key presses, so a
    /// paste cannot run commands.
    case paste(String)
    /// ncurses' KEY_RESIZE; backends report resizes as `TerminalEvent.resize` instead.
    case resize
    /// A key ncurses knows that this enum does not name (the raw code).
    case unknown(Int32)
}

/// A mouse click or wheel step at a screen position (0-based cells).
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case press, release, wheelUp, wheelDown }
    public var kind: Kind
    public var x: Int
    public var y: Int
    public init(kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}

/// Turns what `wget_wch` returned into a `Key`. Pure, so tests can feed recorded sequences.
///
/// `wget_wch` returns a status and a code: `OK` (0) with a character (wint_t), or
/// `KEY_CODE_YES` (0o400) with one of the `KEY_*` function-key codes. The numbers below are
/// ncurses' ABI (curses.h, ncurses 5 and 6); the ncurses backend checks them against the header
/// at start-up.
public enum KeyDecoder {
    public static let ok: Int32 = 0
    public static let keyCodeYes: Int32 = 0o400

    public static let keyDown: UInt32 = 0o402
    public static let keyUp: UInt32 = 0o403
    public static let keyLeft: UInt32 = 0o404
    public static let keyRight: UInt32 = 0o405
    public static let keyHome: UInt32 = 0o406
    public static let keyBackspace: UInt32 = 0o407
    public static let keyF0: UInt32 = 0o410
    public static let keyDC: UInt32 = 0o512
    public static let keyNPage: UInt32 = 0o522
    public static let keyPPage: UInt32 = 0o523
    public static let keyEnter: UInt32 = 0o527
    public static let keyBTab: UInt32 = 0o541
    public static let keyEnd: UInt32 = 0o550
    public static let keyMouse: UInt32 = 0o631
    public static let keyResize: UInt32 = 0o632

    /// The key for one `wget_wch` result. `KEY_MOUSE` decodes to `.unknown(KEY_MOUSE)`: the
    /// backend reads the mouse event with `getmouse` and uses `mouseEvent(...)` instead.
    public static func decode(status: Int32, code: UInt32) -> Key {
        if status == keyCodeYes { return decodeFunctionKey(code) }
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 0: return .ctrl(" ")
        case 1...26: return .ctrl(Character(Unicode.Scalar(code + 0x60)!))
        case 28...31: return .ctrl(Character(Unicode.Scalar(code + 0x40)!))
        default:
            guard let scalar = Unicode.Scalar(code), !(0x80..<0xA0).contains(code) else {
                return .unknown(Int32(bitPattern: code))
            }
            return .char(Character(scalar))
        }
    }

    static func decodeFunctionKey(_ code: UInt32) -> Key {
        switch code {
        case keyDown: return .down
        case keyUp: return .up
        case keyLeft: return .left
        case keyRight: return .right
        case keyHome: return .home
        case keyEnd: return .end
        case keyBackspace: return .backspace
        case keyDC: return .delete
        case keyNPage: return .pageDown
        case keyPPage: return .pageUp
        case keyEnter: return .enter
        case keyBTab: return .backTab
        case keyResize: return .resize
        case (keyF0 + 1)...(keyF0 + 63): return .function(Int(code - keyF0))
        default: return .unknown(Int32(bitPattern: code))
        }
    }

    // ncurses mouse masks (NCURSES_MOUSE_VERSION 2): 5 bits per button, button n at (n-1)*5.
    public static let button1Released: UInt32 = 0o1
    public static let button1Pressed: UInt32 = 0o2
    public static let button1Clicked: UInt32 = 0o4
    public static let button4Pressed: UInt32 = 0o2 << 15
    public static let button5Pressed: UInt32 = 0o2 << 20

    /// The mouse event for a `getmouse` result, or nil for events we do not use (other buttons,
    /// double clicks, motion).
    public static func mouseEvent(buttonState: UInt32, x: Int, y: Int) -> MouseEvent? {
        if buttonState & button4Pressed != 0 { return MouseEvent(kind: .wheelUp, x: x, y: y) }
        if buttonState & button5Pressed != 0 { return MouseEvent(kind: .wheelDown, x: x, y: y) }
        if buttonState & (button1Pressed | button1Clicked) != 0 { return MouseEvent(kind: .press, x: x, y: y) }
        if buttonState & button1Released != 0 { return MouseEvent(kind: .release, x: x, y: y) }
        return nil
    }
}

/// Puts a bracketed paste back together from `wget_wch` results, and decodes everything else with
/// `KeyDecoder`. A terminal in bracketed-paste mode wraps pasted text in `ESC[200~` … `ESC[201~`; the
/// ncurses backend binds those two sequences to key codes of their own (`define_key`), so they arrive as
/// `KEY_CODE_YES` with `startCode` and `endCode`, and what comes between them is the pasted text, delivered
/// as one `Key.paste` when the end arrives. Pure, so tests can feed recorded sequences.
///
/// Inside a paste: CR, LF and CR LF each become one `"\n"`; other characters are kept as they came
/// (control characters included: `Key.paste` says who cleans them); a function key ncurses recognised in
/// the pasted bytes (an escape sequence inside the text) is dropped, never sent as a key press. A paste
/// keeps at most `limit` characters; the rest is dropped.
public struct PasteAssembler: Sendable {
    public let startCode: UInt32
    public let endCode: UInt32
    public let limit: Int
    /// The text pasted so far, while a paste is open.
    private var pasted: String.UnicodeScalarView?
    private var count = 0
    private var afterCR = false

    public init(startCode: UInt32, endCode: UInt32, limit: Int = 1 << 20) {
        self.startCode = startCode
        self.endCode = endCode
        self.limit = limit
    }

    /// Whether a paste has started and not ended.
    public var isPasting: Bool { pasted != nil }

    /// The key for one `wget_wch` result, or nil while a paste is being collected (and for the result
    /// that starts one, and for a stray end).
    public mutating func decode(status: Int32, code: UInt32) -> Key? {
        let isCode = status == KeyDecoder.keyCodeYes
        guard var text = pasted else {
            if isCode && (code == startCode || code == endCode) {
                if code == startCode { pasted = String.UnicodeScalarView(); count = 0; afterCR = false }
                return nil
            }
            return KeyDecoder.decode(status: status, code: code)
        }
        if isCode {
            if code == endCode { return finish() }
            return nil  // a key ncurses found inside the pasted bytes: not a key press
        }
        pasted = nil  // keep the buffer uniquely referenced while appending
        defer { pasted = text }
        let wasCR = afterCR
        afterCR = code == 13
        if code == 10 && wasCR { return nil }  // CR LF is one line break
        guard count < limit, let scalar = Unicode.Scalar(code) else { return nil }
        text.append(code == 13 || code == 10 ? "\n" : scalar)
        count += 1
        return nil
    }

    /// Ends an open paste whose end never came (the terminal stalled or was cut off): what arrived, as a
    /// paste. Nil when no paste is open.
    public mutating func finish() -> Key? {
        guard let text = pasted else { return nil }
        pasted = nil
        return .paste(String(text))
    }
}
