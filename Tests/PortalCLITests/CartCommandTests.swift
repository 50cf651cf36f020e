import Foundation
import SparkAPI
import SparkMock
import Synchronization
import Testing
import TestSupport
@testable import PortalCLI

private let ozzyGroup = "20130919194721820379000000"
private let betty = DemoCredentials.demoAccessToken
private let johnny = "DEMO_ACCESS_TOKEN_JOHNNY"
private let spare = DemoDataSet.demo.unusedListingIDs(limit: 20)
private let unknownListing = "20000101000000000000000000"

/// A demo server for one test, with Betty and Johnny acting for Ozzy Owner's group; commands run in-process with
/// `--endpoint`, as a user of `spark-mock` would run them, and read their results back with a second command.
struct Workspace: Sendable {
    let server: DemoServer

    /// - Parameter clock: what the server's stalls and latency wait on (a `TestClock` holds a stalled answer until the
    ///   test ends, whatever the machine's load).
    static func with<T: Sendable>(faults: [String] = [], newsFeedPrivilege: Bool = true,
                                  clock: any Clock<Duration> = ContinuousClock(),
                                  _ body: @Sendable (Workspace) async throws -> T) async throws -> T {
        var plan = FaultPlan()
        for fault in faults { try plan.add(fault) }
        let configuration = DemoServerConfiguration(dataSet: .demo, faults: plan, clock: clock, newsFeedPrivilege: newsFeedPrivilege)
        return try await withStartedDemoServer(configuration) { server in
            let workspace = Workspace(server: server)
            for token in [betty, johnny] {
                let use = try await workspace.run(.use(groupID: ozzyGroup), token: token)
                try #require(use.status == .success, "\(use.err)")
            }
            await server.journal.removeAll()
            return try await body(workspace)
        }
    }

    func run(_ command: PortalCommand, token: String = betty, terminal: UserTerminal = .none,
             environment: [String: String] = [:]) async throws -> (status: PortalCLI.ExitStatus, out: String, err: String) {
        let captured = CapturedConsole()
        var environment = environment
        environment["SPARK_ACCESS_TOKEN"] = token
        environment["XDG_CONFIG_HOME"] = "/nonexistent-spark-portal-tests"
        let options = try GlobalOptions.parse(["--endpoint", server.baseURL.absoluteString])
        let status = await SparkPortalCommand.execute(command, options: options, console: captured.console(environment: environment),
                                                      terminal: terminal)
        return (status, captured.out, captured.err)
    }

    /// The workspace's carts, read back with `carts --json`.
    func carts(token: String = johnny) async throws -> [[String: Any]] {
        let result = try await run(.carts(json: true), token: token)
        return try #require(try jsonObject(result.out) as? [[String: Any]])
    }

    func cart(_ name: String, token: String = johnny) async throws -> [String: Any]? {
        try await carts(token: token).first { $0["Name"] as? String == name }
    }

    /// The listing Ids of a cart, read back with `listings <cart> --json`.
    func listings(_ cart: String, token: String = johnny) async throws -> [String] {
        let result = try await run(.listings(cart: cart, json: true), token: token)
        try #require(result.status == .success, "\(result.err)")
        return try #require(try jsonObject(result.out) as? [[String: Any]]).compactMap { $0["Id"] as? String }
    }

    /// The carts holding a listing, read back with `listing <id> --json`.
    func holders(_ listing: String) async throws -> [String] {
        let result = try await run(.listing(id: listing, json: true), token: johnny)
        let object = try #require(try jsonObject(result.out) as? [String: Any])
        return (object["ListingCarts"] as? [[String: Any]] ?? []).compactMap { $0["Name"] as? String }
    }

    func requests(_ method: String) async -> [RecordedRequest] {
        await server.journal.requests.filter { $0.method == method }
    }
}

/// A person at a terminal who answers the question with `answer`, and what they were asked.
final class ScriptedAnswer: Sendable {
    private let questions = Mutex<[String]>([])
    let answer: String?

    init(_ answer: String?) { self.answer = answer }

    var asked: [String] { questions.withLock { $0 } }

    var terminal: UserTerminal {
        UserTerminal(isInteractive: true, readLine: { nil }, ask: { question in
            self.questions.withLock { $0.append(question) }
            return self.answer
        }, readSecret: { _ in nil }, openBrowser: { _ in false })
    }
}

@Suite("cart create")
struct CartCreateCommandTests {
    @Test func createsACartThatEveryMemberSeesAndPrintsItsId() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.createCart(name: "  Lake houses ", listingIds: [spare[0], spare[1]], json: false))
            #expect(result.status == .success, "\(result.err)")
            let cart = try #require(try await workspace.cart("Lake houses"))
            #expect(result.out == "Created the cart Lake houses with 2 listings: id \(cart["Id"] as? String ?? "?").")
            #expect(cart["ListingCount"] as? Int == 2 && cart["PortalCartType"] as? String == "Custom")
            #expect(try await workspace.listings("lake HOUSES") == [spare[0], spare[1]])
        }
    }

    @Test func jsonPrintsTheCartTheServerHas() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.createCart(name: "Lake houses", listingIds: [], json: true))
            let cart = try #require(try jsonObject(result.out) as? [String: Any])
            #expect(cart["Name"] as? String == "Lake houses" && cart["ListingCount"] as? Int == 0)
            #expect(cart["Id"] as? String == (try await workspace.cart("Lake houses"))?["Id"] as? String)
            #expect(result.err.isEmpty)
        }
    }

    @Test(arguments: ["", "   "])
    func anEmptyNameIsAUsageErrorAndNothingIsSent(name: String) async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.createCart(name: name, listingIds: [], json: false))
            #expect(result.status == .usage)
            #expect(result.err == "spark-portal: A cart name cannot be empty.")
            #expect(await workspace.requests("POST").isEmpty)
        }
    }

    @Test func aTakenNameIsRefusedInOneLine() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.createCart(name: "possibilities", listingIds: [], json: false))
            #expect(result.status == .api)
            #expect(result.err.contains("1055") && !result.err.contains("\n") && result.out.isEmpty)
        }
    }

    @Test func anUnknownListingIsRefusedAndNothingIsCreated() async throws {
        try await Workspace.with { workspace in
            let before = try await workspace.carts().count
            let result = try await workspace.run(.createCart(name: "Lake houses", listingIds: [spare[0], unknownListing], json: false))
            #expect(result.status == .api)
            #expect(result.err.contains(unknownListing) && !result.err.contains("\n"))
            #expect(try await workspace.carts().count == before)
        }
    }

    @Test func aCreateAnsweredWith500AfterItWasAppliedIsReportedCreatedAndSentOnce() async throws {
        try await Workspace.with(faults: ["POST:/v1/listingcarts=applied:500:1040"]) { workspace in
            let result = try await workspace.run(.createCart(name: "Lake houses", listingIds: [spare[0]], json: false))
            #expect(result.status == .success, "\(result.err)")
            #expect(result.out.hasPrefix("Created the cart Lake houses with 1 listing: id "))
            #expect(result.err.hasPrefix("spark-portal: the server failed (HTTP 500, code 1040") && result.err.contains("created, once"),
                    "\(result.err)")
            #expect(await workspace.requests("POST").filter { $0.path == "/v1/listingcarts" }.count == 1, "never sent twice")
            #expect(try await workspace.carts().filter { $0["Name"] as? String == "Lake houses" }.count == 1)
        }
    }

    @Test func aCreateWhoseAnswerNeverCameIsReportedCreatedAndSentOnce() async throws {
        // The create is applied, then its answer held on a clock that never moves: only the client's time limit
        // ends it. The limit is long enough for the reads around it to be answered on a loaded machine.
        let clock = TestClock()
        defer { clock.stop() }
        try await Workspace.with(faults: ["POST:/v1/listingcarts=stall:60:1"], clock: clock) { workspace in
            let result = try await workspace.run(.createCart(name: "Lake houses", listingIds: [], json: false),
                                                 environment: ["SPARK_PORTAL_REQUEST_TIMEOUT": "3"])
            #expect(result.status == .success, "\(result.err)")
            #expect(result.err.contains("did not answer in time"))
            #expect(await workspace.requests("POST").filter { $0.path == "/v1/listingcarts" }.count == 1)
            #expect(try await workspace.carts().filter { $0["Name"] as? String == "Lake houses" }.count == 1)
        }
    }

    @Test func aServerErrorThatDidNotCreateItSaysItIsSafeToTryAgain() async throws {
        try await Workspace.with(faults: ["POST:/v1/listingcarts=500:1040"]) { workspace in
            let result = try await workspace.run(.createCart(name: "Lake houses", listingIds: [], json: false))
            #expect(result.status == .api)
            #expect(result.err.contains("not created; it is safe to try again"))
            #expect(await workspace.requests("POST").count == 1)
            #expect(try await workspace.cart("Lake houses") == nil)
        }
    }
}

@Suite("cart rename and cart delete")
struct CartRenameDeleteCommandTests {
    @Test func renamesByNameInAnyCase() async throws {
        try await Workspace.with { workspace in
            _ = try await workspace.run(.createCart(name: "Lake houses", listingIds: [], json: false))
            let result = try await workspace.run(.renameCart(cart: "LAKE HOUSES", newName: "Lake cabins", json: false))
            #expect(result.status == .success, "\(result.err)")
            #expect(result.out == "Renamed the cart Lake houses to Lake cabins.")
            let renamed = try await workspace.cart("Lake cabins"), old = try await workspace.cart("Lake houses")
            #expect(renamed != nil && old == nil)
        }
    }

    @Test func aPortalCartIsNeitherRenamedNorDeletedAndNothingIsSent() async throws {
        try await Workspace.with { workspace in
            let rename = try await workspace.run(.renameCart(cart: "favorites", newName: "Loved", json: false))
            let delete = try await workspace.run(.deleteCart(cart: "Favorites", yes: true, json: false))
            #expect(rename.status == .api && delete.status == .api)
            #expect(rename.err == "spark-portal: The cart Favorites is a portal cart (Favorites): it cannot be renamed.")
            #expect(delete.err == "spark-portal: The cart Favorites is a portal cart (Favorites): it cannot be deleted.")
            let puts = await workspace.requests("PUT"), deletes = await workspace.requests("DELETE")
            #expect(puts.isEmpty && deletes.isEmpty)
        }
    }

    @Test func anUnknownCartIsAUsageErrorNamingTheCandidates() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.renameCart(cart: "Favourites", newName: "X", json: false))
            #expect(result.status == .usage)
            #expect(result.err.contains("No cart Favourites") && result.err.contains("Favorites") && result.err.contains("Rejects"))
            let near = try await workspace.run(.listings(cart: "possib", json: false))
            #expect(near.status == .usage && near.err.contains("similar names: 'Possibilities'."))
        }
    }

    @Test func anAmbiguousNameListsTheCartsWithTheirIds() {
        let carts = [ListingCart(id: "C1", name: "Cabins"), ListingCart(id: "C2", name: "cabins"), ListingCart(id: "C3", name: "Other")]
        let error = #expect(throws: CLIError.self) { try Choice.cart.resolve("CABINS", among: carts) }
        #expect(error?.status == .usage)
        #expect(error?.message == "The cart name CABINS is ambiguous: 'Cabins' (id C1), 'cabins' (id C2). Use the Id.")
        #expect((try? Choice.cart.resolve("C2", among: carts))?.name == "cabins")
    }

    @Test func deleteWithoutATerminalNeedsYesAndSendsNothing() async throws {
        try await Workspace.with { workspace in
            _ = try await workspace.run(.createCart(name: "Lake houses", listingIds: [], json: false))
            await workspace.server.journal.removeAll()
            let refused = try await workspace.run(.deleteCart(cart: "Lake houses", yes: false, json: false))
            #expect(refused.status == .usage && refused.err.contains("--yes"))
            #expect(await workspace.server.journal.requests.isEmpty)
            let deleted = try await workspace.run(.deleteCart(cart: "lake houses", yes: true, json: false))
            #expect(deleted.status == .success && deleted.out == "Deleted the cart Lake houses (0 listings).")
            #expect(try await workspace.cart("Lake houses") == nil)
        }
    }

    @Test func deleteAsksOnATerminalNamingTheCartItsListingsAndTheWorkspace() async throws {
        try await Workspace.with { workspace in
            _ = try await workspace.run(.createCart(name: "Lake houses", listingIds: [spare[0]], json: false))
            let no = ScriptedAnswer("n")
            let kept = try await workspace.run(.deleteCart(cart: "Lake houses", yes: false, json: false), terminal: no.terminal)
            #expect(kept.status == .declined && kept.err == "spark-portal: Not deleted.")
            #expect(no.asked == ["Delete the cart Lake houses (1 listing) from Ozzy Owner's workspace? [y/N] "])
            #expect(try await workspace.cart("Lake houses") != nil)

            let yes = ScriptedAnswer("Y")
            let deleted = try await workspace.run(.deleteCart(cart: "Lake houses", yes: false, json: false), terminal: yes.terminal)
            #expect(deleted.status == .success)
            #expect(try await workspace.cart("Lake houses") == nil)
        }
    }
}

@Suite("cart add and cart remove")
struct CartMembershipCommandTests {
    @Test func addsSaysWhatChangedAndTheOtherMemberSeesIt() async throws {
        try await Workspace.with { workspace in
            let first = try await workspace.run(.addToCart(cart: "possibilities", listingIds: [spare[0], spare[1], spare[0]], json: false))
            #expect(first.status == .success, "\(first.err)")
            #expect(first.out == "Added 2 listings to Possibilities (now 5).")
            let again = try await workspace.run(.addToCart(cart: "Possibilities", listingIds: [spare[1], spare[2]], json: false),
                                                token: johnny)
            #expect(again.out == "Added 1 listing to Possibilities (now 6); 1 was already there.")
            let none = try await workspace.run(.addToCart(cart: "Possibilities", listingIds: [spare[2]], json: false))
            #expect(none.out == "Nothing to add: the listing is already in Possibilities (now 6).")
            #expect(try await workspace.listings("Possibilities").suffix(3) == [spare[0], spare[1], spare[2]])
        }
    }

    @Test func severalListingsKeepTheSuccessesAndNameEachFailure() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.addToCart(cart: "Possibilities", listingIds: [spare[0], unknownListing, spare[1]], json: false))
            #expect(result.status == .api)
            #expect(result.out == "Added 2 listings to Possibilities (now 5).")
            let lines = result.err.split(separator: "\n").map(String.init)
            #expect(lines.count == 2)
            #expect(lines[0].hasPrefix("spark-portal: could not add \(unknownListing): ") && lines[0].contains("1053"))
            #expect(lines[1] == "spark-portal: 1 of 3 listings was not added; the other 2 were.")
            #expect(try await workspace.listings("Possibilities").suffix(2) == [spare[0], spare[1]])
        }
    }

    @Test func oneUnknownListingIsOneLineAndChangesNothing() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.addToCart(cart: "Favorites", listingIds: [unknownListing], json: false))
            #expect(result.status == .api && result.out.isEmpty)
            #expect(!result.err.contains("\n") && result.err.hasPrefix("spark-portal: Could not add \(unknownListing) to Favorites: "))
            #expect(try await workspace.cart("Favorites")?["ListingCount"] as? Int == 2)
        }
    }

    @Test func removesAndJSONPrintsTheCart() async throws {
        try await Workspace.with { workspace in
            let inCart = try #require(try await workspace.listings("Possibilities").first)
            let result = try await workspace.run(.removeFromCart(cart: "Possibilities", listingIds: [inCart, spare[0]], json: false))
            #expect(result.status == .success, "\(result.err)")
            #expect(result.out == "Removed 1 listing from Possibilities (now 2); 1 was not in it.")
            #expect(!(try await workspace.listings("Possibilities")).contains(inCart))
            let json = try await workspace.run(.removeFromCart(cart: "Possibilities", listingIds: [spare[0]], json: true))
            let cart = try #require(try jsonObject(json.out) as? [String: Any])
            #expect(cart["Name"] as? String == "Possibilities" && cart["ListingCount"] as? Int == 2)
        }
    }

    @Test func theAgentsAndThePortalsCartsAreLeftAlone() async throws {
        try await Workspace.with { workspace in
            for cart in ["Recommended", "removed"] {
                let result = try await workspace.run(.addToCart(cart: cart, listingIds: [spare[0]], json: false))
                #expect(result.status == .api && result.err.contains("does not change its listings"))
            }
            #expect(await workspace.requests("POST").isEmpty)
        }
    }
}

@Suite("favorite, reject and listing")
struct MarkCommandTests {
    @Test func favoritesAndRejectsExcludeEachOtherBothWays() async throws {
        try await Workspace.with { workspace in
            let listing = spare[0]
            let favorite = try await workspace.run(.mark(listingIds: [listing], as: .favorite, json: false))
            #expect(favorite.out == "Marked \(listing) as a favorite (Favorites now 3).")
            #expect(try await workspace.holders(listing) == ["Favorites"])

            let reject = try await workspace.run(.mark(listingIds: [listing], as: .reject, json: false), token: johnny)
            #expect(reject.out == "Marked \(listing) as rejected (Rejects now 2); took it out of Favorites (now 2).")
            #expect(try await workspace.holders(listing) == ["Rejects"])

            let back = try await workspace.run(.mark(listingIds: [listing], as: .favorite, json: false))
            #expect(back.out == "Marked \(listing) as a favorite (Favorites now 3); took it out of Rejects (now 1).")
            #expect(try await workspace.holders(listing) == ["Favorites"])

            let again = try await workspace.run(.mark(listingIds: [listing], as: .favorite, json: false))
            #expect(again.status == .success && again.out == "\(listing) is already a favorite (Favorites: 3 listings).")
        }
    }

    @Test func aFailureInTheMiddleSaysWhereTheListingIsNow() async throws {
        // Taking the listing out of Favorites is refused: it stays in both, and the command says so.
        try await Workspace.with(faults: ["DELETE:/v1/listingcarts/*=400:1053"]) { workspace in
            let listing = spare[1]
            _ = try await workspace.run(.mark(listingIds: [listing], as: .favorite, json: false))
            let result = try await workspace.run(.mark(listingIds: [listing], as: .reject, json: false))
            #expect(result.status == .api && result.out.isEmpty)
            #expect(result.err.hasPrefix("spark-portal: Could not mark \(listing) as rejected: "))
            #expect(result.err.hasSuffix("It is now in: 'Favorites', 'Rejects'.") && !result.err.contains("\n"))
            #expect(try await workspace.holders(listing) == ["Favorites", "Rejects"])
        }
    }

    @Test func severalListingsEachGetALineAndJSONHasTheirCarts() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.mark(listingIds: [spare[2], unknownListing, spare[3]], as: .reject, json: true))
            #expect(result.status == .api)
            let marks = try #require(try jsonObject(result.out) as? [[String: Any]])
            #expect(marks.compactMap { $0["ListingId"] as? String } == [spare[2], unknownListing, spare[3]])
            #expect(marks.map { $0["Rejected"] as? Bool } == [true, false, true])
            #expect(marks[1]["Error"] is String)
            #expect(result.err.contains("could not mark \(unknownListing) as rejected"))
            #expect(result.err.hasSuffix("1 of 3 listings could not be marked as rejected; the others were."))
            #expect(try await workspace.holders(spare[3]) == ["Rejects"])
        }
    }

    @Test func aListingWithItsFactsAndItsCarts() async throws {
        try await Workspace.with { workspace in
            let listing = try #require(try await workspace.listings("Favorites").first)
            let result = try await workspace.run(.listing(id: listing, json: false))
            #expect(result.status == .success, "\(result.err)")
            let lines = result.out.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasSuffix(", ID 83805") == true, "address, city, state and postal code: \(lines.first ?? "")")
            for label in ["Price", "Status", "Beds", "Baths", "Area", "Lot", "Year built", "Type", "MLS #", "List office", "Listing Id"] {
                #expect(lines.contains { $0.hasPrefix("  \(label) ") }, "\(label)")
            }
            #expect(lines.contains("  In carts     Favorites"))
            #expect(!result.out.contains("\u{1B}"))

            let json = try #require(try jsonObject(try await workspace.run(.listing(id: listing, json: true)).out) as? [String: Any])
            #expect(json["Id"] as? String == listing && json["StandardFields"] is [String: Any])
            #expect((json["ListingCarts"] as? [[String: Any]])?.compactMap { $0["Name"] as? String } == ["Favorites"])

            let missing = try await workspace.run(.listing(id: unknownListing, json: false))
            #expect(missing.status == .api && missing.out.isEmpty && !missing.err.contains("\n"))
        }
    }

    @Test func theDemoRunsEveryCommandOnItsOwn() async throws {
        let result = try await run(.mark(listingIds: [spare[0]], as: .favorite, json: false), ["--demo"])
        #expect(result.status == .success, "\(result.err)")
        #expect(result.out == "Marked \(spare[0]) as a favorite (Favorites now 5).")
        #expect(throws: (any Error).self) { try GlobalOptions.parse(["--demo-data", "nope"]) }
    }
}
