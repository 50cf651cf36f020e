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

/// A listing record as `/v1/listingcarts/<Id>/listings` returns it: `ResourceUri`, `StandardFields`, `Id`.
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

/// A listing cart; `ownerID` is the account whose workspace it belongs to (a user, or a group's owner).
struct MockCart: Sendable {
    var id: String
    var name: String
    var portalCartType: String?
    var ownerID: String
    var listings: LazyList<MockListing>

    var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("ResourceUri", .string("/v1/listingcarts/" + id)),
            ("ListingCount", .int(listings.count)),
            ("Name", .string(name)),
            ("Id", .string(id)),
        ]
        if let portalCartType { fields.append(("PortalCartType", .string(portalCartType))) }
        return .object(fields)
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

/// Everything one data set serves. Immutable; per-user state (the current group, tokens) lives in `DemoState`.
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
    var carts: [String: MockCart] = [:]
    /// owner account id → cart ids, in display order.
    var cartIDsOfOwner: [String: [String]] = [:]

    func groups(of userID: String) -> [MockGroup] {
        (groupIDsOfUser[userID] ?? []).compactMap { groups[$0] }
    }

    func isMember(_ userID: String, of groupID: String) -> Bool {
        groupIDsOfUser[userID]?.contains(groupID) ?? false
    }

    func carts(ownedBy ownerID: String) -> [MockCart] {
        (cartIDsOfOwner[ownerID] ?? []).compactMap { carts[$0] }
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
        carts[cart.id] = cart
        cartIDsOfOwner[cart.ownerID, default: []].append(cart.id)
    }
}

/// A user of a data set who can sign in, with the fixed tokens that authenticate as them.
public struct DemoUser: Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var name: String
    public var accessToken: String
    public var refreshToken: String

    /// Name and id only: tokens never appear in descriptions, even demo ones.
    public var description: String { "\(name) (\(id))" }
}
