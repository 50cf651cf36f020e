import Foundation
import SparkAPI
import TerminalUI
@testable import PortalApp

/// A workspace to write in: Ozzy Owner's group with its portal carts and a custom one, the custom cart's listings
/// open, and which carts hold each of them known.
enum Workspace15 {
    static let favorites = Fixture.cart("K1", "Favorites", count: 2, type: "Favorites")
    static let possibilities = Fixture.cart("K2", "Possibilities", count: 3, type: "Possibilities")
    static let lakeHouses = Fixture.cart("K3", "Lake houses", count: 3, type: "Custom")
    static let rejects = Fixture.cart("K4", "Rejects", count: 1, type: "Rejects")
    static let recommended = Fixture.cart("K5", "Recommended", count: 1, type: "Recommended")
    static let carts = [favorites, possibilities, recommended, rejects, lakeHouses]

    static let l1 = Fixture.listing(1), l2 = Fixture.listing(2), l3 = Fixture.listing(3)
    static let ozzy = Workspace.group(id: "G-OZZY")

    /// The listings of Lake houses: L1 (also a favorite), L2 (also rejected), L3 (only there); the carts pane
    /// focused, Lake houses open; `size` 120×40 unless said.
    static func listingsState(size: Size = Size(width: 120, height: 40)) -> AppState {
        var state = cartsState(size: size)
        _ = state.press(.end, .enter)
        _ = reduce(&state, .listingsPageLoaded(source: .cart(id: "K3"), page: 1,
                                               .success(Fixture.page([l1, l2, l3], page: 1, totalRows: 3))))
        _ = reduce(&state, .holdersLoaded(listingIds: ["L1", "L2", "L3"], workspace: ozzy, tick: state.writes.tick,
                                          .success([withIds(favorites, ["L1", "L9"]), withIds(rejects, ["L2"]),
                                                    withIds(lakeHouses, ["L1", "L2", "L3"])])))
        return state
    }

    /// Betty acting for Ozzy's group, its carts loaded, the carts pane focused.
    static func cartsState(size: Size = Size(width: 120, height: 40)) -> AppState {
        var state = AppState(size: size, endpointHost: "sparkapi.com")
        _ = reduce(&state, .started)
        _ = reduce(&state, .accountLoaded(.success(Fixture.account)))
        _ = reduce(&state, .groupsLoaded(.success(Fixture.groups)))
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        _ = reduce(&state, .cartsLoaded(forGroup: ozzy, request: state.cartsRequest, .success(carts)))
        _ = state.press(.tab, .tab)
        return state
    }

    static func withIds(_ cart: ListingCart, _ ids: [String]) -> ListingCart {
        var cart = cart
        cart.listingIds = ids
        return cart
    }

    static func counted(_ cart: ListingCart, _ count: Int) -> ListingCart {
        var cart = cart
        cart.listingCount = count
        return cart
    }

    static func error(_ status: Int, code: Int? = nil, _ method: String = "POST", _ path: String = "/v1/listingcarts") -> SparkError {
        .api(status: status, code: code, message: nil, context: RequestContext(method: method, path: path))
    }

    static let timeout = SparkError.transport(.timedOut, host: "sparkapi.com",
                                              context: RequestContext(method: "POST", path: "/v1/listingcarts/K2"))
}

extension AppState {
    /// The id of the only write in flight.
    var onlyWriteID: Int? {
        writes.inFlight.count == 1 ? writes.inFlight.keys.first : nil
    }

    /// The names of the listings in the open view, in order.
    var listingIDs: [String] {
        listingRows.map { listings!.listings[$0].id }
    }

    var cartNames: [String] { carts.value?.map(\.name) ?? [] }

    func count(of cartId: String) -> Int? { carts.value?.first { $0.id == cartId }?.listingCount }
}

extension [AppEffect] {
    /// The writes among these effects.
    var writes: [WorkspaceWrite] {
        compactMap { if case .write(_, let write) = $0 { write } else { nil } }
    }
}
