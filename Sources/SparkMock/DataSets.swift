import Foundation

/// Which data the demo server serves: `seed` replays the portal-group walkthrough exactly, `demo` is a believable
/// brokerage for the demo and the tests, `large` is generated for benchmarks (2,000 groups, a group of 100,000
/// members, a cart of 10,000 listings), `hostile` has names full of terminal control sequences for the safety tests.
public enum DemoDataSet: String, Sendable, CaseIterable {
    case seed, demo, large, hostile

    /// The users of this data set who can sign in, the default user first, each with the tokens that act as them
    /// and the groups they belong to: two terminals with two of these tokens are two members of one group.
    public var users: [DemoUser] {
        let world = self.world
        return world.users.map { user in
            var user = user
            user.groupOwners = world.groups(of: user.id).map { $0.members.count > 0 ? $0.members[0].name : $0.id }
            return user
        }
    }

    /// Ids of listings the server knows (`GET /v1/listings/<Id>`) that no cart holds when it starts: listings to add
    /// in a demo or a test. At most `limit`, lowest first.
    public func unusedListingIDs(limit: Int = 20) -> [String] {
        let world = self.world
        var used = Set<Int>()
        for cart in world.carts.byID.values { used.formUnion(cart.listings.all) }
        return (0..<world.listings.count).lazy.filter { !used.contains($0) }.prefix(limit).map(listingID)
    }

    /// The user both `DemoCredentials.seedAccessToken` and `demoAccessToken` authenticate as.
    public var defaultUser: DemoUser { users[0] }

    var world: DemoWorld {
        switch self {
        case .seed: seedWorld
        case .demo: demoWorld
        case .large: largeWorld
        case .hostile: hostileWorld
        }
    }
}

/// Fixed credentials of the demo server (no real account behind them).
public enum DemoCredentials {
    /// The token of the walkthrough in `../shared/seed/`.
    public static let seedAccessToken = "MY_OAUTH2_ACCESS_TOKEN"
    /// The default demo user's token (in `demo`: Betty Buyer, who is in five groups).
    public static let demoAccessToken = "DEMO_ACCESS_TOKEN"
    /// A refresh token for the default user of every data set.
    public static let demoRefreshToken = "DEMO_REFRESH_TOKEN"
    public static let clientID = "spark-portal-demo"
    public static let clientSecret = "demo-client-secret"
    /// Spark's documented redirect for apps without a web server of their own. Loopback `http://127.0.0.1…`
    /// and `http://localhost…` redirects are accepted too, for a login flow that listens locally.
    public static let redirectURI = "https://sparkplatform.com/oauth2/callback"
}

// Built once per process on first use (global lets are lazy and thread-safe).
let seedWorld = makeSeedWorld()
let demoWorld = makeDemoWorld()
let largeWorld = makeLargeWorld()
let hostileWorld = makeHostileWorld()

// MARK: - Ids and listings

/// A 26-digit Spark-style id (timestamp, microseconds, six zeros); unique per (year, n) for n < 1,000,000.
func sparkID(year: Int, _ n: Int) -> String {
    // Written digit by digit into a fixed buffer: the large data set makes 100,000 of these per response.
    var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 26)
    func put(_ value: Int, at offset: Int, width: Int) {
        var v = value
        var i = offset + width - 1
        while i >= offset {
            digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
    }
    put(year, at: 0, width: 4)
    put(1 + n % 12, at: 4, width: 2)
    put(1 + (n / 12) % 28, at: 6, width: 2)
    put((n * 7) % 24, at: 8, width: 2)
    put((n * 13) % 60, at: 10, width: 2)
    put((n * 17) % 60, at: 12, width: 2)
    put(n % 1_000_000, at: 14, width: 6)
    return String(decoding: digits, as: UTF8.self)
}

private let streetNames = ["BIRCH", "Lakeshore Dr", "N 4th Ave", "Cedar St", "Pine Ridge Rd", "Sherman Ave",
                           "Boyer Ave", "W Kathleen Ave", "Government Way", "Selkirk Way", "Huckleberry Ln", "Osprey Ct"]
private let cities: [(city: String, county: String, postalCode: String, lat: Double, lon: Double)] = [
    ("Bonners Ferry", "Boundary", "83805", 48.70, -116.32), ("Sandpoint", "Bonner", "83864", 48.28, -116.55),
    ("Coeur d'Alene", "Kootenai", "83814", 47.68, -116.78), ("Hayden", "Kootenai", "83835", 47.77, -116.79),
    ("Post Falls", "Kootenai", "83854", 47.72, -116.95), ("Priest River", "Bonner", "83856", 48.18, -116.91),
    ("Moscow", "Latah", "83843", 46.73, -117.00), ("Spirit Lake", "Kootenai", "83869", 47.97, -116.87),
]
private let statuses = ["Active", "Active", "Active", "Pending", "Active Under Contract", "Closed", "Active", "Expired"]
private let offices = ["Century 21 On The Lake", "Lakeshore Realty", "Selkirk Mountain Homes", "Panhandle Properties"]
private let remarks = [
    "Affordable home in town close to the hospital, yet a quiet country-like setting. Good views.",
    "Lake views from every room; deeded dock slip and a detached shop.",
    "Updated kitchen, new roof 2021, fenced yard backing onto greenbelt.",
    "Cabin on five wooded acres with year-round creek. Off-grid ready.",
    "Walk to downtown shops and the beach. Light-filled condo with garage.",
]

/// A listing generated from its index alone, so any cart can hold any number of listings without storing them:
/// the standard fields a details screen shows (address parts, city, state, postal code, price, status, beds,
/// baths, area, lot, year built, property type, MLS number, list office and agent, remarks). Some values are
/// restricted (`"********"`) and some numbers come as strings, as on the real API.
func makeListing(_ index: Int) -> MockListing {
    let id = listingID(index)
    let place = cities[index % cities.count]
    let streetNumber = String(100 + (index * 7919) % 9800)
    let street = streetNames[(index / 3) % streetNames.count]
    let beds = 1 + (index * 7) % 5
    let bathsTotal = Double(1 + (index * 3) % 4) + (index % 2 == 0 ? 0.0 : 0.5)
    let price = 89_000 + ((index * 104_729) % 1_400) * 1_000
    let restricted: JSONValue = .string("********")
    let priceValue: JSONValue = index % 11 == 5 ? restricted
        : index % 3 == 0 ? .string("\(Double(price))") : .int(price)
    let status = statuses[index % statuses.count]
    let fields: [(String, JSONValue)] = [
        ("StreetNumber", .string(streetNumber)),
        ("Longitude", .string(String(place.lon - Double(index % 97) / 1000))),
        ("City", .string(place.city)),
        ("ListingId", .string("\(6 + index % 18)-\(1000 + index % 9000)")),
        ("PublicRemarks", index % 13 == 7 ? restricted : .string(remarks[index % remarks.count])),
        ("BuildingAreaTotal", .string("\(Double(700 + (index * 37) % 3300))")),
        ("YearBuilt", index % 17 == 4 ? restricted : .int(1925 + (index * 11) % 98)),
        ("StreetName", .string(street)),
        ("ListPrice", priceValue),
        ("PostalCode", .string(place.postalCode)),
        ("Latitude", .string(String(place.lat + Double(index % 89) / 1000))),
        ("BathsThreeQuarter", .null),
        ("BathsFull", index % 2 == 0 ? .int(Int(bathsTotal)) : .null),
        ("BathsTotal", index % 4 == 1 ? .double(bathsTotal) : .string("\(bathsTotal)")),
        ("StateOrProvince", .string("ID")),
        ("PropertyType", .string(index % 5 == 4 ? "B" : "A")),
        ("StreetAdditionalInfo", .null),
        ("StreetDirPrefix", .null),
        ("BedsTotal", index % 9 == 2 ? .string(String(beds)) : .int(beds)),
        ("StreetDirSuffix", .null),
        ("ListingKey", .string(id)),
        ("ListOfficeName", .string(offices[index % offices.count])),
        ("BathsHalf", .null),
        ("MlsStatus", .string(status)),
        ("StandardStatus", .string(status)),
        ("UnparsedFirstLineAddress", .string("\(streetNumber) \(street)")),
        ("ModificationTimestamp", .string("2026-\(10 + index % 2)-\(10 + index % 18)T\(10 + index % 12):47:21Z")),
        ("CountyOrParish", .string(place.county)),
        // Lots: acres for most, square feet for town lots (as text, as some MLSs send it), now and then restricted.
        ("LotSizeAcres", index % 19 == 6 ? restricted : index % 4 == 3 ? .null : .double(Double((index * 37) % 500) / 100 + 0.1)),
        ("LotSizeSquareFeet", index % 4 == 3 ? .string("\(4_000 + (index * 131) % 9_000)") : .null),
        ("PropertyClass", .string(index % 5 == 4 ? "Multifamily" : "Residential")),
        ("PropertySubType", .string(index % 5 == 4 ? "Duplex" : index % 3 == 0 ? "Condominium" : "Single Family Residence")),
        ("ListAgentName", index % 7 == 3 ? restricted : .string(agents[index % agents.count])),
        ("ListPriceLow", .null),
        ("OriginalListPrice", restricted),
        ("PhotosCount", .int(0)),
    ]
    return MockListing(id: listingID(index), standardFields: fields)
}

private let agents = ["Dana Whitfield", "Marco Ruiz", "Kiyomi Sato", "Lars Eklund"]

/// `count` consecutive listings of the shared pool, starting at `first`.
func listingRange(_ first: Int, _ count: Int) -> CartContents {
    CartContents(first..<first + count)
}

/// The five carts every portal workspace has, then any custom ones.
private let portalCartTypes = ["Favorites", "Possibilities", "Recommended", "Rejects", "Removed"]

// MARK: - seed

private func makeSeedWorld() -> DemoWorld {
    let bettyID = "20110616210203794915000000"
    let ozzyAccountID = "20130919194721820379000000"
    var world = DemoWorld(defaultUserID: bettyID)
    world.addAccount(MockAccount(id: bettyID, name: "Betty Buyer", email: "betty.buyer@example.com"),
                     accessToken: DemoCredentials.seedAccessToken, refreshToken: DemoCredentials.demoRefreshToken)
    world.accessTokens[DemoCredentials.demoAccessToken] = bettyID

    let members = [
        MockMember(id: "20130919194721358470000000", name: "Ozzy Owner"),
        MockMember(id: "20130405184413250277000000", name: "Johnny Consumer"),
        MockMember(id: bettyID, name: "Betty Buyer", active: true, lastLogin: "2014-06-06T09:06:56Z"),
    ]
    world.addGroup(MockGroup(id: ozzyAccountID, contactID: "20130919194721358470000000", members: LazyList(members)),
                   memberAccountIDs: [bettyID])

    // Ozzy Owner's carts, exactly as the walkthrough prints them.
    let ozzyCarts: [(String, String, Int)] = [
        ("20110706204418816410000000", "Favorites", 2), ("20110616210204744387000000", "Possibilities", 3),
        ("20110616210204845814000000", "Recommended", 0), ("20110616210204795277000000", "Rejects", 1),
        ("20110616210204897215000000", "Removed", 0),
    ]
    var first = 0
    for (id, type, count) in ozzyCarts {
        world.addCart(MockCart(id: id, name: type, portalCartType: type, ownerID: ozzyAccountID,
                               listings: listingRange(first, count)))
        first += count
    }
    // Betty's own workspace, shown before she chooses a group.
    let bettyCarts: [(String, String, String?, Int)] = [
        ("20140606090701110000000000", "Favorites", "Favorites", 4),
        ("20140606090701220000000000", "Possibilities", "Possibilities", 1),
        ("20140606090701330000000000", "Recommended", "Recommended", 2),
        ("20140606090701440000000000", "Rejects", "Rejects", 0),
        ("20140606090701550000000000", "Removed", "Removed", 0),
        ("20140612174455660000000000", "Lake cabins", "Custom", 3),
    ]
    for (id, name, type, count) in bettyCarts {
        world.addCart(MockCart(id: id, name: name, portalCartType: type, ownerID: bettyID, listings: listingRange(first, count)))
        first += count
    }
    world.listings.count = first + 20  // listings in no cart yet, to add
    return world
}

// MARK: - demo

private func makeDemoWorld() -> DemoWorld {
    let betty = MockMember(id: "20110616210203794915000000", name: "Betty Buyer", active: true, lastLogin: "2026-11-27T18:42:10Z")
    let johnny = MockMember(id: "20130405184413250277000000", name: "Johnny Consumer", lastLogin: "2026-10-02T08:15:00Z")
    let hanako = MockMember(id: sparkID(year: 2015, 1), name: "山田 花子", active: true, lastLogin: "2026-11-28T23:05:41Z")
    let agent = MockMember(id: sparkID(year: 2009, 1), name: "Carla Agent", userType: "Member", enabled: nil, active: nil,
                           office: (sparkID(year: 2003, 1), "Lakeshore Realty"), company: (sparkID(year: 2003, 2), "Lakeshore Realty Group"))

    var world = DemoWorld(defaultUserID: betty.id)
    // Members who can sign in, each with tokens of their own: at least two in every group, so two terminals can be
    // two members of one workspace. Their own workspaces get carts below.
    func account(_ member: MockMember, token: String, email: String) {
        world.addAccount(MockAccount(id: member.id, name: member.name, email: email),
                         accessToken: "DEMO_ACCESS_TOKEN" + token, refreshToken: "DEMO_REFRESH_TOKEN" + token)
    }
    account(betty, token: "", email: "betty.buyer@example.com")
    world.accessTokens[DemoCredentials.seedAccessToken] = betty.id
    account(johnny, token: "_JOHNNY", email: "johnny@example.com")
    account(hanako, token: "_HANAKO", email: "hanako.yamada@example.jp")

    var nextMember = 10
    func person(_ name: String, active: Bool = false, lastLogin: String? = nil, enabled: Bool? = true) -> MockMember {
        nextMember += 1
        return MockMember(id: sparkID(year: 2015, nextMember), name: name, enabled: enabled, active: active, lastLogin: lastLogin)
    }
    var nextListing = 0
    var nextCart = 0
    var groups: [(id: String, members: [MockMember])] = []
    // A group whose owner has the five portal carts plus custom ones; listing counts are given per cart. Which
    // members can sign in is settled at the end, once every account exists.
    func addGroup(groupID: String, owner: MockMember, others: [MockMember], portalCounts: [Int], custom: [(String, Int)]) {
        groups.append((groupID, [owner] + others))
        addCarts(ownerID: groupID, portalCounts: portalCounts, custom: custom)
    }
    func addCarts(ownerID: String, portalCounts: [Int], custom: [(String, Int)]) {
        func add(_ name: String, type: String, count: Int) {
            nextCart += 1
            let modified = Date(timeIntervalSince1970: 1_795_000_000 + Double(nextCart) * 3_607)  // November 2026
            world.addCart(MockCart(id: sparkID(year: 2017, nextCart), name: name, portalCartType: type, ownerID: ownerID,
                                   listings: listingRange(nextListing, count), modified: modified))
            nextListing += count
        }
        for (type, count) in zip(portalCartTypes, portalCounts) { add(type, type: type, count: count) }
        for (name, count) in custom { add(name, type: "Custom", count: count) }
    }

    // 1. The walkthrough's group, as in the seed.
    let ozzy = MockMember(id: "20130919194721358470000000", name: "Ozzy Owner")
    addGroup(groupID: "20130919194721820379000000", owner: ozzy, others: [johnny, betty],
             portalCounts: [2, 3, 0, 1, 0], custom: [])
    // 2. The big family group (14 members, many scripts), owned by Hanako.
    addGroup(groupID: sparkID(year: 2016, 2), owner: hanako, others: [
        betty, person("佐藤 健", active: true, lastLogin: "2026-11-20T07:30:00Z"), person("李明"), person("王芳", lastLogin: "2026-09-14T12:00:00Z"),
        person("김민준"), person("José Núñez-García", active: true, lastLogin: "2026-11-25T16:20:00Z"), person("Zoë Ångström"),
        person("Σοφία Παπαδοπούλου"), person("Дмитрий Соколов", enabled: false), person("François Lefèvre"),
        person("Nguyễn Thị Lan"), person("Łukasz Wiśniewski"), person("Ingrid Bjørnstad"), agent,
    ], portalCounts: [14, 6, 3, 2, 1], custom: [("湖畔の家", 5), ("Downtown condos", 4)])
    // 3. Zoë's group.
    let zoe = person("Zoë Ångström-Laurent", active: true, lastLogin: "2026-11-29T06:01:00Z")
    let emile = person("Émile Ångström")
    addGroup(groupID: sparkID(year: 2016, 3), owner: zoe, others: [betty, emile, person("Åsa Lindqvist")],
             portalCounts: [3, 2, 0, 0, 0], custom: [("Für die Eltern", 2)])
    // 4. José's group, managed with an agent.
    let jose = person("José Núñez", lastLogin: "2026-08-30T19:44:12Z")
    let mariaJose = person("María José Peña")
    addGroup(groupID: sparkID(year: 2016, 4), owner: jose, others: [betty, mariaJose, agent],
             portalCounts: [1, 0, 4, 0, 2], custom: [("Casas con jardín", 6), ("Investment — duplexes", 3)])
    // 5. Carl's small group.
    let carl = person("Carl Contact")
    addGroup(groupID: sparkID(year: 2016, 5), owner: carl, others: [betty], portalCounts: [2, 1, 0, 0, 0],
             custom: [("🏡 Dream homes", 2)])
    // 6. A group Betty is not in (choosing it is refused).
    let priya = person("Priya Raman")
    let arjun = person("Arjun Raman")
    addGroup(groupID: sparkID(year: 2016, 6), owner: priya, others: [johnny, arjun],
             portalCounts: [2, 2, 1, 0, 0], custom: [])

    account(emile, token: "_EMILE", email: "emile@example.fr")
    account(mariaJose, token: "_MARIA", email: "maria.jose@example.es")
    account(carl, token: "_CARL", email: "carl@example.com")
    account(arjun, token: "_ARJUN", email: "arjun@example.in")
    for (id, members) in groups {
        world.addGroup(MockGroup(id: id, contactID: members[0].id, members: LazyList(members)),
                       memberAccountIDs: members.map(\.id).filter { world.accounts[$0] != nil })
    }

    // The users' own workspaces.
    addCarts(ownerID: betty.id, portalCounts: [4, 2, 1, 0, 1], custom: [("Weekend cabins", 3)])
    addCarts(ownerID: johnny.id, portalCounts: [1, 0, 0, 0, 0], custom: [])
    addCarts(ownerID: hanako.id, portalCounts: [2, 0, 0, 1, 0], custom: [])
    for member in [emile, mariaJose, carl, arjun] { addCarts(ownerID: member.id, portalCounts: [0, 0, 0, 0, 0], custom: []) }
    world.listings.count = nextListing + 80  // listings in no cart yet, to add

    // Saved searches, some followed by news feeds (some paused). Their filters use what `ListingFilter` reads: text
    // and number comparisons, lists, Bt, And, Or, parentheses, a quote inside a text value. Carl's group has none.
    let ozzyGroup = "20130919194721820379000000"
    world.addSearch("Sandpoint under $600k", filter: "City Eq 'Sandpoint' And ListPrice Le 600000.0", owner: ozzyGroup,
                    contact: ozzy.id, description: "Close to the lake and the schools", feed: ("Sandpoint under $600k: new and reduced", true))
    world.addSearch("Lake towns, 2+ baths", filter: "City Eq 'Sandpoint','Priest River','Bonners Ferry' And BathsTotal Ge 2",
                    owner: ozzyGroup, contact: ozzy.id, feed: ("Lake towns", false))
    world.addSearch("Newer homes near Coeur d'Alene",
                    filter: "(City Eq 'Coeur d\\'Alene' Or City Eq 'Hayden') And YearBuilt Ge 1980 And MlsStatus Ne 'Closed'",
                    owner: ozzyGroup, contact: ozzy.id)
    world.addSearch("湖の近くの家", filter: "City Eq 'Sandpoint','Spirit Lake' And MlsStatus Eq 'Active'", owner: sparkID(year: 2016, 2),
                    contact: hanako.id, description: "湖まで歩いて行ける", feed: ("湖の近く: 新着", true))
    world.addSearch("Duplexes under $1M", filter: "PropertyType Eq 'B' And ListPrice Lt 1000000", owner: sparkID(year: 2016, 2),
                    contact: hanako.id)
    world.addSearch("Für die Eltern: ebenerdig", filter: "City Eq 'Moscow' And BuildingAreaTotal Bt 900,1800",
                    owner: sparkID(year: 2016, 3), contact: zoe.id)
    world.addSearch("Casas cerca de la escuela", filter: "City Eq 'Post Falls' And ListPrice Bt 200000,650000",
                    owner: sparkID(year: 2016, 4), contact: jose.id, provided: true, feed: ("Casas cerca de la escuela", true))
    world.addSearch("Jardín grande", filter: "BuildingAreaTotal Ge 2500 And PropertyType Eq 'A'", owner: sparkID(year: 2016, 4),
                    contact: jose.id)
    world.addSearch("Moscow duplexes", filter: "City Eq 'Moscow' And PropertyType Eq 'B'", owner: sparkID(year: 2016, 6),
                    contact: priya.id)
    world.addSearch("Weekend cabins under $400k", filter: "(City Eq 'Priest River' Or City Eq 'Bonners Ferry') And ListPrice Le 400000",
                    owner: betty.id, contact: betty.id, feed: ("Weekend cabins", false))
    return world
}

// MARK: - saved searches

extension DemoWorld {
    /// Adds a saved search to `owner`'s workspace (for `contact`), and a news feed that follows it when `feed` names
    /// one (`active` false: paused). Ids count up in years 2020 (searches) and 2021 (feeds); timestamps in 2026.
    mutating func addSearch(
        _ name: String, filter: String, owner: String, contact: String, description: String? = nil, provided: Bool = false,
        feed: (name: String, active: Bool)? = nil
    ) {
        let number = searches.count + 1
        let modified = Date(timeIntervalSince1970: 1_793_000_000 + Double(number) * 86_413)  // October–November 2026
        let search = MockSearch(id: sparkID(year: 2020, number), name: name, description: description, filter: filter,
                                ownerID: owner, provided: provided, contactIDs: [contact], modified: modified)
        searches.put(search)
        guard let feed else { return }
        let feedNumber = feeds.count + 1
        feeds.put(MockFeed(
            id: sparkID(year: 2021, feedNumber), name: feed.name, ownerID: owner, searchID: search.id, active: feed.active,
            created: modified, modified: modified.addingTimeInterval(3_600),
            lastEvent: feed.active ? modified.addingTimeInterval(86_400 * 3) : nil, expiration: "2027-0\(1 + feedNumber % 9)-15"))
    }
}

// MARK: - large

private let firstNames = ["Anna", "Ben", "Chloé", "Diego", "Eun-ji", "Farah", "Gustav", "Hiro", "Ines", "Jonas",
                          "Kwame", "Lena", "美咲", "Noé", "Olga", "Pablo", "Qing", "Rania", "Søren", "Tomás", "Дарья", "翔太"]
private let lastNames = ["Andersson", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hansen", "Ito", "Jensen",
                         "Kowalski", "López", "Müller", "Novak", "O'Brien", "Petrov", "佐々木", "Rossi", "Schmidt", "Tanaka", "김"]

private func largeName(_ n: Int) -> String {
    "\(firstNames[n % firstNames.count]) \(lastNames[(n / firstNames.count) % lastNames.count]) \(n)"
}

private func makeLargeWorld() -> DemoWorld {
    let user = MockMember(id: sparkID(year: 2014, 1), name: "Bench Marker", active: true, lastLogin: "2026-11-29T09:00:00Z")
    var world = DemoWorld(defaultUserID: user.id)
    world.addAccount(MockAccount(id: user.id, name: user.name, email: "bench@example.com"),
                     accessToken: DemoCredentials.demoAccessToken, refreshToken: DemoCredentials.demoRefreshToken)
    world.accessTokens[DemoCredentials.seedAccessToken] = user.id

    let groupCount = 2_000
    var groupIDs: [String] = []
    groupIDs.reserveCapacity(groupCount)
    world.groups.reserveCapacity(groupCount)
    world.carts.reserveCapacity(groupCount * 6 + 6)
    var cartNumber = 0
    for g in 0..<groupCount {
        let groupID = sparkID(year: 2016, g)
        let ownerContactID = sparkID(year: 2013, g)
        // Group 0 is the huge one, group 1 (Ben Andersson 1's) a large real-world one of 300; members are
        // computed when serialized, never stored.
        let memberCount = g == 0 ? 100_000 : g == 1 ? 300 : 3 + g % 13
        let members = LazyList<MockMember>(count: memberCount) { i in
            if i == 0 { return MockMember(id: ownerContactID, name: largeName(g), active: g % 3 == 0) }
            if i == 1 { return user }
            let n = g == 0 ? i : g == 1 ? 300_000 + i : 200_000 + g * 16 + i
            return MockMember(id: sparkID(year: 2015, n), name: largeName(n), active: n % 4 == 0,
                              lastLogin: n % 5 == 0 ? "2026-11-\(10 + n % 18)T12:00:00Z" : nil)
        }
        world.groups[groupID] = MockGroup(id: groupID, contactID: ownerContactID, members: members)
        groupIDs.append(groupID)
        for (slot, type) in portalCartTypes.enumerated() {
            cartNumber += 1
            world.addCart(MockCart(id: sparkID(year: 2017, cartNumber), name: type, portalCartType: type, ownerID: groupID,
                                   listings: listingRange(g * 7 + slot, (g + slot) % 9)))
        }
        cartNumber += 1
        let bigCart = g == 0
        world.addCart(MockCart(id: sparkID(year: 2017, cartNumber), name: bigCart ? "Everything in Kootenai County" : "Shortlist \(g)",
                               portalCartType: "Custom", ownerID: groupID,
                               listings: listingRange(g * 11, bigCart ? 10_000 : 1 + g % 20)))
    }
    world.groupIDsOfUser[user.id] = groupIDs
    for (slot, type) in portalCartTypes.enumerated() {
        cartNumber += 1
        world.addCart(MockCart(id: sparkID(year: 2017, cartNumber), name: type, portalCartType: type, ownerID: user.id,
                               listings: listingRange(500_000 + slot * 10, slot + 1)))
    }
    world.listings.count = 1_000_000  // every listing Id there is: computed on demand, none stored

    // Saved searches only in the huge group's workspace (40; every fourth followed by a news feed, every other feed
    // paused): the other 1,999 workspaces cost nothing. Filters look at the first 20,000 listings of the pool.
    for n in 0..<40 {
        let city = cities[n % cities.count].city
        let limit = 300 + n * 25
        world.addSearch("\(city) under $\(limit)k", filter: "City Eq \(sparkQLText(city)) And ListPrice Le \(limit * 1000)",
                        owner: groupIDs[0], contact: sparkID(year: 2013, 0),
                        feed: n % 4 == 0 ? ("\(city) under $\(limit)k: new listings", n % 8 == 0) : nil)
    }
    return world
}

/// A SparkQL text value: in single quotes, `\` and `'` escaped.
func sparkQLText(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
}
