import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import SparkAPI

/// A fake `/v1/portal/groups` holding `rows` groups (ids g1...gN) that pages like Spark:
/// `_limit`, `_page` (1-based), `_pagination=1`.
func pagedGroups(rows: Int, request: TransportRequest) -> TransportResponse {
    let limit = Int(queryValue(request, "_limit") ?? "10") ?? 10
    let page = Int(queryValue(request, "_page") ?? "1") ?? 1
    let start = min((page - 1) * limit, rows)
    let ids = (start..<min(start + limit, rows)).map { "g\($0 + 1)" }
    let results = ids.map { #"{"Id":"\#($0)","ContactId":"u-\#($0)","Users":[{"Id":"u-\#($0)","Name":"Owner \#($0)"}]}"# }
    let pages = (rows + limit - 1) / limit
    let pagination = queryValue(request, "_pagination") == "1"
        ? #","Pagination":{"TotalRows":\#(rows),"PageSize":\#(limit),"TotalPages":\#(pages),"CurrentPage":\#(page)}"#
        : ""
    return TransportResponse(json: #"{"D":{"Success":true,"Results":[\#(results.joined(separator: ","))]\#(pagination)}}"#)
}

@Suite("Paging")
struct PagingTests {
    @Test(arguments: [(1, 1), (25, 1), (26, 2), (37, 2), (0, 1)])
    func allRowsInServerOrder(rows: Int, expectedRequests: Int) async throws {
        let requests = Recorder<TransportRequest>()
        let client = try makeClient { request in
            requests.append(request)
            return pagedGroups(rows: rows, request: request)
        }
        let groups = try await client.groups()
        #expect(groups.map(\.id) == (0..<rows).map { "g\($0 + 1)" })
        #expect(groups.map(\.ownerName) == (0..<rows).map { "Owner g\($0 + 1)" })
        #expect(requests.count == expectedRequests)
        let first = try #require(requests.values.first)
        #expect(first.url.absoluteString == "https://spark.test/v1/portal/groups?_limit=25&_pagination=1")
        let later = requests.values.dropFirst().compactMap { queryValue($0, "_page") }.sorted()
        #expect(later == (expectedRequests > 1 ? (2...expectedRequests).map(String.init) : []))
    }

    /// Page 3 answers only once page 2 has been asked for, and page 2 only after page 3 has answered: a
    /// client fetching pages one after another could never finish. The result is still in server order.
    @Test(.timeLimit(.minutes(1)))
    func laterPagesAreFetchedConcurrentlyAndKeptInOrder() async throws {
        let answered = Recorder<Int>()
        let started = Recorder<Int>()
        let inFlight = NIOLockedValueBox((now: 0, most: 0))
        let client = try makeClient(pageSize: 10) { request in
            let page = Int(queryValue(request, "_page") ?? "1")!
            inFlight.withLockedValue { $0.now += 1; $0.most = max($0.most, $0.now) }
            defer { inFlight.withLockedValue { $0.now -= 1 } }
            started.append(page)
            if page == 2 { try await eventually("page 3 answered") { answered.values.contains(3) } }
            if page == 3 { try await eventually("page 2 asked for") { started.values.contains(2) } }
            let response = pagedGroups(rows: 95, request: request)
            answered.append(page)
            return response
        }
        let groups = try await client.groups()
        #expect(groups.map(\.id) == (1...95).map { "g\($0)" })
        #expect(answered.values.first == 1)
        #expect(answered.values.firstIndex(of: 3)! < answered.values.firstIndex(of: 2)!)
        let most = inFlight.withLockedValue { $0.most }
        #expect(most >= 2 && most <= client.configuration.maxConcurrentPages)
    }

    @Test func aFailingPageFailsTheList() async throws {
        let client = try makeClient { request in
            queryValue(request, "_page") == "3" ? sparkError(500, code: 9999) : pagedGroups(rows: 100, request: request)
        }
        let error = await #expect(throws: SparkError.self) { try await client.groups() }
        #expect(error?.httpStatus == 500)
    }

    @Test func pageAtATime() async throws {
        let requests = Recorder<TransportRequest>()
        let client = try makeClient { request in
            requests.append(request)
            return pagedGroups(rows: 37, request: request)
        }
        let page = try await client.groupsPage(2, limit: 10)
        #expect(page.items.map(\.id) == (11...20).map { "g\($0)" })
        #expect(page.pagination == Pagination(totalRows: 37, pageSize: 10, totalPages: 4, currentPage: 2))
        #expect(requests.values.map(\.url.absoluteString)
            == ["https://spark.test/v1/portal/groups?_limit=10&_pagination=1&_page=2"])
        // Spark's maximum page size is 25.
        _ = try await client.groupsPage(1, limit: 500)
        #expect(queryValue(requests.values[1], "_limit") == "25")
    }

    @Test func cartsAndListingsPageToo() async throws {
        let paths = Recorder<String>()
        let client = try makeClient { request in
            paths.append(request.url.path + "#" + (queryValue(request, "_page") ?? "1"))
            let page = Int(queryValue(request, "_page") ?? "1")!
            let id = request.url.path.hasSuffix("listings") ? "L\(page)" : "C\(page)"
            return TransportResponse(json: #"""
                {"D":{"Success":true,"Results":[{"Id":"\#(id)","Name":"n"}],
                 "Pagination":{"TotalRows":2,"PageSize":1,"TotalPages":2,"CurrentPage":\#(page)}}}
                """#)
        }
        #expect(try await client.listingCarts().map(\.id) == ["C1", "C2"])
        #expect(try await client.listings(inCart: "C1").map(\.id) == ["L1", "L2"])
        #expect(try await client.listingsPage(inCart: "C1", page: 2, limit: 1).items.map(\.id) == ["L2"])
        #expect(Set(paths.values) == [
            "/v1/listingcarts#1", "/v1/listingcarts#2", "/v1/listingcarts/C1/listings#1", "/v1/listingcarts/C1/listings#2",
        ])
    }
}
