import SparkAPI
import TerminalUI

/// The program loop: owns the backend and the state on one thread. Keys, resizes and API answers
/// become actions; each batch is reduced, its effects started, and the screen drawn once.
public final class Program {
    private let backend: any TerminalBackend
    private let runner: EffectRunner
    private let mailbox: Mailbox
    public private(set) var state: AppState
    /// How often spinners move while something is in flight.
    public var tickInterval: Duration = .milliseconds(120)
    /// For the terminal-safety tests only: trap right after the first frame, as a crash would.
    public var crashAfterFirstFrame = false

    public init(backend: any TerminalBackend, client: SparkClient, mailbox: Mailbox, state: AppState) {
        self.backend = backend
        self.mailbox = mailbox
        self.state = state
        self.runner = EffectRunner(client: client, mailbox: mailbox)
        let wakeup = backend.wakeup
        mailbox.setWake { wakeup.wake() }
    }

    /// Runs until the user quits. Returns normally; the caller restores the terminal.
    public func run() {
        state.size = backend.size
        var running = perform(reduce(&state, .started))
        draw()
        if crashAfterFirstFrame { fatalError("crash requested by SPARK_PORTAL_TEST_CRASH") }
        while running {
            let timeout: Duration? = state.isBusy || state.retry != nil ? tickInterval : nil
            var actions: [AppAction] = []
            switch backend.nextEvent(timeout: timeout) {
            case .key(let key): actions.append(.keyPressed(key))
            case .resize(let size): actions.append(.resized(size))
            case .wake: break
            case nil: actions.append(.tick)
            }
            actions += mailbox.drain()
            for action in actions where running {
                running = perform(reduce(&state, action))
            }
            if running { draw() }
        }
        runner.cancelAll()
    }

    /// Starts the effects; returns false when one of them ends the program.
    private func perform(_ effects: [AppEffect]) -> Bool {
        for effect in effects {
            switch effect {
            case .quit:
                return false
            case .suspend:
                backend.suspend()
                state.size = backend.size
                _ = reduce(&state, .resized(state.size))
            default:
                runner.run(effect)
            }
        }
        return true
    }

    private func draw() {
        var buffer = Buffer(size: state.size)
        render(state, into: &buffer)
        backend.draw(buffer)
    }
}
