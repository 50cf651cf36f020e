import Foundation

/// A field that may be restricted for this user (the server sends `"********"`) or missing.
/// Views show `restricted` differently from `absent`; neither fails a whole record.
public enum SparkValue<Value: Sendable & Hashable>: Sendable, Hashable {
    case value(Value)
    case restricted
    case absent

    /// The value when there is one.
    public var value: Value? {
        if case .value(let value) = self { value } else { nil }
    }

    public func map<T>(_ transform: (Value) -> T) -> SparkValue<T> {
        switch self {
        case .value(let value): .value(transform(value))
        case .restricted: .restricted
        case .absent: .absent
        }
    }
}

/// How Spark marks a value the current user may not see, in any field type.
let restrictedMarker = "********"

extension JSONValue {
    /// Text fields: numbers are written as text (a `ListingId` may come as a number).
    var sparkString: SparkValue<String> {
        switch self {
        case .string(restrictedMarker): .restricted
        // Pure Swift: Foundation's trimming goes through NSString on Linux, on every field.
        case .string(let string) where string.allSatisfy(\.isWhitespace): .absent
        default: text.map { SparkValue.value($0) } ?? .absent
        }
    }

    /// Numeric fields: numbers-as-strings (`"50000.0"`) are read; anything unreadable is absent.
    var sparkDouble: SparkValue<Double> {
        switch self {
        case .number(let number): .value(number)
        case .string(restrictedMarker): .restricted
        case .string(let string):
            (Double(string) ?? Double(string.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")))
                .map { $0.isFinite ? .value($0) : .absent } ?? .absent
        default: .absent
        }
    }

    /// Whole-number fields: `3`, `3.0` and `"3"` are all 3; `2.5` is not a whole number, so absent.
    var sparkInt: SparkValue<Int> {
        switch sparkDouble {
        case .value(let number): number.rounded() == number && abs(number) < 9.0e15 ? .value(Int(number)) : .absent
        case .restricted: .restricted
        case .absent: .absent
        }
    }

    var sparkBool: SparkValue<Bool> {
        switch self {
        case .bool(let bool): .value(bool)
        case .string(restrictedMarker): .restricted
        case .string(let string):
            switch string.lowercased() {
            case "true": .value(true)
            case "false": .value(false)
            default: .absent
            }
        default: .absent
        }
    }

    /// Timestamps: ISO 8601 with or without fractional seconds; no zone means UTC.
    var sparkDate: SparkValue<Date> {
        guard case .string(let string) = self else { return .absent }
        if string == restrictedMarker { return .restricted }
        return parseSparkDate(string).map { .value($0) } ?? .absent
    }
}

func parseSparkDate(_ string: String) -> Date? {
    // Trimmed in Swift: Foundation's trimming goes through NSString on Linux (5 % of decoding a large group).
    let start = string.firstIndex { !$0.isWhitespace } ?? string.endIndex
    let end = string.lastIndex { !$0.isWhitespace }.map { string.index(after: $0) } ?? start
    var text = String(string[start..<end])
    guard let timeStart = text.firstIndex(of: "T") else { return nil }
    let time = text[timeStart...]
    if !time.hasSuffix("Z"), !time.contains("+"), !time.contains("-") { text += "Z" }
    return (try? Date(text, strategy: .iso8601))
        ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
}

func formatSparkDate(_ date: Date) -> String {
    date.formatted(.iso8601)
}

/// Reads lenient fields out of a keyed container: a field of the wrong type is treated as missing
/// instead of failing the record.
struct LenientFields<Key: CodingKey> {
    let container: KeyedDecodingContainer<Key>

    init(_ decoder: any Decoder, _ keys: Key.Type) throws {
        container = try decoder.container(keyedBy: keys)
    }

    init(container: KeyedDecodingContainer<Key>) {
        self.container = container
    }

    subscript(_ key: Key) -> JSONValue {
        ((try? container.decodeIfPresent(JSONValue.self, forKey: key)) ?? nil) ?? .null
    }

    // Typed first: a field of the expected type (nearly all of them) decodes without building a `JSONValue`
    // or a failed try's `DecodingError`; only a field of another type (a number for a text field, "3" for a
    // count, "true" for a flag) takes the lenient `JSONValue` path. Missing and null are nil either way.
    // Four near-copies on purpose: one generic `read<T>` was measured 20-50 % slower (benchmarks, decode): inside
    // a generic function the call resolves to the generic `decodeIfPresent<T>`, not the container's own
    // `decodeIfPresent(String.self)` fast path.

    func string(_ key: Key) -> String? {
        do {
            return try container.decodeIfPresent(String.self, forKey: key).flatMap { JSONValue.string($0).sparkString.value }
        } catch {
            return self[key].sparkString.value
        }
    }

    func int(_ key: Key) -> Int? {
        do { return try container.decodeIfPresent(Int.self, forKey: key) } catch { return self[key].sparkInt.value }
    }

    func bool(_ key: Key) -> Bool? {
        do { return try container.decodeIfPresent(Bool.self, forKey: key) } catch { return self[key].sparkBool.value }
    }

    func date(_ key: Key) -> Date? {
        do {
            return try container.decodeIfPresent(String.self, forKey: key).flatMap { JSONValue.string($0).sparkDate.value }
        } catch {
            return self[key].sparkDate.value
        }
    }

    /// The record's id: `Id`, else the last component of its `ResourceUri` (Spark URIs end with the id).
    func id(_ idKey: Key, resourceUri: Key) throws -> String {
        if let id = string(idKey) { return id }
        if let uri = string(resourceUri), let last = uri.split(separator: "/").last { return String(last) }
        throw DecodingError.keyNotFound(idKey, .init(codingPath: container.codingPath, debugDescription: "no Id or ResourceUri"))
    }
}
