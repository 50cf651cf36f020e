import Foundation
import SparkAPI
import SparkMock
import Testing
import TerminalUI
@testable import TerminalPictures

/// A listing as the API would send it with `_expand=Photos`, with the demo server's photos.
func demoListing(_ id: String, photos catalog: DemoPhotoCatalog) throws -> Listing {
    let json = #"{"Id":"\#(id)","ResourceUri":"/v1/listings/\#(id)","StandardFields":{"ListingKey":"\#(id)","Photos":\#(catalog.photosJSON(forListing: id))}}"#
    return try JSONDecoder().decode(Listing.self, from: Data(json.utf8))
}

/// A store that fetches with a real `PhotoFetcher`, as the app wires it.
func withPhotoStore<T: Sendable>(_ configuration: PhotoFetcher.Configuration = .init(),
                                 _ body: (PictureStore<URL>) async throws -> T) async throws -> T {
    let fetcher = PhotoFetcher(configuration: configuration)
    let store = PictureStore<URL> { url in Array(try await fetcher.fetch(url)) }
    do {
        let result = try await body(store)
        await fetcher.shutdown()
        return result
    } catch {
        await fetcher.shutdown()
        throw error
    }
}

let demoListingID = "20060425000000000003000003"  // index 3 of the generated pool: 6 photos

@Suite("Listing photos end to end: demo photo host → PhotoFetcher → PictureStore → cells", .timeLimit(.minutes(1)))
struct PhotoPathTests {
    @Test func aDemoListingsPrimaryPhotoIsDrawnAndItsRequestCarriesNoToken() async throws {
        try await withStartedDemoServer { server in
            let listing = try demoListing(demoListingID, photos: DemoPhotoCatalog(baseURL: server.photoBaseURL))
            let photos = listing.photos
            #expect(photos.count == 6)
            #expect(listing.primaryPhotoIndex == 0)
            #expect(photos.map(\.label) == ["House", "Kitchen", "Living room", "Bath", "Bedroom", "Yard"])
            // 40×15 cells of 10×20 pixels: 400×300 → the 640 size.
            let url = try #require(photos[0].uri(coveringWidth: 40 * 10, height: 15 * 20))
            #expect(url.absoluteString == server.photoBaseURL.absoluteString + "/photos/\(demoListingID)/1/640.jpg")
            #expect(url.host == "127.0.0.1" && url.port != server.baseURL.port)

            let cells = try await withPhotoStore { store in
                try await store.cells(for: url, fitting: Size(width: 40, height: 15), colors: .direct)
            }
            #expect(cells.size == Size(width: 40, height: 15))
            // The house picture: sky at the top right, grass along the bottom.
            #expect(visibleColors(cells[30, 0]).allSatisfy { isNear($0, (90, 150, 220), tolerance: 60) }, "\(cells[30, 0].style)")
            #expect(visibleColors(cells[2, 14]).allSatisfy { isNear($0, (45, 115, 45), tolerance: 50) }, "\(cells[2, 14].style)")

            let request = try #require(await server.photoJournal.waitForRequest(method: "GET", path: url.path))
            #expect(request.status == 200)
            #expect(request.headers["authorization"] == nil)
            #expect(request.headers["x-sparkapi-user-agent"] == nil)
            #expect(request.headers["cookie"] == nil)
            #expect(await server.journal.requests.isEmpty, "nothing went to the API")
        }
    }

    @Test("photo faults show as one line in the picture's place", arguments: [
        ("damaged", "damaged JPEG ("),
        ("not-jpeg", "not a JPEG"),
        ("404", "HTTP 404"),
        ("huge", "photo too large (over 10 MB)"),
        ("slow:30", "photo host did not answer in time"),
        ("stall-body:30", "photo host did not answer in time"),
    ])
    func faultsGiveOneLineReasons(fault: String, reason: String) async throws {
        var configuration = DemoServerConfiguration()
        configuration.photoFaults = [try PhotoFault.parse(fault)]
        try await withStartedDemoServer(configuration) { server in
            let photo = try demoListing(demoListingID, photos: DemoPhotoCatalog(baseURL: server.photoBaseURL)).photos[0]
            let url = try #require(photo.uri(coveringWidth: 400, height: 300))
            // A short deadline only where the host holds its answer (the deadline is what is tested there); the others
            // get a long one, so a loaded machine moving 10 MB slowly is not mistaken for a host that does not answer.
            let holds = fault.hasPrefix("slow") || fault.hasPrefix("stall")
            let timeout: Duration = holds ? .milliseconds(600) : .seconds(60)
            let said = try await withPhotoStore(PhotoFetcher.Configuration(timeout: timeout)) { store in
                do {
                    _ = try await store.cells(for: url, fitting: Size(width: 40, height: 15), colors: .indexed256)
                    return "a picture"
                } catch {
                    return PhotoDisplay.reason(for: error) ?? "cancelled"
                }
            }
            #expect(said.hasPrefix(reason), "\(fault): \(said)")
        }
    }

    @Test func aFaultForOnePhotoLeavesTheOthers() async throws {
        var configuration = DemoServerConfiguration()
        configuration.photoFaults = [try PhotoFault.parse("503@2")]
        try await withStartedDemoServer(configuration) { server in
            let photos = try demoListing(demoListingID, photos: DemoPhotoCatalog(baseURL: server.photoBaseURL)).photos
            try await withPhotoStore { store in
                for (index, photo) in photos.enumerated() {
                    let url = try #require(photo.uri(coveringWidth: 200, height: 150))
                    do {
                        let cells = try await store.cells(for: url, fitting: Size(width: 20, height: 8), colors: .direct)
                        #expect(index != 1 && cells.size.width > 0)
                    } catch {
                        #expect(index == 1 && PhotoDisplay.reason(for: error) == "HTTP 503")
                    }
                }
            }
        }
    }
}
