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
}

/// A backend in memory for tests: a fixed size (change it with `resize(to:)`), scripted events,
/// and every frame drawn kept for inspection.
public final class TestBackend: TerminalBackend {
    public private(set) var size: Size
    public private(set) var lastFrame: Buffer
    public private(set) var framesDrawn = 0
    /// How many cells the last `draw` changed (what a real terminal would have been sent).
    public private(set) var lastChangeCount = 0
    public private(set) var suspendCount = 0
    public private(set) var isShutDown = false
    public let wakeup = Wakeup()
    private var queue: [TerminalEvent] = []

    public init(size: Size) {
        self.size = size
        self.lastFrame = Buffer(size: size)
    }

    public convenience init(width: Int, height: Int) { self.init(size: Size(width: width, height: height)) }

    public func enqueue(_ events: TerminalEvent...) { queue += events }
    public func enqueue(keys: [Key]) { queue += keys.map(TerminalEvent.key) }
    /// Each character as a key press (`"jjq"`).
    public func type(_ text: String) { queue += text.map { TerminalEvent.key(.char($0)) } }

    /// Changes the size and queues the resize event a terminal would send.
    public func resize(to newSize: Size) {
        size = newSize
        queue.append(.resize(newSize))
    }

    public func draw(_ buffer: Buffer) {
        lastChangeCount = buffer.diff(from: lastFrame).count
        lastFrame = buffer
        framesDrawn += 1
    }

    /// The next scripted event; when none is left, waits for a wake-up up to the timeout (a nil
    /// timeout then returns nil at once rather than hang a test).
    public func nextEvent(timeout: Duration?) -> TerminalEvent? {
        if !queue.isEmpty { return queue.removeFirst() }
        if !wakeup.drain().isEmpty { return .wake }
        guard let timeout else { return nil }
        if wakeup.wait(timeout: timeout), !wakeup.drain().isEmpty { return .wake }
        return nil
    }

    public func suspend() { suspendCount += 1 }
    public func shutdown() { isShutDown = true }
}
