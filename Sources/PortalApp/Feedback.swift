import Foundation
import SparkAPI
import TerminalUI

// What the screen says about itself: a message that goes away after a few seconds or at the next key, the last
// error kept whole for `e`, a group switch said as done only once the screen shows it, and a read that keeps the
// user waiting — how long, which attempt, `r` to ask again at once, Esc to give up. Time is the app's clock, given
// to the reducer as `.timePassed` by the program's stopwatch, so tests move it by hand.

/// What the app tells the user about what is going on, and the time it needs to say it.
public struct Feedback: Equatable, Sendable {
    /// Time on the app's clock since the program started, as the stopwatch reported it (whole steps of about a second).
    public var now: Duration = .zero
    /// When `AppState.status` last changed (on `now`).
    public var statusSince: Duration = .zero
    /// When each read was last asked for (on `now`), by its effect's id.
    public var started: [EffectID: Duration] = [:]
    /// When the retry notice in `AppState.retry` came (on `now`).
    public var retrySince: Duration = .zero
    /// The last error the status line said, kept whole for `e`.
    public var lastError: LastError?
    /// The workspace a switch landed in, until the screen shows it (the current group and its carts read again).
    public var arrival: Workspace?
    /// The access token came from `SPARK_ACCESS_TOKEN`: when it is refused, logging in again does not help.
    public var tokenFromEnvironment = false

    public init() {}

    /// How long an info message stays when no key is pressed.
    public static let messageLifetime: Duration = .seconds(5)
    /// A read that has gone on this long is said in the status line, with `r` and Esc.
    public static let slowRead: Duration = .seconds(3)
}

/// The last error said in the status line, with what the app knows about the request behind it.
public struct LastError: Equatable, Sendable {
    /// The status line's sentence, whole.
    public var sentence: String
    /// The failure behind it, when a server's answer (or its absence) was the cause.
    public var error: SparkError?
    /// When it was said (on `Feedback.now`).
    public var at: Duration
}

/// The one update function: applies an action to the state and says what work to do next. Pure and synchronous —
/// every behaviour of the app can be tested by calling it.
///
/// Around live refresh, the presenter's tools and the screen's reducer with the cache (`reduceLiveAndPresenter`,
/// LiveReducer.swift), this keeps the status line honest: an info message goes at the next key (and
/// after `Feedback.messageLifetime`), an error is kept whole for `e`, a switch is said as done when the screen shows it,
/// and the reads asked for are timed.
public func reduce(_ state: inout AppState, _ action: AppAction) -> [AppEffect] {
    let before = state.status
    if case .keyPressed(let key) = action, !key.isMouse, state.status?.kind == .info {
        state.status = nil
    }
    let effects = reduceLiveAndPresenter(&state, action)
    for effect in effects {
        if let id = effect.id { state.feedback.started[id] = state.feedback.now }
    }
    if case .retryScheduled = action { state.feedback.retrySince = state.feedback.now }
    if case .groupSwitched(let target, .success) = action, state.groupSwitch == nil, state.switchSettling {
        state.feedback.arrival = target
    }
    settleArrival(&state)
    if state.status != before { statusChanged(by: action, &state) }
    return effects
}

extension Key {
    var isMouse: Bool {
        if case .mouse = self { return true }
        return false
    }
}

// MARK: - Time

/// Posts `.timePassed` about every `interval`, with the time that really passed on `clock` (a test clock advanced by
/// five seconds reports five seconds at once), until the task is cancelled.
func stopwatch(on clock: any Clock<Duration>, every interval: Duration, mailbox: Mailbox) -> Task<Void, Never> {
    Task {
        while let passed = try? await measured(clock, sleeping: interval) {
            mailbox.post(.timePassed(passed))
        }
    }
}

private func measured<C: Clock<Duration>>(_ clock: C, sleeping interval: Duration) async throws -> Duration {
    let start = clock.now
    try await clock.sleep(for: interval)
    return start.duration(to: clock.now)
}

/// Time passed: an info message older than its lifetime goes.
func timePassed(_ duration: Duration, _ state: inout AppState) -> [AppEffect] {
    state.feedback.now += duration
    if state.status?.kind == .info, state.feedback.now - state.feedback.statusSince >= Feedback.messageLifetime {
        state.status = nil
    }
    return []
}

extension AppState {
    /// Whether the program's stopwatch should run: a message waits to go, or something is being waited for.
    public var wantsTime: Bool {
        status?.kind == .info || retry != nil || !readsInFlight.isEmpty
    }

    /// The reads on their way, by effect id, in the order the status line names them.
    var readsInFlight: [EffectID] {
        var reads: [EffectID] = []
        if carts.isLoading { reads.append(.carts) }
        if groups.isLoading { reads.append(.groups) }
        if currentGroup.isLoading { reads.append(.currentGroup) }
        if listings?.loadingPage != nil { reads.append(.listings) }
        if details?.loading == true { reads.append(.details) }
        if account.isLoading { reads.append(.account) }
        if workspaceTabs.searches.value.isLoading { reads.append(.searches) }
        if workspaceTabs.feeds.value.isLoading { reads.append(.feeds) }
        return reads
    }
}

// MARK: - The status line's sentence

/// An error status remembers its request; with a token from `SPARK_ACCESS_TOKEN`, "log in again" becomes what helps.
private func statusChanged(by action: AppAction, _ state: inout AppState) {
    state.feedback.statusSince = state.feedback.now
    guard var status = state.status, status.kind == .error else { return }
    let error = failure(in: action)
    if let error, error.needsLogin {
        status.text = status.text.replacingOccurrences(of: error.userMessage, with: loginAdvice(error, state))
            .replacingOccurrences(of: " Press r to retry.", with: "")
        state.status = status
    }
    state.feedback.lastError = LastError(sentence: status.text, error: error, at: state.feedback.now)
}

/// The server's failure an action carries, if any.
func failure(in action: AppAction) -> SparkError? {
    func error<T>(_ result: Result<T, SparkError>) -> SparkError? {
        if case .failure(let error) = result { return error }
        return nil
    }
    switch action {
    case .accountLoaded(let result): return error(result)
    case .groupsLoaded(let result): return error(result)
    case .currentGroupLoaded(_, let result): return error(result)
    case .cartsLoaded(_, _, let result): return error(result)
    case .listingsPageLoaded(_, _, let result): return error(result)
    case .holdersLoaded(_, _, _, let result): return error(result)
    case .listingLoaded(_, let result): return error(result)
    case .groupSwitched(_, let result): return error(result)
    case .groupPagesFailed(_, let error): return error
    case .writeFinished(_, let outcome):
        switch outcome {
        case .failed(let failure): return failure.sparkError
        case .marked(let result): return result.error
        case .created(.notCreated(let error)), .created(.unknown(let error, _)): return error
        default: return nil
        }
    default:
        return nil
    }
}

/// What to do about a refused token: log in again, or — for a token from the environment — replace it.
func loginAdvice(_ error: SparkError, _ state: AppState) -> String {
    guard state.feedback.tokenFromEnvironment else { return error.userMessage }
    let why = error.sparkCode == SparkError.codeTokenExpired ? "has expired" : "was refused"
    return "The token in SPARK_ACCESS_TOKEN \(why): put a fresh one in it (or unset it to use your stored login), "
        + "then start spark-portal again."
}

/// A failed read's note in its pane: what went wrong and what to do.
func paneFailureText(_ error: SparkError, _ state: AppState) -> String {
    if case .cancelled = error { return "✗ Gave up waiting. Press r to ask again." }
    if error.needsLogin { return "✗ \(loginAdvice(error, state))" }
    return "✗ \(error.userMessage) Press r to retry."
}

// MARK: - A switch is done when the screen shows it

/// After a switch, the status says "Switched to …; loading its carts…" until the current group and its carts are read
/// again; then it says the switch is done, or that the server has the user elsewhere.
private func settleArrival(_ state: inout AppState) {
    guard let target = state.feedback.arrival else { return }
    if state.groupSwitch != nil || state.switchWaiting != nil {
        state.feedback.arrival = nil  // another switch took over
        return
    }
    guard !state.currentGroup.isLoading, !state.carts.isLoading else { return }
    state.feedback.arrival = nil
    // Something else was said meanwhile (a read failed): that stays.
    guard state.status == arrivalStatus(target, state) else { return }
    let name = state.displayName(of: target)
    if let current = state.currentWorkspace, current != target {
        state.status = StatusMessage("Switched to \(name), but the server says you act for \(state.displayName(of: current)).",
                                     kind: .error)
    } else if let carts = state.carts.value, state.cartsWorkspace == target {
        state.status = StatusMessage("Now acting for \(name): \(carts.count == 1 ? "1 listing cart" : "\(carts.count) listing carts").")
    } else {
        state.status = StatusMessage("Now acting for \(name).")
    }
}

/// The status while a switch that went through waits for the screen to show it.
func arrivalStatus(_ workspace: Workspace, _ state: AppState) -> StatusMessage {
    StatusMessage("Switched to \(state.displayName(of: workspace)); loading its carts…", kind: .progress)
}

// MARK: - Waiting

/// A call that keeps the user waiting, as the status line says it.
struct Wait: Equatable {
    /// What is being waited for: "the listing carts", or the request being retried ("GET /v1/listingcarts").
    var what: String
    var elapsed: Duration
    /// The retry's attempt, why the try before it failed, and how long until it starts (zero once it has).
    var retry: (attempt: Int, reason: String, startsIn: Duration)?
    /// Whether Esc can give it up and `r` ask again (reads can; a change is never cut off half way).
    var canGiveUp: Bool
    /// When it became worth saying (on `Feedback.now`): the newer of it and the status message is shown.
    var since: Duration

    /// "Waiting 4 s for the listing carts"; "Waiting 23 s, attempt 2: GET /v1/listingcarts (last try: timed out)";
    /// "Waiting 1 s, attempt 2 in 0.4 s: GET /v1/listingcarts (last try: HTTP 503)". What matters most comes first: a
    /// narrow status line cuts the end.
    var sentence: String {
        guard let retry else { return "Waiting \(Format.elapsed(elapsed)) for \(what)" }
        let starts = retry.startsIn > .zero ? " in \(Format.elapsed(retry.startsIn, decimals: 1))" : ""
        return "Waiting \(Format.elapsed(elapsed)), attempt \(retry.attempt)\(starts): \(what) (last try: \(retry.reason))"
    }

    static func == (a: Wait, b: Wait) -> Bool {
        a.sentence == b.sentence && a.canGiveUp == b.canGiveUp && a.since == b.since
    }
}

/// The wait to say, if any: a retry of a call, or reads that have gone on for `Feedback.slowRead`.
func currentWait(_ state: AppState) -> Wait? {
    let now = state.feedback.now
    if let notice = state.retry {
        let waited = now - state.feedback.retrySince
        let path = notice.path.split(separator: "?").first.map(String.init) ?? notice.path
        return Wait(what: "\(notice.method) \(path)", elapsed: notice.elapsed + waited,
                    retry: (notice.attempt, notice.reason, max(notice.delay - waited, .zero)),
                    canGiveUp: notice.method == "GET" && !state.readsInFlight.isEmpty, since: state.feedback.retrySince)
    }
    let slow = state.readsInFlight.filter { id in
        state.feedback.started[id].map { now - $0 >= Feedback.slowRead } ?? false
    }
    guard let oldest = slow.compactMap({ state.feedback.started[$0] }).min() else { return nil }
    return Wait(what: readNames(slow), elapsed: now - oldest, canGiveUp: true, since: oldest + Feedback.slowRead)
}

/// "the listing carts and the portal groups".
func readNames(_ reads: [EffectID]) -> String {
    let names = reads.map { id -> String in
        switch id {
        case .account: "your account"
        case .groups: "the portal groups"
        case .currentGroup: "the current group"
        case .carts: "the listing carts"
        case .listings: "the listings"
        case .details: "the listing"
        case .photo: "the photo"
        case .searches: "the saved searches"
        case .feeds: "the news feeds"
        case .pollTimer, .livePage: "the live update"
        }
    }
    guard names.count > 1 else { return names.first ?? "" }
    return names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
}

extension Format {
    /// "23 s", "1 min 05 s"; "0.4 s" with decimals.
    static func elapsed(_ duration: Duration, decimals: Int = 0) -> String {
        let milliseconds = max(Format.milliseconds(duration), 0)
        if decimals > 0 { return String(format: "%.\(decimals)f s", Double(milliseconds) / 1000) }
        let whole = milliseconds / 1000
        return whole < 60 ? "\(whole) s" : String(format: "%d min %02d s", whole / 60, whole % 60)
    }
}

/// `r`: what was being waited for is asked again from the start; the old wait is no longer said.
func restartWaits(_ state: inout AppState) {
    if state.retry != nil, state.status?.kind == .progress, state.groupSwitch == nil, state.writes.inFlight.isEmpty {
        state.status = nil
    }
    state.retry = nil
}

/// Esc while the status line says a read is waiting: every read on its way is stopped, what was on screen stays (marked
/// as given up in its pane), and the status says what was given up. Nil when no wait is shown (Esc then goes back).
func giveUpWaiting(_ state: inout AppState) -> [AppEffect]? {
    guard case .wait(let wait)? = shownStatus(state), wait.canGiveUp else { return nil }
    let reads = state.readsInFlight
    let given: SparkError = .cancelled(context: nil)
    for read in reads {
        switch read {
        case .account: state.account = state.account.finished(.failure(given))
        case .groups: state.groups = state.groups.finished(.failure(given))
        case .currentGroup: state.currentGroup = state.currentGroup.finished(.failure(given))
        case .carts: state.carts = state.carts.finished(.failure(given))
        case .listings:
            state.listings?.loadingPage = nil
            state.listings?.error = given
        case .details:
            state.details?.loading = false
            state.details?.error = given
        case .searches: state.workspaceTabs.searches.value = state.workspaceTabs.searches.value.finished(.failure(given))
        case .feeds: state.workspaceTabs.feeds.value = state.workspaceTabs.feeds.value.finished(.failure(given))
        case .photo, .pollTimer, .livePage:
            break  // not a read the status line waits on (`readsInFlight`)
        }
    }
    state.retry = nil
    let attempt = wait.retry.map { " (attempt \($0.attempt))" } ?? ""
    state.status = StatusMessage("Gave up on \(readNames(reads)) after \(Format.elapsed(wait.elapsed))\(attempt); r asks again.")
    return reads.map { .cancel($0) }
}

/// What the status line shows, in order: the filter being typed; else the newer of the status message and a wait;
/// else the last request (drawn by the status bar).
enum ShownStatus: Equatable {
    case filter(ListID)
    case message(StatusMessage)
    case wait(Wait)
}

func shownStatus(_ state: AppState) -> ShownStatus? {
    if let list = state.editingFilter { return .filter(list) }
    let wait = currentWait(state)
    switch (state.status, wait) {
    case (let status?, let wait?):
        return wait.since >= state.feedback.statusSince ? .wait(wait) : .message(status)
    case (let status?, nil): return .message(status)
    case (nil, let wait?): return .wait(wait)
    case (nil, nil): return nil
    }
}
