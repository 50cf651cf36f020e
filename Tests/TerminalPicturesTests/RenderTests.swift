import PhotoCodec
import Testing
import TerminalUI
@testable import TerminalPictures

@Suite("Pictures as character cells (chafa)")
struct RenderTests {
    /// A JPEG made here, decoded, rendered into 40×15 cells: whole colour cells where the picture is one
    /// colour, a half block where a colour edge runs through the middle of a cell, each with the right colours.
    @Test func quadrantsInDirectColour() throws {
        let image = try JPEG.decode(try quadrantsJPEG())
        let cells = PictureRenderer.render(image, fitting: Size(width: 40, height: 15), colors: .direct)
        #expect(cells.size == Size(width: 40, height: 15))
        #expect(cells.colors == .direct)
        let red = (255, 0, 0), blue = (0, 0, 255), green = (0, 255, 0), yellow = (255, 255, 0)
        for (x, y, color) in [(5, 2, red), (15, 5, red), (30, 2, blue), (38, 6, blue), (5, 12, green), (30, 12, yellow)] {
            let cell = cells[x, y]
            for c in visibleColors(cell) { #expect(isNear(c, color), "cell \(x),\(y) '\(cell.grapheme)' \(cell.style)") }
        }
        // Column 20 is half red, half blue (rows 0...6): a block element with red and blue.
        let edge = cells[20, 3]
        #expect(isBlockOrSextant(edge.grapheme), "'\(edge.grapheme)'")
        #expect(["▌", "▐"].contains(edge.grapheme), "'\(edge.grapheme)'")
        let edgeColors = [edge.style.fg, edge.style.bg]
        #expect(edgeColors.contains { isNear($0, red) } && edgeColors.contains { isNear($0, blue) }, "\(edge.style)")
        // Row 7 is red above green (left): an upper or lower half block.
        let band = cells[5, 7]
        #expect(["▀", "▄"].contains(band.grapheme), "'\(band.grapheme)'")
        let bandColors = [band.style.fg, band.style.bg]
        #expect(bandColors.contains { isNear($0, red) } && bandColors.contains { isNear($0, green) }, "\(band.style)")
        // Every cell is one column wide and drawn with a block, a sextant, a space or a full block.
        for y in 0..<15 {
            for x in 0..<40 {
                let cell = cells[x, y]
                #expect(cell.width == 1)
                #expect(cell.grapheme == " " || isBlockOrSextant(cell.grapheme), "'\(cell.grapheme)' at \(x),\(y)")
            }
        }
    }

    @Test func quadrantsIn256Colours() throws {
        let image = try JPEG.decode(try quadrantsJPEG())
        let cells = PictureRenderer.render(image, fitting: Size(width: 40, height: 15), colors: .indexed256)
        // The cube's pure colours: red 196, blue 21, green 46, yellow 226 (never 0...15, which themes change).
        for (x, y, index) in [(5, 2, 196), (30, 2, 21), (5, 12, 46), (30, 12, 226)] {
            for c in visibleColors(cells[x, y]) { #expect(c == .indexed(UInt8(index)), "cell \(x),\(y): \(cells[x, y].style)") }
        }
        let edge = cells[20, 3]
        #expect(["▌", "▐"].contains(edge.grapheme))
        #expect(Set([edge.style.fg, edge.style.bg]) == [.indexed(196), .indexed(21)])
    }

    @Test("the picture keeps its proportions in any area", arguments: [
        (Size(width: 40, height: 15), Size(width: 40, height: 15)),
        (Size(width: 80, height: 15), Size(width: 40, height: 15)),
        (Size(width: 40, height: 40), Size(width: 40, height: 15)),
        (Size(width: 1, height: 1), Size(width: 1, height: 1)),
        (Size(width: 200, height: 50), Size(width: 133, height: 50)),
    ])
    func proportions(area: Size, expected: Size) {
        let canvas = PictureRenderer.canvasSize(for: PixelSize(width: 640, height: 480), fitting: area)
        #expect(canvas == expected)
        #expect(PictureRenderer.canvasSize(for: PixelSize(width: 640, height: 480), fitting: Size(width: 0, height: 5)) == .zero)
    }

    @Test func aTerminalWithSquareCellsGetsASquarerCanvas() {
        // Cells as wide as high: a 4:3 picture takes 4:3 cells.
        #expect(PictureRenderer.canvasSize(for: PixelSize(width: 640, height: 480), fitting: Size(width: 40, height: 40),
                                           cellAspect: 1) == Size(width: 40, height: 30))
        #expect(CellGeometry.aspect(of: PixelSize(width: 9, height: 18)) == 0.5)
    }

    @Test func cellsAreDrawnCentredAndClippedIntoTheBuffer() throws {
        let image = try JPEG.decode(try quadrantsJPEG(width: 64, height: 48))
        let cells = PictureRenderer.render(image, fitting: Size(width: 8, height: 3), colors: .direct)
        #expect(cells.size == Size(width: 8, height: 3))
        var buffer = Buffer(lines: ["··········", "··········", "··········", "··········", "··········"])
        PictureView(.picture(cells)).render(in: Rect(x: 0, y: 0, width: 10, height: 5), into: &buffer)
        // Centred: one column and one row of the area around it stay as they were.
        #expect(buffer.lines[0] == "··········")
        #expect(buffer.lines[4] == "··········")
        for y in 1...3 {
            #expect(buffer[0, y].grapheme == "·" && buffer[9, y].grapheme == "·")
            for x in 1...8 { #expect(buffer[x, y] == cells[x - 1, y - 1]) }
        }
        // A smaller area shows the top-left part, nothing outside it.
        var small = Buffer(lines: ["·····", "·····"])
        cells.draw(in: Rect(x: 1, y: 0, width: 3, height: 1), into: &small)
        #expect(small[0, 0].grapheme == "·" && small[4, 0].grapheme == "·" && small.lines[1] == "·····")
        #expect(small[1, 0] == cells[0, 0] && small[3, 0] == cells[2, 0])
    }

    @Test func aReasonIsOneLineCentredInThePicturesPlace() {
        var buffer = Buffer(size: Size(width: 30, height: 5))
        PictureView(.message(PhotoDisplay.needsColors)).render(in: buffer.area, into: &buffer)
        #expect(buffer.lines == ["", "", "   photos need 256 colours    ", "", ""].map { $0.padding(toLength: 30, withPad: " ", startingAt: 0) })
        #expect(buffer[3, 2].style == .dim)
        var narrow = Buffer(size: Size(width: 10, height: 1))
        PictureView(.message("photo host did not answer in time")).render(in: narrow.area, into: &narrow)
        #expect(narrow.lines == ["photo hos…"])
    }

    @Test("photos need 256 colours: NO_COLOR and small palettes get the one line instead", arguments: [
        (ColorSupport.none, PhotoMode.auto, PhotoDisplay.unavailable("photos need 256 colours")),
        (.basic, .cells, .unavailable("photos need 256 colours")),
        (.indexed256, .auto, .cells(.indexed256)),
        (.indexed256, .cells, .cells(.indexed256)),
        (.direct, .auto, .cells(.direct)),
        (.direct, .off, .unavailable("photos are off (photos = \"off\")")),
    ])
    func display(support: ColorSupport, mode: PhotoMode, expected: PhotoDisplay) {
        #expect(PhotoDisplay.decide(colors: support, mode: mode) == expected)
    }

    @Test func photoModeNamesAreTheConfigValues() {
        #expect(PhotoMode.allCases.map(\.rawValue) == ["cells", "auto", "off"])
        #expect(PhotoMode(rawValue: "sixel") == nil)
    }
}

@Suite("Pictures printed outside the TUI")
struct PrintedPictureTests {
    @Test func ansiLinesCarryTheCellsColours() throws {
        let image = try JPEG.decode(try quadrantsJPEG())
        let direct = PictureRenderer.render(image, fitting: Size(width: 40, height: 15), colors: .direct).ansiLines()
        #expect(direct.count == 15)
        #expect(direct.allSatisfy { $0.hasSuffix("\u{1B}[0m") })
        #expect(direct[2].contains(";2;") && !direct[2].contains(";5;"))
        // Text without the sequences is the cells' characters.
        let plain = direct[3].replacing(/\x{1B}\[[0-9;]*m/, with: "")
        #expect(plain.count == 40 && (plain.contains("▌") || plain.contains("▐")))
        let indexed = PictureRenderer.render(image, fitting: Size(width: 40, height: 15), colors: .indexed256).ansiLines()
        #expect(indexed[2].contains("38;5;196") || indexed[2].contains("48;5;196"))
        #expect(!indexed[2].contains(";2;"))
        // One sequence per run of equal colours: a solid red run is one sequence, not forty.
        #expect(indexed[2].components(separatedBy: "\u{1B}[").count < 12)
    }

    @Test("the command line's terminal colours", arguments: [
        (["TERM": "xterm-256color"], true, false, ColorSupport.indexed256),
        (["TERM": "xterm-256color", "COLORTERM": "truecolor"], true, false, .direct),
        (["TERM": "xterm-direct"], true, false, .direct),
        (["TERM": "xterm"], true, false, .basic),
        (["TERM": "xterm-256color", "NO_COLOR": "1"], true, false, .none),
        (["TERM": "xterm-256color", "NO_COLOR": ""], true, false, .indexed256),
        (["TERM": "xterm-256color"], true, true, .none),
        (["TERM": "xterm-256color"], false, false, .none),
        (["TERM": "dumb"], true, false, .none),
        ([:], true, false, .none),
    ])
    func printingColors(environment: [String: String], isTerminal: Bool, colorsOff: Bool, expected: ColorSupport) {
        #expect(PhotoDisplay.printingColors(environment: environment, isTerminal: isTerminal, colorsOff: colorsOff) == expected)
    }
}
