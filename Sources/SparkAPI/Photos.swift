import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// One photo of a listing (`StandardFields.Photos[]`, present with `_expand=Photos`): its name, caption,
/// whether it is the primary photo, and its URIs by size. Decoded leniently: odd values are missing values, a
/// URI that is not absolute `http`/`https` is left out, and a photo without any usable URI is dropped.
public struct ListingPhoto: Codable, Sendable, Hashable, Identifiable {
    /// The sizes Spark offers, smallest first, by their field names.
    public enum Size: String, CaseIterable, Sendable, Hashable, Comparable {
        case thumb = "UriThumb", uri300 = "Uri300", uri640 = "Uri640", uri800 = "Uri800", uri1024 = "Uri1024"
        case uri1280 = "Uri1280", large = "UriLarge"

        /// The width the size stands for (its name; the thumbnail is assumed small), nil for `UriLarge` (the
        /// upload itself, of any size). Photos are assumed 4:3, as those names are.
        public var width: Int? {
            switch self {
            case .thumb: 120
            case .uri300: 300
            case .uri640: 640
            case .uri800: 800
            case .uri1024: 1024
            case .uri1280: 1280
            case .large: nil
            }
        }

        public static func < (a: Size, b: Size) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var id: String
    public var resourceUri: String?
    public var name: String?
    public var caption: String?
    public var isPrimary: Bool
    public var uris: [Size: URL]

    public init(id: String, resourceUri: String? = nil, name: String? = nil, caption: String? = nil,
                isPrimary: Bool = false, uris: [Size: URL]) {
        self.id = id
        self.resourceUri = resourceUri
        self.name = name
        self.caption = caption
        self.isPrimary = isPrimary
        self.uris = uris
    }

    /// A photo object as the API sends it; nil when it has no usable URI.
    public init?(json: JSONValue) {
        guard case .object = json else { return nil }
        var uris: [Size: URL] = [:]
        for size in Size.allCases {
            if let text = json[size.rawValue]?.sparkString.value, let url = Self.photoURL(text) { uris[size] = url }
        }
        guard let anyURI = Size.allCases.lazy.compactMap({ uris[$0] }).first else { return nil }
        resourceUri = json["ResourceUri"]?.sparkString.value
        id = json["Id"]?.sparkString.value
            ?? resourceUri.flatMap { $0.split(separator: "/").last.map(String.init) }
            ?? anyURI.absoluteString
        name = json["Name"]?.sparkString.value
        caption = json["Caption"]?.sparkString.value
        isPrimary = json["Primary"]?.sparkBool.value ?? false
        self.uris = uris
    }

    public init(from decoder: any Decoder) throws {
        let json = try JSONValue(from: decoder)
        guard let photo = ListingPhoto(json: json) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a photo without a usable URI"))
        }
        self = photo
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", resourceUri = "ResourceUri", name = "Name", caption = "Caption", primary = "Primary"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(resourceUri, forKey: .resourceUri)
        try c.encode(name, forKey: .name)
        try c.encode(caption, forKey: .caption)
        try c.encode(isPrimary, forKey: .primary)
        var sizes = encoder.container(keyedBy: SizeKey.self)
        for size in Size.allCases { try sizes.encode(uris[size]?.absoluteString, forKey: SizeKey(size)) }
    }

    private struct SizeKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ size: Size) { stringValue = size.rawValue }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// What to call the photo under the picture: its name, else its caption (either may be empty).
    public var label: String? {
        [name, caption].compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.first { !$0.isEmpty }
    }

    /// The smallest URI that covers a picture area of `width` × `height` pixels: a 4:3 photo fitted into the
    /// area is at most this wide, and the size whose width reaches that is chosen; when none does, the largest
    /// there is (`UriLarge` first). Nil only for a photo without URIs.
    public func uri(coveringWidth width: Int, height: Int) -> URL? {
        let needed = min(width, (height * 4 + 2) / 3)
        let known = Size.allCases.filter { uris[$0] != nil }
        if let size = known.first(where: { ($0.width ?? Int.max) >= needed }) { return uris[size] }
        return known.last.flatMap { uris[$0] }
    }

    /// Photo URIs must be absolute http or https addresses (plain http is common for photo hosts).
    static func photoURL(_ text: String) -> URL? {
        guard let url = URL(string: text.trimmingCharacters(in: .whitespaces)),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else { return nil }
        return url
    }
}

extension Listing {
    /// The photos in `StandardFields.Photos` (sent with `_expand=Photos`), in the server's order; empty without.
    public var photos: [ListingPhoto] {
        guard case .array(let items) = field("Photos") else { return [] }
        return items.compactMap(ListingPhoto.init(json:))
    }

    /// The position in `photos` of the primary photo (the first when none is marked); nil without photos.
    public var primaryPhotoIndex: Int? {
        let photos = photos
        guard !photos.isEmpty else { return nil }
        return photos.firstIndex(where: \.isPrimary) ?? 0
    }
}

/// Why a photo could not be fetched. `description` is the one line shown in the photo's place.
public enum PhotoFetchError: Error, Hashable, CustomStringConvertible {
    /// Larger than the cap: the size when the host said it (`Content-Length`), else nil (it sent more than the cap).
    case tooLarge(bytes: Int?, limit: Int)
    case timedOut
    case status(Int)
    /// A 3xx: redirects are not followed (a photo host's redirect could lead anywhere).
    case redirected(Int)
    case unsupportedAddress
    case refused
    case hostNotFound
    case tls(String)
    case other(String)

    public var description: String {
        switch self {
        case .tooLarge(let bytes?, _): return "photo too large (\(Self.megabytes(bytes)))"
        case .tooLarge(nil, let limit): return "photo too large (over \(Self.megabytes(limit)))"
        case .timedOut: return "photo host did not answer in time"
        case .status(let status): return "HTTP \(status)"
        case .redirected(let status): return "photo host redirected (HTTP \(status)); not followed"
        case .unsupportedAddress: return "photo address is not http or https"
        case .refused: return "photo host refused the connection"
        case .hostNotFound: return "photo host not found"
        case .tls(let detail): return "secure connection to the photo host failed (\(detail))"
        case .other(let detail): return "photo not loaded (\(detail))"
        }
    }

    /// "12 MB", "1.5 MB" (binary megabytes, as file managers count).
    static func megabytes(_ bytes: Int) -> String {
        let mb = Double(bytes) / 1_048_576
        if mb >= 10 || mb.rounded() == mb { return "\(Int(mb.rounded())) MB" }
        return "\((mb * 10).rounded() / 10) MB"
    }
}

/// Fetches listing photos from photo hosts, on a request path of its own: its own HTTP client, no
/// `Authorization` and none of the Spark API's headers (the token never goes to a photo host), a size cap, one
/// deadline over the whole exchange, and no redirects followed. Plain `http://` hosts are allowed (photo URIs
/// often are). Proxies come from the environment like curl's, per photo host. Cancelling the calling task
/// cancels the request. Call `shutdown()` when done.
public final class PhotoFetcher: Sendable {
    public struct Configuration: Sendable {
        /// Bigger photos are refused, unread.
        public var maxBytes: Int
        /// The whole exchange: connect, headers and body.
        public var timeout: Duration
        public var connectTimeout: Duration
        /// Where proxy settings come from (`https_proxy`, `http_proxy`, `no_proxy`).
        public var environment: [String: String]

        public init(maxBytes: Int = 10 << 20, timeout: Duration = .seconds(15), connectTimeout: Duration = .seconds(10),
                    environment: [String: String] = ProcessInfo.processInfo.environment) {
            self.maxBytes = maxBytes
            self.timeout = timeout
            self.connectTimeout = connectTimeout
            self.environment = environment
        }
    }

    public let configuration: Configuration
    private let tlsConfiguration: TLSConfiguration?
    /// One client per proxy setting (most often just the direct one), made when first needed.
    private let clients = Mutex<[ProxySettings?: HTTPClient]>([:])
    private let isShutDown = Mutex(false)

    /// - Parameter tlsConfiguration: default: the system's trust roots (tests pass their own).
    public init(configuration: Configuration = Configuration(), tlsConfiguration: TLSConfiguration? = nil) {
        self.configuration = configuration
        self.tlsConfiguration = tlsConfiguration
    }

    /// The photo's bytes. Throws `PhotoFetchError`, or `CancellationError` when the task is cancelled.
    public func fetch(_ url: URL) async throws -> Data {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host?.isEmpty == false else {
            throw PhotoFetchError.unsupportedAddress
        }
        let client = try client(for: url)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers.add(name: "Accept", value: "image/jpeg, image/*;q=0.8")
        let deadline = NIODeadline.now() + .nanoseconds(configuration.timeout.nanoseconds)
        do {
            let response = try await client.execute(request, deadline: deadline)
            let status = Int(response.status.code)
            if (300..<400).contains(status) { throw PhotoFetchError.redirected(status) }
            guard (200..<300).contains(status) else { throw PhotoFetchError.status(status) }
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > configuration.maxBytes {
                throw PhotoFetchError.tooLarge(bytes: length, limit: configuration.maxBytes)
            }
            let body = try await AsyncHTTPClientTransport.collect(response.body, upTo: configuration.maxBytes,
                                                                  deadline: deadline, on: client.eventLoopGroup.any())
            return Data(body.readableBytesView)
        } catch let error as PhotoFetchError {
            throw error
        } catch is NIOTooManyBytesError {
            throw PhotoFetchError.tooLarge(bytes: nil, limit: configuration.maxBytes)
        } catch {
            throw Self.failure(for: error)
        }
    }

    /// Releases the connections. The fetcher must not be used afterwards.
    public func shutdown() async {
        isShutDown.withLock { $0 = true }
        let all = clients.withLock { clients in
            defer { clients.removeAll() }
            return Array(clients.values)
        }
        for client in all { try? await client.shutdown() }
    }

    private func client(for url: URL) throws -> HTTPClient {
        let proxy = ProxySettings.fromEnvironment(configuration.environment, for: url)
        return try clients.withLock { clients in
            if let client = clients[proxy] { return client }
            guard !isShutDown.withLock({ $0 }) else { throw PhotoFetchError.other("shut down") }
            var settings = HTTPClient.Configuration()
            settings.tlsConfiguration = tlsConfiguration
            settings.redirectConfiguration = .disallow
            settings.connectionPool.retryConnectionEstablishment = false
            settings.timeout = .init(connect: .nanoseconds(configuration.connectTimeout.nanoseconds))
            settings.decompression = .disabled
            if let proxy {
                let authorization = proxy.username.map {
                    HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "")
                }
                settings.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
            }
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
            clients[proxy] = client
            return client
        }
    }

    /// The transport's reading of network errors, said for a photo host.
    static func failure(for error: any Error) -> any Error {
        switch AsyncHTTPClientTransport.failure(for: error) {
        case let cancelled as CancellationError: return cancelled
        case TransportFailure.timedOut: return PhotoFetchError.timedOut
        case TransportFailure.connectionRefused: return PhotoFetchError.refused
        case TransportFailure.hostNotFound: return PhotoFetchError.hostNotFound
        case TransportFailure.tls(let detail): return PhotoFetchError.tls(detail)
        case TransportFailure.other(let detail): return PhotoFetchError.other(detail)
        case let other: return PhotoFetchError.other(String(describing: other))
        }
    }
}
