import TerminalUI

/// What a key asks the app to do, independent of which key it was.
public enum Command: String, CaseIterable, Hashable, Sendable {
    case moveUp = "up"
    case moveDown = "down"
    case pageUp = "page-up"
    case pageDown = "page-down"
    case top
    case bottom
    case nextPane = "next-pane"
    case previousPane = "previous-pane"
    case activate
    case back
    case refresh
    case filter
    case help
    case requestLog = "request-log"
    case quit
    case suspend
}

/// One row of the key table: the keys, how they are written, and what they do.
public struct KeyBinding: Equatable, Sendable {
    public var command: Command
    public var keys: [Key]
    /// How the keys are written in hints and help, e.g. "↑↓/jk".
    public var label: String
    /// What the help screen says the command does.
    public var summary: String

    public init(_ command: Command, keys: [Key], label: String, summary: String) {
        self.command = command
        self.keys = keys
        self.label = label
        self.summary = summary
    }
}

/// The one key table: it decides what keys do, and it writes the status-bar hints and the `?` help,
/// so the three can never disagree.
public struct KeyMap: Equatable, Sendable {
    public var bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) {
        self.bindings = bindings
    }

    public static let standard = KeyMap(bindings: [
        KeyBinding(.moveUp, keys: [.up, .char("k")], label: "↑/k", summary: "move up"),
        KeyBinding(.moveDown, keys: [.down, .char("j")], label: "↓/j", summary: "move down"),
        KeyBinding(.pageUp, keys: [.pageUp, .ctrl("b")], label: "PgUp", summary: "page up"),
        KeyBinding(.pageDown, keys: [.pageDown, .ctrl("f")], label: "PgDn", summary: "page down"),
        KeyBinding(.top, keys: [.home, .char("g")], label: "g/Home", summary: "first row"),
        KeyBinding(.bottom, keys: [.end, .char("G")], label: "G/End", summary: "last row"),
        KeyBinding(.nextPane, keys: [.tab, .right, .char("l")], label: "Tab/→/l", summary: "next pane"),
        KeyBinding(.previousPane, keys: [.backTab, .left, .char("h")], label: "S-Tab/←/h", summary: "previous pane"),
        KeyBinding(.activate, keys: [.enter], label: "Enter", summary: "use the group / open the cart"),
        KeyBinding(.back, keys: [.escape], label: "Esc", summary: "back / clear filter / close"),
        KeyBinding(.refresh, keys: [.char("r")], label: "r", summary: "refresh everything (retry)"),
        KeyBinding(.filter, keys: [.char("/")], label: "/", summary: "filter the focused list"),
        KeyBinding(.requestLog, keys: [.char("L")], label: "L", summary: "request log"),
        KeyBinding(.help, keys: [.char("?"), .function(1)], label: "?", summary: "help"),
        KeyBinding(.quit, keys: [.char("q"), .ctrl("c")], label: "q", summary: "quit"),
        KeyBinding(.suspend, keys: [.ctrl("z")], label: "^Z", summary: "suspend (fg to return)"),
    ])

    public func command(for key: Key) -> Command? {
        bindings.first { $0.keys.contains(key) }?.command
    }

    public func binding(_ command: Command) -> KeyBinding? {
        bindings.first { $0.command == command }
    }

    /// Replaces the keys of one command (from the configuration file); other commands lose those keys.
    public mutating func rebind(_ command: Command, to keys: [Key], label: String) {
        for index in bindings.indices {
            bindings[index].keys.removeAll { keys.contains($0) }
        }
        if let index = bindings.firstIndex(where: { $0.command == command }) {
            bindings[index].keys = keys
            bindings[index].label = label
        }
    }

    /// The hints for the status bar, most useful first, phrased for what Enter does where the user is.
    public func hints(for state: AppState) -> [(key: String, label: String)] {
        func label(_ command: Command) -> String? { binding(command)?.label }
        var hints: [(key: String, label: String)] = []
        if state.editingFilter != nil {
            return [("Enter", "keep filter"), ("Esc", "clear filter")]
        }
        if state.overlay != nil {
            return [("Esc", "close"), ("↑↓", "scroll")]
        }
        if let up = binding(.moveUp), let down = binding(.moveDown) {
            let arrows = up.keys.contains(.up) && down.keys.contains(.down) ? "↑↓" : ""
            let letters = [down, up].compactMap { binding in
                binding.keys.compactMap { if case .char(let c) = $0 { String(c) } else { nil } }.first
            }.joined()
            hints.append(([arrows, letters].filter { !$0.isEmpty }.joined(separator: "/"), "move"))
        }
        if let key = binding(.nextPane)?.keys.first.map(Self.describe) { hints.append((key, "pane")) }
        if let key = label(.activate) {
            switch state.focusedList {
            case .groups: hints.append((key, "use group"))
            case .carts: hints.append((key, "open cart"))
            case .members, .listings: break
            }
        }
        if state.listings != nil, state.focus == .carts, let key = label(.back) { hints.append((key, "back")) }
        for (command, text) in [(Command.refresh, "refresh"), (.filter, "filter"), (.requestLog, "requests"),
                                (.help, "help"), (.quit, "quit")] {
            if let key = label(command) { hints.append((key, text)) }
        }
        return hints
    }

    /// How a key is written for people.
    public static func describe(_ key: Key) -> String {
        switch key {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Bksp"
        case .delete: "Del"
        case .ctrl(let c): "^\(c.uppercased())"
        case .function(let n): "F\(n)"
        case .mouse: "mouse"
        case .paste: "paste"
        case .resize: "resize"
        case .unknown(let code): "key \(code)"
        }
    }
}
