import Testing
@testable import TerminalUI

@Suite("Text width and sanitizing")
struct TextWidthTests {
    @Test("display widths follow wcwidth under UTF-8", arguments: [
        ("", 0),
        ("abc", 3),
        ("José", 4),                          // precomposed é
        ("Jose\u{301}", 4),                   // e + combining acute
        ("e\u{301}\u{302}\u{303}", 1),        // several marks on one base
        ("中文", 4),                           // CJK: two cells each
        ("김민준", 6),                          // Hangul syllables
        ("ｱ", 1),                              // half-width katakana
        ("Ａ", 2),                              // full-width Latin
        ("🏠", 2),                              // emoji
        ("👍🏽", 4),                             // emoji + skin tone modifier (wcwidth 2 + 2)
        ("👨\u{200D}👩\u{200D}👧", 6),          // ZWJ family: as wide as its parts (ZWJ is 0)
        ("❤\u{FE0F}", 1),                      // VS16 adds nothing under wcwidth
        ("\u{AD}", 1),                         // soft hyphen: glibc gives it 1
        ("a\tb", 3),                           // TAB becomes one placeholder cell
        ("\u{1B}[31m", 5),                     // ESC becomes ␛, the rest is text
    ] as [(String, Int)])
    func widths(text: String, width: Int) {
        #expect(TextWidth.of(text) == width, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test("sanitize drops the zero-width joiner and direction marks, so every terminal draws the same cells")
    func zeroWidthJoiner() {
        #expect(sanitize("👨\u{200D}👩\u{200D}👧 x") == "👨👩👧 x")
        #expect(TextWidth.cells(of: "👨\u{200D}👩").map(\.text) == ["👨", "👩"])
        #expect(sanitize("\u{200F}Rami\u{200E} \u{061C}x") == "Rami x", "direction marks go too")
    }

    @Test("sanitize replaces every C0 control with its control picture")
    func c0() {
        for value in UInt32(0)..<0x20 {
            let s = "a" + String(Character(Unicode.Scalar(value)!)) + "b"
            let out = sanitize(s)
            #expect(out == "a" + String(Character(Unicode.Scalar(0x2400 + value)!)) + "b", "U+\(String(value, radix: 16))")
            #expect(TextWidth.of(s) == 3)
        }
    }

    @Test("sanitize: DEL, C1 and other unprintables", arguments: [
        ("\u{7F}", "␡"),
        ("\u{80}", "�"), ("\u{85}", "�"), ("\u{9B}", "�"), ("\u{9F}", "�"),
        ("\u{1B}", "␛"), ("\r", "␍"), ("\n", "␊"), ("\u{08}", "␈"), ("\t", "␉"), ("\0", "␀"),
        ("\r\n", "␍␊"),
        ("\u{2028}", "�"),                     // line separator: wcwidth says unprintable
        ("x\u{202E}y", "x�y"),                 // right-to-left override
        ("\u{2066}", "�"),
        ("\u{0378}", "�"),                     // unassigned
        ("\u{A0}", "\u{A0}"),                  // no-break space is printable: kept
        ("plain ASCII ~!", "plain ASCII ~!"),
        ("中文 é 🏠", "中文 é 🏠"),
    ] as [(String, String)])
    func others(input: String, expected: String) {
        #expect(sanitize(input) == expected)
    }

    @Test("no control character survives into a buffer")
    func bufferIsClean() {
        var s = ""
        for v in UInt32(0)..<0xA0 where v < 0x20 || v >= 0x7F { s.unicodeScalars.append(Unicode.Scalar(v)!) }
        var buffer = Buffer(size: Size(width: 80, height: 1))
        buffer.write(s, at: 0, y: 0)
        for scalar in buffer.lines[0].unicodeScalars {
            #expect(!(scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)))
        }
    }

    @Test("truncation never splits a wide character", arguments: [
        ("hello world", 5, "hell…"),
        ("hello", 5, "hello"),
        ("hello", 0, ""),
        ("hello", 1, "…"),
        ("中文字符", 5, "中文…"),               // 2+2+1
        ("中文字符", 4, "中…"),                 // 中 (2) + … (1) = 3: 文 would make 5
        ("中文字符", 8, "中文字符"),
        ("a中", 2, "a…"),
        ("🏠🏠🏠", 4, "🏠…"),
        ("Jose\u{301} Ñúñez", 5, "Jose\u{301}…"), // the mark stays with its e
        ("👨\u{200D}👩\u{200D}👧", 3, "👨…"),       // the joiner is dropped (see sanitize)
    ] as [(String, Int, String)])
    func truncate(text: String, width: Int, expected: String) {
        let out = TextWidth.truncate(text, to: width)
        #expect(out == expected)
        #expect(TextWidth.of(out) <= width)
    }

    @Test("padding gives exact widths, even when a wide character would straddle the edge")
    func padding() {
        for text in ["中文字符", "a中b", "🏠x", "José", "e\u{301}", "", "\u{1B}x"] {
            for width in 0...9 {
                let padded = TextWidth.pad(text, to: width)
                #expect(TextWidth.of(padded) == width, "\(text) to \(width): \(padded)")
                #expect(TextWidth.of(TextWidth.pad(text, to: width, alignment: .right)) == width)
                #expect(TextWidth.of(TextWidth.pad(text, to: width, alignment: .center)) == width)
            }
        }
        #expect(TextWidth.pad("12", to: 5, alignment: .right) == "   12")
        #expect(TextWidth.pad("中", to: 4, alignment: .center) == " 中 ")
    }

    @Test("cells: marks attach to the cell before them, at most four")
    func cells() {
        let c = TextWidth.cells(of: "e\u{301}中")
        #expect(c.map(\.text) == ["e\u{301}", "中"])
        #expect(c.map(\.width) == [1, 2])
        let leading = TextWidth.cells(of: "\u{301}a")
        #expect(leading.map(\.text) == [" \u{301}", "a"])
        let zalgo = TextWidth.cells(of: "a" + String(repeating: "\u{301}", count: 10))
        #expect(zalgo.count == 1)
        #expect(zalgo[0].text.unicodeScalars.count == 5)
    }
}
