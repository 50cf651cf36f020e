import Foundation
import PhotoCodec
import Synchronization
import Testing
import TerminalUI
@testable import TerminalPictures

@Suite("The photo cache")
struct LRUCacheTests {
    @Test func staysWithinItsBudgetDroppingTheLeastRecentlyUsed() {
        var cache = LRUCache<String, Int>(budget: 100)
        cache.insert(1, cost: 40, for: "a")
        cache.insert(2, cost: 40, for: "b")
        #expect(cache.value(for: "a") == 1)  // a is now the most recently used
        cache.insert(3, cost: 40, for: "c")  // 120 > 100: b goes
        #expect(cache.totalCost == 80)
        #expect(cache.contains("a") && !cache.contains("b") && cache.contains("c"))
        cache.insert(4, cost: 100, for: "d")  // alone at the budget: everything else goes
        #expect(cache.count == 1 && cache.totalCost == 100)
        cache.insert(5, cost: 101, for: "e")  // over the budget on its own: not kept
        #expect(!cache.contains("e") && cache.contains("d"))
        cache.insert(6, cost: 10, for: "d")  // replacing a key replaces its cost
        #expect(cache.totalCost == 10 && cache.value(for: "d") == 6)
        cache.remove("d")
        #expect(cache.count == 0 && cache.totalCost == 0)
    }

    @Test func manyInsertsNeverExceedTheBudget() {
        var cache = LRUCache<Int, [UInt8]>(budget: 10_000)
        for i in 0..<2_000 {
            cache.insert([], cost: 100 + (i * 7919) % 900, for: i)
            #expect(cache.totalCost <= 10_000)
        }
        #expect(cache.contains(1_999))
    }
}

/// Counts fetches and can hold them until released or cancelled.
final class FakePhotoHost: Sendable {
    let fetched = Mutex<[String]>([])
    let photos: [String: [UInt8]]

    init(_ photos: [String: [UInt8]]) { self.photos = photos }

    func fetch(_ key: String) async throws -> [UInt8] {
        fetched.withLock { $0.append(key) }
        if key.hasPrefix("hang") {
            // Held until the task is cancelled (a photo host that never answers): Task.sleep throws then.
            try await Task.sleep(for: .seconds(3600))
        }
        guard let photo = photos[key] else { throw FakeStatus(status: 404) }
        return photo
    }

    var count: Int { fetched.withLock { $0.count } }
}

struct FakeStatus: Error, CustomStringConvertible {
    var status: Int
    var description: String { "HTTP \(status)" }
}

@Suite("PictureStore: fetch once, decode once, render once per size")
struct PictureStoreTests {
    @Test func theSameSizeIsALookupAResizeRendersAgainWithoutFetching() async throws {
        let host = FakePhotoHost(["a": try quadrantsJPEG()])
        let store = PictureStore<String>(fetch: host.fetch)
        let first = try await store.cells(for: "a", fitting: Size(width: 40, height: 15), colors: .direct)
        let again = try await store.cells(for: "a", fitting: Size(width: 40, height: 15), colors: .direct)
        #expect(first == again)
        var stats = await store.statistics
        #expect(stats.fetches == 1 && stats.decodes == 1 && stats.renders == 1)
        #expect(host.count == 1)

        // Smaller: drawn from the decoded pixels, no new decode.
        let small = try await store.cells(for: "a", fitting: Size(width: 20, height: 8), colors: .direct)
        #expect(small.size == Size(width: 20, height: 7))  // 4:3 in 1:2 cells: 20 wide is 7.5 high
        stats = await store.statistics
        #expect(stats.fetches == 1 && stats.decodes == 1 && stats.renders == 2)

        // Bigger than what was decoded (the first decode was 1/2 scale): decoded again from the kept JPEG.
        let big = try await store.cells(for: "a", fitting: Size(width: 80, height: 30), colors: .indexed256)
        #expect(big.size == Size(width: 80, height: 30) && big.colors == .indexed256)
        stats = await store.statistics
        #expect(stats.fetches == 1 && stats.decodes == 2 && stats.renders == 3)
        #expect(host.count == 1)
    }

    @Test func memoryStaysWithinTheBudgetAcross200Photos() async throws {
        var photos: [String: [UInt8]] = [:]
        let jpeg = try quadrantsJPEG()
        for i in 0..<200 { photos["p\(i)"] = jpeg }
        let host = FakePhotoHost(photos)
        let budget = 2 << 20
        let store = PictureStore<String>(budget: budget, fetch: host.fetch)
        for i in 0..<200 {
            _ = try await store.cells(for: "p\(i)", fitting: Size(width: 40, height: 15), colors: .direct)
            let stats = await store.statistics
            #expect(stats.bytes <= budget, "after \(i + 1) photos: \(stats.bytes) bytes")
        }
        let stats = await store.statistics
        #expect(stats.entries > 1 && stats.entries < 200)
        // The most recent is still there; the first is long gone and would be fetched again.
        #expect(await store.contains("p199"))
        #expect(await !store.contains("p0"))
    }

    @Test func errorsPassThroughWithTheirReasonAndAreNotCached() async throws {
        let host = FakePhotoHost(["html": Array("<html>oops</html>".utf8)])
        let store = PictureStore<String>(fetch: host.fetch)
        for (key, reason) in [("missing", "HTTP 404"), ("html", "not a JPEG")] {
            do {
                _ = try await store.cells(for: key, fitting: Size(width: 10, height: 5), colors: .direct)
                Issue.record("\(key) gave a picture")
            } catch {
                #expect(PhotoDisplay.reason(for: error) == reason)
            }
            #expect(await !store.contains(key))
        }
        #expect(PhotoDisplay.reason(for: CancellationError()) == nil)
    }

    @Test func aPhotoForAListingTheUserLeftIsCancelled() async throws {
        let host = FakePhotoHost([:])
        let store = PictureStore<String>(fetch: host.fetch)
        let loading = Task { try await store.cells(for: "hang-1", fitting: Size(width: 10, height: 5), colors: .direct) }
        try await eventually("the fetch started") { host.count == 1 }
        loading.cancel()
        let result = await loading.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(await !store.contains("hang-1"))
    }
}
