import SparkAPI
import TerminalUI

// The listings view (a cart's listings, paged in as the user scrolls, each row with its ★/✗) and a listing's
// details: the parts of the reducer that read listings.

// MARK: - The listings view

/// Opens the listings view on a source and asks for its first page.
func openListings(_ view: ListingsView, _ state: inout AppState) -> [AppEffect] {
    state.listings = view
    state.cursors[.listings] = ListState()
    state.filters[.listings] = nil
    state.rebuildListingRows()
    return loadMoreListingsIfNeeded(&state)
}

/// Reads the open listings again from the first page (after `r`), keeping the highlight's place.
func reloadListings(_ state: inout AppState) -> [AppEffect] {
    guard let view = state.listings else { return [] }
    var fresh = ListingsView(source: view.source, name: view.name)
    fresh.removed = view.removed
    state.listings = fresh
    state.rebuildListingRows()
    return loadMoreListingsIfNeeded(&state)
}

/// Asks for the next page of listings when the highlight comes near the end of what is loaded.
func loadMoreListingsIfNeeded(_ state: inout AppState) -> [AppEffect] {
    guard var view = state.listings, view.loadingPage == nil, view.error == nil,
          let next = view.nextPage else { return [] }
    let height = AppLayout(size: state.size, focus: state.focus).listHeight(for: .listings)
    let remaining = state.rowCount(.listings) - (state.cursor(.listings).selected ?? 0)
    guard remaining <= height + 5 || next == 1 else { return [] }
    view.loadingPage = next
    view.pageTick = state.writes.tick
    state.listings = view
    return [.loadListingsPage(source: view.source, page: next)]
}

func listingsPageLoaded(_ source: ListingSource, page: Int, _ result: Result<Page<Listing>, SparkError>,
                        _ state: inout AppState) -> [AppEffect] {
    guard var view = state.listings, view.source == source, view.loadingPage == page else { return [] }
    view.loadingPage = nil
    var effects: [AppEffect] = []
    switch result {
    case .success(let received):
        // A listing this session took out while the page was on its way stays out; paging after a change may
        // repeat a listing, which is shown once.
        let known = Set(view.listings.map(\.id))
        let fresh = received.items.filter { listing in
            !known.contains(listing.id)
                && !(view.removed[listing.id] != nil && state.writes.isStale(.listing(listing.id), since: view.pageTick))
        }
        view.listings.append(contentsOf: fresh)
        view.error = nil
        if let pagination = received.pagination {
            view.totalRows = pagination.totalRows
            view.nextPage = pagination.currentPage < pagination.totalPages ? page + 1 : nil
        } else {
            view.totalRows = view.listings.count
            view.nextPage = nil
        }
        if !fresh.isEmpty, let workspace = state.currentWorkspace {
            effects.append(.loadHolders(listingIds: fresh.map(\.id), workspace: workspace, tick: state.writes.tick))
        }
    case .failure(let error):
        if case .search = source, error.isSavedSearchUnavailable { return searchNoLongerAvailable(view, &state) }
        view.error = error
        state.status = StatusMessage("Couldn't load the listings of \(view.name): \(error.userMessage)", kind: .error)
    }
    state.listings = view
    state.rebuildListingRows()
    return effects + loadMoreListingsIfNeeded(&state)
}

/// Which carts hold the listings of a page (or one listing): the marks of their rows, and the carts' counts as
/// the server reports them. What this session changed since the request went out is newer, and kept.
func holdersLoaded(_ listingIds: [String], workspace: Workspace, tick: Int, _ result: Result<[ListingCart], SparkError>,
                   _ state: inout AppState) -> [AppEffect] {
    guard workspace == state.currentWorkspace, state.cartsWorkspace == workspace else { return [] }
    switch result {
    case .success(let carts):
        for id in listingIds where !state.writes.isStale(.listing(id), since: tick) {
            // One listing asked for: every cart in the answer holds it (whether or not the server listed the Ids).
            let holding = listingIds.count == 1 ? carts : carts.filter { $0.listingIds?.contains(id) == true }
            state.holders[id] = Set(holding.map(\.id))
            if let source = state.listings?.source.cartID { syncRow(id, inCart: source, isMember: state.holders[id]!.contains(source), &state) }
        }
        for cart in carts where !state.writes.isStale(.cart(cart.id), since: tick) { updateCount(from: cart, &state) }
    case .failure(let error):
        state.status = StatusMessage("Couldn't read which carts hold these listings: \(error.userMessage) Press r to retry.",
                                     kind: .error)
    }
    return []
}

/// A cart's count (and name) as an answer reports it, in the carts list and the open view's title.
func updateCount(from answer: ListingCart, _ state: inout AppState) {
    guard var carts = state.carts.value, let index = carts.firstIndex(where: { $0.id == answer.id }) else { return }
    if let count = answer.listingCount { carts[index].listingCount = count }
    if !answer.name.isEmpty { carts[index].name = answer.name }
    state.carts = state.carts.replacingValue(carts)
    state.rebuildCartRows()
    if state.listings?.source.cartID == answer.id {
        state.listings?.name = carts[index].name
    }
}

/// Keeps the open view's rows true to what the server said about one listing and the view's cart: a listing that
/// left the cart leaves the view (its place remembered, so undo puts it back there); one this session put back
/// comes back. The highlight stays on the row it was on.
func syncRow(_ listingId: String, inCart cartId: String, isMember: Bool, _ state: inout AppState, listing: Listing? = nil) {
    guard var view = state.listings, view.source.cartID == cartId else { return }
    let highlighted = state.highlightedListing?.id
    if !isMember, let index = view.index(of: listingId) {
        view.listings.remove(at: index)
        view.removed[listingId] = index
        view.totalRows = view.totalRows.map { max($0 - 1, 0) }
    } else if !isMember, view.removed[listingId] == nil, view.loadingPage != nil {
        // Not on screen (the view is being read again): a page on its way must not bring it back.
        view.removed[listingId] = view.listings.count
    } else if isMember, view.index(of: listingId) == nil, let index = view.removed[listingId], let listing {
        view.listings.insert(listing, at: min(index, view.listings.count))
        view.removed[listingId] = nil
        view.totalRows = view.totalRows.map { $0 + 1 }
    } else {
        return
    }
    state.listings = view
    state.rebuildListingRows()
    if let highlighted, let row = state.listingRows.firstIndex(where: { view.listings[$0].id == highlighted }) {
        state.cursors[.listings, default: ListState()].selected = row
        state.clampCursor(.listings)
    }
}

// MARK: - Details

/// Enter on a listing: its details over the whole body, from the row's record at once, then the full one.
func openDetails(_ state: inout AppState) -> [AppEffect] {
    guard let listing = state.highlightedListing else { return [] }
    state.details = ListingDetails(listing: listing)
    return detailEffects(for: listing.id, &state)
}

/// The full record of a listing in details, and the carts holding it now.
func detailEffects(for listingId: String, _ state: inout AppState) -> [AppEffect] {
    var effects: [AppEffect] = [.loadListing(id: listingId)]
    if let workspace = state.currentWorkspace {
        effects.append(.loadHolders(listingIds: [listingId], workspace: workspace, tick: state.writes.tick))
    }
    return effects
}

func listingLoaded(_ id: String, _ result: Result<Listing, SparkError>, _ state: inout AppState) -> [AppEffect] {
    guard var details = state.details, details.listingId == id else { return [] }
    details.loading = false
    switch result {
    case .success(let listing):
        details.listing = listing
        details.error = nil
    case .failure(let error):
        // The row's record stays on screen; the border says what is missing.
        details.error = error
    }
    state.details = details
    clampDetailsScroll(&state)
    return []
}

/// The keys that mean something else in details: moving scrolls, ←/→ go to the previous or next listing, Esc
/// goes back to the row. Nil for the commands that work as they do in the panes.
func performInDetails(_ command: Command, _ state: inout AppState) -> [AppEffect]? {
    let page = max(state.detailsLayout.text.height - 1, 1)
    switch command {
    case .moveUp: scrollDetails(by: -1, &state)
    case .moveDown: scrollDetails(by: 1, &state)
    case .pageUp: scrollDetails(by: -page, &state)
    case .pageDown: scrollDetails(by: page, &state)
    case .top: scrollDetails(by: -state.detailLineCount, &state)
    case .bottom: scrollDetails(by: state.detailLineCount, &state)
    case .back: state.details = nil
    case .previousListing: return stepDetails(by: -1, &state)
    case .nextListing: return stepDetails(by: 1, &state)
    default: return nil
    }
    return []
}

func scrollDetails(by delta: Int, _ state: inout AppState) {
    state.details?.scroll += delta
    clampDetailsScroll(&state)
}

/// Keeps the details' scroll between the top and the last screenful.
func clampDetailsScroll(_ state: inout AppState) {
    guard let details = state.details else { return }
    let visible = state.detailsLayout.text.height
    let scroll = min(max(details.scroll, 0), max(state.detailLineCount - visible, 0))
    state.details?.scroll = scroll
}

/// The previous or next listing of the view, in details; the view's highlight follows, so Esc comes back to it. When
/// the listing in details has left the view (rejected while Favorites is open), the highlight is already on the
/// listing after it.
private func stepDetails(by delta: Int, _ state: inout AppState) -> [AppEffect] {
    guard let current = state.details?.listingId, let view = state.listings else { return [] }
    let row = state.listingRows.firstIndex { view.listings[$0].id == current }
        // Gone from the view: the listing after it took its place.
        ?? view.removed[current].flatMap { index in state.listingRows.firstIndex { $0 >= index } ?? state.listingRows.count }
            .map { delta > 0 ? $0 - 1 : $0 }
    let target = (row ?? (state.cursor(.listings).selected ?? 0)) + delta
    var effects = move(.listings, to: target, &state)
    guard target >= 0, target < state.rowCount(.listings), let listing = state.highlightedListing, listing.id != current else {
        state.status = StatusMessage(target < 0 ? "This is the first listing." : state.listings?.loadingPage != nil
            ? "Loading more listings…" : "This is the last listing.")
        return effects
    }
    state.details = ListingDetails(listing: listing)
    effects += detailEffects(for: listing.id, &state)
    return effects
}
