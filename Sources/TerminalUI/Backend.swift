import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the program loop waits for.
public enum TerminalEvent: Hashable, Sendable {
    case key(Key)
    /// The terminal changed size (or came back from Ctrl-Z): draw a new frame at this size.
    case resize(Size)
    /// Another thread called `Wakeup.wake()` (a network result is waiting in the app's queue).
    case wake
}

/// Lets another thread wake the program loop out of `nextEvent`: a self-pipe the loop polls
/// together with the terminal, so results are drawn at once without polling the CPU.
/// Signal handlers write to the same pipe (see CTerminal).
public final class Wakeup: Sendable {
    let readFD: Int32
    let writeFD: Int32

    public init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        for fd in fds where fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        if readFD >= 0 { close(readFD) }
        if writeFD >= 0 { close(writeFD) }
    }

    /// Wakes the loop. Safe from any thread, any number of times (wake-ups coalesce).
    public func wake() { post(UInt8(ascii: "w")) }

    func post(_ byte: UInt8) {
        var b = byte
        _ = write(writeFD, &b, 1)  // a full pipe already holds a wake-up: nothing is lost
    }

    /// Everything posted since the last drain.
    func drain() -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64)
        while true {
            let n = read(readFD, &chunk, chunk.count)
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out
    }

    /// Waits until something is posted or the timeout passes; true when something was posted.
    func wait(timeout: Duration?) -> Bool {
        var fds = [pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)]
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            let ms = deadline.map { Self.milliseconds(until: $0) } ?? -1
            let r = poll(&fds, 1, ms)
            if r > 0 { return true }
            if r == 0 { return false }
            if errno != EINTR { return false }
        }
    }

    static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let left = deadline - ContinuousClock.now
        if left <= .zero { return 0 }
        let (s, attos) = left.components
        let ms = s * 1000 + (attos + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(min(ms, Int64(Int32.max)))
    }
}

/// Where frames go and events come from: the real terminal (`NcursesBackend`) or memory
/// (`TestBackend`). Used from one thread, the one that owns the app state.
public protocol TerminalBackend: AnyObject {
    var size: Size { get }
    /// Shows a frame: writes only the cells that changed since the last frame, one update.
    func draw(_ buffer: Buffer)
    /// Blocks until a key, a resize, a wake-up, or the timeout (then nil). nil timeout: no limit; `.zero`:
    /// only an event already waiting, never blocking (the program loop takes a burst of keys this way).
    func nextEvent(timeout: Duration?) -> TerminalEvent?
    var wakeup: Wakeup { get }
    /// Ctrl-Z from the app: restore the terminal, stop; on `fg` redraw and report a resize.
    func suspend()
    /// Restores the terminal. Idempotent.
    func shutdown()
    /// What colours the terminal shows (what pictures are drawn with, or "photos need 256 colours").
    var colorSupport: ColorSupport { get }
    /// Asks the terminal to put `text` on the system clipboard (OSC 52: `Clipboard.osc52`). The terminal does not
    /// answer, so whether it did is not known.
    func copyToClipboard(_ text: String)
}

extension TerminalBackend {
    /// Backends that do not say: 256 colours.
    public var colorSupport: ColorSupport { .indexed256 }
    /// Backends without a terminal (benchmarks) copy nothing.
    public func copyToClipboard(_ text: String) {}
}

/// A backend in memory for tests: a fixed size (change it with `resize(to:)`), scripted events, and every frame
/// drawn kept for inspection. Safe to use from two threads: the program loop's (draw, nextEvent) and a test's
/// (enqueue, resize, frames), so a test can run the loop on a thread of its own and drive it like a terminal —
/// keys in, frames out (`frames()`), each wait an `await` on the next frame.
public final class TestBackend: TerminalBackend, Sendable {
    private struct State {
        var size: Size
        var lastFrame: Buffer
        var framesDrawn = 0
        var lastChangeCount = 0
        var suspendCount = 0
        var clipboardWrites: [String] = []
        var isShutDown = false
        var colorSupport: ColorSupport = .indexed256
        var queue: [TerminalEvent] = []
        var subscribers: [Int: AsyncStream<Buffer>.Continuation] = [:]
        var nextSubscriber = 0
    }

    private let state: Mutex<State>
    public let wakeup = Wakeup()
    /// What `enqueue` writes to the wake-up pipe: an event is queued (not a wake-up for the app).
    private static let eventPosted = UInt8(ascii: "e")

    public init(size: Size) {
        state = Mutex(State(size: size, lastFrame: Buffer(size: size)))
    }

    public convenience init(width: Int, height: Int) { self.init(size: Size(width: width, height: height)) }

    public var size: Size { state.withLock { $0.size } }
    public var lastFrame: Buffer { state.withLock { $0.lastFrame } }
    public var framesDrawn: Int { state.withLock { $0.framesDrawn } }
    /// How many cells the last `draw` changed (what a real terminal would have been sent).
    public var lastChangeCount: Int { state.withLock { $0.lastChangeCount } }
    public var suspendCount: Int { state.withLock { $0.suspendCount } }
    /// Every OSC 52 sequence `copyToClipboard` would have written to the terminal, oldest first.
    public var clipboardWrites: [String] { state.withLock { $0.clipboardWrites } }
    public var isShutDown: Bool { state.withLock { $0.isShutDown } }
    /// The colours the pretend terminal has (tests of "photos need 256 colours" set `.none` or `.basic`).
    public var colorSupport: ColorSupport {
        get { state.withLock { $0.colorSupport } }
        set { state.withLock { $0.colorSupport = newValue } }
    }

    /// Queues events for the loop, and wakes it if it is waiting.
    public func enqueue(_ events: TerminalEvent...) { enqueue(events) }
    public func enqueue(keys: [Key]) { enqueue(keys.map(TerminalEvent.key)) }
    /// Each character as a key press (`"jjq"`).
    public func type(_ text: String) { enqueue(text.map { TerminalEvent.key(.char($0)) }) }

    private func enqueue(_ events: [TerminalEvent]) {
        state.withLock { $0.queue += events }
        wakeup.post(Self.eventPosted)
    }

    /// Changes the size and queues the resize event a terminal would send.
    public func resize(to newSize: Size) {
        state.withLock { state in
            state.size = newSize
            state.queue.append(.resize(newSize))
        }
        wakeup.post(Self.eventPosted)
    }

    /// Every frame drawn from now on, in order, until the consumer stops iterating or the backend shuts down.
    /// (Frames are kept only while someone iterates, so a test that is not waiting holds none.)
    public func frames() -> AsyncStream<Buffer> {
        let (stream, continuation) = AsyncStream<Buffer>.makeStream()
        let id = state.withLock { state -> Int? in
            guard !state.isShutDown else { return nil }
            state.nextSubscriber += 1
            state.subscribers[state.nextSubscriber] = continuation
            return state.nextSubscriber
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    public func draw(_ buffer: Buffer) {
        let subscribers = state.withLock { state in
            state.lastChangeCount = buffer.diff(from: state.lastFrame).count
            state.lastFrame = buffer
            state.framesDrawn += 1
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.yield(buffer) }
    }

    /// The next queued event; with none, waits for one (or for a wake-up) up to the timeout, as a terminal does.
    /// A nil timeout waits as long as it takes.
    public func nextEvent(timeout: Duration?) -> TerminalEvent? {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            if let event = popEvent() { return event }
            // The bytes `enqueue` posts only announce events (the next turn finds them); any other is a wake-up.
            if wakeup.drain().contains(where: { $0 != Self.eventPosted }) { return popEvent() ?? .wake }
            let left = deadline.map { $0 - ContinuousClock.now }
            if let left, left <= .zero { return nil }
            if !wakeup.wait(timeout: left) { return nil }
        }
    }

    private func popEvent() -> TerminalEvent? {
        state.withLock { $0.queue.isEmpty ? nil : $0.queue.removeFirst() }
    }

    public func suspend() { state.withLock { $0.suspendCount += 1 } }

    public func copyToClipboard(_ text: String) { state.withLock { $0.clipboardWrites.append(Clipboard.osc52(text)) } }

    /// Marks the backend shut down and ends every `frames()` stream.
    public func shutdown() {
        let subscribers = state.withLock { state in
            state.isShutDown = true
            defer { state.subscribers.removeAll() }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
