import Foundation
import HTTPTypes
import Hummingbird
import PhotoCodec
import Synchronization

/// The listings' photos as the demo server describes them (`StandardFields.Photos` for `_expand=Photos`) and
/// serves them, from its own listener (a second port on the demo server's host: a photo host is another
/// origin than the API, as on the real service). Every listing has 3 to 6 photos; their pictures are drawn on
/// request (`DemoPhotoArt`), the same on every run.
public struct DemoPhotoCatalog: Sendable {
    /// The photo listener, `http://127.0.0.1:PORT`; nil when there is none (socket-free router tests): then
    /// listings have no photos.
    public let baseURL: URL?

    public init(baseURL: URL?) {
        self.baseURL = baseURL
    }

    /// How many photos the listing has (3...6), from its index.
    public func count(forListing id: String) -> Int { 3 + Self.index(ofListing: id) % 4 }

    /// The `Photos` array of listing `id`, shaped like the real API's (see the spark_api fixture
    /// `listings/with_photos.json`): photo 1 is `Primary`; every size's URI points at the photo listener.
    func json(forListing id: String) -> JSONValue {
        guard let baseURL else { return .array([]) }
        let index = Self.index(ofListing: id)
        let base = baseURL.absoluteString + "/photos/" + Self.pathSafe(id)
        return .array((1...count(forListing: id)).map { number in
            let scene = DemoPhotoArt.scenes[(number - 1) % DemoPhotoArt.scenes.count]
            let photoID = sparkID(year: 2008, index * 8 + number)
            func uri(_ size: DemoPhotoSize) -> JSONValue { .string("\(base)/\(number)/\(size.rawValue).jpg") }
            return .object([
                ("Uri300", uri(.uri300)),
                ("ResourceUri", .string("/v1/listings/\(id)/photos/\(photoID)")),
                ("Name", .string(scene.name)),
                ("Primary", .bool(number == 1)),
                ("Id", .string(photoID)),
                ("Uri800", uri(.uri800)),
                ("Uri1024", uri(.uri1024)),
                ("UriLarge", uri(.large)),
                ("Caption", .string(number == 2 ? "" : scene.caption)),
                ("Uri1280", uri(.uri1280)),
                ("UriThumb", uri(.thumb)),
                ("Uri640", uri(.uri640)),
            ])
        })
    }

    /// The same array as JSON text (for tests and for routes that write bytes).
    public func photosJSON(forListing id: String) -> String {
        String(decoding: json(forListing: id).serialized(), as: UTF8.self)
    }

    /// The listing's index in the generated pool (`sparkID`'s last six digits), else a hash of its id.
    static func index(ofListing id: String) -> Int {
        let digits = Array(id.utf8)
        if digits.count == 26, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            return digits[14..<20].reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
        for byte in digits { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return Int(hash % 1_000_000)
    }

    /// The id as one path segment: letters, digits, `-` and `_` kept, everything else percent-encoded.
    static func pathSafe(_ id: String) -> String {
        id.utf8.map { byte -> String in
            let c = Character(Unicode.Scalar(byte))
            return c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_") ? String(c) : String(format: "%%%02X", byte)
        }.joined()
    }
}

/// The sizes of a photo, by the path segment the listener serves them under, with the `Uri…` field naming them.
enum DemoPhotoSize: String, CaseIterable, Sendable {
    case thumb, uri300 = "300", uri640 = "640", uri800 = "800", uri1024 = "1024", uri1280 = "1280", large

    /// 4:3 pictures; `large` stands for the original upload.
    var pixels: PixelSize {
        switch self {
        case .thumb: PixelSize(width: 120, height: 90)
        case .uri300: PixelSize(width: 300, height: 225)
        case .uri640: PixelSize(width: 640, height: 480)
        case .uri800: PixelSize(width: 800, height: 600)
        case .uri1024: PixelSize(width: 1024, height: 768)
        case .uri1280: PixelSize(width: 1280, height: 960)
        case .large: PixelSize(width: 1600, height: 1200)
        }
    }
}

/// A fault of the photo listener (`spark-mock --photo-fault`): `EFFECT[@N]`, where `@N` limits it to the N-th
/// photo of every listing (default: every photo).
/// ```
/// slow:SECONDS         hold the answer this long (the client gives up: "photo host did not answer in time")
/// stall-body:SECONDS   send the headers and half the JPEG, then wait this long before the rest
/// damaged              a JPEG whose data after the start marker is garbage ("damaged JPEG")
/// not-jpeg             an HTML error page with status 200 ("not a JPEG")
/// huge[:MB]            a JPEG padded to MB megabytes (default 12), sent without Content-Length ("photo too large")
/// STATUS               that HTTP status, e.g. 404 or 503 ("HTTP 404")
/// ```
public struct PhotoFault: Sendable, Equatable {
    public enum Effect: Sendable, Equatable {
        case slow(Duration)
        case stallBody(Duration)
        case damaged
        case notJPEG
        case huge(megabytes: Int)
        case status(Int)
    }

    public var effect: Effect
    /// 1-based; nil: every photo.
    public var photo: Int?

    public init(_ effect: Effect, photo: Int? = nil) {
        self.effect = effect
        self.photo = photo
    }

    public static func parse(_ spec: String) throws -> PhotoFault {
        func fail(_ reason: String) -> FaultSpecError { FaultSpecError(spec: spec, reason: reason) }
        var text = Substring(spec).trimmingWhitespace
        var photo: Int?
        if let at = text.lastIndex(of: "@") {
            guard let n = Int(text[text.index(after: at)...]), n >= 1 else { throw fail("expected @N with N ≥ 1 (the N-th photo)") }
            photo = n
            text = text[..<at]
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func seconds() throws -> Duration {
            guard parts.count == 2, let s = Double(parts[1]), s >= 0 else { throw fail("expected \(parts[0]):SECONDS") }
            return .milliseconds(Int64(s * 1000))
        }
        let effect: Effect
        switch parts[0].lowercased() {
        case "slow": effect = .slow(try seconds())
        case "stall-body": effect = .stallBody(try seconds())
        case "damaged" where parts.count == 1: effect = .damaged
        case "not-jpeg" where parts.count == 1: effect = .notJPEG
        case "huge":
            guard parts.count <= 2, let mb = parts.count == 2 ? Int(parts[1]) : 12, (1...1024).contains(mb) else {
                throw fail("expected huge or huge:MB (1...1024)")
            }
            effect = .huge(megabytes: mb)
        case let word where Int(word) != nil && parts.count == 1:
            guard let status = Int(word), (100...599).contains(status) else { throw fail("\(word) is not an HTTP status") }
            effect = .status(status)
        default:
            throw fail("unknown photo fault (slow:SECONDS, stall-body:SECONDS, damaged, not-jpeg, huge[:MB], STATUS; then @N for one photo)")
        }
        return PhotoFault(effect, photo: photo)
    }

    func applies(to number: Int) -> Bool { photo == nil || photo == number }
}

/// The photo listener's handler: `GET /photos/<listing id>/<n>/<size>.jpg`. Records every request in its own
/// journal (headers included, `Authorization` masked like the API's journal: tests assert there is none).
final class DemoPhotoService: Sendable {
    let catalog: DemoPhotoCatalog
    let faults: [PhotoFault]
    let journal: RequestJournal
    /// What slow answers and held bodies wait on (the server's clock: a test's clock in tests).
    let clock: any Clock<Duration>
    /// Recently drawn JPEGs by path: paging back and forth does not draw them again.
    private let recent = Mutex<[String: [UInt8]]>([:])
    private static let recentLimit = 48

    init(catalog: DemoPhotoCatalog, faults: [PhotoFault], journal: RequestJournal, clock: any Clock<Duration>) {
        self.catalog = catalog
        self.faults = faults
        self.journal = journal
        self.clock = clock
    }

    /// What the listener answers: a body, and how to send it.
    struct Answer: Sendable {
        var status: Int
        var contentType: String
        var body: [UInt8]
        var delay: Duration = .zero
        var bodyPause: Duration?
        var withoutLength = false
    }

    func respond(method: String, path: String, headers: [String: String]) async -> Answer {
        let answer = answer(method: method, path: path)
        var recorded = headers
        if let authorization = recorded["authorization"] {
            recorded["authorization"] = (authorization.split(separator: " ").first.map(String.init) ?? "") + " ********"
        }
        await journal.record(RecordedRequest(method: method, path: path, query: nil, headers: recorded, body: nil,
                                             status: answer.status, userID: nil))
        if answer.delay > .zero { try? await clock.sleep(for: answer.delay) }
        return answer
    }

    private func answer(method: String, path: String) -> Answer {
        let text = { (status: Int, message: String) in
            Answer(status: status, contentType: "text/plain; charset=utf-8", body: Array((message + "\n").utf8))
        }
        guard method == "GET" else { return text(405, "method not allowed") }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "photos", let number = Int(parts[3]),
              parts[4].hasSuffix(".jpg"), let size = DemoPhotoSize(rawValue: String(parts[4].dropLast(4)))
        else { return text(404, "no such photo") }
        let listingID = percentDecode(String(parts[2]))
        guard (1...catalog.count(forListing: listingID)).contains(number) else { return text(404, "no such photo") }

        var answer = Answer(status: 200, contentType: "image/jpeg", body: jpeg(listingID, number, size, path: path))
        for fault in faults where fault.applies(to: number) {
            switch fault.effect {
            case .slow(let delay): answer.delay += delay
            case .stallBody(let pause): answer.bodyPause = (answer.bodyPause ?? .zero) + pause
            case .damaged: answer.body = Self.damage(answer.body)
            case .notJPEG:
                answer.contentType = "text/html; charset=utf-8"
                answer.body = Array("<html><body><h1>502 Bad Gateway</h1></body></html>\n".utf8)
            case .huge(let megabytes):
                answer.body += [UInt8](repeating: 0, count: max(0, megabytes << 20 - answer.body.count))
                answer.withoutLength = true
            case .status(let status):
                let delay = answer.delay
                answer = text(status, "HTTP \(status)")
                answer.delay = delay
            }
        }
        return answer
    }

    private func jpeg(_ listingID: String, _ number: Int, _ size: DemoPhotoSize, path: String) -> [UInt8] {
        if let cached = recent.withLock({ $0[path] }) { return cached }
        let image = DemoPhotoArt.draw(listingIndex: DemoPhotoCatalog.index(ofListing: listingID), number: number,
                                      width: size.pixels.width, height: size.pixels.height)
        let bytes = (try? JPEG.encode(image, quality: 82)) ?? []
        recent.withLock { recent in
            if recent.count >= Self.recentLimit { recent.removeAll() }
            recent[path] = bytes
        }
        return bytes
    }

    /// The JPEG's start marker and the first segment header, then garbage: a decoder reads "JPEG" and fails.
    static func damage(_ jpeg: [UInt8]) -> [UInt8] {
        let keep = min(jpeg.count, 4)
        return Array(jpeg.prefix(keep)) + (0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    }
}

/// The Hummingbird side of the photo listener.
struct DemoPhotoResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let service: DemoPhotoService

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        let answer = await service.respond(method: request.method.rawValue, path: request.uri.path, headers: headers)
        var fields = HTTPFields()
        fields[.contentType] = answer.contentType
        fields[.cacheControl] = "max-age=86400"
        let status = HTTPResponse.Status(code: answer.status)
        if let pause = answer.bodyPause {
            return Response(status: status, headers: fields, body: pausedBody(answer.body, pause: pause, clock: service.clock))
        }
        if answer.withoutLength {
            let bytes = answer.body
            return Response(status: status, headers: fields, body: ResponseBody { writer in
                var offset = 0
                while offset < bytes.count {
                    let end = min(bytes.count, offset + 65536)
                    try await writer.write(ByteBuffer(bytes: bytes[offset..<end]))
                    offset = end
                }
                try await writer.finish(nil)
            })
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

/// A body sent as its first half at once and the rest after `pause` (the stall-body faults): a server that
/// stops mid-body, which a deadline on the headers alone never notices.
func pausedBody(_ bytes: [UInt8], pause: Duration, clock: any Clock<Duration>) -> ResponseBody {
    let half = bytes.count / 2
    return ResponseBody(contentLength: bytes.count) { writer in
        try await writer.write(ByteBuffer(bytes: bytes[..<half]))
        try await clock.sleep(for: pause)  // cancelled when the client hangs up or the server stops
        try await writer.write(ByteBuffer(bytes: bytes[half...]))
        try await writer.finish(nil)
    }
}
