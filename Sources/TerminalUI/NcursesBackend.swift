// The only Swift file that talks to ncurses.
import CNcursesw
import CTerminal
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real terminal, through ncurses. Start it once, draw frames, read events, and call
/// `shutdown()` when done (also done on deinit, at exit, on SIGINT/SIGTERM/SIGHUP and on crashes).
///
/// Terminal modes: cbreak (Ctrl-C and Ctrl-Z stay signals), noecho, keypad, no flow control
/// (Ctrl-S/Ctrl-Q are keys), Esc delay 25 ms, cursor hidden, the terminal's default colours, bracketed
/// paste (`ESC[?2004h`: a paste arrives as one `Key.paste`, never as key presses; off again on every way
/// out: `shutdown`, Ctrl-Z, signals and crashes through the reset bytes of CTerminal's restore).
public final class NcursesBackend: TerminalBackend {
    /// How the backend starts.
    public struct Options: Sendable {
        public enum Colors: Sendable, Hashable {
            /// Colours when the terminal has them and `NO_COLOR` is not set.
            case auto
            /// Attributes only (bold, reverse, underline); for `--no-color`.
            case none
        }
        public var colors: Colors
        /// Report clicks and wheel steps as `Key.mouse`.
        public var mouse: Bool
        /// Use at most this many colour pairs (default: all the terminal has). Tests make it small to show
        /// that a full pair table is reset without wrong colours on screen.
        public var colorPairLimit: Int?
        public init(colors: Colors = .auto, mouse: Bool = true, colorPairLimit: Int? = nil) {
            self.colors = colors
            self.mouse = mouse
            self.colorPairLimit = colorPairLimit
        }
    }

    /// Why the terminal could not be started.
    public enum StartError: Error, CustomStringConvertible {
        case notATerminal
        case cannotStart(term: String)
        public var description: String {
            switch self {
            case .notATerminal: return "standard input and output must be a terminal"
            case .cannotStart(let term): return "cannot start the terminal interface (TERM=\(term))"
            }
        }
    }

    public let wakeup = Wakeup()
    public private(set) var size: Size
    /// Whether colours are in use (false under NO_COLOR, `.none`, or a terminal without colours).
    public let colorsEnabled: Bool
    /// What colours the terminal shows: `.direct` draws `Color.rgb` as 24-bit colour, `.indexed256` draws it
    /// as the nearest palette colour.
    public let colorSupport: ColorSupport
    /// The terminfo entry in use: `TERM`, or its `-direct` sibling (see `directSibling(of:colorterm:)`).
    public let terminalName: String

    private let screen: OpaquePointer
    private var lastFrame: Buffer?
    private var pairs: ColorPairTable
    private let palette: TerminalPalette
    private var pending: [TerminalEvent] = []
    private var inputOpen = true
    private var paste: PasteAssembler
    /// When the open paste last received anything (a paste whose end never comes is delivered after a pause).
    private var pasteActivity = ContinuousClock.now
    private var isShutDown = false

    public init(options: Options = Options()) throws {
        guard isatty(0) == 1, isatty(1) == 1 else { throw StartError.notATerminal }
        Self.checkKeyCodes()
        // ncurses draws wide characters only under a UTF-8 LC_CTYPE; prefer the user's locale.
        // Only LC_CTYPE: number and date formatting elsewhere in the process stay as they were.
        setlocale(LC_CTYPE, "")
        if !Self.localeIsUTF8() {
            for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil { break }
        }
        // Before newterm: ncurses leaves signals alone that are already handled, so our handlers
        // (which restore the terminal even on SIGHUP and crashes) are the ones that run.
        tui_safety_save_shell_mode(1)
        tui_safety_set_notify_fd(wakeup.writeFD)
        tui_safety_install()
        // The size comes from the tty (ioctl), not from exported LINES/COLUMNS (stale after a
        // resize). use_env(false) would mean terminfo's fixed size instead: not what we want.
        use_env(true)
        use_tioctl(true)
        let noColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        let direct = options.colors == .auto && !noColor
            ? Self.directSibling(of: term, colorterm: getenv("COLORTERM").map { String(cString: $0) }) : nil
        guard let scr = newterm(direct, cn_stdout(), cn_stdin()) else {
            tui_safety_uninstall()
            throw StartError.cannotStart(term: term)
        }
        terminalName = direct ?? term
        screen = scr
        set_term(scr)
        set_escdelay(25)
        cbreak()
        noecho()
        nonl()
        let win = cn_stdscr()
        keypad(win, true)
        intrflush(win, false)
        idlok(win, true)
        wtimeout(win, 0)
        curs_set(0)
        tui_disable_flow_control(1)
        def_prog_mode()
        paste = Self.bindPasteKeys()

        if options.colors == .auto, !noColor, has_colors() {
            start_color()
            use_default_colors()
            colorsEnabled = true
        } else {
            colorsEnabled = false
        }
        let colors = colorsEnabled ? Int(cn_colors()) : 0
        colorSupport = !colorsEnabled ? .none : colors >= 1 << 24 ? .direct : colors >= 256 ? .indexed256 : .basic
        palette = TerminalPalette(support: colorSupport, colors: colors)
        let available = colorsEnabled ? Int(cn_color_pairs()) - 1 : 0
        pairs = ColorPairTable(capacity: min(available, options.colorPairLimit ?? available))

        var reset = ""
        for cap in ["rmcup", "cnorm", "sgr0", "rmkx"] {
            if let s = cn_tigetstr(cap) { reset += String(cString: s) }
        }
        if options.mouse {
            _ = mousemask(cn_button1_pressed() | cn_button1_released() | cn_button4_pressed() | cn_button5_pressed(), nil)
            _ = mouseinterval(0)
            reset += "\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1003l\u{1B}[?1006l"
        }
        reset += Self.pasteOff
        var bytes = Array(reset.utf8)
        tui_safety_set_reset_sequence(&bytes, bytes.count)
        tui_safety_set_armed(1)
        Self.writeToTerminal(Self.pasteOn)

        var rows: Int32 = 0, cols: Int32 = 0
        cn_getmaxyx(win, &rows, &cols)
        size = Size(width: Int(cols), height: Int(rows))
    }

    deinit { shutdown() }

    public func shutdown() {
        guard !isShutDown else { return }
        isShutDown = true
        tui_safety_set_armed(0)
        endwin()
        Self.writeToTerminal(Self.pasteOff)
        delscreen(screen)
        tui_safety_uninstall()
        tui_safety_set_notify_fd(-1)
    }

    // MARK: Drawing

    public func draw(_ buffer: Buffer) {
        guard !isShutDown else { return }
        let win = cn_stdscr()
        if !drawCells(buffer.diff(from: lastFrame), in: win, pairsMayRunOut: true) {
            // The pair table is full: start a new one and draw every cell with pairs from it.
            pairs.reset()
            reset_color_pairs()
            _ = drawCells(buffer.diff(from: nil), in: win, pairsMayRunOut: false)
        }
        lastFrame = buffer
        wnoutrefresh(win)
        doupdate()
    }

    /// Puts cells into stdscr. Returns false, having stopped, when a cell needs a colour pair and none is
    /// left and `pairsMayRunOut`; otherwise such cells get the default colours.
    private func drawCells(_ changes: [Buffer.Change], in win: UnsafeMutablePointer<WINDOW>?, pairsMayRunOut: Bool) -> Bool {
        var cell = cchar_t()
        var text = [wchar_t](repeating: 0, count: Int(cn_ccharw_max()) + 1)
        for change in changes where change.x < size.width && change.y < size.height {
            var n = 0
            for scalar in change.cell.grapheme.unicodeScalars where n < text.count - 1 {
                text[n] = wchar_t(bitPattern: scalar.value)
                n += 1
            }
            if n == 0 { text[0] = 32; n = 1 }
            text[n] = 0
            // A wide character can't start in the last column; the buffer never asks for it.
            let style = change.cell.style
            var number: Int32 = 0
            if colorsEnabled {
                let found = pair(style)
                if found == nil, pairsMayRunOut { return false }
                number = found ?? 0
            }
            _ = cn_setcchar_pair(&cell, text, attributes(style), number)
            _ = mvwadd_wch(win, Int32(change.y), Int32(change.x), &cell)
        }
        return true
    }

    private func attributes(_ style: Style) -> attr_t {
        var a = cn_a_normal()
        let map: [(TextAttributes, attr_t)] = [(.bold, cn_a_bold()), (.dim, cn_a_dim()), (.underline, cn_a_underline()),
                                                (.reverse, cn_a_reverse()), (.italic, cn_a_italic())]
        for (flag, value) in map where style.attributes.contains(flag) { a |= value }
        return a
    }

    /// The colour pair for a style's colours (0: the terminal's defaults), defining it when new; nil when the
    /// pair table is full.
    private func pair(_ style: Style) -> Int32? {
        let fg = palette.number(for: style.fg), bg = palette.number(for: style.bg)
        if fg == -1 && bg == -1 { return 0 }
        switch pairs.lookup(foreground: fg, background: bg) {
        case .existing(let number): return number
        case .new(let number):
            init_extended_pair(number, fg, bg)
            return number
        case .full: return nil
        }
    }

    /// The `-direct` terminfo entry to use instead of `term` (`xterm-256color` → `xterm-direct`), when the
    /// terminal says it has 24-bit colour (`COLORTERM=truecolor|24bit`, or `Tc`/`RGB` in its entry) but its
    /// entry only has 256 colours, and such an entry is installed (Debian: ncurses-term). Nil: use `TERM`.
    /// The `-direct` entries differ from their 256-colour siblings only in colours, so keys stay the same.
    static func directSibling(of term: String, colorterm: String?) -> String? {
        guard !term.isEmpty, let entry = probe(term), entry.colors >= 256, entry.colors < 1 << 24 else { return nil }
        let said = ["truecolor", "24bit"].contains(colorterm?.lowercased() ?? "")
        guard said || entry.truecolor else { return nil }
        let base = term.hasSuffix("-256color") ? String(term.dropLast("-256color".count)) : term
        let sibling = base + "-direct"
        guard let direct = probe(sibling), direct.colors >= 1 << 24 else { return nil }
        return sibling
    }

    private static func probe(_ name: String) -> (colors: Int, truecolor: Bool)? {
        var colors: Int32 = 0, truecolor: Int32 = 0
        guard cn_probe_terminal(name, &colors, &truecolor) == 0 else { return nil }
        return (Int(colors), truecolor != 0)
    }

    // MARK: Events

    public func nextEvent(timeout: Duration?) -> TerminalEvent? {
        guard !isShutDown else { return nil }
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            handle(wakeup.drain())
            if !pending.isEmpty { continue }
            if inputOpen, let event = readKey() { return event }
            if paste.isPasting, ContinuousClock.now - pasteActivity >= Self.pasteStall, let key = paste.finish() {
                return .key(key)
            }
            var fds = [pollfd(fd: wakeup.readFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inputOpen ? 0 : -1, events: Int16(POLLIN), revents: 0)]
            var ms = deadline.map { Wakeup.milliseconds(until: $0) } ?? -1
            if paste.isPasting {
                let stall = Wakeup.milliseconds(until: pasteActivity + Self.pasteStall)
                ms = ms < 0 ? stall : min(ms, stall)
            }
            let r = poll(&fds, 2, ms)
            if r == 0 {
                if paste.isPasting, ContinuousClock.now - pasteActivity >= Self.pasteStall { continue }
                return nil
            }
            if r < 0 {
                if errno == EINTR { continue }
                return nil
            }
            let bad = Int16(POLLHUP | POLLERR | POLLNVAL)
            // The terminal went away: stop reading it (SIGHUP follows) rather than spin.
            if fds[1].revents & bad != 0 && fds[1].revents & Int16(POLLIN) == 0 { inputOpen = false }
        }
    }

    /// One key from ncurses, without waiting; nil when none is ready (or a paste is still arriving).
    private func readKey() -> TerminalEvent? {
        while true {
            var ch: wint_t = 0
            let status = wget_wch(cn_stdscr(), &ch)
            if status == cn_err() { return nil }
            if paste.isPasting {
                pasteActivity = .now
                if let key = paste.decode(status: status, code: UInt32(ch)) { return .key(key) }
                continue
            }
            if status == cn_key_code_yes() {
                if Int32(ch) == cn_key_mouse() {
                    var event = MEVENT()
                    guard getmouse(&event) == cn_ok(),
                          let m = KeyDecoder.mouseEvent(buttonState: UInt32(truncatingIfNeeded: event.bstate), x: Int(event.x), y: Int(event.y))
                    else { continue }
                    return .key(.mouse(m))
                }
                if Int32(ch) == cn_key_resize() {
                    updateSize(askTerminal: false)
                    return .resize(size)
                }
            }
            if let key = paste.decode(status: status, code: UInt32(ch)) { return .key(key) }
            pasteActivity = .now  // a paste started
        }
    }

    /// Bytes from the self-pipe: 'w' wake, 'r' SIGWINCH, 'c' back from Ctrl-Z.
    private func handle(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if bytes.contains(UInt8(ascii: "c")) {
            resumeAfterStop()
            pending.append(.resize(size))
        } else if bytes.contains(UInt8(ascii: "r")) {
            updateSize()
            pending.append(.resize(size))
        }
        if bytes.contains(UInt8(ascii: "w")) { pending.append(.wake) }
    }

    /// Takes the terminal's size (after SIGWINCH or a stop) or ncurses' own (after KEY_RESIZE)
    /// and arranges a full redraw.
    private func updateSize(askTerminal: Bool = true) {
        var rows: Int32 = 0, cols: Int32 = 0
        cn_getmaxyx(cn_stdscr(), &rows, &cols)
        var newRows: Int32 = 0, newCols: Int32 = 0
        if askTerminal, tui_terminal_size(1, &newRows, &newCols) == 0, newRows != rows || newCols != cols {
            // resize_term, not resizeterm: the latter also queues a KEY_RESIZE we'd read as a
            // second resize.
            resize_term(newRows, newCols)
            cn_getmaxyx(cn_stdscr(), &rows, &cols)
        }
        size = Size(width: Int(cols), height: Int(rows))
        // Everything is redrawn at the new size; tmux and others leave old content behind.
        lastFrame = nil
        clearok(cn_curscr(), true)
    }

    private func resumeAfterStop() {
        guard !isShutDown else { return }
        // The signal handler left the shell's modes; endwin makes ncurses agree, and the next
        // doupdate re-enters full-screen mode (alternate screen, keypad, mouse, cursor).
        // But the handler also left the alternate screen behind ncurses' back: endwin's own rmcup on
        // the normal screen would restore the cursor saved when the app first started, and the shell's
        // prompt would land on top of earlier output after quitting. Re-entering the alternate screen
        // first makes endwin's exit happen where ncurses thinks it is, and saves the shell's cursor now.
        if let enter = cn_tigetstr("smcup") {
            let bytes = Array(String(cString: enter).utf8)
            _ = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        }
        tui_safety_set_armed(0)
        endwin()
        tui_safety_set_armed(1)
        updateSize()
        // stdscr still holds the last frame; with clearok(curscr) this repaints all of it.
        wnoutrefresh(cn_stdscr())
        doupdate()
        Self.writeToTerminal(Self.pasteOn)  // the stop handler's restore turned it off
    }

    /// OSC 52, written straight to the terminal after what ncurses has buffered (ncurses has no call for it).
    public func copyToClipboard(_ text: String) {
        guard !isShutDown else { return }
        Self.writeToTerminal(Clipboard.osc52(text))
    }

    public func suspend() {
        guard !isShutDown else { return }
        raise(SIGTSTP)  // our handler restores the terminal and stops; on fg it posts 'c'
        handle(wakeup.drain())
    }

    // MARK: Bracketed paste

    static let pasteOn = "\u{1B}[?2004h"
    static let pasteOff = "\u{1B}[?2004l"
    /// How long an open paste may go without a byte before what arrived is delivered anyway.
    static let pasteStall: Duration = .seconds(1)

    /// Binds the paste brackets `ESC[200~` and `ESC[201~` to two key codes no terminfo key uses, so ncurses
    /// matches them (with its Esc-delay logic) and never splits them into Esc and characters.
    private static func bindPasteKeys() -> PasteAssembler {
        var unbound: [Int32] = []
        var code = Int32(cn_key_max()) + 1
        while unbound.count < 2 {
            if let bound = keybound(code, 0) { free(bound) } else { unbound.append(code) }
            code += 1
        }
        define_key("\u{1B}[200~", unbound[0])
        define_key("\u{1B}[201~", unbound[1])
        return PasteAssembler(startCode: UInt32(unbound[0]), endCode: UInt32(unbound[1]))
    }

    /// Writes terminal modes ncurses does not manage, straight to the terminal (after what ncurses buffered).
    private static func writeToTerminal(_ text: String) {
        fflush(cn_stdout())
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    /// ncurses' key codes are ABI, copied in `KeyDecoder` so decoding stays pure; check them.
    private static func checkKeyCodes() {
        assert(Int32(KeyDecoder.keyCodeYes) == cn_key_code_yes())
        assert(UInt32(cn_key_up()) == KeyDecoder.keyUp)
        assert(UInt32(cn_key_f0()) == KeyDecoder.keyF0)
        assert(UInt32(cn_key_btab()) == KeyDecoder.keyBTab)
        assert(UInt32(cn_key_end()) == KeyDecoder.keyEnd)
        assert(UInt32(cn_key_mouse()) == KeyDecoder.keyMouse)
        assert(UInt32(cn_key_resize()) == KeyDecoder.keyResize)
        assert(UInt32(truncatingIfNeeded: cn_button4_pressed()) == KeyDecoder.button4Pressed)
        assert(UInt32(truncatingIfNeeded: cn_button5_pressed()) == KeyDecoder.button5Pressed)
    }

    private static func localeIsUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).lowercased()
        return name == "utf-8" || name == "utf8"
    }
}
