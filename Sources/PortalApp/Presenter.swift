import Foundation
import SparkAPI
import TerminalUI

// The presenter's tools: acting as another member of the demo (`A`), and the request log (`L`) as a way to teach the
// API — each request as the curl command that repeats it, copied to the clipboard with `y`. The views are in
// PresenterViews.swift.

/// A member the app can act as: who they are. Never their token (the runner's `MemberTokens` holds those).
public struct ActAsMember: Hashable, Sendable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// The demo members' tokens, held by the runner (never by the state), and the client's switchable token provider:
/// `actAs` makes every request from then on go with that member's token.
public final class MemberTokens: Sendable, CustomStringConvertible {
    private let tokens: [String: String]
    private let provider: SwitchableToken
    /// Who can be acted as, in the order given: ids and names only.
    public let members: [ActAsMember]

    /// - Parameters:
    ///   - members: each member with their token.
    ///   - provider: the client's token provider, switched by `actAs`.
    public init(_ members: [(member: ActAsMember, token: String)], provider: SwitchableToken) {
        self.members = members.map(\.member)
        tokens = Dictionary(members.map { ($0.member.id, $0.token) }, uniquingKeysWith: { first, _ in first })
        self.provider = provider
    }

    /// Sends every request from now on as `member`; false when there is no token for them.
    public func actAs(_ member: ActAsMember) -> Bool {
        guard let token = tokens[member.id] else { return false }
        provider.use(StaticToken(token))
        return true
    }

    public var description: String { "MemberTokens(\(members.map(\.name).joined(separator: ", ")), <redacted>)" }
}

/// What the presenter's tools show.
public struct PresenterState: Equatable, Sendable {
    /// The members the runner holds demo tokens for; empty outside `--demo`, where `A` says it is a demo feature.
    public var demoMembers: [ActAsMember] = []
    /// The `A` chooser while it is open, and the members behind its items.
    public var chooser: ChooserState?
    public var chooserMembers: [ActAsMember] = []
    /// The member the runner is switching to.
    public var switchingTo: ActAsMember?
    /// The group the member acted as was chosen from: once their current group is read, the app acts for this one as
    /// them (switching their current group on the demo server if theirs is another).
    public var actAsGroup: Workspace?
    /// The picker's highlight goes to that group once the groups and the current group are in.
    public var actAsHighlight: Workspace?
    /// How many requests were ever logged: numbers the requests, so the highlight stays on one while newer ones come
    /// in and older ones leave the log.
    public var loggedCount = 0
    /// The highlighted request of the log, by number (nil: the newest, while the log was empty when it opened).
    public var logSelection: Int?
    /// The highlighted request's details (and its curl command) are open, scrolled by this many lines.
    public var logDetail = false
    public var logDetailScroll = 0

    public init() {}

    public var isDemo: Bool { !demoMembers.isEmpty }
}

extension AppState {
    /// The request log's highlighted row (0: the newest), when the log has any.
    public var requestLogRow: Int? {
        guard !requestLog.isEmpty else { return nil }
        guard let selection = presenter.logSelection else { return 0 }
        let first = presenter.loggedCount - requestLog.count
        let index = min(max(selection - first, 0), requestLog.count - 1)
        return requestLog.count - 1 - index
    }

    /// The request the log's highlight is on.
    public var selectedRequest: RequestEvent? {
        requestLogRow.map { requestLog[requestLog.count - 1 - $0] }
    }
}

/// The presenter's share of `reduce`: the `A` chooser's keys and answer, the request log's keys, and the numbering of
/// the log. Nil for everything it leaves to the rest of the reducer.
func reducePresenter(_ action: AppAction, _ state: inout AppState) -> [AppEffect]? {
    switch action {
    case .keyPressed(let key) where key != .ctrl("c"):
        if state.presenter.chooser != nil {
            if case .mouse = key, !state.mouseEnabled { return [] }
            return actAsChooserKey(key, &state)
        }
        if state.overlay == .requestLog, state.dialog == nil, state.editingFilter == nil {
            return requestLogKey(key, &state)
        }
        return nil
    case .actingAs(let member, let switched):
        return actingAs(member, switched: switched, &state)
    case .requestFinished:
        state.presenter.loggedCount += 1
        return nil
    default:
        return nil
    }
}

// MARK: - Acting as another member

/// `A`: the chooser of the current group's members who have demo tokens (not the one acted as now). Outside `--demo`
/// it says it is a demo feature; while changes or a switch are on their way it says why not yet.
func openActAs(_ state: inout AppState) -> [AppEffect] {
    guard state.presenter.isDemo else {
        state.status = StatusMessage("Acting as another member is a demo feature (spark-portal --demo).")
        return []
    }
    guard state.writes.isIdle else {
        state.status = StatusMessage("Changes are on their way as \(state.account.value?.name ?? "you"): A waits until they are answered.")
        return []
    }
    guard state.groupSwitch == nil, state.switchWaiting == nil, state.presenter.switchingTo == nil else {
        state.status = StatusMessage("A switch is on its way: A waits until it is done.")
        return []
    }
    guard let group = state.currentGroup.value ?? nil else {
        state.status = StatusMessage("A acts as a member of the group you act for: choose a group first.")
        return []
    }
    let me = state.account.value?.id
    let withTokens = Set(state.presenter.demoMembers.map(\.id))
    // The owner first, then the others in the group's order, as the members pane lists them.
    let users = group.users.filter { $0.id == group.contactId } + group.users.filter { $0.id != group.contactId }
    let members = users.filter { withTokens.contains($0.id) && $0.id != me }.map { ActAsMember(id: $0.id, name: $0.name) }
    guard !members.isEmpty else {
        state.status = StatusMessage("No other member of \(group.ownerName)'s group has a demo token.")
        return []
    }
    state.presenter.chooserMembers = members
    state.presenter.chooser = ChooserState(
        title: "Act as (demo)",
        items: members.map { ChooserItem($0.name, detail: $0.id == group.contactId ? "owner" : "") })
    return []
}

private func actAsChooserKey(_ key: Key, _ state: inout AppState) -> [AppEffect] {
    guard var chooser = state.presenter.chooser else { return [] }
    let outcome = chooser.handle(key, in: Rect(size: state.size)) { label, filter in
        filter.isEmpty || label.localizedStandardContains(filter)
    }
    state.presenter.chooser = chooser
    switch outcome {
    case .chosen(let index):
        state.presenter.chooser = nil
        let member = state.presenter.chooserMembers[index]
        state.presenter.switchingTo = member
        state.presenter.actAsGroup = state.currentWorkspace
        state.presenter.actAsHighlight = state.currentWorkspace
        state.status = StatusMessage("Acting as \(member.name)…", kind: .progress)
        return [.actAs(member)]
    case .cancelled:
        state.presenter.chooser = nil
    case .moved, .filterChanged, .ignored:
        break
    }
    return []
}

/// The runner now sends every request as `member`: everything is read again as them, from a blank screen (their
/// groups, their current group, their carts), in the group they were chosen from (`actAsGroup`). The undo history was
/// the other member's, and is dropped: undoing it now would be done by someone who did not do it. (No change was on its
/// way: `A` waits for them.)
private func actingAs(_ member: ActAsMember, switched: Bool, _ state: inout AppState) -> [AppEffect] {
    state.presenter.switchingTo = nil
    guard switched else {
        state.presenter.actAsGroup = nil
        state.presenter.actAsHighlight = nil
        state.status = StatusMessage("There is no demo token for \(member.name); nothing changed.", kind: .error)
        return []
    }
    let before = state.account.value?.name
    let undone = !state.writes.undoStack.isEmpty
    state.writes.undoStack.removeAll()
    state.account = .loading(previous: nil)
    state.groups = .loading(previous: nil)
    state.currentGroup = .loading(previous: nil)
    state.carts = .loading(previous: nil)
    state.cartsWorkspace = nil
    state.holders = [:]
    state.listings = nil
    state.details = nil
    state.dialog = nil
    state.editingFilter = nil
    state.filters = [:]
    state.cursors = [:]
    state.retry = nil
    state.switchSettling = false
    state.live.poll = nil
    state.live.cartMarks = [:]
    state.live.listingMarks = [:]
    state.live.groupChange = nil
    state.live.removedFrom = nil
    state.rebuildPickerRows(groupsChanged: true)
    state.rebuildCartRows()
    state.rebuildListingRows()
    state.currentGroupRequest += 1
    var effects: [AppEffect] = [
        .loadCurrentGroup(request: state.currentGroupRequest),
        loadGroupPages(&state),
        nextCartsRequest(&state, expecting: .some(nil)),
        .loadAccount,
    ]
    if let interval = state.live.interval { effects.append(.schedulePoll(after: interval)) }
    state.status = StatusMessage("Acting as \(member.name) (demo)"
                                 + (undone ? "; \(before ?? "the other member")'s changes can no longer be undone." : "."))
    return effects
}

/// Once the member acted as has their current group read: if it is not the group they were chosen from, the app
/// chooses it for them (on the demo server), so the presenter sees that group's workspace through their eyes.
func observePresenter(_ action: AppAction, _ state: inout AppState) -> [AppEffect] {
    if let target = state.presenter.actAsHighlight, state.groups.value != nil, !state.groups.isLoading,
       state.currentGroup.value != nil, !state.currentGroup.isLoading {
        // After the screen's reducer has put the highlight on the member's own current group.
        state.presenter.actAsHighlight = nil
        highlight(target, &state)
    }
    guard case .currentGroupLoaded(let request, let result) = action, request == state.currentGroupRequest,
          let group = state.presenter.actAsGroup else { return [] }
    state.presenter.actAsGroup = nil
    guard case .success = result, let current = state.currentWorkspace, current != group else { return [] }
    return chooseWorkspace(group, &state)
}

// MARK: - The request log

/// The request log's keys: ↑↓ (and the other moves) go through the requests, newest first; Enter shows the highlighted
/// one whole, with its curl command; `y` copies that command; Esc goes back (from the details to the log, from the log
/// to the screen). The keys that open or close the overlay close it, as before.
private func requestLogKey(_ key: Key, _ state: inout AppState) -> [AppEffect] {
    let command = state.keyMap.command(for: key, in: state.keyContext)
    if command == .suspend { return [.suspend] }
    if key == .char("y") { return copySelectedRequest(&state) }
    if state.presenter.logDetail {
        switch (key, command) {
        case (_, .moveUp?): state.presenter.logDetailScroll = max(state.presenter.logDetailScroll - 1, 0)
        case (_, .moveDown?): state.presenter.logDetailScroll += 1
        case (_, .pageUp?): state.presenter.logDetailScroll = max(state.presenter.logDetailScroll - 10, 0)
        case (_, .pageDown?): state.presenter.logDetailScroll += 10
        case (_, .top?): state.presenter.logDetailScroll = 0
        case (.escape, _), (.enter, _):
            state.presenter.logDetail = false
        case (_, .requestLog?), (_, .help?), (_, .quit?):
            state.presenter.logDetail = false
            state.overlay = nil
        default:
            break
        }
        state.presenter.logDetailScroll = min(state.presenter.logDetailScroll, max(requestDetailLineCount(state) - 1, 0))
        return []
    }
    let height = max(requestLogListHeight(state.size), 1)
    switch (key, command) {
    case (_, .moveUp?): selectRequest(row: (state.requestLogRow ?? 0) - 1, &state)
    case (_, .moveDown?): selectRequest(row: (state.requestLogRow ?? 0) + 1, &state)
    case (_, .pageUp?): selectRequest(row: (state.requestLogRow ?? 0) - height, &state)
    case (_, .pageDown?): selectRequest(row: (state.requestLogRow ?? 0) + height, &state)
    case (_, .top?): selectRequest(row: 0, &state)
    case (_, .bottom?): selectRequest(row: state.requestLog.count - 1, &state)
    case (.enter, _):
        guard state.selectedRequest != nil else { return [] }
        state.presenter.logDetail = true
        state.presenter.logDetailScroll = 0
    case (.escape, _), (_, .requestLog?), (_, .help?), (_, .quit?):
        state.overlay = nil
        state.presenter.logSelection = nil
    default:
        break
    }
    return []
}

/// The log's highlight on the newest request now (none while the log is empty).
func pinRequestLogSelection(_ state: inout AppState) {
    state.presenter.logSelection = state.requestLog.isEmpty ? nil : state.presenter.loggedCount - 1
    state.presenter.logDetail = false
}

/// Puts the highlight on a row of the log (0: the newest), which then keeps it while requests come and go.
private func selectRequest(row: Int, _ state: inout AppState) {
    guard !state.requestLog.isEmpty else { return }
    let row = min(max(row, 0), state.requestLog.count - 1)
    let index = state.requestLog.count - 1 - row
    state.presenter.logSelection = state.presenter.loggedCount - state.requestLog.count + index
}

/// `y`: the highlighted request's curl command to the clipboard, through the terminal.
private func copySelectedRequest(_ state: inout AppState) -> [AppEffect] {
    guard let event = state.selectedRequest else { return [] }
    guard let curl = curlCommand(for: event) else {
        state.status = StatusMessage("This request cannot be repeated: its address was not kept.")
        return []
    }
    state.status = StatusMessage("Copied the curl command for \(event.method) \(event.path.split(separator: "?")[0]) "
                                 + "(through the terminal: OSC 52).")
    return [.copyToClipboard(curl)]
}

// MARK: - curl

/// The curl command that repeats a request, in the form of the API's walkthrough (`../shared/seed/`): the URL, the
/// user agent and authorization headers, and for a write its JSON body —
///
///     curl "https://sparkapi.com/v1/portal/groups/current" -H "X-SparkApi-User-Agent: spark-portal/0.1.0"
///       -H "Authorization: OAuth $SPARK_ACCESS_TOKEN" -H 'Content-Type: application/json' -X PUT --data '{"D":{"Id":"…"}}'
///
/// (on one line). The token is always written `$SPARK_ACCESS_TOKEN`, for the shell to fill in: the event never has
/// it. The token grant's body holds secrets and is not kept, so its command has none. Nil when the event does not
/// say where the request went.
public func curlCommand(for event: RequestEvent) -> String? {
    guard let url = event.url else { return nil }
    var parts = ["curl", shellQuoted(url)]
    if let userAgent = event.userAgent { parts += ["-H", shellQuoted("X-SparkApi-User-Agent: \(userAgent)")] }
    // Every call but the token grant carries the token.
    if !event.path.hasPrefix("/v1/oauth2/") { parts += ["-H", "\"Authorization: OAuth $SPARK_ACCESS_TOKEN\""] }
    if event.body != nil || event.path.hasPrefix("/v1/oauth2/") { parts += ["-H", "'Content-Type: application/json'"] }
    if event.method != "GET" { parts += ["-X", event.method] }
    if let body = event.body { parts += ["--data", singleQuoted(body)] }
    return parts.joined(separator: " ")
}

/// In double quotes, as the walkthrough writes them, when nothing in the text means anything there to a shell;
/// otherwise in single quotes.
private func shellQuoted(_ text: String) -> String {
    text.contains(where: { "\"\\$`!".contains($0) }) ? singleQuoted(text) : "\"\(text)\""
}

private func singleQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
}
