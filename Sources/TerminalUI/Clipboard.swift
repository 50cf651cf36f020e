/// Copying text to the system clipboard through the terminal: the OSC 52 sequence (`ESC ] 52 ; c ; <base64> BEL`),
/// which xterm, kitty, iTerm2, WezTerm, Windows Terminal, foot and others accept, and tmux too (with its
/// `set-clipboard` option `on`, or `external` when the terminal outside tmux accepts it). Nothing comes back: a
/// terminal that ignores the sequence says nothing, so the app says what it sent, not that it arrived.
///
/// The text travels base64-encoded, so nothing in it can reach the terminal as a control sequence.
public enum Clipboard {
    /// The sequence that asks the terminal to put `text` (as UTF-8) on the clipboard.
    public static func osc52(_ text: String) -> String {
        "\u{1B}]52;c;" + base64(Array(text.utf8)) + "\u{07}"
    }

    /// The text an OSC 52 sequence carries (the inverse of `osc52`), or nil if it is not one.
    public static func text(ofOSC52 sequence: String) -> String? {
        let prefix = "\u{1B}]52;c;"
        guard sequence.hasPrefix(prefix), sequence.hasSuffix("\u{07}") else { return nil }
        let payload = sequence.dropFirst(prefix.count).dropLast()
        return decodeBase64(String(payload)).map { String(decoding: $0, as: UTF8.self) }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with padding (RFC 4648), as OSC 52 wants it.
    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            out.append(index + 1 < bytes.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decodeBase64(_ text: String) -> [UInt8]? {
        var values: [UInt32] = []
        for byte in text.utf8 where byte != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt32(value))
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var triple: UInt32 = 0
            for (offset, value) in chunk.enumerated() { triple |= value << (18 - 6 * UInt32(offset)) }
            let bytes = [UInt8(triple >> 16 & 255), UInt8(triple >> 8 & 255), UInt8(triple & 255)]
            out += bytes.prefix(chunk.count - 1)
            index += 4
        }
        return out
    }
}
