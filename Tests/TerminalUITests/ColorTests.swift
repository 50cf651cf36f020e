import Testing
@testable import TerminalUI

@Suite("Colours: direct colour, the nearest palette colour, colour pairs")
struct ColorTests {
    @Test("RGB to the nearest of the 240 fixed colours", arguments: [
        ((255, 0, 0), 196), ((0, 0, 255), 21), ((0, 255, 0), 46), ((255, 255, 0), 226), ((255, 255, 255), 231),
        ((0, 0, 0), 16), ((128, 128, 128), 244), ((95, 135, 175), 67), ((8, 8, 8), 232), ((238, 238, 238), 255),
        ((100, 100, 102), 241),
    ])
    func nearestIndex(rgb: (Int, Int, Int), expected: Int) {
        let color = Color.rgb(UInt8(rgb.0), UInt8(rgb.1), UInt8(rgb.2))
        #expect(color.index == expected)
        #expect(color.index! >= 16, "never a themed colour")
    }

    @Test func everyPaletteColourIsItsOwnNearest() {
        for index in 16...255 {
            let (r, g, b) = Color.paletteRGB(index)
            let nearest = Int(Color.nearestIndex(red: r, green: g, blue: b))
            #expect(Color.paletteRGB(nearest) == Color.paletteRGB(index), "\(index) → \(nearest)")
        }
    }

    @Test func rgbValues() {
        #expect(Color.default.rgbValue == nil)
        #expect(Color.rgb(1, 2, 3).rgbValue! == (1, 2, 3))
        #expect(Color.indexed(196).rgbValue! == (255, 0, 0))
        #expect(Color.indexed(232).rgbValue! == (8, 8, 8))
        #expect(Color.brightBlack.rgbValue! == (127, 127, 127))
    }

    @Test func directColourTerminalNumbers() {
        let palette = TerminalPalette(support: .direct, colors: 1 << 24)
        #expect(palette.number(for: .default) == -1)
        #expect(palette.number(for: .rgb(0x12, 0x34, 0x56)) == 0x123456)
        // The first eight stay palette colours (the user's theme); the rest become RGB.
        #expect(palette.number(for: .red) == 1)
        #expect(palette.number(for: .indexed(7)) == 7)
        #expect(palette.number(for: .brightBlack) == 0x7F7F7F)
        #expect(palette.number(for: .indexed(196)) == 0xFF0000)
        // A real colour that would pack below 8 would be read as a palette colour: nudged to 8.
        #expect(palette.number(for: .rgb(0, 0, 0)) == 8)
        #expect(palette.number(for: .rgb(0, 0, 7)) == 8)
    }

    @Test func paletteTerminalNumbers() {
        let p256 = TerminalPalette(support: .indexed256, colors: 256)
        #expect(p256.number(for: .rgb(255, 0, 0)) == 196)
        #expect(p256.number(for: .indexed(100)) == 100)
        #expect(p256.number(for: .brightBlue) == 12)
        let p8 = TerminalPalette(support: .basic, colors: 8)
        #expect(p8.number(for: .brightBlue) == 4, "bright → normal on 8 colours")
        #expect(p8.number(for: .indexed(100)) == -1)
        #expect(p8.number(for: .rgb(255, 0, 0)) == -1)
        #expect(TerminalPalette(support: .none, colors: 0).number(for: .red) == -1)
    }

    @Test func aFullPairTableSaysSoAndStartsAgainWhenReset() {
        var table = ColorPairTable(capacity: 3)
        #expect(table.lookup(foreground: 1, background: 2) == .new(1))
        #expect(table.lookup(foreground: 1, background: 2) == .existing(1))
        #expect(table.lookup(foreground: 2, background: 1) == .new(2))
        #expect(table.lookup(foreground: -1, background: 5) == .new(3))
        #expect(table.lookup(foreground: 9, background: 9) == .full)
        #expect(table.lookup(foreground: 2, background: 1) == .existing(2), "a full table still finds its pairs")
        table.reset()
        #expect(table.count == 0 && table.resets == 1)
        #expect(table.lookup(foreground: 9, background: 9) == .new(1))
        #expect(ColorPairTable(capacity: 0).count == 0)
        var none = ColorPairTable(capacity: 0)
        #expect(none.lookup(foreground: 1, background: 1) == .full)
    }
}
