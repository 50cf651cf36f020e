import Synchronization

/// A clock that moves only when a test moves it. In an in-process scenario everything that waits for time — the
/// app's timers (the spinner's tick), the client's retry waits, the demo server's rate limiter, latency and stalls —
/// sleeps on one `TestClock`, so no test waits for real time: it advances the clock instead.
///
/// A sleep ends when `advance` moves `now` to or past its deadline, or throws `CancellationError` when its task is
/// cancelled or the clock is stopped.
///
/// Announced waits: the client says "retrying in 1.0s" on screen *before* it starts to sleep, so a test that saw the
/// notice and advanced at once could advance before the sleep began (which would then last a whole second more).
/// Such waits sleep with `announcedSleep(for:)`, and the test ends them with `passAnnouncedSleep()`, which waits for
/// the next one to begin if none has yet. Each announced sleep is passed once, in the order they began.
public final class TestClock: Clock, Sendable {
    public struct Instant: InstantProtocol, CustomStringConvertible {
        /// Time since the clock was made.
        public var offset: Duration

        public init(offset: Duration) { self.offset = offset }
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
        public var description: String { "t+\(offset)" }
    }

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [UInt64: Sleeper] = [:]
        /// Deadlines of announced sleeps not yet passed, oldest first.
        var announced: [Instant] = []
        /// Tests waiting in `passAnnouncedSleep()` for an announced sleep to begin.
        var passers: [UInt64: CheckedContinuation<Instant?, Never>] = [:]
        /// Tests waiting in `waitForSleepers(_:)`: how many sleeps they wait for.
        var watchers: [UInt64: (count: Int, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextID: UInt64 = 0
        var stopped = false

        mutating func makeID() -> UInt64 {
            nextID += 1
            return nextID
        }
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .zero }

    /// How many sleeps are waiting for time to pass.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try await sleep(announced: false) { _ in deadline }
    }

    /// Sleeps for `duration` as a wait the app has announced; see the type's documentation.
    public func announcedSleep(for duration: Duration) async throws {
        try await sleep(announced: true) { $0.advanced(by: duration) }
    }

    private func sleep(announced: Bool, until deadline: @Sendable (Instant) -> Instant) async throws {
        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    // The deadline is taken under the lock: an `advance` cannot fall between reading `now` and
                    // registering the sleep.
                    let end = deadline(state.now)
                    if announced {
                        // Kept even when the sleep ends at once (cancelled), so its notice can always be passed.
                        if let passer = state.passers.first?.key {
                            state.passers.removeValue(forKey: passer)?.resume(returning: end)
                        } else {
                            state.announced.append(end)
                        }
                    }
                    // Checked under the lock: a cancellation handler that runs after this finds the sleeper.
                    if Task.isCancelled || state.stopped { return .failure(CancellationError()) }
                    if end <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: end, continuation: continuation)
                    for (key, watcher) in state.watchers where watcher.count <= state.sleepers.count {
                        state.watchers.removeValue(forKey: key)?.continuation.resume()
                    }
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and ends every sleep whose deadline has come, earliest first.
    public func advance(by duration: Duration) {
        advance(to: now.advanced(by: duration))
    }

    /// Moves time to `instant` (never back) and ends every sleep whose deadline has come, earliest first.
    public func advance(to instant: Instant) {
        let due = state.withLock { state -> [Sleeper] in
            if instant > state.now { state.now = instant }
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for key in due.keys { state.sleepers[key] = nil }
            return due.values.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves time to the end of the oldest announced sleep not yet passed, waiting for one to begin if none has.
    /// Returns false if the calling task was cancelled while it waited.
    @discardableResult
    public func passAnnouncedSleep() async -> Bool {
        let id = state.withLock { $0.makeID() }
        let deadline = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Instant?, Never>) in
                let found: Instant?? = state.withLock { state in
                    if !state.announced.isEmpty { return .some(state.announced.removeFirst()) }
                    if Task.isCancelled { return .some(nil) }
                    state.passers[id] = continuation
                    return nil
                }
                if let found { continuation.resume(returning: found) }
            }
        } onCancel: {
            state.withLock { $0.passers.removeValue(forKey: id) }?.resume(returning: nil)
        }
        guard let deadline else { return false }
        advance(to: deadline)
        return true
    }

    /// Waits until at least `count` sleeps are waiting for time to pass, so that a test advances the clock only once
    /// the sleep it means has begun. Returns at once if the calling task is cancelled.
    public func waitForSleepers(_ count: Int = 1) async {
        let id = state.withLock { $0.makeID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    if state.sleepers.count >= count || Task.isCancelled { return true }
                    state.watchers[id] = (count, continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.watchers.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    /// Ends every sleep with `CancellationError`, now and from now on: for tearing a scenario down while something
    /// still sleeps (a stalled answer on the server, a retry wait).
    public func stop() {
        let sleepers = state.withLock { state -> [Sleeper] in
            state.stopped = true
            defer { state.sleepers.removeAll() }
            return Array(state.sleepers.values)
        }
        for sleeper in sleepers { sleeper.continuation.resume(throwing: CancellationError()) }
    }
}
