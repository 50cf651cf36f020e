import PhotoCodec
import Testing

@Suite("JPEG through libjpeg-turbo")
struct JPEGTests {
    @Test func encodeThenDecodeKeepsSizeAndColours() throws {
        let jpeg = try quadrantsJPEG()
        #expect(JPEG.looksLikeJPEG(jpeg))
        #expect(try JPEG.size(of: jpeg) == PixelSize(width: 640, height: 480))
        let image = try JPEG.decode(jpeg)
        #expect(image.width == 640 && image.height == 480)
        #expect(image.pixels.count == 640 * 480 * 3)
        func near(_ p: RGB, _ r: Int, _ g: Int, _ b: Int) -> Bool {
            abs(Int(p.red) - r) < 12 && abs(Int(p.green) - g) < 12 && abs(Int(p.blue) - b) < 12
        }
        #expect(near(image[100, 100], 255, 0, 0), "\(image[100, 100])")
        #expect(near(image[500, 100], 0, 0, 255), "\(image[500, 100])")
        #expect(near(image[100, 400], 0, 255, 0), "\(image[100, 400])")
        #expect(near(image[500, 400], 255, 255, 0), "\(image[500, 400])")
    }

    @Test("the decoder scales down to the smallest size that still covers the target, never up", arguments: [
        (PixelSize(width: 320, height: 120), PixelSize(width: 320, height: 240)),
        (PixelSize(width: 321, height: 120), PixelSize(width: 400, height: 300)),
        (PixelSize(width: 80, height: 60), PixelSize(width: 80, height: 60)),
        (PixelSize(width: 1, height: 1), PixelSize(width: 80, height: 60)),
        (PixelSize(width: 700, height: 500), PixelSize(width: 640, height: 480)),
    ])
    func scaledDecode(target: PixelSize, expected: PixelSize) throws {
        #expect(JPEG.scaledSize(of: PixelSize(width: 640, height: 480), covering: target) == expected)
        let image = try JPEG.decode(try quadrantsJPEG(), covering: target)
        #expect(PixelSize(width: image.width, height: image.height) == expected)
    }

    @Test("bytes that are not a JPEG say so", arguments: [
        Array("<html><body>502 Bad Gateway</body></html>".utf8), [], [0xFF, 0xD8], Array("\u{89}PNG\r\n".utf8),
    ])
    func notAJPEG(bytes: [UInt8]) {
        #expect(throws: JPEGError.notJPEG) { try JPEG.decode(bytes) }
        #expect(JPEGError.notJPEG.description == "not a JPEG")
    }

    @Test func aDamagedJPEGIsAnErrorNotACrash() throws {
        let jpeg = try quadrantsJPEG()
        // The start marker and the first segment's header, then garbage.
        let damaged = Array(jpeg.prefix(4)) + (0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let error = #expect(throws: JPEGError.self) { try JPEG.decode(damaged) }
        guard case .damaged(let detail) = error else { Issue.record("not .damaged: \(String(describing: error))"); return }
        #expect(!detail.isEmpty)
        #expect(error?.description.hasPrefix("damaged JPEG (") == true, "\(String(describing: error))")
        // Random bytes after a valid header, and every prefix of the header: never a crash.
        for cut in stride(from: 3, to: 700, by: 7) {
            _ = try? JPEG.decode(Array(jpeg.prefix(cut)))
        }
    }

    @Test("a photo cut short still shows (as browsers do): the decoder's warning is not an error")
    func truncatedDecodes() throws {
        let jpeg = try quadrantsJPEG()
        let image = try JPEG.decode(Array(jpeg.prefix(jpeg.count * 2 / 3)))
        #expect(image.width == 640 && image.height == 480)
        #expect(image[100, 20].red > 200 && image[100, 20].blue < 40)
    }

    @Test func aPictureTooBigForMemoryIsRefused() throws {
        let jpeg = try quadrantsJPEG()
        #expect(throws: JPEGError.tooLarge(PixelSize(width: 640, height: 480))) {
            try JPEG.decode(jpeg, maxPixels: 100_000)
        }
        #expect(JPEGError.tooLarge(PixelSize(width: 640, height: 480)).description == "photo too large to draw (640×480)")
        // Scaled to what is needed, the same photo fits.
        #expect(try JPEG.decode(jpeg, covering: PixelSize(width: 160, height: 120), maxPixels: 100_000).width == 160)
    }
}
