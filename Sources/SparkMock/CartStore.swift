import Foundation

/// What a refused write was aimed at, in the words of the server's messages.
enum WorkspaceResource: String, Sendable {
    case cart = "listing cart", search = "saved search", feed = "news feed"

    /// "Listing cart", at the start of a sentence.
    var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// Why the demo server refuses a write to a workspace (a cart, a saved search, a news feed), and the Spark answer.
enum WriteRefusal: Error, Equatable {
    /// No such record in the workspace the user acts for (it never was, another member deleted it, or it belongs to
    /// another workspace).
    case notFound(WorkspaceResource, String)
    /// A portal cart (Favorites, ...) or a search the agent provided: its name and its existence are not the
    /// members' to change (405).
    case notChangeable(WorkspaceResource, name: String, action: String)
    case missing(String)
    case blankName
    case nameTaken(WorkspaceResource, String)
    /// Listing Ids the pool does not know.
    case unknownListings([String])
    case constraint(String)
    /// The user's current group is no longer theirs (removed meanwhile).
    case groupNoLongerValid(String)

    var response: MockResponse {
        switch self {
        case .notFound(let resource, let id):
            return .sparkError(404, code: 404, "\(resource.title) not found: \(id)")
        case .notChangeable(let resource, let name, let action):
            let what = resource == .cart ? "The portal cart \(name)" : "The \(resource.rawValue) \(name), which your agent provided,"
            var response = MockResponse.sparkError(405, code: 405, "\(what) cannot be \(action)")
            response.headers.append(("Allow", resource == .cart ? "GET, POST" : "GET"))
            return response
        case .missing(let field):
            return .sparkError(400, code: 1050, "A required parameter was not provided: \(field)")
        case .blankName:
            return .sparkError(400, code: 1050, "A required parameter was not provided: Name (it is blank)")
        case .nameTaken(let resource, let name):
            return .sparkError(409, code: 1055, "A \(resource.rawValue) named \(name) already exists")
        case .unknownListings(let ids):
            // Shaped like Spark's constraint failures (fixture errors/failure_with_constraint.json): Details holds, per
            // field, the rules each value broke.
            let rules: [JSONValue] = ids.map { id in
                .object([("RuleName", .string("ListingExists")), ("Value", .string(id)), ("RuleValue", .null),
                         ("RuleField", .null), ("RuleFieldValue", .null)])
            }
            let message = ids.count == 1 ? "The listing \(ids[0]) does not exist" : "These listings do not exist: "
                + ids.joined(separator: ", ")
            return .json(400, .object([("D", .object([
                ("Success", .bool(false)), ("Code", .int(1053)), ("Message", .string(message)),
                ("Details", .array([.object([("ListingIds", .array(rules))])])),
            ]))]))
        case .constraint(let message):
            return .sparkError(400, code: 1053, message)
        case .groupNoLongerValid(let id):
            return .sparkError(400, code: 1025, "The current portal group \(id) is no longer valid; choose another group")
        }
    }
}

/// Names compare without case and surrounding blanks: "weekend cabins " is "Weekend cabins".
func nameKey(_ name: String) -> String {
    name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
}

/// Hands out `ModificationTimestamp`s: now, but always later than the last one given, so every change gets a new
/// stamp (with milliseconds) even within one clock tick.
struct ChangeClock: Sendable {
    let now: @Sendable () -> Date
    private var last = Date.distantPast

    init(now: @escaping @Sendable () -> Date = Date.init) {
        self.now = now
    }

    mutating func stamp() -> Date {
        last = max(now(), last.addingTimeInterval(0.001))
        return last
    }
}

/// The listing carts of every workspace as they change, and the rules of writing them (DESIGN 2.1): portal carts
/// keep their names and cannot be created or deleted; names are not blank and unique in a workspace (ignoring case
/// and surrounding blanks) unless AutoName picks a free one; only listings of the pool can be added; adding a
/// listing already there and removing one that is not are no-ops that succeed; `ListingCount` and
/// `ModificationTimestamp` always say how the cart is now. A plain value: `DemoState` serializes access to it.
struct CartStore: Sendable {
    private(set) var carts: OwnedRecords<MockCart>
    let pool: ListingPool
    private var clock: ChangeClock
    private var created = 0

    init(world: DemoWorld, now: @escaping @Sendable () -> Date = Date.init) {
        // Copies of the world's dictionaries: nothing is copied until the first write.
        carts = world.carts
        pool = world.listings
        clock = ChangeClock(now: now)
    }

    func carts(ownedBy owner: String) -> [MockCart] {
        carts.owned(by: owner)
    }

    /// The owner's carts holding any of these listings.
    func carts(holding listingIDs: [String], ownedBy owner: String) -> [MockCart] {
        let indexes = listingIDs.compactMap(pool.index(of:))
        return carts(ownedBy: owner).filter { cart in indexes.contains { cart.listings.contains($0) } }
    }

    /// A new custom cart in the owner's workspace.
    mutating func create(name: String, listingIDs: [String], autoName: Bool, type: String?, owner: String)
        -> Result<MockCart, WriteRefusal> {
        if let type, type != "Custom" { return .failure(.notChangeable(.cart, name: type, action: "created")) }
        guard !nameKey(name).isEmpty else { return .failure(.blankName) }
        let indexes: [Int]
        switch resolve(listingIDs) {
        case .success(let found): indexes = found
        case .failure(let refusal): return .failure(refusal)
        }
        var chosen = name
        if isTaken(name, owner: owner) {
            guard autoName else { return .failure(.nameTaken(.cart, name)) }
            chosen = (2...).lazy.map { "\(name) (\($0))" }.first { !isTaken($0, owner: owner) }!
        }
        var id: String
        repeat {
            created += 1
            id = sparkID(year: 2026, 900_000 + created)
        } while carts[id] != nil
        var contents = CartContents(0..<0)
        for index in indexes { _ = contents.append(index) }
        let cart = MockCart(id: id, name: chosen, portalCartType: "Custom", ownerID: owner, listings: contents, modified: stamp())
        carts.put(cart)
        return .success(cart)
    }

    mutating func add(_ listingIDs: [String], to cartID: String, owner: String) -> Result<MockCart, WriteRefusal> {
        guard var cart = cart(cartID, owner: owner) else { return .failure(.notFound(.cart, cartID)) }
        guard !listingIDs.isEmpty else { return .failure(.missing("D.ListingIds")) }
        switch resolve(listingIDs) {
        case .failure(let refusal):
            return .failure(refusal)
        case .success(let indexes):
            var changed = false
            for index in indexes where cart.listings.append(index) { changed = true }
            return .success(save(&cart, changed: changed))
        }
    }

    mutating func remove(_ listingID: String, from cartID: String, owner: String) -> Result<MockCart, WriteRefusal> {
        guard var cart = cart(cartID, owner: owner) else { return .failure(.notFound(.cart, cartID)) }
        let changed = pool.index(of: listingID).map { cart.listings.remove($0) } ?? false
        return .success(save(&cart, changed: changed))
    }

    mutating func rename(_ cartID: String, to name: String, owner: String) -> Result<MockCart, WriteRefusal> {
        guard var cart = cart(cartID, owner: owner) else { return .failure(.notFound(.cart, cartID)) }
        guard !cart.isSystem else { return .failure(.notChangeable(.cart, name: cart.name, action: "renamed")) }
        guard !nameKey(name).isEmpty else { return .failure(.blankName) }
        guard !isTaken(name, owner: owner, except: cartID) else { return .failure(.nameTaken(.cart, name)) }
        let changed = cart.name != name
        cart.name = name
        return .success(save(&cart, changed: changed))
    }

    mutating func delete(_ cartID: String, owner: String) -> Result<MockCart, WriteRefusal> {
        guard let cart = cart(cartID, owner: owner) else { return .failure(.notFound(.cart, cartID)) }
        guard !cart.isSystem else { return .failure(.notChangeable(.cart, name: cart.name, action: "deleted")) }
        carts.remove(cartID)
        return .success(cart)
    }

    private func cart(_ id: String, owner: String) -> MockCart? {
        carts.record(id, owner: owner)
    }

    private mutating func save(_ cart: inout MockCart, changed: Bool) -> MockCart {
        if changed {
            cart.modified = stamp()
            carts.put(cart)
        }
        return cart
    }

    /// Pool indexes of the Ids, or every Id the pool does not know.
    private func resolve(_ listingIDs: [String]) -> Result<[Int], WriteRefusal> {
        var indexes: [Int] = []
        var unknown: [String] = []
        for id in listingIDs {
            if let index = pool.index(of: id) { indexes.append(index) } else { unknown.append(id) }
        }
        return unknown.isEmpty ? .success(indexes) : .failure(.unknownListings(unknown))
    }

    private func isTaken(_ name: String, owner: String, except cartID: String? = nil) -> Bool {
        let key = nameKey(name)
        return carts(ownedBy: owner).contains { $0.id != cartID && nameKey($0.name) == key }
    }

    private mutating func stamp() -> Date { clock.stamp() }
}
