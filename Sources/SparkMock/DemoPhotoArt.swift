import PhotoCodec

/// The demo server's photos: simple drawings, recognisable at a glance in a terminal and the same on every run.
/// Each listing has its own colour (from its index), photo 1 is the house, the others rooms and the yard, and
/// every photo carries its number in big digits in the top-left corner (so paging through them shows).
enum DemoPhotoArt {
    /// The rooms, in the order a listing's photos come in (a listing has 3 to 6 photos).
    static let scenes: [(name: String, caption: String)] = [
        ("House", "Front of the house"),
        ("Kitchen", "Kitchen with a view of the yard"),
        ("Living room", "Living room"),
        ("Bath", "Main bathroom"),
        ("Bedroom", "Bedroom"),
        ("Yard", "Back yard"),
    ]

    /// Photo `number` (1-based) of the listing with `listingIndex`, drawn at `width` × `height`.
    static func draw(listingIndex: Int, number: Int, width: Int, height: Int) -> RGBImage {
        var canvas = Canvas(width: width, height: height)
        let hue = Double((listingIndex * 47) % 360)
        let accent = hsv(hue, 0.55, 0.85)
        switch (number - 1) % scenes.count {
        case 0: canvas.house(body: accent)
        case 1: canvas.kitchen(cabinets: accent)
        case 2: canvas.livingRoom(sofa: accent)
        case 3: canvas.bath(tiles: hsv(hue, 0.25, 0.95))
        case 4: canvas.bedroom(cover: accent)
        default: canvas.yard(flowers: accent)
        }
        canvas.digits(String(number), x: width / 32, y: height / 24, height: height / 5)
        return canvas.image
    }

    /// A colour from hue (degrees), saturation and value (0...1).
    static func hsv(_ hue: Double, _ saturation: Double, _ value: Double) -> RGB {
        let h = (hue.truncatingRemainder(dividingBy: 360) + 360).truncatingRemainder(dividingBy: 360) / 60
        let c = value * saturation
        let x = c * (1 - abs(h.truncatingRemainder(dividingBy: 2) - 1))
        let (r, g, b): (Double, Double, Double) = switch Int(h) {
        case 0: (c, x, 0)
        case 1: (x, c, 0)
        case 2: (0, c, x)
        case 3: (0, x, c)
        case 4: (x, 0, c)
        default: (c, 0, x)
        }
        let m = value - c
        func byte(_ v: Double) -> UInt8 { UInt8(max(0, min(255, ((v + m) * 255).rounded()))) }
        return RGB(byte(r), byte(g), byte(b))
    }
}

/// Drawing in fractions of the picture (0...1), so every size shows the same drawing. Shapes are filled a row
/// at a time.
private struct Canvas {
    var image: RGBImage
    var width: Int { image.width }
    var height: Int { image.height }

    init(width: Int, height: Int) {
        image = RGBImage(width: width, height: height)
    }

    private func px(_ f: Double) -> Int { Int((f * Double(width)).rounded()) }
    private func py(_ f: Double) -> Int { Int((f * Double(height)).rounded()) }

    /// A vertical gradient over rows `top..<bottom` (fractions).
    mutating func gradient(top: Double, bottom: Double, from a: RGB, to b: RGB) {
        let y0 = py(top), y1 = py(bottom)
        for y in y0..<max(y0, y1) {
            let t = y1 - y0 > 1 ? Double(y - y0) / Double(y1 - y0 - 1) : 0
            image.fill(x0: 0, y0: y, x1: width, y1: y + 1, with: RGB.mix(a, b, t))
        }
    }

    mutating func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: RGB) {
        image.fill(x0: px(x0), y0: py(y0), x1: px(x1), y1: py(y1), with: color)
    }

    /// An ellipse in the box (fractions).
    mutating func ellipse(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: RGB) {
        let cx = Double(px(x0) + px(x1)) / 2, cy = Double(py(y0) + py(y1)) / 2
        let rx = Double(px(x1) - px(x0)) / 2, ry = Double(py(y1) - py(y0)) / 2
        guard rx > 0, ry > 0 else { return }
        for y in py(y0)..<py(y1) {
            let dy = (Double(y) + 0.5 - cy) / ry
            guard abs(dy) <= 1 else { continue }
            let dx = rx * (1 - dy * dy).squareRoot()
            image.fill(x0: Int((cx - dx).rounded()), y0: y, x1: Int((cx + dx).rounded()), y1: y + 1, with: color)
        }
    }

    /// A triangle with a flat base from (left, base) to (right, base) and its apex at (apexX, apexY).
    mutating func triangle(left: Double, right: Double, base: Double, apexX: Double, apexY: Double, _ color: RGB) {
        let top = py(apexY), bottom = py(base)
        guard bottom > top else { return }
        for y in top..<bottom {
            let t = Double(y - top) / Double(bottom - top)
            let x0 = apexX + (left - apexX) * t, x1 = apexX + (right - apexX) * t
            image.fill(x0: px(x0), y0: y, x1: px(x1), y1: y + 1, with: color)
        }
    }

    /// A checkerboard of `columns` squares across the rows `top..<bottom`.
    mutating func checkers(top: Double, bottom: Double, columns: Int, _ a: RGB, _ b: RGB) {
        let size = max(1, width / columns)
        for y in py(top)..<py(bottom) {
            for column in 0...(width / size) {
                let color = (column + (y - py(top)) / size) % 2 == 0 ? a : b
                image.fill(x0: column * size, y0: y, x1: (column + 1) * size, y1: y + 1, with: color)
            }
        }
    }

    mutating func window(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) {
        rect(x0, y0, x1, y1, RGB(240, 240, 235))
        let inset = 0.012
        rect(x0 + inset, y0 + inset * 1.33, x1 - inset, y1 - inset * 1.33, RGB(150, 200, 245))
        rect((x0 + x1) / 2 - 0.004, y0, (x0 + x1) / 2 + 0.004, y1, RGB(240, 240, 235))
        rect(x0, (y0 + y1) / 2 - 0.005, x1, (y0 + y1) / 2 + 0.005, RGB(240, 240, 235))
    }

    mutating func house(body: RGB) {
        gradient(top: 0, bottom: 0.62, from: RGB(70, 130, 210), to: RGB(190, 225, 250))
        ellipse(0.78, 0.08, 0.9, 0.24, RGB(255, 215, 70))
        gradient(top: 0.62, bottom: 1, from: RGB(80, 170, 70), to: RGB(40, 110, 40))
        rect(0.25, 0.4, 0.75, 0.8, body)
        triangle(left: 0.2, right: 0.8, base: 0.42, apexX: 0.5, apexY: 0.16, RGB(150, 45, 40))
        rect(0.45, 0.58, 0.55, 0.8, RGB(90, 55, 30))
        window(0.3, 0.5, 0.41, 0.65)
        window(0.59, 0.5, 0.7, 0.65)
    }

    mutating func kitchen(cabinets: RGB) {
        gradient(top: 0, bottom: 0.7, from: RGB(245, 235, 215), to: RGB(225, 210, 185))
        window(0.38, 0.1, 0.62, 0.4)
        rect(0, 0.45, 1, 0.52, RGB(60, 60, 65))
        for i in 0..<5 { rect(0.02 + Double(i) * 0.2, 0.53, 0.18 + Double(i) * 0.2, 0.7, cabinets) }
        for i in 0..<2 { rect(0.04 + Double(i) * 0.8, 0.08, 0.16 + Double(i) * 0.8, 0.38, cabinets) }
        checkers(top: 0.7, bottom: 1, columns: 12, RGB(235, 235, 235), RGB(40, 40, 45))
    }

    mutating func livingRoom(sofa: RGB) {
        gradient(top: 0, bottom: 0.72, from: RGB(205, 215, 195), to: RGB(180, 190, 170))
        window(0.08, 0.1, 0.38, 0.45)
        gradient(top: 0.72, bottom: 1, from: RGB(150, 100, 60), to: RGB(110, 70, 40))
        ellipse(0.3, 0.8, 0.95, 0.98, RGB(180, 60, 60))
        rect(0.45, 0.45, 0.95, 0.75, sofa)
        rect(0.42, 0.55, 0.48, 0.78, sofa)
        rect(0.92, 0.55, 0.98, 0.78, sofa)
    }

    mutating func bath(tiles: RGB) {
        checkers(top: 0, bottom: 1, columns: 16, tiles, RGB(250, 250, 250))
        ellipse(0.55, 0.08, 0.8, 0.42, RGB(200, 220, 230))
        rect(0.08, 0.55, 0.62, 0.85, RGB(252, 252, 252))
        rect(0.1, 0.58, 0.6, 0.66, RGB(120, 180, 220))
    }

    mutating func bedroom(cover: RGB) {
        gradient(top: 0, bottom: 0.7, from: RGB(200, 190, 220), to: RGB(170, 160, 195))
        gradient(top: 0.7, bottom: 1, from: RGB(120, 85, 60), to: RGB(90, 60, 40))
        rect(0.2, 0.4, 0.25, 0.85, RGB(100, 65, 40))
        rect(0.25, 0.55, 0.85, 0.8, cover)
        rect(0.27, 0.48, 0.45, 0.56, RGB(250, 250, 245))
        ellipse(0.88, 0.35, 0.98, 0.5, RGB(255, 230, 150))
        rect(0.925, 0.5, 0.935, 0.8, RGB(60, 60, 60))
    }

    mutating func yard(flowers: RGB) {
        gradient(top: 0, bottom: 0.55, from: RGB(90, 160, 230), to: RGB(200, 230, 250))
        gradient(top: 0.55, bottom: 1, from: RGB(90, 180, 80), to: RGB(50, 120, 45))
        for i in 0..<14 { rect(Double(i) * 0.075, 0.45, Double(i) * 0.075 + 0.04, 0.65, RGB(235, 225, 205)) }
        rect(0, 0.5, 1, 0.52, RGB(235, 225, 205))
        rect(0.68, 0.35, 0.72, 0.8, RGB(100, 70, 40))
        ellipse(0.55, 0.1, 0.85, 0.45, RGB(40, 120, 50))
        for i in 0..<6 { ellipse(0.05 + Double(i) * 0.1, 0.82, 0.09 + Double(i) * 0.1, 0.88, flowers) }
    }

    /// Seven-segment digits, white on a dark plate, `height` pixels tall, top-left at (x, y).
    mutating func digits(_ text: String, x: Int, y: Int, height: Int) {
        let h = max(10, height), w = h / 2, stroke = max(2, h / 8), gap = w / 3
        let plateWidth = text.count * (w + gap) + gap
        image.fill(x0: x, y0: y, x1: x + plateWidth, y1: y + h + 2 * gap, with: RGB(30, 30, 30))
        // Segments a...g: top, upper right, lower right, bottom, lower left, upper left, middle.
        let patterns: [Character: String] = ["0": "abcdef", "1": "bc", "2": "abged", "3": "abgcd", "4": "fgbc",
                                             "5": "afgcd", "6": "afgedc", "7": "abc", "8": "abcdefg", "9": "abcdfg"]
        for (i, digit) in text.enumerated() {
            let left = x + gap + i * (w + gap), top = y + gap, mid = top + h / 2
            for segment in patterns[digit] ?? "" {
                let (x0, y0, x1, y1): (Int, Int, Int, Int) = switch segment {
                case "a": (left, top, left + w, top + stroke)
                case "b": (left + w - stroke, top, left + w, mid)
                case "c": (left + w - stroke, mid, left + w, top + h)
                case "d": (left, top + h - stroke, left + w, top + h)
                case "e": (left, mid, left + stroke, top + h)
                case "f": (left, top, left + stroke, mid)
                default: (left, mid - stroke / 2, left + w, mid + stroke - stroke / 2)
                }
                image.fill(x0: x0, y0: y0, x1: x1, y1: y1, with: RGB(255, 255, 255))
            }
        }
    }
}
