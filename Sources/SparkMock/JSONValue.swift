/// A JSON value with ordered object keys, so responses keep the field order of the real API
/// (the seed walkthrough prints `ResourceUri` before `Id`, and so do we).
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// Already-serialized JSON, for long lists written straight to bytes (a group of 100,000 members).
    case raw([UInt8])

    static func optionalString(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// Serializes compactly as UTF-8 bytes.
    func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            // Swift prints 50000.0 as "50000.0", which is valid JSON; non-finite values are not JSON.
            out.append(contentsOf: (d.isFinite ? String(d) : "null").utf8)
        case .string(let s): Self.writeString(s, into: &out)
        case .raw(let bytes): out.append(contentsOf: bytes)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        // Copy runs of plain bytes at once; only quotes, backslashes and control characters are escaped.
        s.withUTF8 { bytes in
            var runStart = 0
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte == 0x22 || byte == 0x5C || byte < 0x20 {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                    appendEscape(byte, into: &out)
                    runStart = i + 1
                }
                i += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case 0x22: out.append(contentsOf: "\\\"".utf8)
        case 0x5C: out.append(contentsOf: "\\\\".utf8)
        case 0x0A: out.append(contentsOf: "\\n".utf8)
        case 0x0D: out.append(contentsOf: "\\r".utf8)
        case 0x09: out.append(contentsOf: "\\t".utf8)
        default:
            let hex = Array("0123456789abcdef".utf8)
            out.append(contentsOf: "\\u00".utf8)
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
    }
}

/// The `D` envelope every Spark response (except the OAuth endpoint) is wrapped in.
enum Envelope {
    static func success(results: [JSONValue]? = nil, pagination: JSONValue? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [("Success", .bool(true))]
        if let results { fields.append(("Results", .array(results))) }
        if let pagination { fields.append(("Pagination", pagination)) }
        return .object([("D", .object(fields))])
    }

    static func failure(code: Int, message: String) -> JSONValue {
        .object([("D", .object([("Success", .bool(false)), ("Code", .int(code)), ("Message", .string(message))]))])
    }
}
