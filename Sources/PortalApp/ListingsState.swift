import SparkAPI
import TerminalUI

/// Where the listings of the listings view come from: a cart's listings, or the listings a saved search matches
/// (`provided`: the agent's, read with `RequestMode=permissive`), paged. `d`, which takes a listing out of a cart,
/// applies only to a cart.
public enum ListingSource: Hashable, Sendable {
    case cart(id: String)
    case search(id: String, provided: Bool)

    /// The cart whose listings these are, if they are a cart's.
    public var cartID: String? {
        switch self {
        case .cart(let id): id
        case .search: nil
        }
    }

    /// The saved search whose listings these are, if they are a search's.
    public var searchID: String? {
        switch self {
        case .cart: nil
        case .search(let id, _): id
        }
    }
}

/// The listings view: a source's listings, paged in as the user scrolls, in the carts pane.
public struct ListingsView: Equatable, Sendable {
    public var source: ListingSource
    /// The source's name, for the pane's title (kept up to date from the carts as they are re-read).
    public var name: String
    public var listings: [Listing] = []
    /// The total the server reported, once known.
    public var totalRows: Int?
    /// The next page to ask for, or nil when every page is in.
    public var nextPage: Int? = 1
    public var loadingPage: Int?
    /// `WriteLedger.tick` when the page in flight was asked for.
    public var pageTick = 0
    public var error: SparkError?
    /// Listings this session took out of the source while the view was open, with the row each had: a page asked
    /// for before the removal reached the server may still hold them, and must not bring them back; undo puts them
    /// back in their place.
    public var removed: [String: Int] = [:]

    public init(source: ListingSource, name: String) {
        self.source = source
        self.name = name
    }

    /// The view of a cart's listings.
    public init(cart: ListingCart) {
        self.init(source: .cart(id: cart.id), name: cart.name)
    }

    /// The view of the listings a saved search matches.
    public init(search: SavedSearch) {
        self.init(source: .search(id: search.id, provided: search.isProvided), name: search.name)
    }

    public func index(of listingId: String) -> Int? {
        listings.firstIndex { $0.id == listingId }
    }
}

/// The details of one listing, over the whole body of the screen: the record the listings view had at once, then
/// the full one (`GET /v1/listings/<Id>`), scrolled when it is longer than the screen.
public struct ListingDetails: Equatable, Sendable {
    public var listing: Listing
    public var loading = true
    public var error: SparkError?
    /// Wrapped lines skipped at the top.
    public var scroll = 0

    public init(listing: Listing) {
        self.listing = listing
    }

    public var listingId: String { listing.id }
}

extension AppState {
    /// Which of the workspace's carts hold a listing, as the server last said (nil: not known yet).
    public func holders(of listingId: String) -> [ListingCart]? {
        guard let ids = holders[listingId] else { return nil }
        return (carts.value ?? []).filter { ids.contains($0.id) }
    }

    /// The workspace's Favorites and Rejects carts, found by type (never by name).
    public var favoritesCart: ListingCart? { carts.value?.first { $0.portalCartType == .favorites } }
    public var rejectsCart: ListingCart? { carts.value?.first { $0.portalCartType == .rejects } }

    /// Whether a listing is in Favorites and in Rejects, when its holders are known.
    public func marks(of listingId: String) -> (favorite: Bool, reject: Bool)? {
        guard let ids = holders[listingId] else { return nil }
        return (favoritesCart.map { ids.contains($0.id) } ?? false, rejectsCart.map { ids.contains($0.id) } ?? false)
    }

    /// The cart the listings view shows, as the carts list has it now.
    public var openCart: ListingCart? {
        guard let id = listings?.source.cartID else { return nil }
        return carts.value?.first { $0.id == id }
    }

    /// The highlighted listing of the listings view.
    public var highlightedListing: Listing? {
        guard let view = listings, let selected = cursor(.listings).selected, listingRows.indices.contains(selected)
        else { return nil }
        return view.listings[listingRows[selected]]
    }

    /// The listing the listing keys act on: the one in details, else the highlighted row.
    public var actedOnListing: Listing? {
        details?.listing ?? (focusedList == .listings ? highlightedListing : nil)
    }
}
