import Foundation
import PortalApp
import TerminalPictures
import TerminalUI

/// A mistake in the configuration file, named by path and line so the user can fix it.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String

    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}

/// The optional configuration file, `$XDG_CONFIG_HOME/spark-portal/config.toml`
/// (or `~/.config/spark-portal/config.toml`). Flags beat environment variables beat this file beat defaults.
///
/// ```toml
/// endpoint = "https://sparkapi.com"
/// user_agent = "my-brokerage-portal"
/// color = true
/// mouse = false
/// photos = "cells"
/// refresh_interval = 20
/// cache = true
///
/// [keys]
/// quit = "x"
/// down = ["j", "ctrl-n"]
/// ```
public struct ConfigFile: Equatable, Sendable {
    public var endpoint: String?
    public var userAgent: String?
    public var color: Bool?
    public var mouse: Bool?
    /// `photos = "cells" | "auto" | "off"`.
    public var photos: PhotoMode?
    /// `refresh_interval = 20` (seconds; fractions allowed; 0 turns live refresh off).
    public var refreshInterval: RefreshInterval?
    /// Whether the TUI keeps the last-known workspace (`--no-cache` overrides true).
    public var cache: Bool?
    /// Key overrides, in file order: each replaces the keys of one command (`line`: where the file says so).
    public var keys: [(command: Command, keys: [Key], label: String, line: Int)] = []

    public init() {}

    public static func == (a: ConfigFile, b: ConfigFile) -> Bool {
        a.endpoint == b.endpoint && a.userAgent == b.userAgent && a.color == b.color && a.mouse == b.mouse
            && a.photos == b.photos && a.refreshInterval == b.refreshInterval && a.cache == b.cache
            && a.keys.map(\.command) == b.keys.map(\.command) && a.keys.map(\.keys) == b.keys.map(\.keys)
    }

    /// Where the file is looked for.
    public static func path(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return xdg + "/spark-portal/config.toml"
        }
        if let home = environment["HOME"], !home.isEmpty {
            return home + "/.config/spark-portal/config.toml"
        }
        return nil
    }

    /// Reads the file; a missing file is an empty configuration, an unreadable or malformed one an error.
    public static func load(environment: [String: String]) throws(ConfigError) -> ConfigFile {
        guard let path = path(environment: environment), FileManager.default.fileExists(atPath: path) else {
            return ConfigFile()
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path: path, line: nil, message: "cannot be read (check its permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(path: path, line: nil, message: "is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses the small part of TOML the file needs: comments, `key = value` with strings, booleans and
    /// arrays of strings, and the `[keys]` table.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> ConfigFile {
        var config = ConfigFile()
        var table = ""
        var seen = Set<String>()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            func fail(_ message: String) -> ConfigError { ConfigError(path: path, line: number, message: message) }
            var scanner = TOMLScanner(Substring(rawLine))
            scanner.skipSpaces()
            if scanner.atEndOrComment { continue }
            if scanner.peek == "[" {
                scanner.advance()
                let name = scanner.bareKey()
                scanner.skipSpaces()
                guard scanner.take("]") else { throw fail("expected ']' after the table name") }
                scanner.skipSpaces()
                guard scanner.atEndOrComment else { throw fail("unexpected text after [\(name)]") }
                guard name == "keys" else { throw fail("unknown table [\(name)] (the only table is [keys])") }
                table = name
                continue
            }
            let key = scanner.bareKey()
            guard !key.isEmpty else { throw fail("expected a setting name, like endpoint = \"https://sparkapi.com\"") }
            scanner.skipSpaces()
            guard scanner.take("=") else { throw fail("expected '=' after \(key)") }
            scanner.skipSpaces()
            let value: TOMLValue
            do { value = try scanner.value() } catch { throw fail(error.message) }
            scanner.skipSpaces()
            guard scanner.atEndOrComment else { throw fail("unexpected text after the value of \(key)") }
            let qualified = table.isEmpty ? key : "\(table).\(key)"
            guard seen.insert(qualified).inserted else { throw fail("\(qualified) is set twice") }

            if table == "keys" {
                guard let command = Command(rawValue: key) else {
                    let names = Command.allCases.map(\.rawValue).joined(separator: ", ")
                    throw fail("unknown command '\(key)' in [keys]; commands are: \(names)")
                }
                let specs: [String]
                switch value {
                case .string(let spec): specs = [spec]
                case .strings(let list) where !list.isEmpty: specs = list
                default: throw fail("keys.\(key) must be a key name or a list of key names, like \"x\" or [\"j\", \"down\"]")
                }
                var keys: [Key] = []
                for spec in specs {
                    guard let key = KeySpec.parse(spec) else {
                        throw fail("'\(spec)' is not a key name (examples: \"x\", \"ctrl-n\", \"enter\", \"pgdn\", \"f2\")")
                    }
                    keys.append(key)
                }
                config.keys.append((command, keys, keys.map(KeyMap.describe).joined(separator: "/"), number))
                continue
            }
            switch (key, value) {
            case ("endpoint", .string(let url)):
                // Checked here, so a refused endpoint is named by file and line like every other mistake.
                do { _ = try Settings.endpoint(url) } catch { throw fail(error.message) }
                config.endpoint = url
            case ("user_agent", .string(let name)):
                if let problem = Settings.userAgentProblem(name) { throw fail("user_agent: \(problem)") }
                config.userAgent = name
            case ("color", .bool(let flag)): config.color = flag
            case ("mouse", .bool(let flag)): config.mouse = flag
            case ("cache", .bool(let flag)): config.cache = flag
            case ("endpoint", .bare(let word)), ("user_agent", .bare(let word)):
                throw fail("'\(word)' is not a value: put text in double quotes, like \(key) = \"\(word)\"")
            case ("endpoint", _), ("user_agent", _): throw fail("\(key) must be a string in double quotes")
            case (_, .bare(let word)) where ["color", "mouse", "cache"].contains(key) && ["true", "false"].contains(word.lowercased()):
                throw fail("\(key) must be true or false, in lower case (not \(word))")
            case ("color", _), ("mouse", _), ("cache", _): throw fail("\(key) must be true or false")
            case ("photos", .string(let word)):
                guard let mode = PhotoMode(rawValue: word) else { throw fail("\(photoChoices) (not \"\(word)\")") }
                config.photos = mode
            case ("photos", .bare(let word)): throw fail("\(photoChoices), in double quotes (not \(word))")
            case ("photos", _): throw fail(photoChoices)
            case ("refresh_interval", .integer(let number)):
                guard let interval = RefreshInterval(String(number)) else { throw fail("refresh_interval: \(RefreshInterval.expected)") }
                config.refreshInterval = interval
            case ("refresh_interval", .bare(let word)):
                guard let interval = RefreshInterval(word) else { throw fail("refresh_interval: \(RefreshInterval.expected)") }
                config.refreshInterval = interval
            case ("refresh_interval", _):
                throw fail("refresh_interval: \(RefreshInterval.expected), without quotes")
            default:
                throw fail("unknown setting '\(key)' (settings are endpoint, user_agent, color, mouse, photos, refresh_interval, "
                           + "cache, and the [keys] table)")
            }
        }
        try config.checkKeys(path: path)
        return config
    }

    /// The key table with the file's overrides must not give one key two commands where both work (`d` may remove a
    /// listing and delete a cart: never in the same place). The error names the line of the override that made the
    /// clash (the later one when both commands are overridden) and both ways out.
    func checkKeys(path: String) throws(ConfigError) {
        guard !keys.isEmpty else { return }
        var keyMap = KeyMap.standard
        for override in keys { keyMap.rebind(override.command, to: override.keys, label: override.label) }
        guard let clash = keyMap.conflicts().first else { return }
        let lines = Dictionary(keys.map { ($0.command, $0.line) }, uniquingKeysWith: { _, last in last })
        let first = lines[clash.first] ?? 0, second = lines[clash.second] ?? 0
        let (mine, other) = first >= second ? (clash.first, clash.second) : (clash.second, clash.first)
        let place = clash.contexts == Set(KeyContext.allCases) ? "everywhere"
            : "in " + KeyContext.allCases.filter(clash.contexts.contains).map(\.placeName).joined(separator: ", ")
        let otherKeys = keyMap.binding(other)?.keys.filter { $0 != clash.key }.map { "\"\(KeySpec.name(of: $0))\"" } ?? []
        let suggestion = otherKeys.isEmpty ? "" : " (e.g. \(other.rawValue) = [\(otherKeys.joined(separator: ", "))])"
        throw ConfigError(path: path, line: max(first, second), message:
            "\"\(KeySpec.name(of: clash.key))\" would be the key of both \(mine.rawValue) and \(other.rawValue) \(place): "
            + "a key does one thing in one place. Choose another key for \(mine.rawValue), or give \(other.rawValue) "
            + "other keys too\(suggestion).")
    }
}

extension KeyContext {
    /// Where the keys of a context work, in words.
    var placeName: String {
        switch self {
        case .groups: "the groups pane"
        case .members: "the members pane"
        case .carts: "the carts pane"
        case .listings: "the listings"
        case .details: "a listing's details"
        case .searches: "the saved searches"
        case .feeds: "the news feeds"
        }
    }
}

/// What `photos` may be.
private let photoChoices = #"photos must be "cells", "auto" or "off""#

/// Key names as written in the configuration file.
public enum KeySpec {
    /// How the file writes a key (the inverse of `parse`).
    public static func name(of key: Key) -> String {
        switch key {
        case .char(" "): "space"
        case .char(let c): String(c)
        case .ctrl(let c): "ctrl-\(c)"
        case .function(let n): "f\(n)"
        case .up: "up"
        case .down: "down"
        case .left: "left"
        case .right: "right"
        case .home: "home"
        case .end: "end"
        case .pageUp: "pgup"
        case .pageDown: "pgdn"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .enter: "enter"
        case .escape: "esc"
        case .backspace: "backspace"
        case .delete: "delete"
        case .mouse, .paste, .resize, .unknown: KeyMap.describe(key)
        }
    }

    public static func parse(_ spec: String) -> Key? {
        let lower = spec.lowercased()
        let named: [String: Key] = [
            "up": .up, "down": .down, "left": .left, "right": .right, "home": .home, "end": .end,
            "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown,
            "tab": .tab, "shift-tab": .backTab, "backtab": .backTab, "enter": .enter, "return": .enter,
            "esc": .escape, "escape": .escape, "backspace": .backspace, "delete": .delete, "space": .char(" "),
        ]
        if let key = named[lower] { return key }
        for prefix in ["ctrl-", "c-", "^"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            if rest.count == 1, let letter = rest.first, letter.isLetter, letter.isASCII { return .ctrl(letter) }
            return nil
        }
        if lower.hasPrefix("f"), let number = Int(lower.dropFirst()), (1...12).contains(number) {
            return .function(number)
        }
        if spec.count == 1, let character = spec.first, !character.isWhitespace,
           !character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .char(character)
        }
        return nil
    }
}

enum TOMLValue: Equatable {
    case string(String)
    case bool(Bool)
    case integer(Int)
    case strings([String])
    /// A word that is none of the above (`yes`, `TRUE`, an unquoted URL): the setting says what it wanted instead.
    case bare(String)
}

struct TOMLSyntaxError: Error {
    var message: String
}

/// Reads one line of TOML.
struct TOMLScanner {
    private var rest: Substring

    init(_ line: Substring) {
        rest = line.hasSuffix("\r") ? line.dropLast() : line
    }

    var peek: Character? { rest.first }
    var atEndOrComment: Bool { rest.isEmpty || rest.first == "#" }

    mutating func advance() { rest = rest.dropFirst() }

    mutating func skipSpaces() {
        rest = rest.drop { $0 == " " || $0 == "\t" }
    }

    mutating func take(_ character: Character) -> Bool {
        guard rest.first == character else { return false }
        rest = rest.dropFirst()
        return true
    }

    mutating func bareKey() -> String {
        let key = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        rest = rest.dropFirst(key.count)
        return String(key)
    }

    mutating func value() throws(TOMLSyntaxError) -> TOMLValue {
        switch rest.first {
        case "\"", "'":
            return .string(try string())
        case "[":
            advance()
            var items: [String] = []
            while true {
                skipSpaces()
                if take("]") { return .strings(items) }
                guard rest.first == "\"" || rest.first == "'" else {
                    throw TOMLSyntaxError(message: "arrays may hold only strings, and must close on the same line")
                }
                items.append(try string())
                skipSpaces()
                if take(",") { continue }
                guard take("]") else { throw TOMLSyntaxError(message: "expected ',' or ']' in the list") }
                return .strings(items)
            }
        default:
            let word = rest.prefix { !$0.isWhitespace && $0 != "#" }
            rest = rest.dropFirst(word.count)
            switch word {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "": throw TOMLSyntaxError(message: "expected a value after '='")
            default:
                if let number = Int(word) { return .integer(number) }
                return .bare(String(word))
            }
        }
    }

    private mutating func string() throws(TOMLSyntaxError) -> String {
        let quote = rest.removeFirst()
        var result = ""
        while let character = rest.first {
            rest = rest.dropFirst()
            if character == quote { return result }
            if character == "\\", quote == "\"" {
                guard let escaped = rest.first else { break }
                rest = rest.dropFirst()
                switch escaped {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "u", "U":
                    let length = escaped == "u" ? 4 : 8
                    let hex = rest.prefix(length)
                    guard hex.count == length, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                        throw TOMLSyntaxError(message: "bad \\\(escaped) escape in a string")
                    }
                    rest = rest.dropFirst(length)
                    result.unicodeScalars.append(scalar)
                default:
                    throw TOMLSyntaxError(message: "unknown escape \\\(escaped) in a string")
                }
            } else {
                result.append(character)
            }
        }
        throw TOMLSyntaxError(message: "a string is not closed (strings must end on the same line)")
    }
}
