import Foundation
import SparkAPI
import TerminalUI

/// Which workspace the user acts for: their own carts, or a portal group's (named by the group's `Id`).
public enum Workspace: Hashable, Sendable {
    case own
    case group(id: String)

    /// The workspace the server reports through `GET /v1/portal/groups/current`.
    public init(current: PortalGroup?) {
        self = current.map { .group(id: $0.id) } ?? .own
    }
}

/// Data the app asked the server for, in each of the states the screen distinguishes.
public enum Loadable<Value: Sendable & Equatable>: Sendable, Equatable {
    case idle
    /// A request is in flight; `previous` stays on screen meanwhile.
    case loading(previous: Value?)
    case loaded(Value)
    /// The last request failed; `previous` (if any) is still what the server last told us.
    case failed(SparkError, previous: Value?)

    public var value: Value? {
        switch self {
        case .idle: nil
        case .loading(let previous), .failed(_, let previous): previous
        case .loaded(let value): value
        }
    }

    public var isLoading: Bool {
        if case .loading = self { return true }
        return false
    }

    public var error: SparkError? {
        if case .failed(let error, _) = self { return error }
        return nil
    }

    /// The same state with another value (a write's answer changed what the server last said).
    public func replacingValue(_ value: Value) -> Loadable {
        switch self {
        case .idle, .loaded: .loaded(value)
        case .loading: .loading(previous: value)
        case .failed(let error, _): .failed(error, previous: value)
        }
    }

    /// The same data, now being refreshed.
    public var reloading: Loadable { .loading(previous: value) }

    /// The outcome of a request, keeping the previous value on failure.
    public func finished(_ result: Result<Value, SparkError>) -> Loadable {
        switch result {
        case .success(let value): .loaded(value)
        case .failure(let error): .failed(error, previous: value)
        }
    }
}

/// The panes of the main screen, in Tab order.
public enum Pane: Int, CaseIterable, Hashable, Sendable {
    case groups, members, carts

    public var title: String {
        switch self {
        case .groups: "Portal groups"
        case .members: "Members"
        case .carts: "Listing carts"
        }
    }
}

/// The scrollable lists of the screen; the workspace pane shows the open tab's list (carts, saved searches, news
/// feeds) or, drilled down, a cart's or a search's listings.
public enum ListID: Hashable, Sendable, CaseIterable {
    case groups, members, carts, listings
    case searches, feeds
}

/// A row of the group picker.
public enum PickerRow: Hashable, Sendable {
    /// "My own workspace": choosing it leaves the current group (DELETE).
    case own
    /// A group, by its index in `AppState.groups`.
    case group(Int)
}

/// A group switch the user asked for. Switches are serialized: one PUT/DELETE is in flight at a time,
/// and only the latest request made meanwhile is kept, so the server ends on the user's last choice.
public struct GroupSwitch: Hashable, Sendable {
    public var inFlight: Workspace
    public var queued: Workspace?
}

/// A line in the status bar.
public struct StatusMessage: Equatable, Sendable {
    public enum Kind: Sendable { case info, progress, error }
    public var text: String
    public var kind: Kind
    public init(_ text: String, kind: Kind = .info) {
        self.text = text
        self.kind = kind
    }
}

/// A window drawn over the panes.
public enum Overlay: Hashable, Sendable {
    case help
    case requestLog
    /// The last error, whole (`e`).
    case lastError
}

/// Everything the screen shows, and nothing it doesn't need. Changed only by `reduce`.
public struct AppState: Equatable, Sendable {
    // What the server told us.
    public var account: Loadable<Account> = .idle
    public var groups: Loadable<[PortalGroup]> = .idle
    /// The server's current group (nil inside: the user's own workspace).
    public var currentGroup: Loadable<PortalGroup?> = .idle
    public var carts: Loadable<[ListingCart]> = .idle
    /// The workspace the carts in `carts` belong to (as the request that brought them expected); nil when
    /// they were asked for before the current group was known, or there are none.
    public var cartsWorkspace: Workspace?
    /// The listings view (a cart's listings), open in the carts pane.
    public var listings: ListingsView?
    /// Which carts of the workspace hold each listing shown, by Id (`/listingcarts/for/`): the ★ and ✗ of the rows.
    public var holders: [String: Set<String>] = [:]
    /// The workspace pane's tabs (Carts · Searches · Feeds): the open one, the saved searches and news feeds.
    public var workspaceTabs = WorkspaceTabs()

    // What the user is doing.
    public var focus: Pane = .groups
    /// Each list's highlight (an index into its rows; nil while it has none) and first row in view.
    public var cursors: [ListID: ListState] = [:]
    public var filters: [ListID: String] = [:]
    /// The list whose filter is being typed, if any.
    public var editingFilter: ListID?
    public var groupSwitch: GroupSwitch?
    public var overlay: Overlay?
    /// A listing's details, over the panes.
    public var details: ListingDetails?
    /// A question over the screen (a chooser, a name, a confirmation); it takes the keys.
    public var dialog: Dialog?
    /// The changes to the workspace this session sent, sends, queued and can undo.
    public var writes = WriteLedger()
    /// A group switch the user asked for while changes were in flight: it starts when they are answered, so that
    /// no change lands in a workspace the user is leaving.
    public var switchWaiting: Workspace?
    /// A switch was answered and the current group is being read again: until it is, where a write would land is
    /// not known (a switch that failed may still have been applied), so none is sent.
    public var switchSettling = false
    /// `q` was pressed while changes were in flight: the app quits once they are answered.
    public var quitWhenIdle = false
    public var overlayScroll = 0
    public var status: StatusMessage?
    /// The status line's timing, the last error, a switch landing, a read that keeps the user waiting.
    public var feedback = Feedback()
    /// The filter being typed (`editingFilter`), as a line editor.
    public var filterEditor = LineEditorState()
    /// The portal groups' pages as they arrive.
    public var groupPaging = GroupPaging()
    /// The photo of the listing in details, and how photos are drawn (off unless the launcher says otherwise).
    public var detailsPhoto = DetailsPhotoState()

    // Derived rows, kept so that drawing costs what is visible, not what is loaded.
    public private(set) var pickerRows: [PickerRow] = [.own]
    public private(set) var memberRows: [Int] = []
    public private(set) var cartRows: [Int] = []
    public private(set) var listingRows: [Int] = []
    /// Groups sorted by owner name (indices into `groups`).
    private var groupOrder: [Int] = []

    // Request bookkeeping: answers to anything but the latest request of a kind are dropped.
    public var currentGroupRequest = 0
    public var cartsRequest = 0
    /// `writes.tick` when the latest carts request was made (see `WriteLedger`).
    public var cartsRequestTick = 0
    public var requestLog: [RequestEvent] = []
    public var retry: RetryNotice?
    /// Live refresh: the poll in flight, its backoff, and the marks of what other members changed (Live.swift).
    public var live = LiveState()
    /// The presenter's tools: acting as another demo member, the request log's selection and details (Presenter.swift).
    public var presenter = PresenterState()
    /// The last-known workspace and the server's reachability (Cache.swift).
    public var cache = CacheState()

    // The terminal.
    public var size: Size
    public var tick = 0
    public var endpointHost: String
    public var keyMap: KeyMap
    public var mouseEnabled: Bool

    public static let requestLogLimit = 200

    public init(size: Size, endpointHost: String, keyMap: KeyMap = .standard, mouseEnabled: Bool = true) {
        self.size = size
        self.endpointHost = endpointHost
        self.keyMap = keyMap
        self.mouseEnabled = mouseEnabled
    }

    // MARK: - Derived facts

    /// The workspace the server says the user acts for, once known.
    public var currentWorkspace: Workspace? {
        guard let current = currentGroup.value else { return nil }
        return Workspace(current: current)
    }

    public func cursor(_ list: ListID) -> ListState { cursors[list] ?? ListState() }

    public func filter(_ list: ListID) -> String { filters[list] ?? "" }

    public func rowCount(_ list: ListID) -> Int {
        switch list {
        case .groups: pickerRows.count
        case .members: memberRows.count
        case .carts: cartRows.count
        case .listings: listingRows.count
        case .searches: workspaceTabs.searchRows.count
        case .feeds: workspaceTabs.feedRows.count
        }
    }

    /// The list shown in a pane (the carts pane shows listings while drilled down).
    public func list(in pane: Pane) -> ListID {
        switch pane {
        case .groups: .groups
        case .members: .members
        case .carts: listings == nil ? workspaceTabs.open.list : .listings
        }
    }

    public var focusedList: ListID { list(in: focus) }

    /// Where the keys are: the listing's details, or the focused pane's list.
    public var keyContext: KeyContext {
        if details != nil { return .details }
        switch focusedList {
        case .groups: return .groups
        case .members: return .members
        case .carts: return .carts
        case .listings: return .listings
        case .searches: return .searches
        case .feeds: return .feeds
        }
    }

    /// The group whose row is highlighted in the picker, if it is a group.
    public var highlightedGroup: PortalGroup? {
        guard case .group(let index)? = highlightedPickerRow, let groups = groups.value else { return nil }
        return groups[index]
    }

    public var highlightedPickerRow: PickerRow? {
        guard let selected = cursor(.groups).selected, pickerRows.indices.contains(selected) else { return nil }
        return pickerRows[selected]
    }

    public func workspace(of row: PickerRow) -> Workspace {
        switch row {
        case .own: .own
        case .group(let index): .group(id: groups.value?[index].id ?? "")
        }
    }

    /// The name a workspace goes by on screen: groups have no name, so they are called by their owner.
    public func displayName(of workspace: Workspace) -> String {
        switch workspace {
        case .own:
            return "My own workspace"
        case .group(let id):
            if let group = groups.value?.first(where: { $0.id == id }) ?? currentGroup.value.flatMap({ $0 }),
               group.id == id {
                return "\(group.ownerName)'s group"
            }
            return "group \(id)"
        }
    }

    public var highlightedCart: ListingCart? {
        guard let selected = cursor(.carts).selected, cartRows.indices.contains(selected), let carts = carts.value
        else { return nil }
        return carts[cartRows[selected]]
    }

    /// Whether anything is in flight (drives the spinner and the loop's tick).
    public var isBusy: Bool {
        account.isLoading || groups.isLoading || currentGroup.isLoading || carts.isLoading
            || groupSwitch != nil || switchWaiting != nil || listings?.loadingPage != nil || !writes.inFlight.isEmpty
            || details?.loading == true || workspaceTabs.isLoading || detailsPhoto.pending != nil || live.poll != nil
    }

    // MARK: - Keeping derived rows in step

    /// Rebuilds the picker rows after the groups or the picker filter changed, keeping the highlight on
    /// the same workspace when it is still listed. Sorting happens only when the groups changed.
    mutating func rebuildPickerRows(groupsChanged: Bool = false) {
        let keep = highlightedPickerRow.map { workspace(of: $0) }
        let groups = groups.value ?? []
        if groupsChanged || groupOrder.count != groups.count {
            groupOrder = groups.indices.sorted { a, b in
                let order = groups[a].ownerName.localizedStandardCompare(groups[b].ownerName)
                return order == .orderedSame ? a < b : order == .orderedAscending
            }
        }
        let needle = filter(.groups)
        var rows: [PickerRow] = []
        if needle.isEmpty || "My own workspace".localizedStandardContains(needle) { rows.append(.own) }
        for index in groupOrder where needle.isEmpty || groups[index].ownerName.localizedStandardContains(needle) {
            rows.append(.group(index))
        }
        pickerRows = rows
        if let keep, let index = rows.firstIndex(where: { workspace(of: $0) == keep }) {
            cursors[.groups, default: ListState()].selected = index
        }
        clampCursor(.groups)
        rebuildMemberRows()
    }

    /// The highlighted group's members, owner first, then in server order; filtered.
    mutating func rebuildMemberRows() {
        guard let group = highlightedGroup else {
            memberRows = []
            clampCursor(.members)
            return
        }
        let needle = filter(.members)
        let ownerIndex = group.users.firstIndex { $0.id == group.contactId }
        var rows: [Int] = []
        rows.reserveCapacity(group.users.count)
        if let ownerIndex { rows.append(ownerIndex) }
        for index in group.users.indices where index != ownerIndex { rows.append(index) }
        if !needle.isEmpty {
            rows = rows.filter { group.users[$0].name.localizedStandardContains(needle) }
        }
        memberRows = rows
        clampCursor(.members)
    }

    mutating func rebuildCartRows() {
        let carts = carts.value ?? []
        let needle = filter(.carts)
        cartRows = carts.indices.filter { needle.isEmpty || carts[$0].name.localizedStandardContains(needle) }
        clampCursor(.carts)
    }

    mutating func rebuildListingRows() {
        let listings = listings?.listings ?? []
        let needle = filter(.listings)
        listingRows = listings.indices.filter { index in
            guard !needle.isEmpty else { return true }
            let listing = listings[index]
            return [listing.address, listing.city, listing.status, listing.listingNumber].contains { value in
                if case .value(let text) = value { return text.localizedStandardContains(needle) }
                return false
            }
        }
        clampCursor(.listings)
    }

    mutating func rebuildRows(_ list: ListID) {
        switch list {
        case .groups: rebuildPickerRows()
        case .members: rebuildMemberRows()
        case .carts: rebuildCartRows()
        case .listings: rebuildListingRows()
        case .searches: rebuildSearchRows()
        case .feeds: rebuildFeedRows()
        }
    }

    /// Keeps the highlight on a row and the viewport around the highlight.
    mutating func clampCursor(_ list: ListID) {
        var cursor = cursor(list)
        let count = rowCount(list)
        cursor.selected = count == 0 ? nil : min(max(cursor.selected ?? 0, 0), count - 1)
        cursors[list] = cursor.scrolled(height: AppLayout(size: size, focus: focus).listHeight(for: list), count: count)
    }
}

extension AppState {
    /// How many scroll positions the open overlay has.
    public var overlayLineCount: Int {
        switch overlay {
        case .help: helpScrollLimit(self) + 1
        case .requestLog: requestLog.count
        case .lastError: lastErrorScrollLimit(self) + 1
        case nil: 0
        }
    }
}
