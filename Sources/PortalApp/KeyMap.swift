import TerminalUI

/// What a key asks the app to do, independent of which key it was. The raw value is the command's name in the
/// configuration file's `[keys]` table.
public enum Command: String, CaseIterable, Hashable, Sendable {
    case moveUp = "up"
    case moveDown = "down"
    case pageUp = "page-up"
    case pageDown = "page-down"
    case top
    case bottom
    case activate
    case open
    case favorite
    case reject
    case addToCart = "add-to-cart"
    case remove
    case previousListing = "previous-listing"
    case nextListing = "next-listing"
    case newCart = "new-cart"
    case rename
    case delete
    case undo
    case back
    case nextPane = "next-pane"
    case previousPane = "previous-pane"
    case refresh
    case filter
    case requestLog = "request-log"
    case help
    case quit
    case suspend
    case nextPhoto = "next-photo"
    case previousPhoto = "previous-photo"
    case lastError = "last-error"
    case previousTab = "previous-tab"
    case nextTab = "next-tab"
    case pauseFeed = "pause-feed"
    case actAs = "act-as"

    /// The commands that act on the highlighted row of a list: they do nothing in a list with no row.
    public static let rowActions: Set<Command> = [.activate, .open, .favorite, .reject, .addToCart, .remove, .rename, .delete,
                                                  .pauseFeed]
}

/// Where the user is, as far as keys are concerned: a pane's list, or a listing's details.
public enum KeyContext: Hashable, Sendable, CaseIterable {
    case groups, members, carts, listings, details
    /// The workspace pane's Searches and Feeds tabs.
    case searches, feeds
}

/// Where a binding works: a named set of contexts. Two bindings may share a key only where their scopes do not
/// overlap (`d` removes a listing in the listings and deletes a cart in the carts pane); the help screen lists
/// the keys under these names.
public struct KeyScope: Hashable, Sendable {
    /// The help screen's heading for the keys of this scope.
    public var name: String
    public var contexts: Set<KeyContext>

    public init(_ name: String, _ contexts: Set<KeyContext>) {
        self.name = name
        self.contexts = contexts
    }

    public static let everywhere = KeyScope("Everywhere", Set(KeyContext.allCases))
    public static let panes = KeyScope("In the panes", [.groups, .members, .carts, .listings, .searches, .feeds])
    /// Where Enter uses or opens the highlighted row (a group; a cart's, a search's or a feed's listings).
    public static let opening = KeyScope("Portal groups, carts, searches and feeds", [.groups, .carts, .searches, .feeds])
    /// The workspace pane's tabs, where `[` and `]` switch them.
    public static let workspaceTabs = KeyScope("Carts, searches and feeds", [.carts, .searches, .feeds])
    public static let carts = KeyScope("Listing carts", [.carts])
    public static let cartsAndSearches = KeyScope("Listing carts and saved searches", [.carts, .searches])
    public static let feeds = KeyScope("News feeds", [.feeds])
    public static let listings = KeyScope("Listings", [.listings])
    public static let listingsAndDetails = KeyScope("Listings and listing details", [.listings, .details])
    public static let details = KeyScope("Listing details", [.details])

    /// The order of the help screen's sections.
    public static let all: [KeyScope] = [.everywhere, .panes, .opening, .workspaceTabs, .carts, .cartsAndSearches, .feeds,
                                         .listings, .listingsAndDetails, .details]

    public func overlaps(_ other: KeyScope) -> Bool { !contexts.isDisjoint(with: other.contexts) }
}

/// One row of the key table: the keys, where they work, how they are written, and what they do.
public struct KeyBinding: Equatable, Sendable {
    public var command: Command
    public var keys: [Key]
    public var scope: KeyScope
    /// How the keys are written in help, e.g. "↑/k".
    public var label: String
    /// What the help screen says the command does.
    public var summary: String
    /// The word in the status bar's hints ("favorite"); nil for a command only the help screen lists.
    public var hint: String?

    public init(_ command: Command, keys: [Key], scope: KeyScope, label: String, summary: String, hint: String? = nil) {
        self.command = command
        self.keys = keys
        self.scope = scope
        self.label = label
        self.summary = summary
        self.hint = hint
    }
}

/// Two commands that one key would run in the same place (a configuration mistake).
public struct KeyConflict: Equatable, Sendable {
    public var key: Key
    public var first: Command
    public var second: Command
    /// Where both would work.
    public var contexts: Set<KeyContext>
}

/// The one key table: it decides what keys do where, and it writes the status-bar hints (in its order) and the
/// `?` help (grouped by scope), so the three can never disagree.
public struct KeyMap: Equatable, Sendable {
    public var bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) {
        self.bindings = bindings
    }

    public static let standard = KeyMap(bindings: [
        KeyBinding(.moveUp, keys: [.up, .char("k")], scope: .everywhere, label: "↑/k", summary: "move up (scroll in details)"),
        KeyBinding(.moveDown, keys: [.down, .char("j")], scope: .everywhere, label: "↓/j", summary: "move down (scroll in details)"),
        KeyBinding(.pageUp, keys: [.pageUp, .ctrl("b")], scope: .everywhere, label: "PgUp/^B", summary: "page up"),
        KeyBinding(.pageDown, keys: [.pageDown, .ctrl("f")], scope: .everywhere, label: "PgDn/^F", summary: "page down"),
        KeyBinding(.top, keys: [.home, .char("g")], scope: .everywhere, label: "g/Home", summary: "first row (top)"),
        KeyBinding(.bottom, keys: [.end, .char("G")], scope: .everywhere, label: "G/End", summary: "last row (bottom)"),
        KeyBinding(.previousTab, keys: [.char("[")], scope: .workspaceTabs, label: "[", summary: "previous tab (Carts · Searches · Feeds)"),
        KeyBinding(.nextTab, keys: [.char("]")], scope: .workspaceTabs, label: "]", summary: "next tab (Carts · Searches · Feeds)"),
        KeyBinding(.activate, keys: [.enter], scope: .opening, label: "Enter",
                   summary: "use the group / open the listings of the cart, search or feed"),
        KeyBinding(.open, keys: [.enter], scope: .listings, label: "Enter", summary: "the listing's details", hint: "details"),
        KeyBinding(.favorite, keys: [.char("f")], scope: .listingsAndDetails, label: "f",
                   summary: "favorite: into Favorites, out of Rejects; again takes it out", hint: "favorite"),
        KeyBinding(.reject, keys: [.char("x")], scope: .listingsAndDetails, label: "x",
                   summary: "reject: into Rejects, out of Favorites; again takes it out", hint: "reject"),
        KeyBinding(.addToCart, keys: [.char("a")], scope: .listingsAndDetails, label: "a",
                   summary: "add the listing to a cart (or a new cart)", hint: "add"),
        KeyBinding(.remove, keys: [.char("d")], scope: .listings, label: "d", summary: "remove the listing from this cart",
                   hint: "remove"),
        KeyBinding(.previousListing, keys: [.left, .char("h")], scope: .details, label: "←/h", summary: "previous listing",
                   hint: "prev"),
        KeyBinding(.nextListing, keys: [.right, .char("l")], scope: .details, label: "→/l", summary: "next listing",
                   hint: "next"),
        KeyBinding(.nextPhoto, keys: [.char("p")], scope: .details, label: "p", summary: "next photo of the listing",
                   hint: "photo"),
        KeyBinding(.previousPhoto, keys: [.char("P")], scope: .details, label: "P", summary: "previous photo of the listing"),
        KeyBinding(.newCart, keys: [.char("n")], scope: .carts, label: "n", summary: "new cart", hint: "new"),
        KeyBinding(.rename, keys: [.char("R")], scope: .cartsAndSearches, label: "R",
                   summary: "rename the cart or saved search (your own)", hint: "rename"),
        KeyBinding(.delete, keys: [.char("d")], scope: .cartsAndSearches, label: "d",
                   summary: "delete the cart or saved search (your own; asks first)", hint: "delete"),
        KeyBinding(.pauseFeed, keys: [.char("p"), .char(" ")], scope: .feeds, label: "p/Space",
                   summary: "pause the news feed, or resume a paused one", hint: "pause/resume"),
        KeyBinding(.undo, keys: [.char("u")], scope: .everywhere, label: "u", summary: "undo the last change of this session",
                   hint: "undo"),
        KeyBinding(.back, keys: [.escape], scope: .everywhere, label: "Esc", summary: "back / clear the filter / close"),
        KeyBinding(.nextPane, keys: [.tab, .right, .char("l")], scope: .panes, label: "Tab/→/l", summary: "next pane",
                   hint: "pane"),
        KeyBinding(.previousPane, keys: [.backTab, .left, .char("h")], scope: .panes, label: "S-Tab/←/h",
                   summary: "previous pane"),
        KeyBinding(.refresh, keys: [.char("r")], scope: .everywhere, label: "r", summary: "refresh everything (retry)",
                   hint: "refresh"),
        KeyBinding(.filter, keys: [.char("/")], scope: .panes, label: "/", summary: "filter the focused list", hint: "filter"),
        KeyBinding(.requestLog, keys: [.char("L")], scope: .everywhere, label: "L", summary: "request log", hint: "requests"),
        KeyBinding(.help, keys: [.char("?"), .function(1)], scope: .everywhere, label: "?/F1", summary: "help", hint: "help"),
        KeyBinding(.quit, keys: [.char("q"), .ctrl("c")], scope: .everywhere, label: "q/^C", summary: "quit", hint: "quit"),
        KeyBinding(.suspend, keys: [.ctrl("z")], scope: .everywhere, label: "^Z", summary: "suspend (fg to return)"),
        KeyBinding(.lastError, keys: [.char("e")], scope: .everywhere, label: "e",
                   summary: "the last error, whole: what was asked, the answer, what to do", hint: "error"),
        KeyBinding(.actAs, keys: [.char("A")], scope: .everywhere, label: "A",
                   summary: "act as another member of the group (--demo only)", hint: "act as"),
    ])

    /// The command a key runs where the user is.
    public func command(for key: Key, in context: KeyContext) -> Command? {
        bindings.first { $0.scope.contexts.contains(context) && $0.keys.contains(key) }?.command
    }

    public func binding(_ command: Command) -> KeyBinding? {
        bindings.first { $0.command == command }
    }

    /// Replaces the keys of one command (from the configuration file). A key that now runs two commands in one
    /// place is a mistake the caller reports (`conflicts`).
    public mutating func rebind(_ command: Command, to keys: [Key], label: String) {
        if let index = bindings.firstIndex(where: { $0.command == command }) {
            bindings[index].keys = keys
            bindings[index].label = label
        }
    }

    /// Every key bound to two commands whose scopes overlap, in table order.
    public func conflicts() -> [KeyConflict] {
        var found: [KeyConflict] = []
        for (i, first) in bindings.enumerated() {
            for second in bindings[(i + 1)...] where first.scope.overlaps(second.scope) {
                for key in first.keys where second.keys.contains(key) {
                    found.append(KeyConflict(key: key, first: first.command, second: second.command,
                                             contexts: first.scope.contexts.intersection(second.scope.contexts)))
                }
            }
        }
        return found
    }

    /// The hints for the status bar in `context`, in the table's order: what the keys that work there do, with
    /// Enter phrased for where the user is. Up and down make one hint ("↑↓/jk move"). Without `rowActions` (a list
    /// with no row), the keys that act on the highlighted row are left out.
    public func hints(in context: KeyContext, rowActions: Bool = true) -> [KeyHint] {
        var hints: [KeyHint] = []
        for binding in bindings where binding.scope.contexts.contains(context) && !binding.keys.isEmpty
            && (rowActions || !Command.rowActions.contains(binding.command)) {
            let key = Self.describe(binding.keys[0])
            switch binding.command {
            case .moveDown:
                if let move = moveHint(in: context) { hints.append(move) }
            case .activate:
                switch context {
                case .groups: hints.append(KeyHint(key: key, label: "use group"))
                case .carts: hints.append(KeyHint(key: key, label: "open cart"))
                case .searches, .feeds: hints.append(KeyHint(key: key, label: "listings"))
                default: break
                }
            case .nextTab:
                // One hint for both: "[/] tab".
                let previous = self.binding(.previousTab)?.keys.first.map { Self.describe($0) + "/" } ?? ""
                hints.append(KeyHint(key: previous + key, label: "tab"))
            case .back:
                if context == .listings || context == .details { hints.append(KeyHint(key: key, label: "back")) }
            default:
                if let hint = binding.hint { hints.append(KeyHint(key: key, label: hint)) }
            }
        }
        return hints
    }

    /// "↑↓/jk move" (or "↑↓ scroll" in details): the arrows when both commands keep them, and their letters — as the
    /// pair "jk" when they are vi's, otherwise each named ("↑↓/k/n"), so a rebinding never reads as a word.
    private func moveHint(in context: KeyContext) -> KeyHint? {
        guard let up = binding(.moveUp), let down = binding(.moveDown) else { return nil }
        func letter(_ binding: KeyBinding) -> String? {
            binding.keys.lazy.compactMap { if case .char(let c) = $0 { String(c) } else { nil } }.first
        }
        var parts: [String] = []
        if up.keys.contains(.up), down.keys.contains(.down) { parts.append("↑↓") }
        switch (letter(up), letter(down)) {
        case ("k"?, "j"?): parts.append("jk")
        case (let u?, let d?): parts.append("\(u)/\(d)")
        default: break
        }
        if parts.isEmpty, let u = up.keys.first, let d = down.keys.first { parts = [Self.describe(u), Self.describe(d)] }
        guard !parts.isEmpty else { return nil }
        return KeyHint(key: parts.joined(separator: "/"), label: context == .details ? "scroll" : "move")
    }

    /// The help screen's sections: each scope's name and its bindings (label and summary), in table order.
    public var helpSections: [(scope: KeyScope, bindings: [KeyBinding])] {
        KeyScope.all.compactMap { scope in
            let members = bindings.filter { $0.scope == scope && !$0.keys.isEmpty }
            return members.isEmpty ? nil : (scope, members)
        }
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
