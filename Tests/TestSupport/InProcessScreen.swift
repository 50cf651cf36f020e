import Foundation
import PortalApp
import SparkAPI
import SparkMock
import Synchronization
import TerminalPictures
import TerminalUI

/// The app in this process: the real program loop (reducer, effect runner, views) on a `TestBackend`, on a thread
/// of its own, with the real `SparkClient` talking HTTP over loopback to a demo server. Keys go into the backend's
/// queue; a wait awaits the frames the loop draws (`TestBackend.frames()`), never a poll.
///
/// Time is a `TestClock` (`clock`) shared by the app's timers, the client's retry waits and — with `run(_:...)` —
/// the demo server's rate limiter, latency and stalls: nothing waits for real time unless the test advances the
/// clock (`passRetryWait()`, or `waitFor(_:passingRetryWaits:...)`). Only the client's per-try request timeout is
/// real time (it is the HTTP client's own deadline).
public final class InProcessScreen: ScreenDriver {
    public let clock: TestClock
    public let baseURL: URL
    private let backend: TestBackend
    private let terminal: HeldSuspensionBackend
    private let client: SparkClient
    private let photoFetcher: PhotoFetcher
    private let programEnded: Task<Void, Never>
    private let recorded: Recorded

    /// Every exchange the client reported, as the app's request log gets them.
    private final class Recorded: Sendable {
        let events = Mutex<[RequestEvent]>([])
        let notices = Mutex<[RetryNotice]>([])
    }

    private init(baseURL: URL, token: String, size: Size, clock: TestClock, requestTimeout: Duration, pageSize: Int,
                 cache: (any WorkspaceCacheStore)?, photos: DetailsPhotoMode, refreshInterval: Duration?, members: [DemoUser]) throws {
        self.baseURL = baseURL
        self.clock = clock
        let recorded = Recorded()
        let mailbox = Mailbox()
        // Retry waits sleep on the test clock, announced (the notice is drawn before the sleep begins); their jitter
        // is fixed, so the waits of a run are always the same.
        let retry = RetryPolicy(sleep: { try await clock.announcedSleep(for: $0) }, random: { 0.5 })
        let tokens = SwitchableToken(StaticToken(token))
        let memberTokens = members.isEmpty ? nil
            : MemberTokens(members.map { (ActAsMember(id: $0.id, name: $0.name), $0.accessToken) }, provider: tokens)
        let client = try SparkClient.live(
            configuration: SparkClientConfiguration(baseURL: baseURL, userAgent: "spark-portal-tests",
                                                    requestTimeout: requestTimeout, retry: retry, pageSize: pageSize),
            tokens: tokens,
            onEvent: { event in
                recorded.events.withLock { $0.append(event) }
                mailbox.post(.requestFinished(event))
            },
            onRetry: { notice in
                recorded.notices.withLock { $0.append(notice) }
                mailbox.post(.retryScheduled(notice))
            })
        let backend = TestBackend(size: size)
        let terminal = HeldSuspensionBackend(backend)
        let host = baseURL.host ?? baseURL.absoluteString
        // Photos as the launcher wires them: the real photo path (no proxy from the test's environment) into one store.
        let fetcher = PhotoFetcher(configuration: PhotoFetcher.Configuration(environment: [:]))
        let store = PictureStore<URL> { url in Array(try await fetcher.fetch(url)) }
        self.backend = backend
        self.terminal = terminal
        self.client = client
        self.photoFetcher = fetcher
        self.recorded = recorded
        programEnded = Task {
            await onOwnThread {
                var state = AppState(size: size, endpointHost: host)
                state.detailsPhoto = DetailsPhotoState(mode: photos)
                state.live.interval = refreshInterval
                // As the real launcher does: the cache read on the loop's thread, before the first frame.
                if let cache { state.useCache(cache.load(), now: Date()) }
                let program = Program(backend: terminal, client: client, mailbox: mailbox, state: state, clock: clock,
                                      cache: cache, photos: photos.drawsPictures ? store : nil, members: memberTokens)
                program.run()
                backend.shutdown()
            }
        }
    }

    /// Runs the app against a demo server started in this process with `configuration`, whose clock is the
    /// scenario's test clock (unless `serverOnTestClock` is false: then it keeps real time, for real latency), and
    /// always tears both down. `token` is the user the app signs in as; `pageSize` the client's rows per page; `cache`
    /// where the app keeps its last-known workspace (read before the first frame, written after each settled load);
    /// `photos` what the listing details do with photos (as `TUILauncher` decides it from the `photos` setting and the
    /// terminal's colours; off by default). `refreshInterval` turns live refresh on (off by default: a scenario
    /// advancing the clock for other reasons would poll). With `actAs`, the app can act as the data set's other members
    /// (`A`), as with `--demo`.
    public static func run<T: Sendable>(
        _ configuration: DemoServerConfiguration = DemoServerConfiguration(), token: String = DemoCredentials.seedAccessToken,
        size: Size = Size(width: 120, height: 40), requestTimeout: Duration = .seconds(20), serverOnTestClock: Bool = true,
        pageSize: Int = 25, cache: (any WorkspaceCacheStore)? = nil, photos: DetailsPhotoMode = .off,
        refreshInterval: Duration? = nil, actAs: Bool = false,
        _ body: (InProcessScreen, DemoServer) async throws -> T
    ) async throws -> T {
        let clock = TestClock()
        var configuration = configuration
        if serverOnTestClock { configuration.clock = clock }
        let server = try await DemoServer.start(configuration)
        do {
            let result = try await run(endpoint: server.baseURL, token: token, size: size, clock: clock,
                                       requestTimeout: requestTimeout, pageSize: pageSize, cache: cache,
                                       photos: photos, refreshInterval: refreshInterval,
                                       members: actAs ? configuration.dataSet.users : []) { try await body($0, server) }
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Runs the app against `endpoint` (a server the test runs itself, or none yet), and always tears it down.
    public static func run<T: Sendable>(
        endpoint: URL, token: String = DemoCredentials.seedAccessToken, size: Size = Size(width: 120, height: 40),
        clock: TestClock = TestClock(), requestTimeout: Duration = .seconds(20), pageSize: Int = 25,
        cache: (any WorkspaceCacheStore)? = nil, photos: DetailsPhotoMode = .off, refreshInterval: Duration? = nil,
        members: [DemoUser] = [], _ body: (InProcessScreen) async throws -> T
    ) async throws -> T {
        let screen = try InProcessScreen(baseURL: endpoint, token: token, size: size, clock: clock, requestTimeout: requestTimeout,
                                         pageSize: pageSize, cache: cache, photos: photos, refreshInterval: refreshInterval,
                                         members: members)
        do {
            let result = try await body(screen)
            await screen.close()
            return result
        } catch {
            await screen.close()
            throw error
        }
    }

    /// Ends the program if it still runs (Ctrl-C, the app's quit key), then the client; stops the clock, which
    /// ends whatever still sleeps on it (a stalled answer on the server).
    private func close() async {
        terminal.resume()
        backend.enqueue(keys: [.ctrl("c")])
        await programEnded.value
        clock.stop()
        await client.shutdown()
        await photoFetcher.shutdown()
    }

    // MARK: ScreenDriver

    public var size: Size { backend.size }

    public func press(_ keys: [Key]) async throws {
        backend.enqueue(keys: keys)
    }

    public func resize(to size: Size) async throws {
        backend.resize(to: size)
    }

    public func screen() async throws -> [String] {
        backend.lastFrame.lines
    }

    /// The last frame drawn, cells with their styles (what colours a picture reached the screen in).
    public var lastFrame: Buffer { backend.lastFrame }

    @discardableResult
    public func waitFor(_ what: String, timeout: Duration, _ condition: @escaping @Sendable ([String]) -> Bool) async throws -> [String] {
        try await waitFor(what, passingRetryWaits: false, timeout: timeout, condition)
    }

    /// Waits for a screen condition; with `passingRetryWaits`, meanwhile lets every retry wait of the client pass
    /// on the test clock as soon as it begins (a retry after a timeout, a 5xx, a `Retry-After`), as real time would.
    @discardableResult
    public func waitFor(_ what: String, passingRetryWaits: Bool, timeout: Duration = ScreenTimedOut.defaultTimeout,
                        _ condition: @escaping @Sendable ([String]) -> Bool) async throws -> [String] {
        // Subscribe before looking at the current frame, so no frame can fall between the two.
        let frames = backend.frames()
        let current = backend.lastFrame.lines
        if condition(current) { return current }
        let backend = self.backend
        return try await withDeadline(timeout, timedOut: { ScreenTimedOut(what: what, screen: backend.lastFrame.lines) }) {
            try await withThrowingTaskGroup(of: [String]?.self) { group in
                if passingRetryWaits {
                    group.addTask { [clock = self.clock] in
                        while await clock.passAnnouncedSleep() {}
                        return nil
                    }
                }
                group.addTask {
                    for await frame in frames {
                        let lines = frame.lines
                        if condition(lines) { return lines }
                    }
                    if Task.isCancelled { return nil }
                    throw ScreenTimedOut(what: what, screen: backend.lastFrame.lines, details: "-- the program ended")
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let lines = result { return lines }
                }
                throw CancellationError()
            }
        }
    }

    /// Ends the next retry wait of the client (waiting for it to begin if it has not yet): time passes on the test
    /// clock by exactly that wait.
    public func passRetryWait() async {
        await clock.passAnnouncedSleep()
    }

    /// Waits for the program to end (after `q`), with a deadline.
    public func waitForExit(timeout: Duration = ScreenTimedOut.defaultTimeout) async throws {
        let programEnded = self.programEnded
        let backend = self.backend
        try await withDeadline(timeout, timedOut: { ScreenTimedOut(what: "the program to end", screen: backend.lastFrame.lines) }) {
            await programEnded.value
        }
    }

    /// From now on Ctrl-Z holds the program inside its suspension (as a stopped process is held until `fg`) until
    /// `resume()`; `waitUntilSuspended()` returns once it is there.
    public func holdSuspensions() { terminal.holdSuspensions() }
    public func waitUntilSuspended() async { await terminal.waitUntilSuspended() }
    /// Ends a held suspension: the program carries on, as after `fg`.
    public func resume() { terminal.resume() }

    /// Every OSC 52 sequence the app sent to the terminal (`y` in the request log).
    public var clipboardWrites: [String] { backend.clipboardWrites }

    /// Every exchange the client reported so far (what the app's request log shows).
    public var requestEvents: [RequestEvent] { recorded.events.withLock { $0 } }
    /// Every retry wait the client announced so far.
    public var retryNotices: [RetryNotice] { recorded.notices.withLock { $0 } }
}

/// The test terminal, whose Ctrl-Z can be held: a stopped process does nothing until `fg`, so a held suspension keeps
/// the program loop inside `suspend()` — nothing it would start can start — until the test resumes it.
final class HeldSuspensionBackend: TerminalBackend, Sendable {
    private struct Gate {
        var holding = false
        var suspended = false
        var watchers: [CheckedContinuation<Void, Never>] = []
    }

    private let inner: TestBackend
    private let gate = Mutex(Gate())
    /// The loop's thread waits here while suspended: it is a thread of its own, never the cooperative pool's.
    private let wake = DispatchSemaphore(value: 0)

    init(_ inner: TestBackend) {
        self.inner = inner
    }

    var size: Size { inner.size }
    var wakeup: Wakeup { inner.wakeup }
    var colorSupport: ColorSupport { inner.colorSupport }
    func draw(_ buffer: Buffer) { inner.draw(buffer) }
    func nextEvent(timeout: Duration?) -> TerminalEvent? { inner.nextEvent(timeout: timeout) }
    func shutdown() { inner.shutdown() }
    func copyToClipboard(_ text: String) { inner.copyToClipboard(text) }

    func suspend() {
        inner.suspend()
        let watchers = gate.withLock { gate -> [CheckedContinuation<Void, Never>]? in
            guard gate.holding else { return nil }
            gate.suspended = true
            defer { gate.watchers.removeAll() }
            return gate.watchers
        }
        guard let watchers else { return }
        watchers.forEach { $0.resume() }
        wake.wait()
    }

    func holdSuspensions() { gate.withLock { $0.holding = true } }

    func waitUntilSuspended() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = gate.withLock { gate in
                if gate.suspended { return true }
                gate.watchers.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func resume() {
        let wasSuspended = gate.withLock { gate in
            defer { gate.suspended = false; gate.holding = false }
            return gate.suspended
        }
        if wasSuspended { wake.signal() }
    }
}
