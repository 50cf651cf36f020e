import Foundation

/// The part of SparkQL (`_filter`) the demo server understands, enough for the `Filter` of every demo saved search
/// and for `SavedSearch Eq '<Id>'`:
///
/// - a comparison `Field Op Value`: `Eq` and `Ne` take one value or a comma-separated list (`City Eq 'Sandpoint',
///   'Hayden'`: any of them); `Gt`, `Ge`, `Lt`, `Le` take one number; `Bt` takes two numbers, `low,high`, both
///   included;
/// - values: text in single quotes (`\'` is a quote, `\\` a backslash), compared ignoring case and surrounding
///   blanks; numbers (`500000`, `500000.0`, `-1`), compared as numbers (a listing's `"50000.0"` is 50000);
/// - `And` and `Or`, which, as in SparkQL, have the same precedence and apply left to right (`A Or B And C` is
///   `(A Or B) And C`; sparkql GRAMMAR.md), and parentheses;
/// - fields: the standard fields of the demo listings (`City`, `ListPrice`, `BathsTotal`, `MlsStatus`,
///   `PropertyType`, `YearBuilt`, ...; `knownFields`). A restricted (`"********"`) or missing value matches no
///   comparison, `Ne` included.
///
/// Anything else — `Not`, dates, booleans, custom fields, functions, a field the listings do not have — is refused
/// with a `FilterError` that names what was not understood (the server answers 400, code 1040, as Spark does for a
/// filter it cannot read).
indirect enum ListingFilter: Sendable, Equatable {
    case comparison(field: String, op: Operator, values: [Literal])
    case and(ListingFilter, ListingFilter)
    case or(ListingFilter, ListingFilter)

    enum Operator: String, Sendable, CaseIterable { case eq = "Eq", ne = "Ne", gt = "Gt", ge = "Ge", lt = "Lt", le = "Le", bt = "Bt" }

    enum Literal: Sendable, Equatable {
        case text(String)
        case number(Double)
    }

    /// The fields a demo listing has (`makeListing`), which a filter may name.
    static let knownFields: Set<String> = Set(makeListing(0).standardFields.map(\.0))

    /// Parses a filter; `extraFields` names pseudo-fields the caller handles itself (`SavedSearch`).
    init(parsing text: String, extraFields: Set<String> = []) throws(FilterError) {
        var parser = Parser(tokens: try Lexer.tokens(text), extraFields: extraFields)
        self = try parser.expressions()
        guard parser.atEnd else { throw parser.unexpected() }
    }

    /// Every field the filter names.
    var fields: Set<String> {
        switch self {
        case .comparison(let field, _, _): [field]
        case .and(let a, let b), .or(let a, let b): a.fields.union(b.fields)
        }
    }

    func matches(_ listing: MockListing) -> Bool {
        switch self {
        case .and(let a, let b): return a.matches(listing) && b.matches(listing)
        case .or(let a, let b): return a.matches(listing) || b.matches(listing)
        case .comparison(let field, let op, let values):
            guard let value = listing.standardFields.first(where: { $0.0 == field })?.1 else { return false }
            return Self.compare(value, op, values)
        }
    }

    private static func compare(_ value: JSONValue, _ op: Operator, _ literals: [Literal]) -> Bool {
        if case .text = literals.first {
            guard let text = value.filterText.map(nameKey) else { return false }
            let equal = literals.contains { if case .text(let literal) = $0 { nameKey(literal) == text } else { false } }
            return op == .eq ? equal : !equal
        }
        guard let number = value.filterNumber else { return false }
        let bounds = literals.compactMap { if case .number(let n) = $0 { n } else { nil } }
        switch op {
        case .eq: return bounds.contains(number)
        case .ne: return !bounds.contains(number)
        case .gt: return number > bounds[0]
        case .ge: return number >= bounds[0]
        case .lt: return number < bounds[0]
        case .le: return number <= bounds[0]
        case .bt: return bounds[0] <= number && number <= bounds[1]
        }
    }
}

/// A filter the demo server does not understand, with the reason.
struct FilterError: Error, Equatable, CustomStringConvertible {
    var message: String
    var description: String { message }

    /// 400, code 1040: Spark's answer to a `_filter` it cannot read.
    var response: MockResponse {
        .sparkError(400, code: 1040, "The _filter is not one spark-mock understands: \(message)")
    }
}

extension JSONValue {
    /// A listing value as text for `Eq`/`Ne`; nil when restricted or missing.
    fileprivate var filterText: String? {
        switch self {
        case .string(let text): text == "********" ? nil : text
        case .int(let number): String(number)
        case .double(let number): String(number)
        default: nil
        }
    }

    /// A listing value as a number (`"50000.0"` too); nil when restricted, missing or not a number.
    fileprivate var filterNumber: Double? {
        switch self {
        case .int(let number): Double(number)
        case .double(let number): number
        case .string(let text): Double(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }
}

private enum Token: Equatable {
    case word(String)
    case text(String)
    case number(Double)
    case comma, open, close

    var shown: String {
        switch self {
        case .word(let word): word
        case .text(let text): "'\(text)'"
        case .number(let number): String(number)
        case .comma: ","
        case .open: "("
        case .close: ")"
        }
    }
}

private enum Lexer {
    static func tokens(_ text: String) throws(FilterError) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text)
        var i = 0
        while i < characters.count {
            let c = characters[i]
            switch c {
            case _ where c.isWhitespace: i += 1
            case ",": tokens.append(.comma); i += 1
            case "(": tokens.append(.open); i += 1
            case ")": tokens.append(.close); i += 1
            case "'":
                var value = ""
                i += 1
                while true {
                    guard i < characters.count else { throw FilterError(message: "a text value has no closing quote") }
                    let d = characters[i]
                    if d == "'" { i += 1; break }
                    if d == "\\", i + 1 < characters.count { value.append(characters[i + 1]); i += 2; continue }
                    value.append(d)
                    i += 1
                }
                tokens.append(.text(value))
            case _ where c.isASCII && (c.isNumber || c == "-" || c == "."):
                var end = i + 1
                while end < characters.count, characters[end].isASCII, characters[end].isNumber || characters[end] == "." { end += 1 }
                let literal = String(characters[i..<end])
                guard let number = Double(literal), end == characters.count || !characters[end].isLetter && characters[end] != "-" else {
                    throw FilterError(message: "\(literal)… is not a number it reads (dates and times are not supported)")
                }
                tokens.append(.number(number))
                i = end
            case _ where c.isASCII && (c.isLetter || c == "_"):
                var end = i + 1
                while end < characters.count, characters[end].isASCII, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" {
                    end += 1
                }
                tokens.append(.word(String(characters[i..<end])))
                i = end
            default:
                throw FilterError(message: "unexpected character \(String(c).debugDescription)")
            }
        }
        return tokens
    }
}

private struct Parser {
    let tokens: [Token]
    let extraFields: Set<String>
    var position = 0

    init(tokens: [Token], extraFields: Set<String>) {
        self.tokens = tokens
        self.extraFields = extraFields
    }

    var atEnd: Bool { position == tokens.count }

    func unexpected() -> FilterError {
        atEnd ? FilterError(message: "the filter ends too early")
            : FilterError(message: "did not expect \(tokens[position].shown) there")
    }

    private var peek: Token? { position < tokens.count ? tokens[position] : nil }

    /// expression ((And | Or) expression)*, left to right.
    mutating func expressions() throws(FilterError) -> ListingFilter {
        var result = try expression()
        while case .word(let word)? = peek, word == "And" || word == "Or" {
            position += 1
            let right = try expression()
            result = word == "And" ? .and(result, right) : .or(result, right)
        }
        return result
    }

    /// `( expressions )` or `Field Op values`.
    private mutating func expression() throws(FilterError) -> ListingFilter {
        switch peek {
        case .open?:
            position += 1
            let inner = try expressions()
            guard peek == .close else { throw unexpected() }
            position += 1
            return inner
        case .word(let field)?:
            if field == "Not" { throw FilterError(message: "Not is not supported") }
            guard ListingFilter.knownFields.contains(field) || extraFields.contains(field) else {
                throw FilterError(message: "no field \(field) (it knows \(ListingFilter.knownFields.sorted().joined(separator: ", ")))")
            }
            position += 1
            guard case .word(let name)? = peek, let op = ListingFilter.Operator(rawValue: name) else {
                throw FilterError(message: "\(field) needs an operator: "
                                  + ListingFilter.Operator.allCases.map(\.rawValue).joined(separator: ", "))
            }
            position += 1
            var values = [try literal()]
            while peek == .comma {
                position += 1
                values.append(try literal())
            }
            try check(field, op, values)
            return .comparison(field: field, op: op, values: values)
        default:
            throw unexpected()
        }
    }

    private mutating func literal() throws(FilterError) -> ListingFilter.Literal {
        switch peek {
        case .text(let text)?:
            position += 1
            return .text(text)
        case .number(let number)?:
            position += 1
            return .number(number)
        case .word(let word)? where word == "true" || word == "false":
            throw FilterError(message: "booleans are not supported")
        default:
            throw FilterError(message: "expected a value in quotes or a number" + (peek.map { ", not \($0.shown)" } ?? " at the end"))
        }
    }

    private func check(_ field: String, _ op: ListingFilter.Operator, _ values: [ListingFilter.Literal]) throws(FilterError) {
        let numbers = values.filter { if case .number = $0 { true } else { false } }.count
        switch op {
        case .eq, .ne:
            guard numbers == 0 || numbers == values.count else {
                throw FilterError(message: "\(field) \(op.rawValue) mixes text and numbers")
            }
        case .gt, .ge, .lt, .le:
            guard values.count == 1, numbers == 1 else { throw FilterError(message: "\(field) \(op.rawValue) takes one number") }
        case .bt:
            guard values.count == 2, numbers == 2 else { throw FilterError(message: "\(field) Bt takes two numbers, low,high") }
        }
    }
}
