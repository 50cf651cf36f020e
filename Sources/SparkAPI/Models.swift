import Foundation

/// A member of a portal group (a Spark contact or agent). Encodes back with the Spark field names.
public struct PortalUser: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var resourceUri: String?
    public var name: String
    public var userType: String?
    public var enabled: Bool?
    public var active: Bool?
    /// nil when missing, null, restricted or unreadable.
    public var lastLogin: Date?
    public var officeId: String?
    public var office: String?
    public var companyId: String?
    public var company: String?

    public init(
        id: String, resourceUri: String? = nil, name: String, userType: String? = nil, enabled: Bool? = nil,
        active: Bool? = nil, lastLogin: Date? = nil, officeId: String? = nil, office: String? = nil,
        companyId: String? = nil, company: String? = nil
    ) {
        self.id = id
        self.resourceUri = resourceUri
        self.name = name
        self.userType = userType
        self.enabled = enabled
        self.active = active
        self.lastLogin = lastLogin
        self.officeId = officeId
        self.office = office
        self.companyId = companyId
        self.company = company
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", resourceUri = "ResourceUri", name = "Name", userType = "UserType", enabled = "Enabled"
        case active = "Active", lastLogin = "LastLogin", officeId = "OfficeId", office = "Office"
        case companyId = "CompanyId", company = "Company"
    }

    public init(from decoder: any Decoder) throws {
        let fields = try LenientFields(decoder, CodingKeys.self)
        id = try fields.id(.id, resourceUri: .resourceUri)
        resourceUri = fields.string(.resourceUri)
        name = fields.string(.name) ?? ""
        userType = fields.string(.userType)
        enabled = fields.bool(.enabled)
        active = fields.bool(.active)
        lastLogin = fields.date(.lastLogin)
        officeId = fields.string(.officeId)
        office = fields.string(.office)
        companyId = fields.string(.companyId)
        company = fields.string(.company)
    }

    public func encode(to encoder: any Encoder) throws {
        // Optional fields are written as null, as the server does, so scripts see a stable shape.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(resourceUri, forKey: .resourceUri)
        try c.encode(name, forKey: .name)
        try c.encode(userType, forKey: .userType)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(active, forKey: .active)
        try c.encode(lastLogin.map(formatSparkDate), forKey: .lastLogin)
        try c.encode(officeId, forKey: .officeId)
        try c.encode(office, forKey: .office)
        try c.encode(companyId, forKey: .companyId)
        try c.encode(company, forKey: .company)
    }
}

/// A portal group: a shared workspace owned by one user. Groups have no name; show `ownerName`.
public struct PortalGroup: Codable, Sendable, Hashable, Identifiable {
    /// The owner's id; this is what `chooseGroup(id:)` sends.
    public var id: String
    public var resourceUri: String?
    /// The owner's contact id: the `users` entry with this id is the owner.
    public var contactId: String?
    public var users: [PortalUser]

    public init(id: String, resourceUri: String? = nil, contactId: String? = nil, users: [PortalUser] = []) {
        self.id = id
        self.resourceUri = resourceUri
        self.contactId = contactId
        self.users = users
    }

    /// The member whose `Id` equals the group's `ContactId`.
    public var owner: PortalUser? {
        guard let contactId else { return nil }
        return users.first { $0.id == contactId }
    }

    /// The owner's name; when the owner is not among the users, the group id (which is what
    /// `spark-portal use` takes), so the group is still recognisable.
    public var ownerName: String {
        if let name = owner?.name, !name.isEmpty { return name }
        return "Group \(id)"
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", resourceUri = "ResourceUri", contactId = "ContactId", users = "Users"
    }

    public init(from decoder: any Decoder) throws {
        let fields = try LenientFields(decoder, CodingKeys.self)
        id = try fields.id(.id, resourceUri: .resourceUri)
        resourceUri = fields.string(.resourceUri)
        contactId = fields.string(.contactId)
        users = (try? fields.container.decodeIfPresent(LossyList<PortalUser>.self, forKey: .users))?.items ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(resourceUri, forKey: .resourceUri)
        try c.encode(contactId, forKey: .contactId)
        try c.encode(users, forKey: .users)
    }
}

/// The kind of a consumer's portal cart; agent carts have none.
public enum PortalCartType: Sendable, Hashable, Codable {
    case favorites, possibilities, recommended, rejects, removed, custom
    case other(String)

    public init(rawValue: String) {
        switch rawValue.lowercased() {
        case "favorites": self = .favorites
        case "possibilities": self = .possibilities
        case "recommended": self = .recommended
        case "rejects": self = .rejects
        case "removed": self = .removed
        case "custom": self = .custom
        default: self = .other(rawValue)
        }
    }

    /// The Spark spelling (`Favorites`, ...).
    public var rawValue: String {
        switch self {
        case .favorites: "Favorites"
        case .possibilities: "Possibilities"
        case .recommended: "Recommended"
        case .rejects: "Rejects"
        case .removed: "Removed"
        case .custom: "Custom"
        case .other(let raw): raw
        }
    }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A listing cart of the current group's owner (or the user's own when no group is chosen).
public struct ListingCart: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var resourceUri: String?
    public var name: String
    public var listingCount: Int?
    public var portalCartType: PortalCartType?
    /// The Ids of the cart's listings, in cart order: only when asked for (`_expand=ListingIds`).
    public var listingIds: [String]?
    /// When the cart (its name or its listings) last changed, when the server says.
    public var modificationTimestamp: Date?

    public init(
        id: String, resourceUri: String? = nil, name: String, listingCount: Int? = nil,
        portalCartType: PortalCartType? = nil, listingIds: [String]? = nil, modificationTimestamp: Date? = nil
    ) {
        self.id = id
        self.resourceUri = resourceUri
        self.name = name
        self.listingCount = listingCount
        self.portalCartType = portalCartType
        self.listingIds = listingIds
        self.modificationTimestamp = modificationTimestamp
    }

    /// A cart a user made (`PortalCartType` Custom) or an agent's cart (none): the only carts that can be renamed
    /// or deleted. Any other type, known or not, is the server's to keep.
    public var isCustom: Bool {
        portalCartType == nil || portalCartType == .custom
    }

    /// Recommended (the agent's channel to the consumer) and Removed (a system bin): the API lets a member change
    /// them, but the official portals never do, and neither does spark-portal (DESIGN 2.1).
    public var isReadOnlyForMembers: Bool {
        portalCartType == .recommended || portalCartType == .removed
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", resourceUri = "ResourceUri", name = "Name", listingCount = "ListingCount"
        case portalCartType = "PortalCartType", listingIds = "ListingIds", modificationTimestamp = "ModificationTimestamp"
    }

    public init(from decoder: any Decoder) throws {
        let fields = try LenientFields(decoder, CodingKeys.self)
        id = try fields.id(.id, resourceUri: .resourceUri)
        resourceUri = fields.string(.resourceUri)
        name = fields.string(.name) ?? ""
        listingCount = fields.int(.listingCount)
        portalCartType = fields.string(.portalCartType).map(PortalCartType.init(rawValue:))
        if case .array(let ids) = fields[.listingIds] {
            listingIds = ids.compactMap { $0.sparkString.value }
        }
        modificationTimestamp = fields.date(.modificationTimestamp)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(resourceUri, forKey: .resourceUri)
        try c.encode(name, forKey: .name)
        try c.encode(listingCount, forKey: .listingCount)
        try c.encodeIfPresent(portalCartType, forKey: .portalCartType)
        try c.encodeIfPresent(listingIds, forKey: .listingIds)
        try c.encodeIfPresent(modificationTimestamp.map(formatSparkDate), forKey: .modificationTimestamp)
    }
}

/// A listing record. Keeps every `StandardFields` entry (and whatever an expansion such as `_expand=Photos` adds
/// there) so `--json` can print it whole; the typed accessors read the fields the app shows, tolerating
/// numbers-as-strings, stray blanks and `"********"`.
public struct Listing: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var resourceUri: String?
    public var standardFields: [String: JSONValue]

    public init(id: String, resourceUri: String? = nil, standardFields: [String: JSONValue] = [:]) {
        self.id = id
        self.resourceUri = resourceUri
        self.standardFields = standardFields
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", resourceUri = "ResourceUri", standardFields = "StandardFields"
    }

    public init(from decoder: any Decoder) throws {
        let fields = try LenientFields(decoder, CodingKeys.self)
        if case .object(let standard) = fields[.standardFields] { standardFields = standard } else { standardFields = [:] }
        if let key = standardFields["ListingKey"]?.sparkString.value, fields.string(.id) == nil {
            id = key  // a listing's Id is its ListingKey
        } else {
            id = try fields.id(.id, resourceUri: .resourceUri)
        }
        resourceUri = fields.string(.resourceUri)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(resourceUri, forKey: .resourceUri)
        try c.encode(standardFields, forKey: .standardFields)
    }

    /// One standard field, leniently: missing and null are `.absent`.
    public func field(_ name: String) -> JSONValue { standardFields[name] ?? .null }

    /// A text field with surrounding blanks removed (`"A "` is `A`).
    public func text(_ name: String) -> SparkValue<String> {
        field(name).sparkString.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    // MARK: Address

    public var streetNumber: SparkValue<String> { text("StreetNumber") }
    public var streetDirPrefix: SparkValue<String> { text("StreetDirPrefix") }
    public var streetName: SparkValue<String> { text("StreetName") }
    public var streetSuffix: SparkValue<String> { text("StreetSuffix") }
    public var streetDirSuffix: SparkValue<String> { text("StreetDirSuffix") }
    public var unitNumber: SparkValue<String> { text("UnitNumber") }
    public var city: SparkValue<String> { field("City").sparkString }
    public var stateOrProvince: SparkValue<String> { text("StateOrProvince") }
    public var postalCode: SparkValue<String> { text("PostalCode") }

    /// `UnparsedAddress`, else the street parts joined (`StreetNumber StreetDirPrefix StreetName ...`).
    public var address: SparkValue<String> {
        let unparsed = field("UnparsedAddress").sparkString
        if case .value = unparsed { return unparsed }
        let street = streetFromParts
        if case .value = street { return street }
        return unparsed == .restricted ? .restricted : street
    }

    /// The street line: `UnparsedFirstLineAddress`, else the street parts and the unit (`12 N Oak Ave #4`).
    public var streetAddress: SparkValue<String> {
        let line = field("UnparsedFirstLineAddress").sparkString
        if case .value = line { return line }
        let street = streetFromParts.map { street in unitNumber.value.map { "\(street) #\($0)" } ?? street }
        if case .value = street { return street }
        return line == .restricted ? .restricted : street
    }

    private var streetFromParts: SparkValue<String> {
        let parts = [streetNumber, streetDirPrefix, streetName, streetSuffix, streetDirSuffix]
        let known = parts.compactMap(\.value).filter { !$0.isEmpty }
        if !known.isEmpty { return .value(known.joined(separator: " ")) }
        return parts.contains(.restricted) ? .restricted : .absent
    }

    // MARK: Facts

    public var listPrice: SparkValue<Double> { field("ListPrice").sparkDouble }
    public var bedsTotal: SparkValue<Int> { field("BedsTotal").sparkInt }
    public var bathsTotal: SparkValue<Double> { field("BathsTotal").sparkDouble }
    /// Square feet of the building (`BuildingAreaTotal`).
    public var buildingAreaTotal: SparkValue<Double> { field("BuildingAreaTotal").sparkDouble }
    public var yearBuilt: SparkValue<Int> { field("YearBuilt").sparkInt }

    /// The lot: `LotSizeAcres`, else `LotSizeSquareFeet`, else `LotSizeArea` in its `LotSizeUnits`.
    public var lotSize: SparkValue<LotSize> {
        let acres = field("LotSizeAcres").sparkDouble
        if let value = acres.value { return .value(LotSize(value: value, unit: .acres)) }
        let squareFeet = field("LotSizeSquareFeet").sparkDouble
        if let value = squareFeet.value { return .value(LotSize(value: value, unit: .squareFeet)) }
        let area = field("LotSizeArea").sparkDouble
        if let value = area.value { return .value(LotSize(value: value, unit: LotSize.Unit(text("LotSizeUnits").value))) }
        return [acres, squareFeet, area].contains(.restricted) ? .restricted : .absent
    }

    /// `MlsStatus`, else `StandardStatus`.
    public var status: SparkValue<String> {
        let mls = field("MlsStatus").sparkString
        if case .value = mls { return mls }
        let standard = field("StandardStatus").sparkString
        return standard == .absent ? mls : standard
    }

    /// The MLS's property type code (`A`, `B`, ...).
    public var propertyType: SparkValue<String> { text("PropertyType") }
    /// The type in words, when the server sends it (`Residential`): `PropertySubType`, else `PropertyClass`.
    public var propertyTypeName: SparkValue<String> {
        let sub = text("PropertySubType")
        if case .value = sub { return sub }
        let propertyClass = text("PropertyClass")
        return propertyClass == .absent ? sub : propertyClass
    }

    /// The MLS number (`ListingId`), as agents say it.
    public var listingNumber: SparkValue<String> { field("ListingId").sparkString }
    public var listOfficeName: SparkValue<String> { field("ListOfficeName").sparkString }
    public var publicRemarks: SparkValue<String> { field("PublicRemarks").sparkString }
}

/// The size of a lot and its unit.
public struct LotSize: Sendable, Hashable {
    public enum Unit: Sendable, Hashable {
        case acres, squareFeet
        /// A unit the server named otherwise (or did not name).
        case other(String?)

        init(_ text: String?) {
            switch text?.lowercased() {
            case "acres", "acre", "ac": self = .acres
            case "square feet", "sq ft", "sqft", "sf": self = .squareFeet
            default: self = .other(text)
            }
        }
    }

    public var value: Double
    public var unit: Unit

    public init(value: Double, unit: Unit) {
        self.value = value
        self.unit = unit
    }
}

/// The signed-in user (`GET /v1/my/account`).
public struct Account: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var userType: String?
    public var office: String?
    public var officeId: String?
    public var mls: String?
    public var mlsId: String?
    /// The primary e-mail address (else the first one).
    public var email: String?

    public init(
        id: String, name: String, userType: String? = nil, office: String? = nil, officeId: String? = nil,
        mls: String? = nil, mlsId: String? = nil, email: String? = nil
    ) {
        self.id = id
        self.name = name
        self.userType = userType
        self.office = office
        self.officeId = officeId
        self.mls = mls
        self.mlsId = mlsId
        self.email = email
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", userType = "UserType", office = "Office", officeId = "OfficeId"
        case mls = "Mls", mlsId = "MlsId", email = "Email", emails = "Emails", resourceUri = "ResourceUri"
    }

    public init(from decoder: any Decoder) throws {
        let fields = try LenientFields(decoder, CodingKeys.self)
        id = try fields.id(.id, resourceUri: .resourceUri)
        name = fields.string(.name) ?? ""
        userType = fields.string(.userType)
        office = fields.string(.office)
        officeId = fields.string(.officeId)
        mls = fields.string(.mls)
        mlsId = fields.string(.mlsId)
        if case .array(let emails) = fields[.emails] {
            let primary = emails.first { $0["Primary"] == .bool(true) } ?? emails.first
            email = primary?["Address"]?.sparkString.value
        } else {
            email = fields.string(.email)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(userType, forKey: .userType)
        try c.encode(office, forKey: .office)
        try c.encode(officeId, forKey: .officeId)
        try c.encode(mls, forKey: .mls)
        try c.encode(mlsId, forKey: .mlsId)
        try c.encode(email, forKey: .email)
    }
}

/// The `Pagination` object that `_pagination=1` adds to a list response.
public struct Pagination: Codable, Sendable, Hashable {
    public var totalRows: Int
    public var pageSize: Int
    public var totalPages: Int
    public var currentPage: Int

    public init(totalRows: Int, pageSize: Int, totalPages: Int, currentPage: Int) {
        self.totalRows = totalRows
        self.pageSize = pageSize
        self.totalPages = totalPages
        self.currentPage = currentPage
    }

    enum CodingKeys: String, CodingKey {
        case totalRows = "TotalRows", pageSize = "PageSize", totalPages = "TotalPages", currentPage = "CurrentPage"
    }

    public init(from decoder: any Decoder) throws {
        let fields = try LenientFields(decoder, CodingKeys.self)
        totalRows = fields.int(.totalRows) ?? 0
        pageSize = fields.int(.pageSize) ?? 0
        currentPage = fields.int(.currentPage) ?? 1
        totalPages = fields.int(.totalPages)
            ?? (pageSize > 0 ? (totalRows + pageSize - 1) / pageSize : 1)
    }
}

/// One page of a list, with the server's paging information when it sent any.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var pagination: Pagination?

    public init(items: [Item], pagination: Pagination?) {
        self.items = items
        self.pagination = pagination
    }
}

extension Page: Equatable where Item: Equatable {}
extension Page: Hashable where Item: Hashable {}

/// One page of a long list as it arrives (`SparkClient.pages(expectedPages:_:)`): its rows and how far the list has come.
public struct ListProgress<Item: Sendable>: Sendable {
    /// This page's rows, in server order.
    public var items: [Item]
    /// 1-based. Pages are delivered in order, each once.
    public var page: Int
    /// How many pages the list has, as known now: the server's `TotalPages`, at most `Endpoints.maxPageNumber`,
    /// and fewer once a page comes back empty (then that page is the last).
    public var pageCount: Int
    /// The server's `TotalRows`, when it sent a count.
    public var totalRows: Int?
    /// Set on the last page when the list ends before the server's claimed page count.
    public var cut: ListCut?

    public init(items: [Item], page: Int, pageCount: Int, totalRows: Int? = nil, cut: ListCut? = nil) {
        self.items = items
        self.page = page
        self.pageCount = pageCount
        self.totalRows = totalRows
        self.cut = cut
    }

    /// Whether this is the list's last page.
    public var isLast: Bool { page == pageCount }
}

extension ListProgress: Equatable where Item: Equatable {}

/// A whole list and how many pages it took to read (the count a cache keeps, to ask for them all at once next time).
public struct PagedList<Item: Sendable>: Sendable {
    public var items: [Item]
    /// The pages read: the server's `TotalPages` (1 for an empty list), or fewer when the list ended early.
    public var pageCount: Int

    public init(items: [Item], pageCount: Int) {
        self.items = items
        self.pageCount = pageCount
    }
}

extension PagedList: Equatable where Item: Equatable {}

/// Why a list ended before the page count the server claimed (`ListProgress.cut`).
public enum ListCut: Sendable, Hashable {
    /// Spark serves no page past `Endpoints.maxPageNumber`; the server claimed `claimedPages`.
    case pageLimit(claimedPages: Int)
    /// This page came back empty although the server claimed `claimedPages`: its count was wrong.
    case emptyPage(claimedPages: Int)
}

/// A decoded list that drops entries that cannot be read at all (for example a user without an id),
/// so one broken record never hides the rest. It fails only when every entry is unreadable.
struct LossyList<Item: Decodable>: Decodable {
    var items: [Item]

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var items: [Item] = []
        var firstError: (any Error)?
        var count = 0
        while !container.isAtEnd {
            count += 1
            do {
                items.append(try container.decode(Item.self))
            } catch {
                firstError = firstError ?? error
                _ = try? container.decode(JSONValue.self)  // step past the bad entry
            }
        }
        if items.isEmpty, count > 0, let firstError { throw firstError }
        self.items = items
    }
}
