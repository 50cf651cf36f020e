import SparkAPI
import TerminalUI

/// The screen's update function: applies an action to the state and says what work to do next. Pure and
/// synchronous. The app's one update function, `reduce` (Feedback.swift), calls it with the status line's feedback,
/// live refresh and the presenter's tools (LiveReducer.swift) and the cache (`reduceWithCache`, CacheReducer.swift)
/// around it.
///
/// This file holds loading, switching groups and the keys of the panes; the listings view and the details are in
/// `ListingsReducer.swift`, the changes to the workspace (and their dialogs) in `WriteReducer.swift`, the details'
/// photo (which follows every action) in `DetailsPhoto.swift`.
func reduceScreen(_ state: inout AppState, _ action: AppAction) -> [AppEffect] {
    let effects = reduceAction(&state, action)
    return effects + followDetailsPhoto(after: action, &state)
}

private func reduceAction(_ state: inout AppState, _ action: AppAction) -> [AppEffect] {
    switch action {
    case .started:
        return refreshAll(&state)

    case .keyPressed(let key):
        return handleKey(key, &state)

    case .resized(let size):
        state.size = size
        for list in ListID.allCases { state.clampCursor(list) }
        clampDetailsScroll(&state)
        return []

    case .tick:
        state.tick &+= 1
        return []

    case .accountLoaded(let result):
        state.account = state.account.finished(result)
        return []

    case .groupsLoaded(let result):
        state.groups = state.groups.finished(result)
        if case .failure(let error) = result {
            state.status = StatusMessage("Couldn't load the portal groups: \(error.userMessage) Press r to retry.", kind: .error)
        }
        state.rebuildPickerRows(groupsChanged: true)
        if case .success = result, state.highlightedPickerRow == .own, let current = state.currentWorkspace {
            highlight(current, &state)
        }
        return []

    case .currentGroupLoaded(let request, let result):
        guard request == state.currentGroupRequest else { return [] }
        state.switchSettling = false
        let firstAnswer = state.currentGroup.value == nil
        state.currentGroup = state.currentGroup.finished(result)
        if case .failure(let error) = result {
            state.status = StatusMessage("Couldn't read the current group: \(error.userMessage) Press r to retry.", kind: .error)
        }
        if firstAnswer, let current = state.currentWorkspace { highlight(current, &state) }
        // Carts that came first, asked for before any workspace was known, are the current workspace's: the two
        // requests went out together.
        if case .success = result, state.cartsWorkspace == nil, !state.carts.isLoading, state.carts.value != nil {
            state.cartsWorkspace = state.currentWorkspace
        }
        // The carts on screen came for another workspace than the server now says is current: not this
        // group's carts. (Carts still on their way are checked when they arrive.)
        if case .success = result, !state.carts.isLoading, let shown = state.cartsWorkspace, shown != state.currentWorkspace {
            return reloadCarts(&state) + tabsFollowCurrentGroup(&state)
        }
        return tabsFollowCurrentGroup(&state)

    case .cartsLoaded(let workspace, let request, let result):
        guard request == state.cartsRequest else { return [] }
        // Asked for while another workspace was expected than the server now says is current (the switch did
        // not stick, or someone switched meanwhile): drop them, never show them under this group's name.
        if let workspace, !state.currentGroup.isLoading, let current = state.currentWorkspace, workspace != current {
            return reloadCarts(&state)
        }
        switch result {
        case .success(let carts):
            let shown = workspace ?? state.currentWorkspace
            // Changes this session made since the request went out are newer than the answer: keep them.
            let merged = shown == state.cartsWorkspace
                ? mergeCarts(carts, local: state.carts.value ?? [], since: state.cartsRequestTick, state.writes) : carts
            if let previous = state.cartsWorkspace, previous != shown { forgetCarts(&state) }
            state.cartsWorkspace = shown
            state.carts = .loaded(merged)
            cartsChanged(&state)
        case .failure(let error):
            state.carts = state.carts.finished(.failure(error))
            state.status = StatusMessage("Couldn't load the listing carts: \(error.userMessage) Press r to retry.", kind: .error)
        }
        state.rebuildCartRows()
        return []

    case .listingsPageLoaded(let source, let page, let result):
        return listingsPageLoaded(source, page: page, result, &state)

    case .holdersLoaded(let listingIds, let workspace, let tick, let result):
        return holdersLoaded(listingIds, workspace: workspace, tick: tick, result, &state)

    case .listingLoaded(let id, let result):
        return listingLoaded(id, result, &state)

    case .writeFinished(let id, let outcome):
        return finishWrite(id, outcome, &state)

    case .groupSwitched(let workspace, let result):
        return finishSwitch(to: workspace, result, &state)

    case .pollDue, .listingsPageRefreshed, .liveMarksExpired, .actingAs:
        return []  // reduced by `reduce` (LiveReducer.swift, Presenter.swift)

    case .requestFinished(let event):
        state.requestLog.append(event)
        if state.requestLog.count > AppState.requestLogLimit {
            state.requestLog.removeFirst(state.requestLog.count - AppState.requestLogLimit)
        }
        if let retry = state.retry, retry.method == event.method, retry.path == event.path {
            state.retry = nil
            if state.status?.kind == .progress, state.groupSwitch == nil, state.writes.inFlight.isEmpty { state.status = nil }
        }
        return []

    case .retryScheduled(let notice):
        state.retry = notice
        state.status = StatusMessage(Format.retry(notice), kind: .progress)
        return []

    case .timePassed(let duration):
        return timePassed(duration, &state)

    case .groupPageLoaded(let request, let progress):
        return groupPageLoaded(request, progress, &state)

    case .groupPagesFailed(let request, let error):
        return groupPagesFailed(request, error, &state)

    case .cache:
        return []  // reduced by `reduceWithCache` (CacheReducer.swift)

    case .searchesLoaded(let workspace, let request, let result):
        return searchesLoaded(forGroup: workspace, request: request, result, &state)

    case .feedsLoaded(let workspace, let request, let result):
        return feedsLoaded(forGroup: workspace, request: request, result, &state)

    case .photoLoaded(let request, let outcome):
        return photoLoaded(request, outcome, &state)
    }
}

// MARK: - Loading

private func refreshAll(_ state: inout AppState) -> [AppEffect] {
    state.account = state.account.reloading
    state.groups = state.groups.reloading
    state.currentGroup = state.currentGroup.reloading
    state.carts = state.carts.reloading
    state.currentGroupRequest += 1
    if state.status?.kind == .error { state.status = nil }
    restartWaits(&state)
    var effects: [AppEffect] = [
        .loadCurrentGroup(request: state.currentGroupRequest),
        loadGroupPages(&state),
        nextCartsRequest(&state),
        .loadAccount,
    ]
    effects += reloadListings(&state)
    effects += refreshTabs(&state)
    if let details = state.details {
        state.details?.loading = true
        effects += detailEffects(for: details.listingId, &state)
    }
    return effects
}

/// A carts request, numbered, remembering the write tick it was asked at; for the workspace expected to be current
/// (by default the one the server says is).
func nextCartsRequest(_ state: inout AppState, expecting workspace: Workspace?? = .none) -> AppEffect {
    state.cartsRequest += 1
    state.cartsRequestTick = state.writes.tick
    return .loadCarts(forGroup: workspace ?? state.currentWorkspace, request: state.cartsRequest)
}

/// Reads the carts again, keeping them (and the open listings) on screen meanwhile: after a failed write, the
/// server's counts and names replace what the screen showed.
func rereadCarts(_ state: inout AppState) -> [AppEffect] {
    state.carts = state.carts.reloading
    return [nextCartsRequest(&state)]
}

/// The carts of a fresh answer, with what this session changed since the request went out kept as the writes'
/// answers left it: a cart touched since is the screen's version, a cart this session deleted since stays gone,
/// and one it created since stays (see `WriteLedger.isStale`).
func mergeCarts(_ server: [ListingCart], local: [ListingCart], since tick: Int, _ writes: WriteLedger) -> [ListingCart] {
    let localByID = Dictionary(local.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    var merged: [ListingCart] = []
    var seen = Set<String>()
    for cart in server {
        seen.insert(cart.id)
        guard writes.isStale(.cart(cart.id), since: tick) else {
            merged.append(cart)
            continue
        }
        if let mine = localByID[cart.id] { merged.append(mine) }  // else: deleted here since
    }
    for cart in local where !seen.contains(cart.id) && writes.isStale(.cart(cart.id), since: tick) {
        merged.append(cart)  // created here since
    }
    return merged
}

/// The carts changed: the open listings' title follows its cart's name.
private func cartsChanged(_ state: inout AppState) {
    if let cart = state.openCart { state.listings?.name = cart.name }
}

// MARK: - Switching groups

func chooseWorkspace(_ workspace: Workspace, _ state: inout AppState) -> [AppEffect] {
    if state.refuseWriteWhileOffline() { return [] }
    let name = state.displayName(of: workspace)
    if !state.writes.isIdle {
        // A change in flight landed, or will land, in the workspace it was sent to: switch once it is answered.
        state.switchWaiting = workspace
        state.status = StatusMessage("Switching to \(name) once the changes in flight are answered…", kind: .progress)
        return []
    }
    if var pending = state.groupSwitch {
        // One switch at a time; remember only the latest wish.
        pending.queued = pending.inFlight == workspace ? nil : workspace
        state.groupSwitch = pending
        state.status = StatusMessage("Switching to \(name)…", kind: .progress)
        return []
    }
    // Only a settled answer counts: right after a switch the re-read is still on its way and the old value
    // is not what the server has, so choosing it again must be sent.
    if workspace == state.currentWorkspace, state.currentGroup.error == nil, !state.currentGroup.isLoading {
        state.status = StatusMessage("Already acting for \(name).")
        return []
    }
    state.groupSwitch = GroupSwitch(inFlight: workspace)
    state.status = StatusMessage("Switching to \(name)…", kind: .progress)
    return [.switchGroup(to: workspace)]
}

private func finishSwitch(to workspace: Workspace, _ result: Result<Empty, SparkError>,
                          _ state: inout AppState) -> [AppEffect] {
    guard let pending = state.groupSwitch, pending.inFlight == workspace else { return [] }
    let name = state.displayName(of: workspace)
    switch result {
    case .success:
        state.status = arrivalStatus(workspace, state)
    case .failure(let error):
        state.status = StatusMessage("Couldn't switch to \(name): \(error.userMessage)", kind: .error)
    }
    if let queued = pending.queued, queued != workspace || result.isFailure {
        state.groupSwitch = GroupSwitch(inFlight: queued)
        state.status = StatusMessage("Switching to \(state.displayName(of: queued))…", kind: .progress)
        return [.switchGroup(to: queued)]
    }
    state.groupSwitch = nil
    state.switchSettling = true
    if case .success = result {
        forgetCarts(&state)
    } else {
        state.carts = state.carts.reloading
    }
    // Either way, re-read what the server now has.
    state.currentGroup = state.currentGroup.reloading
    state.currentGroupRequest += 1
    let expected: Workspace? = result.isFailure ? state.currentWorkspace : workspace
    return [.loadCurrentGroup(request: state.currentGroupRequest), nextCartsRequest(&state, expecting: expected)]
}

/// The old carts belong to another workspace: never show them (or one of them, open, or what they hold) under
/// this one.
private func forgetCarts(_ state: inout AppState) {
    state.carts = .loading(previous: nil)
    state.cartsWorkspace = nil
    state.holders = [:]
    state.details = nil
    if state.dialog != nil {
        // Its carts were the other workspace's: what it would have done no longer applies.
        state.dialog = nil
        state.status = StatusMessage("The group you act for changed on the server; nothing was changed. Try again here.", kind: .error)
    }
    state.rebuildCartRows()
    if state.listings != nil {
        state.listings = nil
        state.rebuildListingRows()
    }
}

/// Asks again for the carts, those of the workspace the server says is current.
private func reloadCarts(_ state: inout AppState) -> [AppEffect] {
    forgetCarts(&state)
    return [nextCartsRequest(&state)]
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}

/// Moves the picker highlight to a workspace's row.
func highlight(_ workspace: Workspace, _ state: inout AppState) {
    guard let index = state.pickerRows.firstIndex(where: { state.workspace(of: $0) == workspace }) else { return }
    state.cursors[.groups, default: ListState()].selected = index
    state.clampCursor(.groups)
    state.cursors[.members] = ListState()
    state.rebuildMemberRows()
}

// MARK: - Keys

private func handleKey(_ key: Key, _ state: inout AppState) -> [AppEffect] {
    if key == .ctrl("c") { return [.quit] }
    if state.dialog != nil {
        if case .mouse = key, !state.mouseEnabled { return [] }
        return handleDialogKey(key, &state)
    }
    if case .mouse(let event) = key {
        return state.mouseEnabled ? handleMouse(event, &state) : []
    }
    if let list = state.editingFilter {
        return editFilter(of: list, key, &state)
    }
    if state.overlay != nil {
        return handleOverlayKey(key, &state)
    }
    guard let command = state.keyMap.command(for: key, in: state.keyContext) else { return [] }
    return perform(command, &state)
}

private func perform(_ command: Command, _ state: inout AppState) -> [AppEffect] {
    if command == .back, let effects = giveUpWaiting(&state) { return effects }
    if state.details != nil, let effects = performInDetails(command, &state) { return effects }
    let list = state.focusedList
    let height = AppLayout(size: state.size, focus: state.focus).listHeight(for: list)
    switch command {
    case .moveUp: return move(list, by: -1, &state)
    case .moveDown: return move(list, by: 1, &state)
    case .pageUp: return move(list, by: -max(height - 1, 1), &state)
    case .pageDown: return move(list, by: max(height - 1, 1), &state)
    case .top: return move(list, to: 0, &state)
    case .bottom: return move(list, to: state.rowCount(list) - 1, &state)
    case .nextPane, .previousPane:
        let panes = Pane.allCases
        let step = command == .nextPane ? 1 : panes.count - 1
        state.focus = panes[(state.focus.rawValue + step) % panes.count]
        for list in ListID.allCases { state.clampCursor(list) }
        return []
    case .activate:
        switch list {
        case .groups:
            guard let row = state.highlightedPickerRow else { return [] }
            return chooseWorkspace(state.workspace(of: row), &state)
        case .carts:
            guard let cart = state.highlightedCart else { return [] }
            return openListings(ListingsView(cart: cart), &state)
        case .searches, .feeds:
            return openSearchListings(&state)
        case .members, .listings:
            return []
        }
    case .open:
        return openDetails(&state)
    case .back:
        if !state.filter(list).isEmpty {
            state.filters[list] = nil
            state.rebuildRows(list)
        } else if list == .listings {
            state.listings = nil
            state.rebuildListingRows()
        } else if state.status != nil {
            state.status = nil
        }
        return []
    case .favorite, .reject, .addToCart, .remove:
        return listingCommand(command, &state)
    case .newCart, .rename, .delete:
        return list == .searches ? searchCommand(command, &state) : cartCommand(command, &state)
    case .undo:
        return undoLast(&state)
    case .previousListing, .nextListing:
        return []
    case .nextPhoto, .previousPhoto:
        return stepPhoto(by: command == .nextPhoto ? 1 : -1, &state)
    case .refresh:
        return refreshAll(&state)
    case .filter:
        state.editingFilter = list
        state.filterEditor = LineEditorState(text: state.filter(list))
        return []
    case .help:
        state.overlay = .help
        state.overlayScroll = 0
        return []
    case .requestLog:
        state.overlay = .requestLog
        state.overlayScroll = 0
        return []
    case .quit:
        return quit(&state)
    case .suspend:
        return [.suspend]
    case .lastError:
        return showLastError(&state)
    case .previousTab, .nextTab, .pauseFeed:
        return tabCommand(command, &state)
    case .actAs:
        return openActAs(&state)
    }
}

/// `q`: at once, unless changes are in flight — then once they are answered (a write cut off half way leaves the
/// server's state unknown); `q` again quits at once.
private func quit(_ state: inout AppState) -> [AppEffect] {
    if state.writes.inFlight.isEmpty || state.quitWhenIdle { return [.quit] }
    state.quitWhenIdle = true
    state.status = StatusMessage("Quitting once the changes in flight are answered (q again quits now)…", kind: .progress)
    return []
}

func move(_ list: ListID, by delta: Int, _ state: inout AppState) -> [AppEffect] {
    move(list, to: (state.cursor(list).selected ?? 0) + delta, &state)
}

func move(_ list: ListID, to index: Int, _ state: inout AppState) -> [AppEffect] {
    let before = state.cursor(list).selected
    state.cursors[list, default: ListState()].selected = index
    state.clampCursor(list)
    if list == .groups, state.cursor(.groups).selected != before {
        // The member list follows the highlight, with no request: members come with the group.
        state.cursors[.members] = ListState()
        state.rebuildMemberRows()
    }
    return list == .listings ? loadMoreListingsIfNeeded(&state) : []
}

private func handleOverlayKey(_ key: Key, _ state: inout AppState) -> [AppEffect] {
    let last = max(state.overlayLineCount - 1, 0)
    switch state.keyMap.command(for: key, in: state.keyContext) {
    case .moveUp: state.overlayScroll = max(state.overlayScroll - 1, 0)
    case .moveDown: state.overlayScroll = min(state.overlayScroll + 1, last)
    case .pageUp: state.overlayScroll = max(state.overlayScroll - 10, 0)
    case .pageDown: state.overlayScroll = min(state.overlayScroll + 10, last)
    case .top: state.overlayScroll = 0
    case .bottom: state.overlayScroll = last
    case .suspend: return [.suspend]
    case .back, .help, .requestLog, .quit, .activate, .open, .lastError: state.overlay = nil
    default: break
    }
    return []
}

private func handleMouse(_ event: MouseEvent, _ state: inout AppState) -> [AppEffect] {
    if state.details != nil, state.overlay == nil {
        switch event.kind {
        case .wheelUp: scrollDetails(by: -3, &state)
        case .wheelDown: scrollDetails(by: 3, &state)
        case .press, .release: break
        }
        return []
    }
    let layout = AppLayout(size: state.size, focus: state.focus)
    if event.kind == .press, let tab = layout.tab(atX: event.x, y: event.y) {
        state.focus = tab
        return []
    }
    guard state.overlay == nil, let pane = layout.pane(atX: event.x, y: event.y) else { return [] }
    let list = state.list(in: pane)
    switch event.kind {
    case .press:
        state.focus = pane
        if let tab = workspaceTab(atX: event.x, y: event.y, state) { return openTab(tab, &state) }
        guard let firstRow = layout.firstRowY(of: pane) else { return [] }
        let row = state.cursor(list).offset + (event.y - firstRow)
        guard event.y >= firstRow, event.y < firstRow + layout.listHeight(for: list), row < state.rowCount(list) else { return [] }
        return move(list, to: row, &state)
    case .wheelUp:
        return move(list, by: -3, &state)
    case .wheelDown:
        return move(list, by: 3, &state)
    case .release:
        return []
    }
}
