import Foundation
import PhotoCodec
import Testing
@testable import SparkMock

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The raw bytes of a GET (photos are not text).
private func fetchBytes(_ url: URL, method: String = "GET", headers: [String: String] = [:]) async throws -> (status: Int, type: String?, body: Data) {
    var request = URLRequest(url: url)
    request.httpMethod = method
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as! HTTPURLResponse
    return (http.statusCode, http.value(forHTTPHeaderField: "Content-Type"), data)
}

@Suite("The demo photos: catalog and faults")
struct DemoPhotoCatalogTests {
    @Test func photosJSONIsShapedLikeTheRealAPIs() throws {
        let catalog = DemoPhotoCatalog(baseURL: URL(string: "http://127.0.0.1:4321")!)
        let id = "20060425000000000003000003"
        let photos = try #require(try JSONSerialization.jsonObject(with: Data(catalog.photosJSON(forListing: id).utf8)) as? [[String: Any]])
        #expect(photos.count == 6 && catalog.count(forListing: id) == 6)
        let keys: Set<String> = ["Uri300", "ResourceUri", "Name", "Primary", "Id", "Uri800", "Uri1024", "UriLarge", "Caption",
                                 "Uri1280", "UriThumb", "Uri640"]
        for photo in photos { #expect(Set(photo.keys) == keys) }
        #expect(photos.map { $0["Primary"] as? Bool } == [true, false, false, false, false, false])
        #expect(photos.map { $0["Name"] as? String } == ["House", "Kitchen", "Living room", "Bath", "Bedroom", "Yard"])
        #expect(photos[1]["Caption"] as? String == "", "empty captions happen in real data")
        #expect(photos[0]["Uri640"] as? String == "http://127.0.0.1:4321/photos/\(id)/1/640.jpg")
        #expect(photos[5]["UriThumb"] as? String == "http://127.0.0.1:4321/photos/\(id)/6/thumb.jpg")
        #expect((photos[0]["ResourceUri"] as? String)?.hasPrefix("/v1/listings/\(id)/photos/") == true)
        #expect(Set(photos.compactMap { $0["Id"] as? String }).count == 6)
        // The same on every run; 3 to 6 photos a listing; none without a photo listener.
        #expect(catalog.photosJSON(forListing: id) == catalog.photosJSON(forListing: id))
        #expect(Set((0..<40).map { catalog.count(forListing: sparkID(year: 2006, $0)) }) == [3, 4, 5, 6])
        #expect(DemoPhotoCatalog(baseURL: nil).photosJSON(forListing: id) == "[]")
        // An id that is not path-safe is escaped in the URI, not passed through.
        let odd = DemoPhotoCatalog(baseURL: URL(string: "http://h:1")!).photosJSON(forListing: "a/b ?c")
        #expect(odd.contains("/photos/a%2Fb%20%3Fc/1/"))
    }

    @Test("photo fault specs", arguments: [
        ("slow:2.5", PhotoFault(.slow(.milliseconds(2500)))),
        ("stall-body:30@2", PhotoFault(.stallBody(.seconds(30)), photo: 2)),
        ("damaged", PhotoFault(.damaged)),
        ("not-jpeg@1", PhotoFault(.notJPEG, photo: 1)),
        ("huge", PhotoFault(.huge(megabytes: 12))),
        ("huge:3", PhotoFault(.huge(megabytes: 3))),
        ("404", PhotoFault(.status(404))),
        (" 503@3 ", PhotoFault(.status(503), photo: 3)),
    ])
    func parses(spec: String, expected: PhotoFault) throws {
        #expect(try PhotoFault.parse(spec) == expected)
    }

    @Test("bad photo fault specs say why", arguments: ["", "sideways", "slow", "slow:x", "damaged:1", "404@0", "404@x",
                                                       "99", "huge:0", "huge:big", "not-jpeg:2"])
    func refuses(spec: String) {
        #expect(throws: FaultSpecError.self) { try PhotoFault.parse(spec) }
    }
}

@Suite("The photo listener", .timeLimit(.minutes(1)))
struct PhotoListenerTests {
    let id = "20060425000000000003000003"

    @Test func servesDecodableJPEGsOfEachSizeTheSameEveryTime() async throws {
        try await withStartedDemoServer { server async throws in
            let base = server.photoBaseURL.appendingPathComponent("photos/\(id)")
            for (size, pixels) in [("thumb", PixelSize(width: 120, height: 90)), ("300", PixelSize(width: 300, height: 225)),
                                   ("640", PixelSize(width: 640, height: 480)), ("large", PixelSize(width: 1600, height: 1200))] {
                let reply = try await fetchBytes(base.appendingPathComponent("1/\(size).jpg"))
                #expect(reply.status == 200 && reply.type == "image/jpeg")
                #expect(try JPEG.size(of: Array(reply.body)) == pixels)
            }
            let first = try await fetchBytes(base.appendingPathComponent("2/300.jpg")).body
            let again = try await fetchBytes(base.appendingPathComponent("2/300.jpg")).body
            let other = try await fetchBytes(base.appendingPathComponent("3/300.jpg")).body
            #expect(first == again && first != other)
            // Photo 1 of two listings: the same house in another colour.
            let elsewhere = try await fetchBytes(server.photoBaseURL.appendingPathComponent("photos/20060425000000000004000004/1/300.jpg")).body
            #expect(elsewhere != (try await fetchBytes(base.appendingPathComponent("1/300.jpg")).body))
        }
    }

    /// `GET /v1/listings/<Id>?_expand=Photos` carries the listing's photos, pointing at the photo listener; without the
    /// expansion there are none.
    @Test func aListingExpandsItsPhotos() async throws {
        try await withStartedDemoServer { server async throws in
            let listing = sparkID(year: 2006, 3)
            func standardFields(_ query: String) async throws -> [String: Any] {
                let url = URL(string: server.baseURL.absoluteString + "/v1/listings/\(listing)" + query)!
                let reply = try await fetchBytes(url, headers: ["Authorization": "OAuth \(DemoCredentials.demoAccessToken)",
                                                                "X-SparkApi-User-Agent": "spark-portal-tests"])
                #expect(reply.status == 200)
                let body = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])
                let results = try #require((body["D"] as? [String: Any])?["Results"] as? [[String: Any]])
                return try #require(results.first?["StandardFields"] as? [String: Any])
            }
            let expanded = try await standardFields("?_expand=Photos")
            let photos = try #require(expanded["Photos"] as? [[String: Any]])
            #expect(photos.count == DemoPhotoCatalog(baseURL: server.photoBaseURL).count(forListing: listing))
            #expect(photos.first?["Primary"] as? Bool == true)
            #expect((photos.first?["Uri640"] as? String)?.hasPrefix(server.photoBaseURL.absoluteString + "/photos/\(listing)/1/") == true)
            #expect(try await standardFields("")["Photos"] == nil)
        }
    }

    @Test func unknownPhotosAnd405() async throws {
        try await withStartedDemoServer { server async throws in
            let base = server.photoBaseURL
            for path in ["photos/\(id)/7/640.jpg", "photos/\(id)/0/640.jpg", "photos/\(id)/1/641.jpg", "photos/\(id)/1", "v1/portal/groups", ""] {
                #expect(try await fetchBytes(base.appendingPathComponent(path)).status == 404, "\(path)")
            }
            #expect(try await fetchBytes(base.appendingPathComponent("photos/\(id)/1/640.jpg"), method: "POST").status == 405)
            let recorded = await server.photoJournal.requests
            #expect(recorded.count == 7)
            #expect(await server.journal.requests.isEmpty, "the API listener saw none of it")
        }
    }

    @Test func theJournalMasksATokenSentByMistake() async throws {
        try await withStartedDemoServer { server async throws in
            _ = try await fetchBytes(server.photoBaseURL.appendingPathComponent("photos/\(id)/1/300.jpg"),
                                     headers: ["Authorization": "OAuth leaked-token-123"])
            let request = try #require(await server.photoJournal.requests.first)
            #expect(request.headers["authorization"] == "OAuth ********")
        }
    }

    @Test func faultsApplyToTheirPhotos() async throws {
        var configuration = DemoServerConfiguration()
        configuration.photoFaults = [try PhotoFault.parse("not-jpeg@2"), try PhotoFault.parse("damaged@3"),
                                     try PhotoFault.parse("410@4"), try PhotoFault.parse("huge:2@5")]
        try await withStartedDemoServer(configuration) { server async throws in
            let base = server.photoBaseURL.appendingPathComponent("photos/\(id)")
            let ok = try await fetchBytes(base.appendingPathComponent("1/300.jpg"))
            #expect(try JPEG.size(of: Array(ok.body)).width == 300)
            let html = try await fetchBytes(base.appendingPathComponent("2/300.jpg"))
            #expect(html.status == 200 && html.type?.hasPrefix("text/html") == true)
            #expect(throws: JPEGError.notJPEG) { try JPEG.decode(Array(html.body)) }
            let damaged = try await fetchBytes(base.appendingPathComponent("3/300.jpg"))
            #expect(JPEG.looksLikeJPEG(Array(damaged.body)))
            #expect { try JPEG.decode(Array(damaged.body)) } throws: { error in
                if case .damaged = error as? JPEGError { return true }
                return false
            }
            #expect(try await fetchBytes(base.appendingPathComponent("4/300.jpg")).status == 410)
            let huge = try await fetchBytes(base.appendingPathComponent("5/300.jpg"))
            #expect(huge.body.count == 2 << 20)
            #expect(try JPEG.size(of: Array(huge.body)).width == 300, "a real JPEG, padded")
        }
    }
}
