import Foundation

/// A read-only list whose elements may be computed on demand, so the `large` data set can describe a group
/// of 100,000 members or a cart of 10,000 listings without building them up front.
struct LazyList<Element>: Sendable {
    let count: Int
    private let element: @Sendable (Int) -> Element

    init(count: Int, element: @escaping @Sendable (Int) -> Element) {
        self.count = count
        self.element = element
    }

    subscript(index: Int) -> Element { element(index) }

    func map<T>(_ range: Range<Int>, _ transform: (Element) -> T) -> [T] {
        range.clamped(to: 0..<count).map { transform(element($0)) }
    }
}

extension LazyList where Element: Sendable {
    init(_ elements: [Element]) {
        self.init(count: elements.count) { elements[$0] }
    }
}

/// One entry of a portal group's `Users[]`.
struct MockMember: Sendable {
    var id: String
    var name: String
    var userType: String = "Contact"
    var enabled: Bool? = true
    var active: Bool? = false
    var lastLogin: String? = nil
    var office: (id: String, name: String)? = nil
    var company: (id: String, name: String)? = nil

    /// Writes the member straight to bytes (no intermediate `JSONValue`): the `large` data set serializes
    /// 100,000 of them in one response. Same key order as the walkthrough; agents (UserType "Member") live under
    /// /v1/accounts.
    func writeJSON(into out: inout [UInt8]) {
        func key(_ name: StaticString, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func string(_ value: String?) {
            if let value { JSONValue.writeString(value, into: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        func bool(_ value: Bool) { out.append(contentsOf: (value ? "true" : "false").utf8) }
        out.append(UInt8(ascii: "{"))
        var first = true
        if let enabled { key("Enabled", first: true); bool(enabled); first = false }
        key("ResourceUri", first: first); string((userType == "Contact" ? "/v1/contacts/" : "/v1/accounts/") + id)
        key("Name"); string(name)
        key("OfficeId"); string(office?.id)
        key("Id"); string(id)
        if let active { key("Active"); bool(active) }
        key("CompanyId"); string(company?.id)
        key("Company"); string(company?.name)
        key("Office"); string(office?.name)
        key("UserType"); string(userType)
        key("LastLogin"); string(lastLogin)
        out.append(UInt8(ascii: "}"))
    }
}

/// A portal group: `Id` is the owner's account id, `ContactId` the owner's contact id (Users[0]).
struct MockGroup: Sendable {
    var id: String
    var contactID: String
    var members: LazyList<MockMember>

    var json: JSONValue {
        .object([
            ("ResourceUri", .string("/v1/portal/groups/" + id)),
            ("Id", .string(id)),
            ("ContactId", .string(contactID)),
            ("Users", .raw(usersJSON())),
        ])
    }
}

extension MockGroup {
    private func usersJSON() -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(members.count * 260)
        for index in 0..<members.count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            members[index].writeJSON(into: &out)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}

/// A listing record as `/v1/listings/<Id>` and `/v1/listingcarts/<Id>/listings` return it: `ResourceUri`,
/// `StandardFields`, `Id`.
struct MockListing: Sendable {
    var id: String
    var standardFields: [(String, JSONValue)]

    var json: JSONValue {
        .object([
            ("ResourceUri", .string("/v1/listings/" + id)),
            ("StandardFields", .object(standardFields)),
            ("Id", .string(id)),
        ])
    }
}

/// Every listing a data set knows, shared by all its carts: listing n is computed from n alone (`makeListing`), so
/// the pool can hold a million listings without storing one; a data set may replace a few (`overrides`).
struct ListingPool: Sendable {
    var count: Int
    var overrides: [Int: MockListing] = [:]

    func listing(_ index: Int) -> MockListing {
        overrides[index] ?? makeListing(index)
    }

    /// The pool index of a listing Id, or nil for an Id the pool does not hold. Ids are `sparkID(year: 2006, n)`,
    /// whose digits 14..<20 are n.
    func index(of id: String) -> Int? {
        let digits = Array(id.utf8)
        guard digits.count == 26, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        let n = digits[14..<20].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard n < count, listingID(n) == id else { return nil }
        return n
    }
}

/// The Id of pool listing n.
func listingID(_ n: Int) -> String { sparkID(year: 2006, n) }

/// The listings of a cart, as pool indexes in cart order. A cart starts as a range of the pool, which costs
/// nothing however long it is (the `large` data set has a cart of 10,000 listings and 12,000 carts); the first
/// change turns it into an explicit list.
struct CartContents: Sendable {
    private var range: Range<Int>?
    private var indexes: [Int] = []
    private var members: Set<Int> = []

    init(_ range: Range<Int>) {
        self.range = range
    }

    var count: Int { range?.count ?? indexes.count }

    func contains(_ index: Int) -> Bool {
        range.map { $0.contains(index) } ?? members.contains(index)
    }

    /// The pool indexes at these positions.
    func indexes(_ positions: Range<Int>) -> [Int] {
        let positions = positions.clamped(to: 0..<count)
        if let range { return positions.map { range.lowerBound + $0 } }
        return Array(indexes[positions])
    }

    var all: [Int] { indexes(0..<count) }

    /// Adds at the end; false when the listing is already there (a cart holds each listing once).
    mutating func append(_ index: Int) -> Bool {
        guard !contains(index) else { return false }
        materialize()
        indexes.append(index)
        members.insert(index)
        return true
    }

    /// False when the listing was not there.
    mutating func remove(_ index: Int) -> Bool {
        guard contains(index) else { return false }
        materialize()
        indexes.removeAll { $0 == index }
        members.remove(index)
        return true
    }

    private mutating func materialize() {
        guard let range else { return }
        indexes = Array(range)
        members = Set(range)
        self.range = nil
    }
}

/// A listing cart; `ownerID` is the account whose workspace it belongs to (a user, or a group's owner).
struct MockCart: Sendable {
    var id: String
    var name: String
    var portalCartType: String?
    var ownerID: String
    var listings: CartContents
    /// When its name or listings last changed; nil until then in data sets that print none (the seed walkthrough).
    var modified: Date? = nil

    /// The five portal carts cannot be created, renamed or deleted; only Custom ones (or agent carts, typeless) can.
    var isSystem: Bool { portalCartType.map { $0 != "Custom" } ?? false }

    /// The cart as the API prints it; with `listingIDs` (`_expand=ListingIds`) the Ids of its listings.
    func json(listingIDs pool: ListingPool? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("ResourceUri", .string("/v1/listingcarts/" + id)),
            ("ListingCount", .int(listings.count)),
            ("Name", .string(name)),
            ("Id", .string(id)),
        ]
        if let portalCartType { fields.append(("PortalCartType", .string(portalCartType))) }
        if let modified { fields.append(("ModificationTimestamp", .string(sparkTimestamp(modified)))) }
        if pool != nil { fields.append(("ListingIds", .array(listings.all.map { .string(listingID($0)) }))) }
        return .object(fields)
    }
}

/// `2026-12-04T10:15:30.125Z`: milliseconds, so two changes in one second still differ.
func sparkTimestamp(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
}

/// A record that belongs to one workspace: a cart, a saved search, a news feed.
protocol WorkspaceRecord: Sendable {
    var id: String { get }
    /// The account whose workspace it belongs to (a user, or a group's owner).
    var ownerID: String { get }
}

extension MockCart: WorkspaceRecord {}
extension MockSearch: WorkspaceRecord {}
extension MockFeed: WorkspaceRecord {}

/// The records of every workspace, by Id and per owner in display order.
struct OwnedRecords<Record: WorkspaceRecord>: Sendable {
    private(set) var byID: [String: Record] = [:]
    private var idsOfOwner: [String: [String]] = [:]

    subscript(id: String) -> Record? { byID[id] }

    var count: Int { byID.count }

    /// The owner's records, in the order they were added.
    func owned(by owner: String) -> [Record] {
        (idsOfOwner[owner] ?? []).compactMap { byID[$0] }
    }

    /// A record of the owner's workspace; nil for one of another workspace (writes never reach those: 404).
    func record(_ id: String, owner: String) -> Record? {
        byID[id].flatMap { $0.ownerID == owner ? $0 : nil }
    }

    /// Adds a record at the end of its owner's list, or replaces the record with its Id.
    mutating func put(_ record: Record) {
        if byID.updateValue(record, forKey: record.id) == nil { idsOfOwner[record.ownerID, default: []].append(record.id) }
    }

    mutating func remove(_ id: String) {
        guard let record = byID.removeValue(forKey: id) else { return }
        idsOfOwner[record.ownerID]?.removeAll { $0 == id }
    }

    mutating func reserveCapacity(_ count: Int) {
        byID.reserveCapacity(count)
    }
}

/// A user who can sign in (has tokens): what `/v1/my/account` answers.
struct MockAccount: Sendable {
    var id: String
    var name: String
    var email: String

    var json: JSONValue {
        .object([
            ("Name", .string(name)),
            ("Id", .string(id)),
            ("UserType", .string("Contact")),
            ("Emails", .array([.object([
                ("Type", .string("Personal")), ("Name", .string("Personal")),
                ("Address", .string(email)), ("Primary", .bool(true)),
            ])])),
            ("Phones", .array([])),
            ("Websites", .array([])),
            ("Addresses", .array([])),
            ("GetEmailUpdates", .bool(false)),
        ])
    }
}

/// Everything one data set starts with. Immutable; what changes (the current group of each user, tokens, the
/// carts, saved searches and news feeds) lives in `DemoState`.
struct DemoWorld: Sendable {
    var defaultUserID: String
    var accounts: [String: MockAccount] = [:]
    /// Fixed access and refresh tokens of the data set → user id.
    var accessTokens: [String: String] = [:]
    var refreshTokens: [String: String] = [:]
    /// Public description of the users, in a stable order.
    var users: [DemoUser] = []
    /// user id → ids of the groups they belong to, in display order.
    var groupIDsOfUser: [String: [String]] = [:]
    var groups: [String: MockGroup] = [:]
    var carts = OwnedRecords<MockCart>()
    /// The listings carts can hold and `/v1/listings/<Id>` serves; each data set sizes it past its carts' listings,
    /// so there are listings to add that no cart holds yet.
    var listings = ListingPool(count: 0)
    var searches = OwnedRecords<MockSearch>()
    var feeds = OwnedRecords<MockFeed>()

    func groups(of userID: String) -> [MockGroup] {
        (groupIDsOfUser[userID] ?? []).compactMap { groups[$0] }
    }

    func isMember(_ userID: String, of groupID: String) -> Bool {
        groupIDsOfUser[userID]?.contains(groupID) ?? false
    }

    mutating func addAccount(_ account: MockAccount, accessToken: String, refreshToken: String) {
        accounts[account.id] = account
        accessTokens[accessToken] = account.id
        refreshTokens[refreshToken] = account.id
        users.append(DemoUser(id: account.id, name: account.name, accessToken: accessToken, refreshToken: refreshToken))
    }

    mutating func addGroup(_ group: MockGroup, memberAccountIDs: [String]) {
        groups[group.id] = group
        for userID in memberAccountIDs { groupIDsOfUser[userID, default: []].append(group.id) }
    }

    mutating func addCart(_ cart: MockCart) {
        carts.put(cart)
    }
}

/// A user of a data set who can sign in, with the fixed tokens that authenticate as them.
public struct DemoUser: Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var name: String
    public var accessToken: String
    public var refreshToken: String
    /// The owners of the groups the user belongs to, by name, in the order the groups are listed.
    public var groupOwners: [String] = []

    /// Name and id only: tokens never appear in descriptions, even demo ones.
    public var description: String { "\(name) (\(id))" }
}
