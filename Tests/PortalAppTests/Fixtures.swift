import Foundation
import SparkAPI
import TerminalUI
@testable import PortalApp

/// Small, readable data for reducer and view tests, decoded from Spark-shaped JSON so the tests also
/// hold the models to the wire format.
enum Fixture {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        } catch {
            fatalError("fixture does not decode: \(error)\n\(json)")
        }
    }

    static func user(_ id: String, _ name: String, active: Bool = false, lastLogin: String? = nil, type: String = "Contact") -> String {
        """
        {"Id":"\(id)","ResourceUri":"/v1/contacts/\(id)","Name":"\(name)","UserType":"\(type)","Enabled":true,
         "Active":\(active),"LastLogin":\(lastLogin.map { "\"\($0)\"" } ?? "null")}
        """
    }

    static func group(_ id: String, owner: (id: String, name: String), members: [(id: String, name: String)]) -> PortalGroup {
        let users = [user(owner.id, owner.name)] + members.map { user($0.id, $0.name) }
        return decode(PortalGroup.self, """
            {"Id":"\(id)","ResourceUri":"/v1/portal/groups/\(id)","ContactId":"\(owner.id)","Users":[\(users.joined(separator: ","))]}
            """)
    }

    static let ozzy = group("G-OZZY", owner: ("C-OZZY", "Ozzy Owner"),
                            members: [("C-JOHNNY", "Johnny Consumer"), ("C-BETTY", "Betty Buyer")])
    static let carl = group("G-CARL", owner: ("C-CARL", "Carl Contact"), members: [("C-BETTY", "Betty Buyer")])
    static let amelie = group("G-AMELIE", owner: ("C-AMELIE", "Amélie Durand"),
                              members: [("C-BETTY", "Betty Buyer"), ("C-YUKI", "山田 由紀")])
    static let groups = [ozzy, carl, amelie]

    static func cart(_ id: String, _ name: String, count: Int, type: String?) -> ListingCart {
        decode(ListingCart.self, """
            {"Id":"\(id)","ResourceUri":"/v1/listingcarts/\(id)","Name":"\(name)","ListingCount":\(count)\(type.map { ",\"PortalCartType\":\"\($0)\"" } ?? "")}
            """)
    }

    static let ozzyCarts = [cart("K1", "Favorites", count: 2, type: "Favorites"),
                            cart("K2", "Possibilities", count: 3, type: "Possibilities"),
                            cart("K3", "Lake houses", count: 40, type: "Custom")]
    static let ownCarts = [cart("K9", "My favourites", count: 1, type: "Favorites")]

    static func listing(_ index: Int) -> Listing {
        decode(Listing.self, """
            {"Id":"L\(index)","ResourceUri":"/v1/listings/L\(index)","StandardFields":{"ListingId":"MLS-\(index)",
             "StreetNumber":"\(100 + index)","StreetName":"Birch","City":"Bonners Ferry","ListPrice":"\(250000 + index * 1000).0",
             "BedsTotal":3,"BathsTotal":"2.0","MlsStatus":"Active"}}
            """)
    }

    static func page(_ items: [Listing], page: Int, totalRows: Int, pageSize: Int = 25) -> Page<Listing> {
        let pages = (totalRows + pageSize - 1) / pageSize
        return Page(items: items, pagination: decode(Pagination.self, """
            {"TotalRows":\(totalRows),"PageSize":\(pageSize),"TotalPages":\(pages),"CurrentPage":\(page)}
            """))
    }

    /// Ozzy's group with a 20-character member name, an agent and a disabled member, and a 24-character cart name.
    static let ozzyLong = decode(PortalGroup.self, """
        {"Id":"G-OZZY","ResourceUri":"/v1/portal/groups/G-OZZY","ContactId":"C-OZZY","Users":[\(user("C-OZZY", "Ozzy Owner")),
         \(user("C-MAX", "Maximilian Rosenberg", active: true, lastLogin: "2026-11-28T10:00:00Z")),
         \(user("C-BETTY", "Betty Buyer", lastLogin: "2026-12-01T09:30:00Z")),
         \(user("C-CARLA", "Carla Agent", type: "Member")),
         {"Id":"C-OLD","Name":"Old Timer","UserType":"Contact","Enabled":false}]}
        """)
    static let longCarts = ozzyCarts + [cart("K4", "Weekend cabins near lake", count: 12_345, type: "Custom"),
                                        cart("K5", "From the agent", count: 7, type: nil)]

    /// Betty acting for `ozzyLong`, its carts loaded, the members pane focused.
    static func longNamesState(size: Size) -> AppState {
        var state = AppState(size: size, endpointHost: "sparkapi.com")
        _ = reduce(&state, .started)
        _ = reduce(&state, .accountLoaded(.success(account)))
        _ = reduce(&state, .groupsLoaded(.success([ozzyLong, carl, amelie])))
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(ozzyLong)))
        _ = reduce(&state, .cartsLoaded(forGroup: .group(id: "G-OZZY"), request: state.cartsRequest, .success(longCarts)))
        _ = state.press(.tab)
        return state
    }

    static let account = decode(Account.self, #"{"Id":"C-BETTY","Name":"Betty Buyer","UserType":"Contact"}"#)

    /// A state after start-up with everything loaded: Betty acts for Ozzy Owner's group.
    static func loadedState(size: Size = Size(width: 120, height: 40), current: PortalGroup? = ozzy) -> AppState {
        var state = AppState(size: size, endpointHost: "sparkapi.com")
        _ = reduce(&state, .started)
        _ = reduce(&state, .accountLoaded(.success(account)))
        _ = reduce(&state, .groupsLoaded(.success(groups)))
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(current)))
        _ = reduce(&state, .cartsLoaded(forGroup: nil, request: state.cartsRequest,
                                        .success(current == nil ? ownCarts : ozzyCarts)))
        return state
    }
}

extension AppState {
    /// Presses keys in order, collecting every effect.
    mutating func press(_ keys: Key...) -> [AppEffect] {
        keys.flatMap { reduce(&self, .keyPressed($0)) }
    }

    mutating func type(_ text: String) -> [AppEffect] {
        text.flatMap { reduce(&self, .keyPressed(.char($0))) }
    }

    var pickerNames: [String] {
        pickerRows.map { row in
            switch row {
            case .own: "My own workspace"
            case .group(let index): groups.value![index].ownerName
            }
        }
    }

    var memberNames: [String] {
        guard let group = highlightedGroup else { return [] }
        return memberRows.map { group.users[$0].name }
    }
}

extension Buffer {
    /// Whether any line contains `text`.
    func contains(_ text: String) -> Bool {
        lines.contains { $0.contains(text) }
    }
}
