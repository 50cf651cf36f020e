import Foundation
import PortalApp
import SparkAPI
import SparkMock
import TerminalUI

/// A backend for driving the real program loop without a terminal: frames go to a `TestBackend` (which
/// counts the cells each frame changes), keys come from a script that looks at every frame.
final class BenchBackend: TerminalBackend {
    let inner: TestBackend
    var keys: [Key] = []
    var onDraw: (Int) -> Void = { _ in }

    init(size: Size) { inner = TestBackend(size: size) }

    var size: Size { inner.size }
    var wakeup: Wakeup { inner.wakeup }

    func draw(_ buffer: Buffer) {
        inner.draw(buffer)
        onDraw(inner.lastChangeCount)
    }

    func nextEvent(timeout: Duration?) -> TerminalEvent? {
        if !keys.isEmpty { return .key(keys.removeFirst()) }
        // Never block without limit: a script may be waiting for a state the next tick shows.
        return inner.nextEvent(timeout: timeout ?? .milliseconds(20))
    }

    func suspend() {}
    func shutdown() {}
}

/// What a benchmark does with the program: it sees every frame's state and says which keys to press.
protocol Script: AnyObject {
    associatedtype Outcome: Sendable
    /// After each frame: keys to press next ([] waits for the next frame), or nil to quit.
    func afterFrame(_ state: AppState, changedCells: Int) -> [Key]?
    var outcome: Outcome { get }
}

func isLoaded<V>(_ value: Loadable<V>) -> Bool {
    if case .loaded = value { return true }
    return false
}

/// Every part of the first screen has arrived: account, all pages of groups, the current group, its carts.
func isComplete(_ state: AppState) -> Bool {
    isLoaded(state.groups) && isLoaded(state.currentGroup) && isLoaded(state.carts) && isLoaded(state.account)
}

/// Runs the real `Program` (reducer, effect runner, views, real `SparkClient` over HTTP) against `baseURL`
/// on a thread of its own, like spark-portal does, until the script quits. `start` is taken before the
/// client exists, as a process would. With `cache`, the first frame shows what it holds (read on the loop's thread
/// before the first frame, as spark-portal does), and settled loads are saved to it.
func runProgram<S: Script>(baseURL: URL, pageSize: Int = 25, size: Size = Size(width: 120, height: 40),
                           cache: (any WorkspaceCacheStore)? = nil,
                           _ makeScript: @escaping @Sendable (ContinuousClock.Instant) -> S) async throws -> S.Outcome {
    let start = ContinuousClock.now
    let mailbox = Mailbox()
    let client = try SparkClient(
        configuration: SparkClientConfiguration(baseURL: baseURL, userAgent: "portal-bench", pageSize: pageSize),
        tokens: StaticToken(DemoCredentials.demoAccessToken),
        transport: AsyncHTTPClientTransport(endpoint: baseURL),
        onEvent: { mailbox.post(.requestFinished($0)) },
        onRetry: { mailbox.post(.retryScheduled($0)) })
    let outcome = await onOwnThread { () -> S.Outcome in
        let backend = BenchBackend(size: size)
        let script = makeScript(start)
        var state = AppState(size: size, endpointHost: "127.0.0.1")
        if let cache { state.useCache(cache.load(), now: Date()) }
        let program = Program(backend: backend, client: client, mailbox: mailbox, state: state, cache: cache)
        backend.onDraw = { [unowned program, unowned backend] changed in
            if let keys = script.afterFrame(program.state, changedCells: changed) {
                backend.keys += keys
            } else {
                backend.keys = [.ctrl("c")]
            }
        }
        program.run()
        return script.outcome
    }
    await client.shutdown()
    return outcome
}

/// Start-up: launch to the first frame, and to the first complete frame.
final class StartupScript: Script {
    struct Outcome: Sendable { var firstFrame: Duration = .zero; var complete: Duration = .zero; var frames = 0 }
    let start: ContinuousClock.Instant
    var outcome = Outcome()

    init(start: ContinuousClock.Instant) { self.start = start }

    func afterFrame(_ state: AppState, changedCells: Int) -> [Key]? {
        let elapsed = start.duration(to: .now)
        outcome.frames += 1
        if outcome.frames == 1 { outcome.firstFrame = elapsed }
        if isComplete(state) {
            outcome.complete = elapsed
            return nil
        }
        return []
    }
}

/// Switching: Enter on another group, alternating between two groups `switches` times. Times the next
/// frame after Enter (feedback) and the frame where the server's new current group and its carts are shown.
final class SwitchScript: Script {
    struct Outcome: Sendable {
        var feedback: [Duration] = []
        var done: [Duration] = []
        /// Resident memory (MiB) after every `sampleEvery` switches.
        var memory: [Double] = []
        /// Heap in use (MiB, see `heapInUse`) at the same moments.
        var heap: [Double] = []
    }
    var outcome = Outcome()
    let switches: Int
    let sampleEvery: Int
    private var targets: [Workspace] = []
    private var pressedEnter: ContinuousClock.Instant?
    private var sawFeedback = false
    private var target: Workspace?

    init(switches: Int, sampleEvery: Int = 100) {
        self.switches = switches
        self.sampleEvery = sampleEvery
    }

    func afterFrame(_ state: AppState, changedCells: Int) -> [Key]? {
        let now = ContinuousClock.now
        if let pressed = pressedEnter, let target {
            if !sawFeedback {
                sawFeedback = true
                outcome.feedback.append(pressed.duration(to: now))
            }
            guard state.groupSwitch == nil, state.currentWorkspace == target, isLoaded(state.currentGroup),
                  isLoaded(state.carts) else { return [] }
            outcome.done.append(pressed.duration(to: now))
            pressedEnter = nil
            if outcome.done.count % sampleEvery == 0 {
                outcome.memory.append(residentMemory().current)
                outcome.heap.append(heapInUse())
            }
            if outcome.done.count >= switches { return nil }
        }
        guard isComplete(state), state.groupSwitch == nil else { return [] }
        if targets.isEmpty {
            // Two groups other than the current one, next to each other in the picker.
            let rows = state.pickerRows.indices.filter {
                if case .group = state.pickerRows[$0] { return state.workspace(of: state.pickerRows[$0]) != state.currentWorkspace }
                return false
            }
            guard rows.count >= 2 else { return nil }
            targets = [state.workspace(of: state.pickerRows[rows[0]]), state.workspace(of: state.pickerRows[rows[1]])]
        }
        let next = targets[outcome.done.count % 2]
        guard let row = state.pickerRows.firstIndex(where: { state.workspace(of: $0) == next }) else { return nil }
        let selected = state.cursor(.groups).selected ?? 0
        if selected != row { return [selected < row ? .down : .up] }
        target = next
        sawFeedback = false
        pressedEnter = .now
        return [.enter]
    }
}

/// Instant start: launch to the first frame that shows the cached carts, and to the complete fresh frame (every pane
/// the server's, nothing in flight).
final class CachedStartScript: Script {
    struct Outcome: Sendable { var cachedCarts: Duration?; var fresh: Duration = .zero }
    let start: ContinuousClock.Instant
    var outcome = Outcome()

    init(start: ContinuousClock.Instant) { self.start = start }

    func afterFrame(_ state: AppState, changedCells: Int) -> [Key]? {
        let elapsed = start.duration(to: .now)
        if outcome.cachedCarts == nil, state.cache.stale.contains(.carts), !(state.carts.value ?? []).isEmpty {
            outcome.cachedCarts = elapsed
        }
        if isComplete(state), state.cache.stale.isEmpty, !state.isBusy {
            outcome.fresh = elapsed
            return nil
        }
        return []
    }
}
