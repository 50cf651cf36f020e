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

    /// The spinner's tick while something is in flight: a timer on the app's clock.
    private var ticker: Task<Void, Never>?

    /// - Parameter clock: what the app's timers run on (see `EffectRunner.clock`); tests pass one they advance.
    public init(backend: any TerminalBackend, client: SparkClient, mailbox: Mailbox, state: AppState,
                clock: any Clock<Duration> = ContinuousClock()) {
        self.backend = backend
        self.mailbox = mailbox
        self.state = state
        self.runner = EffectRunner(client: client, mailbox: mailbox, clock: clock)
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
            updateTicker()
            var actions: [AppAction] = []
            switch backend.nextEvent(timeout: nil) {
            case .key(let key): actions.append(.keyPressed(key))
            case .resize(let size): actions.append(.resized(size))
            case .wake, nil: break
            }
            actions += mailbox.drain()
            for action in actions where running {
                running = perform(reduce(&state, action))
            }
            if running { draw() }
        }
        ticker?.cancel()
        runner.cancelAll()
    }

    /// Ticks (`.tick`, every `tickInterval`) while something is in flight, so spinners move; none when idle.
    private func updateTicker() {
        let wanted = state.isBusy || state.retry != nil
        if wanted, ticker == nil {
            ticker = runner.timer(every: tickInterval, posting: .tick)
        } else if !wanted, let ticker {
            ticker.cancel()
            self.ticker = nil
        }
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
