import Foundation
import SparkAPI

/// The screen's reducer with the cache around it (called by `reduce`, Feedback.swift).
///
/// It is the screen's reducer (`reduceScreen`, Reducer.swift) with the cache around it, when the state has one
/// (`CacheState.enabled`; otherwise it is the screen's reducer alone):
/// - before: the server's first page of a cart replaces the cached rows shown for it;
/// - after: which panes the server has now answered (their cached rows replaced), whether it could be reached, whose
///   account it is (a cache of another account is dropped), a cart opened whose first page is cached;
/// - the effects: lists are loaded asking at once for the pages they took last time, and a settled load is saved.
func reduceWithCache(_ state: inout AppState, _ action: AppAction) -> [AppEffect] {
    guard state.cache.enabled else { return reduceScreen(&state, action) }
    var effects: [AppEffect]
    if case .cache(let action) = action {
        effects = reduceCache(action, &state)
    } else {
        let before = ScreenBefore(state)
        replaceCachedRows(before: action, &state)
        effects = reduceScreen(&state, action)
        notice(action, before: before, &state)
    }
    effects = effects.map { withPageCounts($0, state) }
    if let save = saveIfSettled(&state) { effects.append(save) }
    return effects
}

// MARK: - The hook for writes

extension AppState {
    /// What a write refused offline says.
    public static let offlineRefusal = "offline: nothing was changed (the server can't be reached; r retries)"

    /// Every write path calls this first, before it changes anything or returns an effect:
    /// `if state.refuseWriteWhileOffline() { return [] }`. While the server cannot be reached it says so in the status
    /// line ("offline: nothing was changed") and returns true: the write is not sent, and not kept to send later.
    public mutating func refuseWriteWhileOffline() -> Bool {
        guard cache.offline else { return false }
        status = StatusMessage(Self.offlineRefusal, kind: .error)
        return true
    }
}

// MARK: - Starting from the cache

extension AppState {
    /// Turns the cache on (the app's store is `Program`'s `cache:`) and shows what it held, before the first frame:
    /// every pane filled from `load`, each marked as the cache's until the server answers. `now` is when the session
    /// starts: a cache from another day says its date; times are told in `timeZone`.
    public mutating func useCache(_ load: CacheLoad, now: Date, timeZone: TimeZone = .current) {
        cache.enabled = true
        cache.sessionStart = now
        cache.timeZone = timeZone
        switch load {
        case .empty:
            break
        case .refused(let notice):
            status = StatusMessage(notice)
        case .found(let snapshot, let savedAt):
            show(snapshot, savedAt: savedAt)
        }
    }

    private mutating func show(_ snapshot: WorkspaceSnapshot, savedAt: Date) {
        // Loading, with the cached values as what was known before: the panes show them while the server is asked.
        account = .loading(previous: snapshot.account)
        groups = .loading(previous: snapshot.groups)
        currentGroup = .loading(previous: .some(snapshot.currentGroup))
        carts = .loading(previous: snapshot.carts)
        cartsWorkspace = snapshot.workspace
        cache.stale = Set(CachedPart.allCases)
        cache.asOf = savedAt
        cache.accountID = snapshot.account.id
        cache.groupPages = snapshot.groupPages
        cache.cartPages[snapshot.workspace] = snapshot.cartPages
        cache.shownCartPages = snapshot.cartPages
        if let page = snapshot.openCart, snapshot.carts.contains(where: { $0.id == page.cartID }) {
            cache.cartPage = page
            cache.pageFromCache = true
        }
        rebuildPickerRows(groupsChanged: true)
        highlight(snapshot.workspace, &self)
        rebuildCartRows()
    }

    /// The cached workspace is not this account's (or not to be shown): every pane the server has not answered yet
    /// is emptied, and waits for it.
    mutating func forgetCachedWorkspace() {
        if cache.stale.contains(.account) { account = account.withoutPrevious }
        if cache.stale.contains(.groups) { groups = groups.withoutPrevious }
        if cache.stale.contains(.currentGroup) { currentGroup = currentGroup.withoutPrevious }
        if cache.stale.contains(.carts) {
            carts = carts.withoutPrevious
            cartsWorkspace = nil
        }
        cache.stale = []
        cache.asOf = nil
        cache.cartPage = nil
        cache.pageFromCache = false
        if cache.listingsFromCache, var drill = listings {
            drill.listings = []
            drill.totalRows = nil
            listings = drill
            cache.listingsFromCache = false
        }
        rebuildPickerRows(groupsChanged: true)
        rebuildCartRows()
        rebuildListingRows()
    }
}

extension Loadable {
    /// The same state without the value it kept from before.
    var withoutPrevious: Loadable {
        switch self {
        case .idle, .loaded: self
        case .loading: .loading(previous: nil)
        case .failed(let error, _): .failed(error, previous: nil)
        }
    }

    var isLoaded: Bool {
        if case .loaded = self { return true }
        return false
    }
}

// MARK: - The cache's answers

private func reduceCache(_ action: CacheAction, _ state: inout AppState) -> [AppEffect] {
    switch action {
    case .cartsLoaded(let workspace, let request, let result):
        let effects = reduceScreen(&state, .cartsLoaded(forGroup: workspace, request: request, result.map(\.items)))
        switch result {
        case .success(let list):
            // When the screen took them: counted for the workspace they are shown for, once that is known.
            if state.carts.isLoaded, request == state.cartsRequest {
                state.cache.shownCartPages = list.pageCount
                if let shown = state.cartsWorkspace ?? state.currentWorkspace { state.cache.cartPages[shown] = list.pageCount }
                state.cache.unsaved = true
            }
        case .failure(let error):
            if request == state.cartsRequest { noteFailure(error, &state) }
        }
        refreshStaleParts(&state)
        return effects

    case .saved(let date, _):
        // The workspace saved is the one on screen, complete and the server's: known as of then (also when the
        // store could not write it; it has logged why).
        state.cache.asOf = date
        return []
    }
}

// MARK: - Around the screen's reducer

/// What the screen showed before an action, for what the cache does after it.
private struct ScreenBefore {
    var highlighted: Workspace?
    var current: Workspace?
    var currentWasCached: Bool
    /// The cache's current group by name, while only the cache has said it.
    var cachedCurrentName: String?

    init(_ state: AppState) {
        highlighted = state.highlightedPickerRow.map { state.workspace(of: $0) }
        current = state.currentWorkspace
        currentWasCached = state.cache.stale.contains(.currentGroup)
        cachedCurrentName = currentWasCached ? current.map { state.displayName(of: $0) } : nil
    }
}

/// The server's first page of a cart whose cached rows are shown replaces them (rather than following them).
private func replaceCachedRows(before action: AppAction, _ state: inout AppState) {
    guard case .listingsPageLoaded(let source, 1, .success) = action, state.cache.listingsFromCache,
          var drill = state.listings, drill.source == source, drill.loadingPage == 1 else { return }
    drill.listings = []
    state.listings = drill
    state.cache.listingsFromCache = false
}

private func notice(_ action: AppAction, before: ScreenBefore, _ state: inout AppState) {
    switch action {
    case .accountLoaded(.success(let account)):
        if let cached = state.cache.accountID, cached != account.id {
            state.forgetCachedWorkspace()
            state.status = StatusMessage("The cached workspace was another account's: it is not shown. Loading yours…")
        }
        state.cache.accountID = account.id
        state.cache.unsaved = true
    case .accountLoaded(.failure(let error)):
        noteFailure(error, &state)
    case .currentGroupLoaded(let request, let result) where request == state.currentGroupRequest:
        switch result {
        case .success:
            // The server's first word on the current group, when it is another than the cache's: said (an error already
            // shown stays), and the highlight follows the ● unless the user has moved it.
            if before.currentWasCached, let current = state.currentWorkspace, current != before.current {
                if state.status?.kind != .error, let cached = before.cachedCurrentName {
                    state.status = StatusMessage("The server has you in \(state.displayName(of: current)) (the cache had \(cached)).")
                }
                if before.highlighted == before.current { highlight(current, &state) }
            }
            state.cache.unsaved = true
        case .failure(let error):
            noteFailure(error, &state)
        }
    case .listingsPageLoaded(.cart(let cartID), let page, let result) where state.listings?.source.cartID == cartID:
        switch result {
        case .success(let received) where page == 1:
            state.cache.cartPage = CachedCartPage(cartID: cartID, listings: received.items,
                                                  totalRows: received.pagination?.totalRows ?? received.items.count)
            state.cache.pageFromCache = false
            state.cache.unsaved = true
        case .success:
            break
        case .failure(let error):
            noteFailure(error, &state)
        }
    case .groupPageLoaded(let request, let progress) where request == state.groupPaging.request && progress.isLast:
        state.cache.groupPages = progress.pageCount
        state.cache.unsaved = true
    case .groupPagesFailed(let request, let error) where request == state.groupPaging.request:
        noteFailure(error, &state)
    case .groupSwitched(_, .failure(let error)):
        // The screen says why the switch failed; the server being out of reach also puts the screen offline.
        if error.isUnreachable { state.cache.offline = true }
    case .requestFinished(let event) where event.status != nil:
        state.cache.offline = false  // the server answered
    default:
        break
    }
    showCachedListingsOfOpenedCart(&state)
    refreshStaleParts(&state)
}

/// A load failed: when the server could not be reached, the screen is offline and says what it shows.
private func noteFailure(_ error: SparkError, _ state: inout AppState) {
    guard error.isUnreachable else { return }
    state.cache.offline = true
    guard let time = state.cache.asOfLabel else { return }
    state.status = StatusMessage("Offline: showing the workspace as of \(time); press r to retry. \(error.userMessage)",
                                 kind: .error)
}

/// A cart just opened whose first page the cache holds shows those rows at once, while the server is asked.
private func showCachedListingsOfOpenedCart(_ state: inout AppState) {
    guard var drill = state.listings, let page = state.cache.cartPage, drill.source.cartID == page.cartID else {
        state.cache.listingsFromCache = false
        return
    }
    guard state.cache.pageFromCache, !state.cache.listingsFromCache, drill.listings.isEmpty, drill.loadingPage == 1,
          drill.error == nil else { return }
    drill.listings = page.listings
    drill.totalRows = page.totalRows
    state.listings = drill
    state.cache.listingsFromCache = true
    state.rebuildListingRows()
}

/// A pane is no longer the cache's once the server has answered it, or once it shows nothing from the cache.
private func refreshStaleParts(_ state: inout AppState) {
    for part in state.cache.stale {
        let answered: Bool
        switch part {
        case .account: answered = state.account.isLoaded || state.account.value == nil
        case .groups: answered = state.groups.isLoaded || state.groups.value == nil
        case .currentGroup: answered = state.currentGroup.isLoaded || state.currentGroup.value == nil
        case .carts: answered = state.carts.isLoaded || state.carts.value == nil
        }
        if answered { state.cache.stale.remove(part) }
    }
}

/// The screen's list loads, asking at once for the pages the list took last time, and learning how many it takes now.
func withPageCounts(_ effect: AppEffect, _ state: AppState) -> AppEffect {
    switch effect {
    case .loadGroupPages(let request, nil):
        return .loadGroupPages(request: request, expectedPages: state.cache.groupPages)
    case .loadCarts(let workspace, let request):
        return .cache(.loadCarts(forGroup: workspace, request: request,
                                 expectedPages: workspace.flatMap { state.cache.cartPages[$0] }))
    default:
        return effect
    }
}

/// Once everything has settled and every pane is the server's, what is on screen is saved: once per settled load (the
/// runner writes saves in the order they were asked for, so the latest lands last).
private func saveIfSettled(_ state: inout AppState) -> AppEffect? {
    guard state.cache.unsaved, !state.isBusy, state.cache.stale.isEmpty,
          case .loaded(let account) = state.account, case .loaded(let groups) = state.groups,
          case .loaded(let current) = state.currentGroup, case .loaded(let carts) = state.carts,
          // Carts asked for before the current group was known are the server's current workspace's.
          (state.cartsWorkspace ?? Workspace(current: current)) == Workspace(current: current)
    else { return nil }
    // Only a page read in this session, of a cart still there: an older one would claim a time it was not read at.
    let openCart = state.cache.cartPage.flatMap { page in
        !state.cache.pageFromCache && carts.contains { $0.id == page.cartID } ? page : nil
    }
    let snapshot = WorkspaceSnapshot(
        account: account, groups: groups, groupPages: state.cache.groupPages ?? 1, currentGroup: current, carts: carts,
        cartPages: state.cache.shownCartPages ?? 1, openCart: openCart)
    state.cache.unsaved = false
    return .cache(.save(snapshot))
}

extension SparkError {
    /// No answer came from the server at all: refused, timed out, no such host, TLS, a broken connection.
    var isUnreachable: Bool {
        if case .transport = self { return true }
        return false
    }
}

extension CacheState {
    /// `10:42`, or `2026-12-03 10:42` for another day than the session's: when the workspace shown was last the
    /// server's, in the user's time zone.
    public var asOfLabel: String? {
        guard let asOf else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: asOf)
        let time = String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        if let start = sessionStart, !calendar.isDate(asOf, inSameDayAs: start) {
            return String(format: "%04d-%02d-%02d ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0) + time
        }
        return time
    }
}
