import SparkAPI

// The portal groups arrive a page at a time (`SparkClient.groupPages()`): on a first load the picker fills as pages
// come, so the first 25 groups can be used after one round trip; the pane says "loading groups… 12 of 80 pages". A
// page that fails keeps what arrived and says what is missing; `r` starts again from page 1.

/// How far the groups' pages have come.
public struct GroupPaging: Equatable, Sendable {
    /// The latest request; pages of any other are dropped.
    public var request = 0
    /// The groups of the pages in so far, in server order.
    public var received: [PortalGroup] = []
    /// The last page in, and how many there are (as known now).
    public var page = 0
    public var pageCount: Int?
    /// The server's count of groups, when it sent one.
    public var totalRows: Int?
    /// Whether `AppState.groups` shows every group the server has (false while pages arrive, and after a failure part
    /// way).
    public var complete = false
    /// The picker's highlight has been put on the current group once: later pages leave it where the user has it.
    public var highlightPlaced = false

    public init() {}
}

/// Asks for every page of the groups again, from page 1.
func loadGroupPages(_ state: inout AppState) -> AppEffect {
    state.groupPaging.request += 1
    state.groupPaging.received = []
    state.groupPaging.page = 0
    state.groupPaging.pageCount = nil
    return .loadGroupPages(request: state.groupPaging.request)
}

/// A page of groups. The picker shows the pages in so far as soon as they are at least as many groups as it shows
/// (at once on a first load; at the end on a refresh of a whole list, which never shrinks meanwhile).
func groupPageLoaded(_ request: Int, _ progress: ListProgress<PortalGroup>, _ state: inout AppState) -> [AppEffect] {
    guard request == state.groupPaging.request, progress.page == state.groupPaging.page + 1 else { return [] }
    var paging = state.groupPaging
    paging.received += progress.items
    paging.page = progress.page
    paging.pageCount = progress.pageCount
    paging.totalRows = progress.totalRows
    let shown = state.groups.value?.count ?? 0
    if progress.isLast {
        paging.complete = true
        state.groups = .loaded(paging.received)
        paging.received = []
    } else if paging.received.count >= shown {
        paging.complete = false
        state.groups = .loading(previous: paging.received)
    }
    state.groupPaging = paging
    state.rebuildPickerRows(groupsChanged: true)
    placeHighlightOnCurrentGroup(&state)
    return []
}

/// The pages stopped: what arrived stays (or what was shown, when it was more), and the status says what is missing.
func groupPagesFailed(_ request: Int, _ error: SparkError, _ state: inout AppState) -> [AppEffect] {
    guard request == state.groupPaging.request else { return [] }
    var paging = state.groupPaging
    let received = paging.received
    paging.received = []
    state.groupPaging = paging
    guard paging.page > 0 else {
        // Not even the first page: as any failed read.
        return reduceScreen(&state, .groupsLoaded(.failure(error)))
    }
    let shown = state.groups.value ?? []
    let keep = received.count >= shown.count ? received : shown
    state.groupPaging.complete = false
    state.groups = .failed(error, previous: keep)
    state.rebuildPickerRows(groupsChanged: true)
    let of = paging.totalRows.map { " of \($0)" } ?? ""
    let failed = paging.pageCount.map { "page \(paging.page + 1) of \($0)" } ?? "page \(paging.page + 1)"
    state.status = StatusMessage("Couldn't read all the portal groups: \(failed) failed: \(error.userMessage) "
                                 + "\(keep.count)\(of) are shown; press r to read them again.", kind: .error)
    return []
}

/// On a first load the highlight starts on "My own workspace"; it moves to the current group when that arrives,
/// once (the user may have moved it since).
private func placeHighlightOnCurrentGroup(_ state: inout AppState) {
    guard !state.groupPaging.highlightPlaced, let current = state.currentWorkspace else { return }
    guard state.highlightedPickerRow == .own || state.highlightedPickerRow == nil else {
        state.groupPaging.highlightPlaced = true
        return
    }
    guard state.pickerRows.contains(where: { state.workspace(of: $0) == current }) else { return }
    highlight(current, &state)
    state.groupPaging.highlightPlaced = true
}

extension AppState {
    /// The picker's count: "2,000", or "300 of 2,000" while pages arrive or after one failed.
    var groupCountLabel: String? {
        guard let groups = groups.value, !groups.isEmpty else { return nil }
        if !groupPaging.complete, let total = groupPaging.totalRows, total > groups.count {
            return "\(groups.count) of \(total)"
        }
        return String(groups.count)
    }

    /// The picker's loading line: "loading groups…", then "loading groups… 12 of 80 pages".
    var groupsLoadingNote: String? {
        guard groups.isLoading else { return nil }
        guard let count = groupPaging.pageCount, count > 1 else { return "loading groups…" }
        return "loading groups… \(groupPaging.page) of \(count) pages"
    }
}

extension EffectRunner {
    /// Reads the groups' pages, posting each as it comes, then the failure if one stops them. A cancelled read posts
    /// nothing more (its stream stops fetching).
    static func streamGroupPages(request: Int, expectedPages: Int?, with client: SparkClient,
                                 post: @Sendable (AppAction) -> Void) async {
        do {
            for try await progress in client.groupPages(expectedPages: expectedPages) {
                guard !Task.isCancelled else { return }
                post(.groupPageLoaded(request: request, progress))
            }
        } catch {
            guard !Task.isCancelled else { return }
            post(.groupPagesFailed(request: request, SparkError(error)))
        }
    }
}
