import Foundation
import Testing
import TestSupport

@testable import SparkAPI

/// The first listing of a listings response (`{"D":{"Results":[…]}}`).
private func firstListing(_ data: Data) throws -> Listing {
    let envelope = try JSONDecoder().decode(JSONValue.self, from: data)
    guard case .array(let results)? = envelope["D"]?["Results"], let first = results.first else {
        throw CancellationError()
    }
    return try JSONDecoder().decode(Listing.self, from: JSONEncoder().encode(first))
}

private func photo(_ json: String) throws -> ListingPhoto? {
    ListingPhoto(json: try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)))
}

@Suite("Listing photos: the model and the URI choice")
struct ListingPhotoTests {
    @Test("the fixtures' photos", .enabled(if: Shared.isPresent, Shared.skipNote),
          arguments: ["spark_api/spec/fixtures/listings/with_photos.json", "SparkJava/src/test/fixtures/listing_with_photos.json"])
    func fixturePhotos(file: String) throws {
        let listing = try firstListing(try Shared.fixture(file))
        let photos = listing.photos
        #expect(photos.count == 5)
        #expect(listing.primaryPhotoIndex == 0)
        #expect(photos.map(\.label) == ["House", "kitchen", "kitchen 2", "living", "bath"])
        #expect(photos.map(\.isPrimary) == [true, false, false, false, false])
        let first = try #require(photos.first)
        #expect(first.id == "20060725225010201442000000")
        #expect(first.resourceUri == "/v1/listings/20060725224713296297000000/pictures/20060725225010201442000000")
        #expect(first.caption == nil, "an empty caption is no caption")
        #expect(Set(first.uris.keys) == Set(ListingPhoto.Size.allCases))
        #expect(first.uris[.uri640]?.absoluteString == "http://cdn.resize.flexmls.com/cda/640x480/true/20060725225010201442000000-o.jpg")
        #expect(first.uris[.thumb]?.absoluteString == "http://photos.flexmls.com/cda/20060725225010201442000000-t.jpg")
    }

    @Test("the smallest size that covers the area (a 4:3 photo fitted into it)", arguments: [
        (400, 300, ListingPhoto.Size.uri640),   // 40×15 cells of 10×20 pixels
        (300, 225, .uri300),
        (301, 400, .uri640),   // a tall area: the width decides
        (800, 150, .uri300),   // a wide, short area: 150 high is 200 wide
        (100, 75, .thumb),
        (121, 90, .thumb),     // 90 high is 120 wide
        (121, 91, .uri300),
        (1024, 768, .uri1024),
        (1200, 2000, .uri1280),
        (1281, 961, .large),
        (4000, 3000, .large),
    ])
    func uriChoice(width: Int, height: Int, expected: ListingPhoto.Size) throws {
        var uris: [ListingPhoto.Size: URL] = [:]
        for size in ListingPhoto.Size.allCases { uris[size] = URL(string: "http://photos.test/\(size.rawValue).jpg")! }
        let photo = ListingPhoto(id: "p", uris: uris)
        #expect(photo.uri(coveringWidth: width, height: height) == uris[expected])
    }

    @Test func missingSizesAreSkippedAndTheLargestThereIsWhenNoneCovers() {
        let u300 = URL(string: "http://photos.test/300.jpg")!, u1024 = URL(string: "http://photos.test/1024.jpg")!
        let photo = ListingPhoto(id: "p", uris: [.uri300: u300, .uri1024: u1024])
        #expect(photo.uri(coveringWidth: 200, height: 150) == u300)
        #expect(photo.uri(coveringWidth: 500, height: 375) == u1024)
        #expect(photo.uri(coveringWidth: 3000, height: 2000) == u1024)
        #expect(ListingPhoto(id: "p", uris: [:]).uri(coveringWidth: 10, height: 10) == nil)
    }

    @Test func decodingIsLenient() throws {
        // Restricted, non-http and relative URIs are left out; odd types are read; Id from ResourceUri.
        let p = try #require(try photo(#"""
            {"ResourceUri":"/v1/listings/L1/photos/P9","Name":42,"Caption":"  Porch  ","Primary":"true",
             "Uri300":"********","Uri640":"javascript:alert(1)","Uri800":"/relative.jpg","Uri1024":"ftp://x/y.jpg",
             "Uri1280":" https://photos.test/1280.jpg ","UriLarge":null,"UriThumb":17}
            """#))
        #expect(p.id == "P9")
        #expect(p.name == "42")
        #expect(p.label == "42")
        #expect(p.caption == "  Porch  ")
        #expect(p.isPrimary)
        #expect(p.uris == [.uri1280: URL(string: "https://photos.test/1280.jpg")!])
        // Without any usable URI a photo is dropped; a list keeps the others.
        #expect(try photo(#"{"Id":"x","Uri300":"********"}"#) == nil)
        #expect(try photo(#""just a string""#) == nil)
        let listing = Listing(id: "L", standardFields: ["Photos": [["Uri300": "********"], ["Id": "b", "Uri640": "http://p.test/b.jpg", "Caption": "Dock"]]])
        #expect(listing.photos.map(\.id) == ["b"])
        #expect(listing.photos.first?.label == "Dock")
        #expect(listing.primaryPhotoIndex == 0, "no photo marked primary: the first")
        #expect(Listing(id: "L").photos.isEmpty && Listing(id: "L").primaryPhotoIndex == nil)
        #expect(Listing(id: "L", standardFields: ["Photos": "********"]).photos.isEmpty)
    }

    @Test func encodesBackWithSparkFieldNames() throws {
        let p = ListingPhoto(id: "P1", name: "House", isPrimary: true, uris: [.uri640: URL(string: "http://p.test/640.jpg")!])
        let object = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(p))
        #expect(object["Id"] == "P1" && object["Name"] == "House" && object["Primary"] == true)
        #expect(object["Uri640"] == "http://p.test/640.jpg" && object["Uri300"] == .null)
        #expect(try JSONDecoder().decode(ListingPhoto.self, from: JSONEncoder().encode(p)) == p)
    }
}

@Suite("PhotoFetcher: photo hosts get no token", .timeLimit(.minutes(1)))
struct PhotoFetcherTests {
    private static let jpegBytes = "\u{FF}\u{D8}\u{FF}fake jpeg body"

    @Test func thePhotoRequestCarriesNoAuthorizationAndNoneOfTheAPIsHeaders() async throws {
        let received = Recorder<ReceivedRequest>()
        let body = try await withTestServer(respond: { request in
            received.append(request)
            return (200, ["Content-Type": "image/jpeg"], "photo bytes")
        }) { url in
            let fetcher = PhotoFetcher()
            defer { Task { await fetcher.shutdown() } }
            return try await fetcher.fetch(url.appendingPathComponent("cda/1.jpg"))
        }
        #expect(String(decoding: body, as: UTF8.self) == "photo bytes")
        let request = try #require(received.values.first)
        #expect(request.method == "GET" && request.uri == "/cda/1.jpg")
        #expect(request.headers["authorization"] == nil)
        #expect(request.headers["x-sparkapi-user-agent"] == nil)
        #expect(request.headers["cookie"] == nil)
        #expect(!request.headers.values.contains { $0.contains(secretToken) })
        #expect(Set(request.headers.keys).isSubset(of: ["host", "accept", "content-length", "connection"]), "\(request.headers)")
    }

    @Test("HTTP failures are one line each", arguments: [
        (404, [String: String](), "HTTP 404"),
        (500, [:], "HTTP 500"),
        (302, ["Location": "/elsewhere.jpg"], "photo host redirected (HTTP 302); not followed"),
    ])
    func statusReasons(status: Int, headers: [String: String], reason: String) async throws {
        let received = Recorder<String>()
        let error = try await withTestServer(respond: { request in
            received.append(request.uri)
            return (status, headers, "nope")
        }) { url in
            let fetcher = PhotoFetcher()
            defer { Task { await fetcher.shutdown() } }
            return await #expect(throws: PhotoFetchError.self) { try await fetcher.fetch(url.appendingPathComponent("p.jpg")) }
        }
        #expect(error?.description == reason)
        #expect(received.values == ["/p.jpg"], "a redirect is not followed")
    }

    @Test func aPhotoOverTheCapIsRefusedByItsLength() async throws {
        let error = try await withTestServer(respond: { _ in
            (200, ["Content-Type": "image/jpeg"], String(repeating: "x", count: 3 << 20))
        }) { url in
            let fetcher = PhotoFetcher(configuration: .init(maxBytes: 1 << 20))
            defer { Task { await fetcher.shutdown() } }
            return await #expect(throws: PhotoFetchError.self) { try await fetcher.fetch(url.appendingPathComponent("big.jpg")) }
        }
        #expect(error == .tooLarge(bytes: 3 << 20, limit: 1 << 20))
        #expect(error?.description == "photo too large (3 MB)")
        #expect(PhotoFetchError.tooLarge(bytes: 12_582_912, limit: 10 << 20).description == "photo too large (12 MB)")
        #expect(PhotoFetchError.tooLarge(bytes: 1_572_864, limit: 1 << 20).description == "photo too large (1.5 MB)")
    }

    @Test func aHostThatDoesNotAnswerTimesOut() async throws {
        let error = try await withTestServer(respond: { _ in nil }) { url in
            let fetcher = PhotoFetcher(configuration: .init(timeout: .milliseconds(300)))
            defer { Task { await fetcher.shutdown() } }
            return await #expect(throws: PhotoFetchError.self) { try await fetcher.fetch(url.appendingPathComponent("slow.jpg")) }
        }
        #expect(error?.description == "photo host did not answer in time")
    }

    @Test func refusedAndUnsupportedAddresses() async throws {
        let fetcher = PhotoFetcher()
        let closed = try RefusingPort()  // bound, never listening: refused at once
        let refused = await #expect(throws: PhotoFetchError.self) {
            try await fetcher.fetch(URL(string: "http://127.0.0.1:\(closed.port)/p.jpg")!)
        }
        #expect(refused?.description == "photo host refused the connection")
        for address in ["file:///etc/passwd", "ftp://photos.test/p.jpg", "javascript:alert(1)"] {
            await #expect(throws: PhotoFetchError.unsupportedAddress) { try await fetcher.fetch(URL(string: address)!) }
        }
        await fetcher.shutdown()
    }

    @Test func cancellingTheCallEndsTheRequest() async throws {
        let received = Recorder<String>()
        try await withTestServer(respond: { request in
            received.append(request.uri)
            return nil
        }) { url in
            let fetcher = PhotoFetcher(configuration: .init(timeout: .seconds(50)))
            let task = Task { try await fetcher.fetch(url.appendingPathComponent("p.jpg")) }
            try await eventually("request received") { received.count == 1 }
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            await fetcher.shutdown()
        }
    }
}
