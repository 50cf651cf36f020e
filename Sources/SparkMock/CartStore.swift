import Foundation

/// Why the demo server refuses a cart write, and the Spark answer for it.
enum CartRefusal: Error, Equatable {
    /// No such cart in the workspace the user acts for (it never was, another member deleted it, or it belongs to
    /// another workspace).
    case notFound(String)
    /// A portal cart (Favorites, ...) cannot be created, renamed or deleted.
    case systemCart(name: String, action: String)
    case missing(String)
    case blankName
    case nameTaken(String)
    /// Listing Ids the pool does not know.
    case unknownListings([String])
    case constraint(String)
    /// The user's current group is no longer theirs (removed meanwhile).
    case groupNoLongerValid(String)

    var response: MockResponse {
        switch self {
        case .notFound(let id):
            return .sparkError(404, code: 404, "Listing cart not found: \(id)")
        case .systemCart(let name, let action):
            var response = MockResponse.sparkError(405, code: 405, "The portal cart \(name) cannot be \(action)")
            response.headers.append(("Allow", "GET, POST"))
            return response
        case .missing(let field):
            return .sparkError(400, code: 1050, "A required parameter was not provided: \(field)")
        case .blankName:
            return .sparkError(400, code: 1050, "A required parameter was not provided: Name (it is blank)")
        case .nameTaken(let name):
            return .sparkError(409, code: 1055, "A listing cart named \(name) already exists")
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

/// The listing carts of every workspace as they change, and the rules of writing them (DESIGN 2.1): portal carts
/// keep their names and cannot be created or deleted; names are not blank and unique in a workspace (ignoring case
/// and surrounding blanks) unless AutoName picks a free one; only listings of the pool can be added; adding a
/// listing already there and removing one that is not are no-ops that succeed; `ListingCount` and
/// `ModificationTimestamp` always say how the cart is now. A plain value: `DemoState` serializes access to it.
struct CartStore: Sendable {
    private(set) var carts: [String: MockCart]
    /// owner account id → cart ids, in display order.
    private var cartIDsOfOwner: [String: [String]]
    let pool: ListingPool
    private let now: @Sendable () -> Date
    private var lastStamp = Date.distantPast
    private var created = 0

    init(world: DemoWorld, now: @escaping @Sendable () -> Date = Date.init) {
        // Copies of the world's dictionaries: nothing is copied until the first write.
        carts = world.carts
        cartIDsOfOwner = world.cartIDsOfOwner
        pool = world.listings
        self.now = now
    }

    func carts(ownedBy owner: String) -> [MockCart] {
        (cartIDsOfOwner[owner] ?? []).compactMap { carts[$0] }
    }

    /// The owner's carts holding any of these listings.
    func carts(holding listingIDs: [String], ownedBy owner: String) -> [MockCart] {
        let indexes = listingIDs.compactMap(pool.index(of:))
        return carts(ownedBy: owner).filter { cart in indexes.contains { cart.listings.contains($0) } }
    }

    /// A new custom cart in the owner's workspace.
    mutating func create(name: String, listingIDs: [String], autoName: Bool, type: String?, owner: String)
        -> Result<MockCart, CartRefusal> {
        if let type, type != "Custom" { return .failure(.systemCart(name: type, action: "created")) }
        guard !Self.key(name).isEmpty else { return .failure(.blankName) }
        let indexes: [Int]
        switch resolve(listingIDs) {
        case .success(let found): indexes = found
        case .failure(let refusal): return .failure(refusal)
        }
        var chosen = name
        if isTaken(name, owner: owner) {
            guard autoName else { return .failure(.nameTaken(name)) }
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
        carts[id] = cart
        cartIDsOfOwner[owner, default: []].append(id)
        return .success(cart)
    }

    mutating func add(_ listingIDs: [String], to cartID: String, owner: String) -> Result<MockCart, CartRefusal> {
        guard var cart = cart(cartID, owner: owner) else { return .failure(.notFound(cartID)) }
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

    mutating func remove(_ listingID: String, from cartID: String, owner: String) -> Result<MockCart, CartRefusal> {
        guard var cart = cart(cartID, owner: owner) else { return .failure(.notFound(cartID)) }
        let changed = pool.index(of: listingID).map { cart.listings.remove($0) } ?? false
        return .success(save(&cart, changed: changed))
    }

    mutating func rename(_ cartID: String, to name: String, owner: String) -> Result<MockCart, CartRefusal> {
        guard var cart = cart(cartID, owner: owner) else { return .failure(.notFound(cartID)) }
        guard !cart.isSystem else { return .failure(.systemCart(name: cart.name, action: "renamed")) }
        guard !Self.key(name).isEmpty else { return .failure(.blankName) }
        guard !isTaken(name, owner: owner, except: cartID) else { return .failure(.nameTaken(name)) }
        let changed = cart.name != name
        cart.name = name
        return .success(save(&cart, changed: changed))
    }

    mutating func delete(_ cartID: String, owner: String) -> Result<MockCart, CartRefusal> {
        guard let cart = cart(cartID, owner: owner) else { return .failure(.notFound(cartID)) }
        guard !cart.isSystem else { return .failure(.systemCart(name: cart.name, action: "deleted")) }
        carts[cartID] = nil
        cartIDsOfOwner[owner]?.removeAll { $0 == cartID }
        return .success(cart)
    }

    /// A cart of the owner's workspace: writes never reach another workspace's carts (404, as if absent).
    private func cart(_ id: String, owner: String) -> MockCart? {
        carts[id].flatMap { $0.ownerID == owner ? $0 : nil }
    }

    private mutating func save(_ cart: inout MockCart, changed: Bool) -> MockCart {
        if changed {
            cart.modified = stamp()
            carts[cart.id] = cart
        }
        return cart
    }

    /// Pool indexes of the Ids, or every Id the pool does not know.
    private func resolve(_ listingIDs: [String]) -> Result<[Int], CartRefusal> {
        var indexes: [Int] = []
        var unknown: [String] = []
        for id in listingIDs {
            if let index = pool.index(of: id) { indexes.append(index) } else { unknown.append(id) }
        }
        return unknown.isEmpty ? .success(indexes) : .failure(.unknownListings(unknown))
    }

    private func isTaken(_ name: String, owner: String, except cartID: String? = nil) -> Bool {
        let key = Self.key(name)
        return carts(ownedBy: owner).contains { $0.id != cartID && Self.key($0.name) == key }
    }

    /// Names compare without case and surrounding blanks: "weekend cabins " is "Weekend cabins".
    private static func key(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Now, but always later than the last stamp given: every change gets a new `ModificationTimestamp`.
    private mutating func stamp() -> Date {
        lastStamp = max(now(), lastStamp.addingTimeInterval(0.001))
        return lastStamp
    }
}
