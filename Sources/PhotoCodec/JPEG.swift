// The only Swift file that talks to libjpeg-turbo (its TurboJPEG API).
import CTurboJPEG

/// A size in pixels.
public struct PixelSize: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)×\(height)" }
}

/// Why a JPEG could not be read or written. `description` is the one line a user sees.
public enum JPEGError: Error, Hashable, CustomStringConvertible {
    /// The bytes do not start like a JPEG (an HTML error page, a PNG, nothing at all).
    case notJPEG
    /// A JPEG header, but the decoder gave up (the message is libjpeg's).
    case damaged(String)
    /// The picture would need more memory than allowed, even at the smallest scale that still covers the target.
    case tooLarge(PixelSize)
    case encodingFailed(String)

    public var description: String {
        switch self {
        case .notJPEG: return "not a JPEG"
        case .damaged(let detail): return detail.isEmpty ? "damaged JPEG" : "damaged JPEG (\(detail))"
        case .tooLarge(let size): return "photo too large to draw (\(size))"
        case .encodingFailed(let detail): return "could not encode the JPEG (\(detail))"
        }
    }
}

/// JPEG decoding and encoding with libjpeg-turbo. Decoding can scale in the decoder (1/8 … 1/1 in steps of
/// 1/8), which costs a fraction of a full decode: a big photo drawn small is decoded small.
public enum JPEG {
    /// The largest decoded picture, in pixels, that `decode` will allocate (3 bytes each).
    public static let defaultMaxPixels = 40_000_000

    /// True when the bytes start with a JPEG's start-of-image marker.
    public static func looksLikeJPEG(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
    }

    /// The picture's full size, from its header.
    public static func size(of jpeg: [UInt8]) throws -> PixelSize {
        try withDecompressor { handle in try header(jpeg, handle) }
    }

    /// Decodes to RGB. With `target`, the decoder scales down to the smallest size that is still at least
    /// `target` in both directions (never up). Warnings (a photo cut short, some bad data) still give the
    /// picture, as browsers do; errors throw `JPEGError`. Never crashes on bad input.
    public static func decode(_ jpeg: [UInt8], covering target: PixelSize? = nil,
                              maxPixels: Int = defaultMaxPixels) throws -> RGBImage {
        try withDecompressor { handle in
            let full = try header(jpeg, handle)
            let size = target.map { scaledSize(of: full, covering: $0) } ?? full
            guard size.width * size.height <= maxPixels else { throw JPEGError.tooLarge(size) }
            var pixels = [UInt8](repeating: 0, count: size.width * size.height * 3)
            let status = jpeg.withUnsafeBufferPointer { source in
                pixels.withUnsafeMutableBufferPointer { destination in
                    tjDecompress2(handle, source.baseAddress, UInt(source.count), destination.baseAddress,
                                  Int32(size.width), Int32(size.width * 3), Int32(size.height),
                                  Int32(TJPF_RGB.rawValue), TJFLAG_FASTDCT)
                }
            }
            if status != 0, tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue) {
                throw JPEGError.damaged(errorText(handle))
            }
            return RGBImage(width: size.width, height: size.height, pixels: pixels)!
        }
    }

    /// The size `decode(covering:)` gives: the smallest of the decoder's scaling factors (at most 1/1) that
    /// is at least `target` in both directions, else the full size.
    public static func scaledSize(of full: PixelSize, covering target: PixelSize) -> PixelSize {
        var best = full
        for factor in scalingFactors where factor.num <= factor.denom {
            let w = Int(cj_scaled(Int32(full.width), factor)), h = Int(cj_scaled(Int32(full.height), factor))
            if w >= target.width, h >= target.height, w * h < best.width * best.height {
                best = PixelSize(width: w, height: h)
            }
        }
        return best
    }

    /// Chroma subsampling for `encode`: 4:4:4 keeps sharp colour edges (tests), 4:2:0 is what cameras write.
    public enum Subsampling: Sendable {
        case none, half
        var value: Int32 { self == .none ? Int32(TJSAMP_444.rawValue) : Int32(TJSAMP_420.rawValue) }
    }

    /// Encodes RGB as a baseline JPEG (quality 1...100).
    public static func encode(_ image: RGBImage, quality: Int = 85, subsampling: Subsampling = .half) throws -> [UInt8] {
        guard let handle = tjInitCompress() else { throw JPEGError.encodingFailed("cannot start the encoder") }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var length: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { source in
            tjCompress2(handle, source.baseAddress, Int32(image.width), Int32(image.width * 3), Int32(image.height),
                        Int32(TJPF_RGB.rawValue), &output, &length, subsampling.value,
                        Int32(max(1, min(100, quality))), 0)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else { throw JPEGError.encodingFailed(errorText(handle)) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }

    // MARK: TurboJPEG plumbing

    private static let scalingFactors: [tjscalingfactor] = {
        var count: Int32 = 0
        guard let list = tjGetScalingFactors(&count) else { return [tjscalingfactor(num: 1, denom: 1)] }
        return Array(UnsafeBufferPointer(start: list, count: Int(count)))
    }()

    private static func withDecompressor<T>(_ body: (tjhandle) throws -> T) throws -> T {
        guard let handle = tjInitDecompress() else { throw JPEGError.damaged("cannot start the decoder") }
        defer { tjDestroy(handle) }
        return try body(handle)
    }

    private static func header(_ jpeg: [UInt8], _ handle: tjhandle) throws -> PixelSize {
        guard looksLikeJPEG(jpeg) else { throw JPEGError.notJPEG }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = jpeg.withUnsafeBufferPointer { source in
            tjDecompressHeader3(handle, source.baseAddress, UInt(source.count), &width, &height, &subsampling, &colorspace)
        }
        guard status == 0, width > 0, height > 0 else { throw JPEGError.damaged(errorText(handle)) }
        return PixelSize(width: Int(width), height: Int(height))
    }

    private static func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "" }
        return String(cString: text)
    }
}
