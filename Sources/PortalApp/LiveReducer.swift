import SparkAPI
import TerminalUI

// Live refresh: every `LiveState.interval` the app re-reads what the screen shows and says what other members
// changed. A poll first reads the current group; when the workspace is still the one on screen, it reads what the
// screen shows (`pollReads`): the carts, and with a cart's listings open their first page, then that page's holders.
// Its answers go through the same reducer as the user's own reads (merged with the writes in flight through
// `nextCartsRequest`/`mergeCarts` and the holders' ticks, so a change of this session is never announced back nor
// undone on screen); what they changed on screen is compared before and after, marked on the rows and said in the
// status line. A poll never moves the highlight, never closes what the user has open — except when the workspace
// itself changed (the group, a deleted open cart, removal from the group), which the status says.

/// Live refresh and the presenter's tools around the cache and the screen's reducer (`reduceWithCache`,
/// CacheReducer.swift); called by the app's one update function, `reduce` (Feedback.swift).
func reduceLiveAndPresenter(_ state: inout AppState, _ action: AppAction) -> [AppEffect] {
    if let effects = reducePresenter(action, &state) { return effects }
    let logWasOpen = state.overlay == .requestLog
    var effects = reduceLive(action, &state, next: reduceWithCache)
    effects += observePresenter(action, &state)
    // The log opens on the newest request, and stays on it while newer ones come in above it.
    if !logWasOpen, state.overlay == .requestLog { pinRequestLogSelection(&state) }
    // Lists read by the live and presenter parts ask for the pages the cache knows they take, as the screen's do.
    if state.cache.enabled { effects = effects.map { withPageCounts($0, state) } }
    return effects
}

/// Handles the live actions, recognises a poll's answers, and passes everything else to `next`.
func reduceLive(_ action: AppAction, _ state: inout AppState,
                next: (inout AppState, AppAction) -> [AppEffect]) -> [AppEffect] {
    switch action {
    case .pollDue:
        return pollDue(&state)
    case .liveMarksExpired(let generation):
        state.live.cartMarks = state.live.cartMarks.filter { $0.value.generation > generation }
        state.live.listingMarks = state.live.listingMarks.filter { $0.value.generation > generation }
        if let change = state.live.groupChange, change.generation <= generation { state.live.groupChange = nil }
        return []
    default:
        break
    }
    if let poll = state.live.poll, let part = PollPart(answeredBy: action), poll.parts.contains(part) {
        state.live.poll?.parts.remove(part)
        let effects = pollAnswered(part, action, &state, next: next)
        return effects + pollEnded(&state)
    }
    if case .listingsPageRefreshed = action { return [] }  // a poll's that ended meanwhile: nothing waits for it
    var effects = next(&state, action)
    effects += observe(action, &state)
    if state.live.poll != nil {
        dropSupersededParts(&state)
        effects += pollEnded(&state)
    }
    return effects
}

// MARK: - The timer

/// The wait is over: a poll starts, unless one is running, the terminal is too small to show anything (it starts when
/// there is room again), or the user's own reads or switch are on their way (they bring the news; the next poll waits
/// another interval).
private func pollDue(_ state: inout AppState) -> [AppEffect] {
    guard let interval = state.live.interval, state.live.poll == nil else { return [] }
    if AppLayout(size: state.size, focus: state.focus).mode == .tooSmall {
        state.live.dueWhileHidden = true
        return []
    }
    if isSwitching(state) || state.currentGroup.isLoading || state.carts.isLoading {
        return [.schedulePoll(after: interval)]
    }
    state.currentGroupRequest += 1
    state.live.poll = Poll(parts: [.currentGroup(request: state.currentGroupRequest)])
    return [.loadCurrentGroup(request: state.currentGroupRequest)]
}

/// A group switch (or an act-as switch) of the user's is on its way or settling: a poll's answers would be about the
/// workspace being left, and the switch re-reads everything anyway.
private func isSwitching(_ state: AppState) -> Bool {
    state.groupSwitch != nil || state.switchWaiting != nil || state.switchSettling || state.presenter.switchingTo != nil
}

/// Reactions to the user's own actions: the first poll is scheduled at start, a poll that came due while the terminal
/// was too small runs when it is big enough, and removal from a group is said once the switch away has landed.
private func observe(_ action: AppAction, _ state: inout AppState) -> [AppEffect] {
    switch action {
    case .started:
        return state.live.interval.map { [.schedulePoll(after: $0)] } ?? []
    case .resized:
        guard state.live.dueWhileHidden, AppLayout(size: state.size, focus: state.focus).mode != .tooSmall else { return [] }
        state.live.dueWhileHidden = false
        return pollDue(&state)
    case .groupSwitched(let workspace, let result):
        guard let group = state.live.removedFrom else { return [] }
        state.live.removedFrom = nil
        guard workspace == .own, case .success = result else { return [] }
        state.status = StatusMessage("You are no longer a member of \(group): this is your own workspace now.")
        state.live.notice = state.status
        return [loadGroupPages(&state)]
    default:
        return []
    }
}

/// A part whose read the user replaced with one of their own (a refresh, a switch) will never answer (the runner
/// cancelled it) or will be dropped: the poll no longer waits for it.
private func dropSupersededParts(_ state: inout AppState) {
    guard let parts = state.live.poll?.parts else { return }
    for part in parts {
        switch part {
        case .currentGroup(let request) where request != state.currentGroupRequest,
             .carts(let request) where request != state.cartsRequest:
            state.live.poll?.parts.remove(part)
        default:
            break
        }
    }
}

/// When the poll has no part left: it ends, and the next is scheduled — after the interval, or longer after failures
/// (doubling, capped). A failure says so in the status line; the first success after failures clears that.
private func pollEnded(_ state: inout AppState) -> [AppEffect] {
    guard let poll = state.live.poll, poll.parts.isEmpty else { return [] }
    state.live.poll = nil
    if poll.failure != nil {
        state.live.failures += 1
    } else {
        if state.live.failures > 0, state.status != nil, state.status == state.live.notice { state.status = nil }
        state.live.failures = 0
    }
    guard let delay = state.live.nextDelay else { return [] }
    if let failure = poll.failure {
        say(StatusMessage("Live updates paused: \(failure.userMessage) Next try in \(Format.seconds(delay)).", kind: .error),
            &state)
    }
    return [.schedulePoll(after: delay)]
}

// MARK: - A poll's answers

private func pollAnswered(_ part: PollPart, _ action: AppAction, _ state: inout AppState,
                          next: (inout AppState, AppAction) -> [AppEffect]) -> [AppEffect] {
    // The user is switching: what the poll read belongs to the workspace being left, and the switch reads it all again.
    guard !isSwitching(state) else { return [] }
    if case .currentGroup = part { return currentGroupPolled(action, &state, next: next) }
    // Asked for in a workspace that is no longer the one on screen: not this workspace's news. (Carts not read yet, as
    // after a start whose reads failed, are this workspace's: the poll brings them.)
    guard let workspace = state.live.poll?.workspace, workspace == state.currentWorkspace,
          state.cartsWorkspace == workspace || state.cartsWorkspace == nil else { return [] }
    if let failure = failure(of: action) {
        if failure.sparkCode == SparkError.codeGroupNotValid { return removedFromGroup(&state) }
        // The open cart's page is not there (deleted meanwhile), or no longer open: the carts' answer says what became
        // of it; nothing failed.
        if case .listingsPageRefreshed(let source, _, _) = action, failure.httpStatus == 404 || state.listings?.source != source {
            return []
        }
        if state.live.poll?.failure == nil { state.live.poll?.failure = failure }
        return []
    }
    let before = ScreenData(state)
    let highlightedCart = state.highlightedCart?.id
    let effects: [AppEffect]
    if case .listingsPageRefreshed(let source, let tick, .success(let page)) = action {
        effects = firstPageRead(page, of: source, tick: tick, &state)
    } else {
        effects = next(&state, action)
    }
    if let highlightedCart { keepHighlight(onCart: highlightedCart, &state) }
    return effects + announceChanges(from: before, &state)
}

/// The poll's current group: a failure ends the poll (1025: the user was removed from the group); a group changed
/// elsewhere is said and its carts read (by the screen's reducer); the same group goes on to `pollReads`.
private func currentGroupPolled(_ action: AppAction, _ state: inout AppState,
                                next: (inout AppState, AppAction) -> [AppEffect]) -> [AppEffect] {
    if let failure = failure(of: action) {
        if failure.sparkCode == SparkError.codeGroupNotValid { return removedFromGroup(&state) }
        state.live.poll?.failure = failure
        return []
    }
    let before = state.currentWorkspace
    let dialogOpen = state.dialog != nil
    var effects = next(&state, action)
    guard let after = state.currentWorkspace else { return effects }
    if let before, before != after {
        // The screen's reducer has already dropped the old workspace's carts and asked for the new one's.
        let from = state.displayName(of: before)
        let generation = markGeneration(&state, effects: &effects)
        state.live.groupChange = LiveMark(kind: .groupChanged(from: from), generation: generation)
        say("Changed elsewhere: now acting for \(state.displayName(of: after)), not \(from)"
            + (dialogOpen ? "; the open window was closed, nothing was changed." : "."), &state)
        return effects + [loadGroupPages(&state)]
    }
    state.live.poll?.workspace = after
    return effects + pollReads(&state)
}

/// What a poll re-reads once it knows the workspace on screen is still the server's current one: the data of what
/// the screen shows — the carts, and with a cart's listings open, their first page (whose answer asks for that page's
/// holders), and the workspace pane's open Searches or Feeds tab. Each read of the carts and listings is a part the
/// poll waits for (`PollPart`).
func pollReads(_ state: inout AppState) -> [AppEffect] {
    var effects = [nextCartsRequest(&state)]
    state.live.poll?.parts.insert(.carts(request: state.cartsRequest))
    if let view = state.listings, view.loadingPage == nil, view.error == nil, !view.listings.isEmpty || view.nextPage == nil {
        effects.append(.refreshListingsPage(source: view.source, tick: state.writes.tick))
        state.live.poll?.parts.insert(.listingsPage(view.source))
    }
    // The Searches or Feeds tab on screen is read again too; the poll does not wait for it (its records stay on
    // screen meanwhile and the tab's own request numbering drops an answer that comes too late).
    return effects + rereadOpenTab(&state)
}

/// The open view's first page, read again: listings the view does not have come in at their place (a listing this
/// session took out meanwhile stays out), the total follows the server's, and the holders of the page — and of the
/// rows the view had from it, which may have left — are read next.
private func firstPageRead(_ page: Page<Listing>, of source: ListingSource, tick: Int, _ state: inout AppState) -> [AppEffect] {
    guard var view = state.listings, view.source == source, let workspace = state.currentWorkspace else { return [] }
    let highlighted = state.highlightedListing?.id
    let shownBefore = view.listings.prefix(EffectRunner.listingsPageSize).map(\.id)
    var known = Set(view.listings.map(\.id))
    for (index, listing) in page.items.enumerated() where !known.contains(listing.id) {
        if view.removed[listing.id] != nil, state.writes.isStale(.listing(listing.id), since: tick) { continue }
        view.listings.insert(listing, at: min(index, view.listings.count))
        view.removed[listing.id] = nil
        known.insert(listing.id)
    }
    if let pagination = page.pagination {
        view.totalRows = pagination.totalRows
        // Everything was in, and the cart grew: the rest can be paged in again.
        if view.nextPage == nil, pagination.totalRows > view.listings.count {
            view.nextPage = view.listings.count / EffectRunner.listingsPageSize + 1
        }
    }
    state.listings = view
    state.rebuildListingRows()
    if let highlighted { keepHighlight(onListing: highlighted, &state) }
    var ids = page.items.map(\.id)
    ids += shownBefore.filter { !ids.contains($0) }
    guard !ids.isEmpty else { return [] }
    state.live.poll?.parts.insert(.holders(listingIds: ids, tick: state.writes.tick))
    return [.loadHolders(listingIds: ids, workspace: workspace, tick: state.writes.tick)]
}

/// 1025 on a poll's read: the group is no longer the user's (an agent removed them). Says so and switches to their own
/// workspace (DELETE of the current group: the server refuses every read until another is chosen); the status says it
/// again when the switch has landed.
private func removedFromGroup(_ state: inout AppState) -> [AppEffect] {
    guard let workspace = state.currentWorkspace, workspace != .own else { return [] }
    let group = state.displayName(of: workspace)
    state.live.removedFrom = group
    let effects = chooseWorkspace(.own, &state)
    // In place of the switch's own words.
    state.status = StatusMessage("You are no longer a member of \(group): going back to your own workspace…", kind: .progress)
    state.live.notice = state.status
    return effects
}

private func failure(of action: AppAction) -> SparkError? {
    switch action {
    case .currentGroupLoaded(_, .failure(let error)), .cartsLoaded(_, _, .failure(let error)),
         .cache(.cartsLoaded(_, _, .failure(let error))),
         .listingsPageRefreshed(_, _, .failure(let error)), .holdersLoaded(_, _, _, .failure(let error)):
        error
    default:
        nil
    }
}

// MARK: - What changed

/// What the screen showed of the workspace: compared before and after a poll's answer to tell what changed.
private struct ScreenData {
    var workspace: Workspace?
    var carts: [ListingCart]?
    var source: ListingSource?
    var listings: [Listing] = []

    init(_ state: AppState) {
        workspace = state.cartsWorkspace
        carts = state.carts.value
        source = state.listings?.source
        listings = state.listings?.listings ?? []
    }
}

/// Marks and says what a poll's answer changed on screen: carts' counts and names, new and deleted carts, listings
/// that came into or left the open view. A deleted cart whose listings are open closes them. Returns the expiry of the
/// marks, when this is the poll's first.
private func announceChanges(from before: ScreenData, _ state: inout AppState) -> [AppEffect] {
    let after = ScreenData(state)
    guard before.workspace != nil, before.workspace == after.workspace, let old = before.carts, let new = after.carts else { return [] }
    var effects: [AppEffect] = []
    func markCart(_ id: String, _ kind: LiveMark.Kind) {
        let generation = markGeneration(&state, effects: &effects)
        state.live.cartMarks[id] = LiveMark(kind: kind, generation: generation)
    }
    var notices: [String] = []
    let oldByID = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let newIDs = Set(new.map(\.id))
    for cart in new {
        guard let was = oldByID[cart.id] else {
            markCart(cart.id, .new)
            notices.append("new cart \(Format.quoted(cart.name)) (\(Format.listings(cart.listingCount)))")
            continue
        }
        if was.name != cart.name {
            var from = was.name
            if case .renamed(let first)? = state.live.cartMarks[cart.id]?.kind { from = first }
            if from == cart.name {
                state.live.cartMarks[cart.id] = nil
            } else {
                markCart(cart.id, .renamed(from: from))
            }
            notices.append("\(Format.quoted(was.name)) was renamed \(Format.quoted(cart.name))")
        }
        if was.listingCount != cart.listingCount {
            var from = was.listingCount
            if case .count(let first, _)? = state.live.cartMarks[cart.id]?.kind { from = first }
            if from == cart.listingCount {
                state.live.cartMarks[cart.id] = nil
            } else if state.live.cartMarks[cart.id]?.kind != .new {
                markCart(cart.id, .count(from: from, to: cart.listingCount))
            }
            notices.append("\(cart.name): \(was.listingCount.map(String.init) ?? "?") → "
                           + "\(Format.listings(cart.listingCount))")
        }
    }
    for cart in old where !newIDs.contains(cart.id) {
        state.live.cartMarks[cart.id] = nil
        if state.listings?.source.cartID == cart.id {
            state.listings = nil
            state.rebuildListingRows()
            notices.append("\(Format.quoted(cart.name)) was deleted" + (state.details == nil ? ": back to the carts" : ""))
        } else {
            notices.append("\(Format.quoted(cart.name)) was deleted")
        }
    }
    if let source = before.source, source == after.source {
        let name = Format.quoted(state.listings?.name ?? "")
        let oldIDs = Set(before.listings.map(\.id)), nowIDs = Set(after.listings.map(\.id))
        let came = after.listings.filter { !oldIDs.contains($0.id) }
        let left = before.listings.filter { !nowIDs.contains($0.id) }
        for listing in came {
            let generation = markGeneration(&state, effects: &effects)
            state.live.listingMarks[listing.id] = LiveMark(kind: .new, generation: generation)
        }
        for listing in left { state.live.listingMarks[listing.id] = nil }
        if came.count == 1 { notices.append("new in \(name): \(Format.name(of: came[0]))") }
        if came.count > 1 { notices.append("\(came.count) new listings in \(name)") }
        if left.count == 1 { notices.append("\(Format.name(of: left[0])) left \(name)") }
        if left.count > 1 { notices.append("\(left.count) listings left \(name)") }
    }
    guard !notices.isEmpty else { return effects }
    state.live.poll?.notices += notices
    let all = state.live.poll?.notices ?? notices
    say(all.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "; ") + ".", &state)
    return effects
}

/// The generation of this poll's marks; the first mark of a poll schedules the expiry of its marks.
private func markGeneration(_ state: inout AppState, effects: inout [AppEffect]) -> Int {
    if let current = state.live.poll?.markGeneration { return current }
    state.live.generation += 1
    state.live.poll?.markGeneration = state.live.generation
    effects.append(.expireLiveMarks(generation: state.live.generation, after: LiveState.markLifetime))
    return state.live.generation
}

/// A poll's words in the status line. They replace what is there, except a change of the user's on its way (its own
/// words say when it is done).
private func say(_ text: String, _ state: inout AppState) {
    say(StatusMessage(text), &state)
}

private func say(_ message: StatusMessage, _ state: inout AppState) {
    guard state.status?.kind != .progress || state.status == state.live.notice else { return }
    state.status = message
    state.live.notice = message
}

/// The highlight stays on the cart it was on when rows came or went above it.
private func keepHighlight(onCart id: String, _ state: inout AppState) {
    guard let carts = state.carts.value, let row = state.cartRows.firstIndex(where: { carts[$0].id == id }) else { return }
    state.cursors[.carts, default: ListState()].selected = row
    state.clampCursor(.carts)
}

private func keepHighlight(onListing id: String, _ state: inout AppState) {
    guard let view = state.listings, let row = state.listingRows.firstIndex(where: { view.listings[$0].id == id }) else { return }
    state.cursors[.listings, default: ListState()].selected = row
    state.clampCursor(.listings)
}

extension Format {
    /// A wait as people say it: "20 s", "2.5 s", "5 min".
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = Format.milliseconds(duration)
        if milliseconds >= 60_000, milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000) min" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(Double(milliseconds) / 1000) s"
    }
}
