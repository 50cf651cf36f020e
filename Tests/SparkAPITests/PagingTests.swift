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

/// A page of one group (`g<page>`) from a server that claims `totalPages` pages; pages from `emptyFrom` on are empty.
private func claimedPage(_ request: TransportRequest, totalPages: Int, emptyFrom: Int = .max) -> TransportResponse {
    let page = Int(queryValue(request, "_page") ?? "1")!
    let results = page >= emptyFrom ? "" : #"{"Id":"g\#(page)","ContactId":"u","Users":[{"Id":"u","Name":"Owner"}]}"#
    return TransportResponse(json: #"""
        {"D":{"Success":true,"Results":[\#(results)],
         "Pagination":{"TotalRows":\#(totalPages),"PageSize":1,"TotalPages":\#(totalPages),"CurrentPage":\#(page)}}}
        """#)
}

/// Lists whose answers cannot be right end where they must, and long lists arrive page by page.
@Suite("Paging: limits and pages as they arrive")
struct PagingLimitTests {
    @Test func theLastPageAskedForIsSparksLargest() {
        #expect(Endpoints.maxPageNumber == 100_000)
        #expect(SparkClientConfiguration().lastPageNumber == Endpoints.maxPageNumber)
    }

    /// A server that claims four million pages: the client stops at its last page number (lowered here from 100,000
    /// so the test sends 40 requests, not 100,000), each page asked once, and the last page says the list was cut.
    @Test func aServerClaimingMillionsOfPagesStopsAtTheLimit() async throws {
        let pages = Recorder<Int>()
        let client = try makeClient(lastPageNumber: 40) { request in
            pages.append(Int(queryValue(request, "_page") ?? "1")!)
            return claimedPage(request, totalPages: 4_000_000)
        }
        var delivered: [ListProgress<PortalGroup>] = []
        for try await page in client.groupPages() { delivered.append(page) }
        #expect(pages.values.sorted() == Array(1...40))
        #expect(delivered.map(\.page) == Array(1...40))
        #expect(delivered.flatMap(\.items).map(\.id) == (1...40).map { "g\($0)" })
        #expect(delivered.allSatisfy { $0.pageCount == 40 && $0.totalRows == 4_000_000 })
        #expect(delivered.last?.cut == .pageLimit(claimedPages: 4_000_000) && delivered.last?.isLast == true)
        #expect(delivered.dropLast().allSatisfy { $0.cut == nil })
        #expect(try await client.groups().count == 40, "the collected list ends there too")
    }

    /// One page at a time: the page that came back empty is the last one asked for.
    @Test func nothingIsAskedPastAnEmptyPage() async throws {
        let pages = Recorder<Int>()
        let client = try makeClient(maxConcurrentPages: 1) { request in
            pages.append(Int(queryValue(request, "_page") ?? "1")!)
            return claimedPage(request, totalPages: 50, emptyFrom: 5)
        }
        var delivered: [ListProgress<PortalGroup>] = []
        for try await page in client.groupPages() { delivered.append(page) }
        #expect(pages.values == [1, 2, 3, 4, 5])
        #expect(delivered.flatMap(\.items).map(\.id) == ["g1", "g2", "g3", "g4"])
        #expect(delivered.last?.page == 5 && delivered.last?.items.isEmpty == true && delivered.last?.isLast == true)
        #expect(delivered.last?.cut == .emptyPage(claimedPages: 50))
    }

    /// Several pages at a time: pages asked for before the empty one came back may be past it; they are never
    /// delivered, and they are cancelled when the list ends. (That nothing is asked for after the empty page has come
    /// back is shown one page at a time, above.) Pages past 5 are held until cancelled, so the run is the same every time.
    @Test(.timeLimit(.minutes(1)))
    func pagesInFlightPastAnEmptyOneAreDroppedAndCancelled() async throws {
        let asked = Recorder<Int>()
        let cancelled = Recorder<Int>()
        let client = try makeClient(maxConcurrentPages: 6) { request in
            let page = Int(queryValue(request, "_page") ?? "1")!
            asked.append(page)
            if page > 5 {
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(2)) }
                cancelled.append(page)
                throw CancellationError()
            }
            return claimedPage(request, totalPages: 1000, emptyFrom: 5)
        }
        var delivered: [ListProgress<PortalGroup>] = []
        for try await page in client.groupPages() { delivered.append(page) }
        #expect(delivered.map(\.page) == [1, 2, 3, 4, 5])
        #expect(delivered.flatMap(\.items).map(\.id) == ["g1", "g2", "g3", "g4"])
        #expect(delivered.last?.cut == .emptyPage(claimedPages: 1000))
        try await eventually("every page past 5 cancelled") { Set(cancelled.values) == Set(asked.values.filter { $0 > 5 }) }
        // Pages 2...7 first; each of pages 2, 3 and 4 answering before page 5 may start one more (8, 9, 10).
        #expect((asked.values.max() ?? 0) <= 10, "\(asked.values)")
    }

    @Test func anEmptyFirstPageEndsTheList() async throws {
        let requests = Recorder<TransportRequest>()
        let client = try makeClient { request in
            requests.append(request)
            return claimedPage(request, totalPages: 9, emptyFrom: 1)
        }
        var delivered: [ListProgress<PortalGroup>] = []
        for try await page in client.groupPages() { delivered.append(page) }
        #expect(requests.count == 1)
        #expect(delivered.map(\.page) == [1] && delivered.first?.cut == .emptyPage(claimedPages: 9))
    }

    /// The first page is in the caller's hands after one round trip: page 2 is held until the test has page 1.
    @Test(.timeLimit(.minutes(1)))
    func theFirstPageArrivesBeforeTheRest() async throws {
        let firstDelivered = NIOLockedValueBox(false)
        let client = try makeClient(pageSize: 10) { request in
            if queryValue(request, "_page") != nil {
                try await eventually("page 1 delivered") { firstDelivered.withLockedValue { $0 } }
            }
            return pagedGroups(rows: 35, request: request)
        }
        var delivered: [(page: Int, of: Int, ids: [String])] = []
        for try await page in client.groupPages() {
            delivered.append((page.page, page.pageCount, page.items.map(\.id)))
            firstDelivered.withLockedValue { $0 = true }
        }
        #expect(delivered.map(\.page) == [1, 2, 3, 4], "in order, each once")
        #expect(delivered.allSatisfy { $0.of == 4 })
        #expect(delivered.flatMap(\.ids) == (1...35).map { "g\($0)" })
    }

    /// Pages delivered before a failure stay delivered; then the stream throws the failure.
    @Test func aFailingPageEndsTheStreamAfterThePagesBeforeIt() async throws {
        let client = try makeClient(pageSize: 10, maxConcurrentPages: 1) { request in
            queryValue(request, "_page") == "3" ? sparkError(500, code: 9999) : pagedGroups(rows: 50, request: request)
        }
        var pages: [Int] = []
        do {
            for try await page in client.groupPages() { pages.append(page.page) }
            Issue.record("the stream ended without the failure")
        } catch let error as SparkError {
            #expect(error.httpStatus == 500)
        }
        #expect(pages == [1, 2])
    }

    /// Stopping the iteration stops the fetching: the request in flight is cancelled, no further page is asked for.
    @Test(.timeLimit(.minutes(1)))
    func leavingTheStreamCancelsTheRest() async throws {
        let cancelled = NIOLockedValueBox(false)
        let pages = Recorder<Int>()
        let client = try makeClient(pageSize: 10, maxConcurrentPages: 1) { request in
            let page = Int(queryValue(request, "_page") ?? "1")!
            pages.append(page)
            if page == 2 {
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(2)) }
                cancelled.withLockedValue { $0 = true }
                throw CancellationError()
            }
            return pagedGroups(rows: 50, request: request)
        }
        for try await page in client.groupPages() where page.page == 1 {
            try await eventually("page 2 asked for") { pages.values.contains(2) }
            break
        }
        try await eventually("page 2's request cancelled") { cancelled.withLockedValue { $0 } }
        #expect(pages.values == [1, 2])
    }
}

/// A list whose page count is known from last time (a cache): every expected page is asked for at once, and page 1's
/// `Pagination` still has the last word.
@Suite("Paging with the page count known from last time")
struct ExpectedPagesTests {
    /// 37 groups in pages of 25 took 2 pages: page 1 is answered only once page 2 has been asked for, so a client
    /// that waited for page 1 before asking for page 2 would never finish. One round trip, not two.
    @Test(.timeLimit(.minutes(1)))
    func theExpectedPagesAreAskedForAtOnce() async throws {
        let asked = Recorder<Int>()
        let client = try makeClient { request in
            let page = Int(queryValue(request, "_page") ?? "1")!
            asked.append(page)
            if page == 1 { try await eventually("page 2 asked for") { asked.values.contains(2) } }
            return pagedGroups(rows: 37, request: request)
        }
        let list = try await client.pagedList(expectedPages: 2, Endpoints.groups)
        #expect(list.items.map(\.id) == (1...37).map { "g\($0)" })
        #expect(list.pageCount == 2)
        #expect(asked.values.sorted() == [1, 2])
    }

    /// The list grew (80 groups: 4 pages, 2 expected): pages 1 and 2 go together, pages 3 and 4 once page 1 says so.
    @Test(.timeLimit(.minutes(1)))
    func aListThatGrewIsReadToTheEnd() async throws {
        let asked = Recorder<Int>()
        let firstAnswered = NIOLockedValueBox(false)
        let client = try makeClient { request in
            let page = Int(queryValue(request, "_page") ?? "1")!
            asked.append(page)
            if page == 1 {
                try await eventually("page 2 asked for") { asked.values.contains(2) }
                firstAnswered.withLockedValue { $0 = true }
            }
            if page > 2 { #expect(firstAnswered.withLockedValue { $0 }, "page \(page) asked for before page 1 said there were 4") }
            return pagedGroups(rows: 80, request: request)
        }
        let list = try await client.pagedList(expectedPages: 2, Endpoints.groups)
        #expect(list.items.map(\.id) == (1...80).map { "g\($0)" })
        #expect(list.pageCount == 4)
        #expect(asked.values.sorted() == [1, 2, 3, 4])
    }

    /// The list shrank (10 groups: 1 page, 3 expected). Pages 2 and 3 answer first, with a server error: page 1 says
    /// they are not part of the list, so neither their rows nor their failure count.
    @Test(.timeLimit(.minutes(1)))
    func pagesPastTheServersCountAreDroppedEvenWhenTheyFail() async throws {
        let answered = Recorder<Int>()
        let client = try makeClient { request in
            let page = Int(queryValue(request, "_page") ?? "1")!
            if page == 1 {
                try await eventually("pages 2 and 3 answered") { Set(answered.values) == [2, 3] }
                return pagedGroups(rows: 10, request: request)
            }
            answered.append(page)
            return sparkError(500, code: 9999)
        }
        let list = try await client.pagedList(expectedPages: 3, Endpoints.groups)
        #expect(list.items.map(\.id) == (1...10).map { "g\($0)" })
        #expect(list.pageCount == 1)
    }

    /// A page that is part of the list and fails fails the list, even when it answers before page 1.
    @Test(.timeLimit(.minutes(1)))
    func aFailingExpectedPageFailsTheList() async throws {
        let answered = NIOLockedValueBox(false)
        let client = try makeClient { request in
            if queryValue(request, "_page") == "2" {
                answered.withLockedValue { $0 = true }
                return sparkError(500, code: 9999)
            }
            try await eventually("page 2 answered") { answered.withLockedValue { $0 } }
            return pagedGroups(rows: 37, request: request)
        }
        let error = await #expect(throws: SparkError.self) { try await client.pagedList(expectedPages: 2, Endpoints.groups) }
        #expect(error?.httpStatus == 500)
    }

    /// A count that is wrong still ends at the first empty page, as without a guess; the stream says why.
    @Test func anEmptyExpectedPageEndsTheList() async throws {
        let client = try makeClient { claimedPage($0, totalPages: 3, emptyFrom: 2) }
        var delivered: [ListProgress<PortalGroup>] = []
        for try await page in client.groupPages(expectedPages: 3) { delivered.append(page) }
        #expect(delivered.map(\.page) == [1, 2])
        #expect(delivered.flatMap(\.items).map(\.id) == ["g1"])
        #expect(delivered.last?.cut == .emptyPage(claimedPages: 3) && delivered.last?.isLast == true)
    }

    /// No guess, or a guess of one page: page 1 alone first, as always (it has answered before page 2 is asked for).
    /// Carts take a guess the same way.
    @Test(arguments: [nil, 1] as [Int?])
    func withoutAGuessPageOneGoesFirst(guess: Int?) async throws {
        let asked = Recorder<Int>()
        let firstAnswered = NIOLockedValueBox(false)
        let client = try makeClient(pageSize: 10) { request in
            let page = Int(queryValue(request, "_page") ?? "1")!
            asked.append(page)
            if page > 1 { #expect(firstAnswered.withLockedValue { $0 }, "page \(page) asked for before page 1 answered") }
            defer { if page == 1 { firstAnswered.withLockedValue { $0 = true } } }
            return pagedGroups(rows: 25, request: request)
        }
        let list = try await client.pagedList(expectedPages: guess, Endpoints.groups)
        #expect(list.items.count == 25 && list.pageCount == 3)
        #expect(asked.values.sorted() == [1, 2, 3])
    }

    @Test func cartsTakeAGuessToo() async throws {
        let asked = Recorder<Int>()
        let carts = try makeClient { request in
            let page = Int(queryValue(request, "_page") ?? "1")!
            asked.append(page)
            if page == 1 { try await eventually("page 2 asked for") { asked.values.contains(2) } }
            return TransportResponse(json: #"""
                {"D":{"Success":true,"Results":[{"Id":"C\#(page)","Name":"n"}],
                 "Pagination":{"TotalRows":2,"PageSize":1,"TotalPages":2,"CurrentPage":\#(page)}}}
                """#)
        }
        let list = try await carts.listingCartList(expectedPages: 2)
        #expect(list == PagedList(items: [ListingCart(id: "C1", name: "n"), ListingCart(id: "C2", name: "n")], pageCount: 2))
    }
}
