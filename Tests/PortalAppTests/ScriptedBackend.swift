import Foundation
import TerminalUI
@testable import PortalApp

/// A backend that plays a script against the real program loop: keys, resizes, and waits for a
/// screen condition (with a deadline, never a fixed sleep). Runs on the loop's own thread, so it needs
/// no locking; read `failures` and `frames` after `Program.run()` returns.
final class ScriptedBackend: TerminalBackend {
    enum Step {
        case key(Key)
        case resize(Size)
        case waitUntil(String, @Sendable (Buffer) -> Bool)
        /// Runs a check on the current screen (and records a failure when it returns a message).
        case check(@Sendable (Buffer) -> String?)
    }

    private let inner: TestBackend
    private var steps: [Step]
    private var deadline: ContinuousClock.Instant?
    private let patience: Duration
    private(set) var failures: [String] = []
    private(set) var framesDrawn = 0
    /// Keys were handed out since the last frame: a screen step waits for the frame that shows them.
    private var keysSinceFrame = false

    /// Generous patience: in a full parallel `swift test`, the tmux tests' polling holds the cooperative
    /// threads the in-process server and client need, and answers can take a minute to come.
    init(size: Size, patience: Duration = .seconds(150), steps: [Step]) {
        inner = TestBackend(size: size)
        self.steps = steps
        self.patience = patience
    }

    var size: Size { inner.size }
    var wakeup: Wakeup { inner.wakeup }
    var lastFrame: Buffer { inner.lastFrame }

    func draw(_ buffer: Buffer) {
        inner.draw(buffer)
        framesDrawn += 1
        keysSinceFrame = false
    }

    func nextEvent(timeout: Duration?) -> TerminalEvent? {
        while let step = steps.first {
            switch step {
            case .key(let key):
                steps.removeFirst()
                keysSinceFrame = true
                return .key(key)
            case .check where keysSinceFrame, .waitUntil where keysSinceFrame:
                // The loop is taking a burst of keys without blocking: nothing more is waiting until it draws.
                return nil
            case .resize(let size):
                steps.removeFirst()
                inner.resize(to: size)
                return inner.nextEvent(timeout: .zero)
            case .check(let check):
                steps.removeFirst()
                if let failure = check(inner.lastFrame) { fail(failure) }
            case .waitUntil(let what, let condition):
                if condition(inner.lastFrame) {
                    steps.removeFirst()
                    deadline = nil
                    continue
                }
                let now = ContinuousClock.now
                let end = deadline ?? now + patience
                deadline = end
                if now >= end {
                    fail("timed out waiting for \(what)")
                    continue
                }
                let wait = min(timeout ?? .milliseconds(50), .milliseconds(50), end - now)
                return inner.nextEvent(timeout: wait)
            }
        }
        return .key(.ctrl("c"))
    }

    private func fail(_ message: String) {
        failures.append("\(message)\nscreen:\n\(inner.lastFrame.lines.joined(separator: "\n"))")
        steps = [.key(.ctrl("c"))]
        deadline = nil
    }

    func suspend() {}
    func shutdown() {}
}

/// Runs blocking work on its own thread and waits for it without holding a cooperative thread.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.start()
    }
}

extension Buffer {
    /// Whether any line contains `text`.
    func contains(_ text: String) -> Bool {
        lines.contains { $0.contains(text) }
    }
}
