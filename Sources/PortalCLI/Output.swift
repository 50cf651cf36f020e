import Foundation
import SparkAPI
import TerminalUI

/// How command results are printed: JSON for scripts, aligned and sanitized columns for people.
public enum Output {
    // MARK: JSON

    /// Pretty JSON with Spark field names. Besides JSON's own escapes, C1 controls and the Unicode line
    /// separators are escaped too, so printing the JSON to a terminal can never drive the terminal.
    public static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        return escapeInvisibles(text)
    }

    static func escapeInvisibles(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                result.append(contentsOf: String(format: "\\u%04x", scalar.value).unicodeScalars)
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// A group as `--json` prints it: the Spark object plus `"Current"`.
    public struct GroupJSON: Encodable {
        public var group: PortalGroup
        public var current: Bool

        public func encode(to encoder: any Encoder) throws {
            try group.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(current, forKey: .current)
        }

        enum Key: String, CodingKey { case current = "Current" }
    }

    // MARK: Tables

    public enum Alignment: Sendable { case left, right }

    /// One column of a table: its heading and how it lines up.
    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        /// Columns that may be shortened (with "…") when the table is wider than the terminal.
        public var maxWidth: Int?

        public init(_ title: String, _ alignment: Alignment = .left, maxWidth: Int? = nil) {
            self.title = title
            self.alignment = alignment
            self.maxWidth = maxWidth
        }
    }

    /// Aligned columns, widths by `wcwidth` (wide characters take two columns), every cell sanitized.
    /// The first column is a one-character marker column (e.g. `●` for the current group).
    public static func table(_ columns: [Column], rows: [[String]], markers: [String]? = nil,
                             boldRows: Set<Int> = [], color: Bool) -> String {
        let cells = rows.map { row in row.map { sanitize($0) } }
        var widths = columns.map { TextWidth.of($0.title) }
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], TextWidth.of(cell))
            }
        }
        for (index, column) in columns.enumerated() {
            if let limit = column.maxWidth { widths[index] = min(widths[index], max(limit, TextWidth.of(column.title))) }
        }
        func line(_ row: [String], marker: String) -> String {
            var parts: [String] = []
            for (index, column) in columns.enumerated() {
                let text = index < row.count ? row[index] : ""
                let isLast = index == columns.count - 1
                if isLast, column.alignment == .left {
                    parts.append(TextWidth.truncate(text, to: widths[index]))
                } else {
                    parts.append(TextWidth.pad(text, to: widths[index], alignment: column.alignment == .left ? .left : .right))
                }
            }
            return marker + " " + parts.joined(separator: "  ")
        }
        var lines: [String] = []
        let heading = line(columns.map(\.title), marker: " ")
        lines.append(color ? "\u{1B}[1m\(heading)\u{1B}[0m" : heading)
        for (index, row) in cells.enumerated() {
            let text = line(row, marker: markers?[index] ?? " ")
            lines.append(color && boldRows.contains(index) ? "\u{1B}[1m\(text)\u{1B}[0m" : text)
        }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n")
    }
}
