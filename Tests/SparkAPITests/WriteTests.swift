import Foundation
import Testing

@testable import SparkAPI

@Suite("Cart writes on the wire (the single-request calls are in RequestTests)")
struct CartRequestTests {
    @Test func createPutsAutoNameInsideTheCartAndLeavesOutWhatIsEmpty() throws {
        func body(_ request: Request<String>) throws -> JSONValue {
            try JSONDecoder().decode(JSONValue.self, from: try #require(request.body))
        }
        #expect(try body(Endpoints.createCart(name: "Cabins")) == ["D": ["ListingCarts": [["Name": "Cabins"]]]])
        #expect(try body(Endpoints.createCart(name: "Cabins", listingIds: ["L1", "L2"], autoName: true))
            == ["D": ["ListingCarts": [["Name": "Cabins", "ListingIds": ["L1", "L2"], "AutoName": true]]]])
    }

    @Test func noCallPutsListingIds() {
        // Membership changes go listing by listing: no endpoint may replace a cart's whole list (DESIGN 2.1).
        let puts = [Endpoints.renameCart(id: "C", to: "N").body, Endpoints.chooseGroup(id: "G").body]
        for body in puts {
            #expect(!String(decoding: body ?? Data(), as: UTF8.self).contains("ListingIds"))
        }
    }

    @Test func manyListingIdsAreAskedForInChunksThatKeepTheURLShort() async throws {
        let ids = (0..<120).map { String(format: "2006%022d", $0) }
        let requests = Recorder<TransportRequest>()
        let client = try makeClient { request in
            requests.append(request)
            // Each chunk is held by the same cart C1 and by a cart of its own.
            let chunk = request.url.path.split(separator: "/").last.map(String.init) ?? ""
            return TransportResponse(json: #"{"D":{"Success":true,"Results":[{"Id":"C1","Name":"Favorites"},{"Id":"C-\#(chunk.prefix(30))","Name":"X"}]}}"#)
        }
        let carts = try await client.carts(holding: ids)
        #expect(requests.count == 3)
        let chunks: [[String]] = requests.values.map { request in
            let last = request.url.path.split(separator: "/").last ?? ""
            return last.split(separator: ",").map(String.init)
        }
        #expect(chunks.map(\.count) == [50, 50, 20])
        #expect(chunks.flatMap { $0 } == ids)
        #expect(requests.values.allSatisfy { $0.url.absoluteString.count < 2_000 })
        #expect(carts.count == 4 && carts.first?.id == "C1", "each cart once")
    }
}

@Suite("The one retry decision, for writes")
struct WriteRetryDecisionTests {
    static let context = RequestContext(method: "POST", path: "/v1/listingcarts")
    static let policy = RetryPolicy(maxAttempts: 4, baseDelay: .seconds(1), jitter: 0, random: { 0 })

    /// Each failure: whether the server may have acted on the request.
    static let failures: [(SparkError, mayHaveApplied: Bool)] = [
        (.transport(.connectionRefused, host: "h", context: context), false),
        (.transport(.hostNotFound, host: "h", context: context), false),
        (.transport(.timedOut, host: "h", context: context), true),
        (.transport(.other("connection reset"), host: "h", context: context), true),
        (.api(status: 500, code: 1040, message: nil, context: context), true),
        (.http(status: 502, context: context), true),
        (.api(status: 503, code: 1550, message: nil, context: context), false),
        (.api(status: 429, code: 1550, message: nil, context: context), false),
        (.http(status: 429, context: context), false),
        (.api(status: 401, code: 1020, message: nil, context: context), false),
        (.api(status: 409, code: 1055, message: nil, context: context), false),
        (.malformedBody(status: 200, reason: "not JSON", context: context), true),
    ]

    @Test(arguments: failures.indices)
    func aCreateIsResentOnlyWhenItCannotHaveBeenApplied(_ index: Int) {
        let (error, applied) = Self.failures[index]
        #expect(error.mayHaveBeenApplied == applied, "\(error)")
        let create = Self.policy.decision(after: error, retryAfter: nil, resend: .ifNotApplied, retriesSoFar: 0,
                                          refreshed: false, canRefresh: true)
        let idempotent = Self.policy.decision(after: error, retryAfter: nil, resend: .always, retriesSoFar: 0,
                                              refreshed: false, canRefresh: true)
        if applied {
            #expect(create == .giveUp, "a create that may have been applied is never sent again: \(error)")
        } else {
            #expect(create == idempotent, "a refused create is retried like anything else: \(error)")
        }
        #expect(Self.policy.decision(after: error, retryAfter: nil, resend: .never, retriesSoFar: 0, refreshed: false,
                                     canRefresh: true) == .giveUp)
    }

    @Test func idempotentWritesAreRetriedAfterServerTrouble() {
        let error = SparkError.api(status: 500, code: 1040, message: nil, context: Self.context)
        #expect(Self.policy.decision(after: error, retryAfter: nil, resend: .always, retriesSoFar: 0, refreshed: false,
                                     canRefresh: true) == .wait(.seconds(1), reason: "HTTP 500"))
        #expect(Endpoints.addListings(["L"], toCart: "C").resend == .always)
        #expect(Endpoints.removeListing("L", fromCart: "C").resend == .always)
        #expect(Endpoints.renameCart(id: "C", to: "N").resend == .always)
        #expect(Endpoints.deleteCart(id: "C").resend == .always)
        #expect(Endpoints.renameSavedSearch(id: "S", to: "N").resend == .always)
        #expect(Endpoints.deleteSavedSearch(id: "S").resend == .always)
        #expect(Endpoints.setNewsFeed(id: "F", active: false).resend == .always)
        #expect(Endpoints.createCart(name: "N").resend == .ifNotApplied)
    }
}

/// A scripted Spark for create: the carts before, the POST's fate, the carts after.
private func createScript(
    before: String = "[]", post: Result<TransportResponse, TransportFailure>, after: Result<TransportResponse, TransportFailure>? = nil,
    extra: [Result<TransportResponse, TransportFailure>] = []
) -> ScriptedTransport {
    var script: [Result<TransportResponse, TransportFailure>] = [.success(cartsBody(before)), post]
    if let after { script.append(after) }
    return ScriptedTransport(script + extra)
}

private func cartsBody(_ results: String) -> TransportResponse {
    TransportResponse(json: #"{"D":{"Success":true,"Results":\#(results)}}"#)
}

private let older = #"{"Id":"OLD","Name":"Weekend","ListingCount":4,"PortalCartType":"Custom"}"#
private let created = #"{"Id":"NEW","Name":"Weekend","ListingCount":2,"PortalCartType":"Custom"}"#
private let serverError = sparkError(500, code: 1040, message: "Internal error")

@Suite("Creating a cart: never twice")
struct CreateCartTests {
    @Test func aCleanCreateReadsTheNewCartBack() async throws {
        let transport = createScript(
            post: .success(TransportResponse(json: #"{"D":{"Success":true,"Results":[{"ResourceUri":"/v1/listingcarts/NEW"}]}}"#)),
            after: .success(cartsBody("[\(created)]")))
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        let outcome = await client.createCart(named: "Weekend", listingIds: ["L1", "L2"])
        #expect(outcome == .created(ListingCart(id: "NEW", name: "Weekend", listingCount: 2, portalCartType: .custom)))
        #expect(transport.requests.values.map { "\($0.method) \($0.url.path)" }
            == ["GET /v1/listingcarts", "POST /v1/listingcarts", "GET /v1/listingcarts/NEW"])
    }

    @Test func anAnswerLostAfterTheServerCreatedItIsFoundNotResent() async throws {
        let transport = createScript(
            before: "[\(older)]", post: .success(serverError),
            after: .success(cartsBody("[\(older),\(created)]")),
            extra: [.success(cartsBody(#"[{"Id":"NEW","Name":"Weekend","ListingCount":2,"ListingIds":["L1","L2"]}]"#))])
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        let outcome = await client.createCart(named: "Weekend", listingIds: ["L1", "L2"])
        guard case .createdAnswerLost(let cart, let error) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(cart.id == "NEW" && error.httpStatus == 500)
        #expect(transport.requests.values.filter { $0.method == "POST" }.count == 1, "the create was sent once")
        #expect(transport.requests.values.last?.url.query == "_expand=ListingIds", "the listings were checked")
    }

    @Test func aTimeoutWithNoNewCartIsNotCalledNotCreated() async throws {
        // The server may still be working on it: "not there yet" is not "not created".
        let transport = createScript(before: "[\(older)]", post: .failure(.timedOut), after: .success(cartsBody("[\(older)]")))
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        let outcome = await client.createCart(named: "Weekend")
        #expect(outcome == .unknown(.transport(.timedOut, host: "spark.test", context: RequestContext(method: "POST", path: "/v1/listingcarts")),
                                    .notThereYet))
        #expect(transport.requests.values.filter { $0.method == "POST" }.count == 1)
    }

    @Test func theServersOwnErrorWithNoNewCartIsNotCreated() async throws {
        let transport = createScript(before: "[\(older)]", post: .success(serverError), after: .success(cartsBody("[\(older)]")))
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        let outcome = await client.createCart(named: "Weekend")
        guard case .notCreated(let error) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(error.httpStatus == 500 && error.mayHaveBeenApplied)
    }

    @Test func anOlderCartOfThatNameIsNotTakenForTheNewOne() async throws {
        let transport = createScript(before: "[\(older)]", post: .failure(.other("connection reset")),
                                     after: .success(cartsBody("[\(older)]")))
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        guard case .unknown(_, .notThereYet) = await client.createCart(named: "Weekend") else {
            Issue.record("the cart that was there before is not proof"); return
        }
    }

    @Test func underAutoNameTheServersNameIsFound() async throws {
        let renamed = #"{"Id":"NEW","Name":"Weekend (2)","ListingCount":0,"PortalCartType":"Custom"}"#
        let transport = createScript(before: "[\(older)]", post: .failure(.timedOut), after: .success(cartsBody("[\(older),\(renamed)]")))
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        let outcome = await client.createCart(named: "Weekend", autoName: true)
        #expect(outcome.cart?.name == "Weekend (2)")
        guard case .createdAnswerLost = outcome else { Issue.record("got \(outcome)"); return }
    }

    @Test func aNewCartOfThatNameWithoutTheListingsIsAnotherMembers() async throws {
        let theirs = #"{"Id":"THEIRS","Name":"Weekend","ListingCount":1}"#
        let transport = createScript(
            post: .failure(.timedOut), after: .success(cartsBody("[\(theirs)]")),
            extra: [.success(cartsBody(#"[{"Id":"THEIRS","Name":"Weekend","ListingIds":["L9"]}]"#))])
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        guard case .unknown(_, .notThereYet) = await client.createCart(named: "Weekend", listingIds: ["L1"]) else {
            Issue.record("a cart without our listings is not ours"); return
        }
    }

    @Test func twoNewCartsOfThatNameCannotTell() async throws {
        let two = #"[{"Id":"A","Name":"Weekend"},{"Id":"B","Name":"Weekend"}]"#
        let transport = createScript(post: .failure(.timedOut), after: .success(cartsBody(two)))
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        guard case .unknown(_, .severalNewCarts(let carts)) = await client.createCart(named: "Weekend") else {
            Issue.record("expected severalNewCarts"); return
        }
        #expect(carts.map(\.id) == ["A", "B"])
    }

    @Test func aFailedRereadSaysItCannotTell() async throws {
        let transport = createScript(post: .failure(.timedOut), after: .failure(.connectionRefused),
                                     extra: Array(repeating: .failure(.connectionRefused), count: 3))
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        guard case .unknown(_, .rereadFailed(let reread)) = await client.createCart(named: "Weekend") else {
            Issue.record("expected rereadFailed"); return
        }
        #expect(reread == .transport(.connectionRefused, host: "spark.test",
                                     context: RequestContext(method: "GET", path: "/v1/listingcarts?_limit=25&_pagination=1")))
    }

    @Test func aRefusedConnectionNeverReachedTheServerSoItIsSentAgain() async throws {
        let transport = createScript(
            post: .failure(.connectionRefused),
            extra: [.success(TransportResponse(json: #"{"D":{"Success":true,"Results":[{"ResourceUri":"/v1/listingcarts/NEW"}]}}"#)),
                    .success(cartsBody("[\(created)]"))])
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        #expect(await client.createCart(named: "Weekend").cart?.id == "NEW")
        #expect(transport.requests.values.filter { $0.method == "POST" }.count == 2)
    }

    @Test func aRefusalIsNotCreatedWithoutLooking() async throws {
        let transport = createScript(post: .success(sparkError(409, code: 1055, message: "Name taken")))
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        guard case .notCreated(let error) = await client.createCart(named: "Weekend") else { Issue.record("expected notCreated"); return }
        #expect(error.sparkCode == 1055 && !error.mayHaveBeenApplied)
        #expect(transport.requests.count == 2, "no re-read after a refusal")
    }
}

/// The deletes that share the rule for a 404 (`SparkClient.delete`): a cart, a saved search.
private let deletes: [@Sendable (SparkClient) async throws -> Void] = [
    { try await $0.deleteCart(id: "C1") }, { try await $0.deleteSavedSearch(id: "C1") },
]

@Suite("Deleting a cart or a saved search")
struct DeleteTests {
    @Test(arguments: deletes.indices)
    func aNotFoundAfterARetryOfADeleteThatMayHaveWorkedIsDeleted(_ index: Int) async throws {
        let transport = ScriptedTransport([.failure(.timedOut), .success(sparkError(404, code: 404, message: "Not found"))])
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        try await deletes[index](client)
        #expect(transport.requests.count == 2)
        #expect(transport.requests.values.allSatisfy { $0.method == "DELETE" && $0.url.path.hasSuffix("/C1") })
    }

    @Test(arguments: deletes.indices)
    func aNotFoundAtTheFirstTryIsAnError(_ index: Int) async throws {
        // Another member deleted it meanwhile: say so.
        let transport = ScriptedTransport([.success(sparkError(404, code: 404, message: "Not found"))])
        let client = try makeClient(retry: recordingRetry(Recorder())) { try transport.handle($0) }
        let error = await #expect(throws: SparkError.self) { try await deletes[index](client) }
        #expect(error?.httpStatus == 404)
    }
}

@Suite("Adding and removing several listings")
struct MembershipTests {
    @Test func aRefusedBatchIsSentListingByListingSoEachFailureIsNamed() async throws {
        let requests = Recorder<TransportRequest>()
        let client = try makeClient { request in
            requests.append(request)
            let body = String(decoding: request.body ?? Data(), as: UTF8.self)
            if body.contains("BAD") {
                return TransportResponse(status: 400, json: #"{"D":{"Success":false,"Code":1053,"Message":"The listing BAD does not exist"}}"#)
            }
            return TransportResponse(json: #"{"D":{"Success":true,"Results":[{"Id":"C1","Name":"Cabins","ListingCount":7}]}}"#)
        }
        let change = await client.addListings(["L1", "BAD", "L2"], toCart: "C1")
        #expect(change.succeeded == ["L1", "L2"])
        #expect(change.failed.map(\.listingId) == ["BAD"] && change.failed.first?.error.sparkCode == 1053)
        #expect(change.stopped == nil && change.cart?.listingCount == 7)
        #expect(requests.values.map { String(decoding: $0.body ?? Data(), as: UTF8.self) } == [
            #"{"D":{"ListingIds":["L1","BAD","L2"]}}"#, #"{"D":{"ListingIds":["L1"]}}"#, #"{"D":{"ListingIds":["BAD"]}}"#,
            #"{"D":{"ListingIds":["L2"]}}"#,
        ])
    }

    @Test func aFailureOfTheWholeCartStopsTheRunAndSaysWhatWasNotSent() async throws {
        let transport = ScriptedTransport([
            .success(TransportResponse(json: #"{"D":{"Success":true,"Results":[{"Id":"C1","Name":"Cabins","ListingCount":3}]}}"#)),
            .success(sparkError(404, code: 404, message: "Listing cart not found")),
        ])
        let client = try makeClient { try transport.handle($0) }
        let change = await client.removeListings(["L1", "L2", "L3", "L4"], fromCart: "C1")
        #expect(change.succeeded == ["L1"])
        #expect(change.failed.map(\.listingId) == ["L2"])
        #expect(change.stopped?.httpStatus == 404)
        #expect(change.notSent == ["L3", "L4"])
        #expect(change.cart?.listingCount == 3 && !change.allSucceeded)
    }
}
