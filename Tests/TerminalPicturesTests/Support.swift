import Foundation
import PhotoCodec
import Testing
import TerminalUI

/// A picture made in the test: four blocks of colour. The left part (x < `split`) is red above the row `band`
/// and green below; the right part is blue above and yellow below. 640 × 480 fits 40 × 15 cells of a 1:2 font
/// exactly (16 × 32 pixels a cell), so x = 328 is the middle of cell column 20 and y = 240 the middle of row 7.
func quadrants(width: Int = 640, height: Int = 480, split: Int = 328, band: Int = 240) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    image.fill(x0: 0, y0: 0, x1: split, y1: band, with: RGB(255, 0, 0))
    image.fill(x0: split, y0: 0, x1: width, y1: band, with: RGB(0, 0, 255))
    image.fill(x0: 0, y0: band, x1: split, y1: height, with: RGB(0, 255, 0))
    image.fill(x0: split, y0: band, x1: width, y1: height, with: RGB(255, 255, 0))
    return image
}

/// The quadrants as a sharp JPEG (4:4:4, quality 95: colour edges stay where they are).
func quadrantsJPEG(width: Int = 640, height: Int = 480) throws -> [UInt8] {
    try JPEG.encode(quadrants(width: width, height: height, split: width * 41 / 80, band: height / 2),
                    quality: 95, subsampling: .none)
}

/// The colours a cell shows: for a full block its foreground, for a space its background, else both.
func visibleColors(_ cell: Cell) -> [Color] {
    switch cell.grapheme {
    case "█": [cell.style.fg]
    case " ": [cell.style.bg]
    default: [cell.style.fg, cell.style.bg]
    }
}

/// An RGB colour near `expected` (JPEG and chafa move colours a little).
func isNear(_ color: Color, _ expected: (Int, Int, Int), tolerance: Int = 40) -> Bool {
    guard case .rgb(let r, let g, let b) = color else { return false }
    return abs(Int(r) - expected.0) <= tolerance && abs(Int(g) - expected.1) <= tolerance && abs(Int(b) - expected.2) <= tolerance
}

/// Block elements (U+2580–U+259F) and sextants (U+1FB00–U+1FB3B): what pictures are drawn with.
func isBlockOrSextant(_ text: String) -> Bool {
    guard let scalar = text.unicodeScalars.first, text.unicodeScalars.count == 1 else { return false }
    return (0x2580...0x259F).contains(scalar.value) || (0x1FB00...0x1FB3B).contains(scalar.value)
}

/// Waits for a condition with a deadline (never a fixed sleep).
func eventually(_ what: Comment, timeout: Duration = .seconds(10), _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !(await condition()) {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting for: \(what)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}
