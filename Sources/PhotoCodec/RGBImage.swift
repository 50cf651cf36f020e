/// A picture as plain pixels: 8-bit red, green, blue, row after row, no padding (`width * 3` bytes a row).
public struct RGBImage: Sendable, Hashable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes.
    public var pixels: [UInt8]

    /// A picture filled with one colour.
    public init(width: Int, height: Int, fill: RGB = RGB(0, 0, 0)) {
        precondition(width > 0 && height > 0, "an image has at least one pixel")
        self.width = width
        self.height = height
        var row = [UInt8]()
        row.reserveCapacity(width * 3)
        for _ in 0..<width { row += [fill.red, fill.green, fill.blue] }
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * 3)
        for _ in 0..<height { pixels += row }
        self.pixels = pixels
    }

    /// A picture from existing pixels; nil unless there are exactly `width * height * 3` bytes.
    public init?(width: Int, height: Int, pixels: [UInt8]) {
        guard width > 0, height > 0, pixels.count == width * height * 3 else { return nil }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Bytes held (what a cache counts).
    public var byteCount: Int { pixels.count }

    /// The pixel at (x, y); black outside the picture.
    public subscript(x: Int, y: Int) -> RGB {
        get {
            guard x >= 0, y >= 0, x < width, y < height else { return RGB(0, 0, 0) }
            let i = (y * width + x) * 3
            return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let i = (y * width + x) * 3
            pixels[i] = newValue.red
            pixels[i + 1] = newValue.green
            pixels[i + 2] = newValue.blue
        }
    }

    /// Fills the pixels for which `inside(x, y)` holds, within the rectangle `x0..<x1`, `y0..<y1` (clipped).
    public mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, with color: RGB,
                              where inside: (Int, Int) -> Bool = { _, _ in true }) {
        let left = max(0, x0), right = min(width, x1), top = max(0, y0), bottom = min(height, y1)
        guard left < right, top < bottom else { return }
        for y in top..<bottom {
            var i = (y * width + left) * 3
            for x in left..<right {
                if inside(x, y) {
                    pixels[i] = color.red
                    pixels[i + 1] = color.green
                    pixels[i + 2] = color.blue
                }
                i += 3
            }
        }
    }
}

/// One 8-bit RGB colour.
public struct RGB: Sendable, Hashable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// `a` mixed with `b`: `t` = 0 is `a`, 1 is `b`.
    public static func mix(_ a: RGB, _ b: RGB, _ t: Double) -> RGB {
        func channel(_ x: UInt8, _ y: UInt8) -> UInt8 {
            UInt8(max(0, min(255, (Double(x) + (Double(y) - Double(x)) * t).rounded())))
        }
        return RGB(channel(a.red, b.red), channel(a.green, b.green), channel(a.blue, b.blue))
    }

    public var description: String { "rgb(\(red),\(green),\(blue))" }
}
