import Foundation
import SparkAPI
import TerminalPictures
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
    /// The app's time (`.timePassed`) while it is wanted (`AppState.wantsTime`): a stopwatch on the app's clock.
    private var stopwatch: Task<Void, Never>?

    /// - Parameters:
    ///   - clock: what the app's timers run on (see `EffectRunner.clock`); tests pass one they advance.
    ///   - cache: where the last-known workspace is kept (`state` shows what it held: `AppState.useCache`).
    ///   - photos: the session's photo store, when the details draw photos (`AppState.detailsPhoto`).
    ///   - members: with `--demo`, the members the app can act as (`A`), with their tokens; the state learns only their
    ///     names.
    public init(backend: any TerminalBackend, client: SparkClient, mailbox: Mailbox, state: AppState,
                clock: any Clock<Duration> = ContinuousClock(), cache: (any WorkspaceCacheStore)? = nil,
                photos: PictureStore<URL>? = nil, members: MemberTokens? = nil) {
        self.backend = backend
        self.mailbox = mailbox
        self.state = state
        self.state.presenter.demoMembers = members?.members ?? []
        self.runner = EffectRunner(client: client, mailbox: mailbox, clock: clock, cache: cache, photos: photos,
                                   members: members)
        let wakeup = backend.wakeup
        mailbox.setWake { wakeup.wake() }
    }

    /// Runs until the user quits. Returns normally; the caller restores the terminal.
    ///
    /// Each turn waits for one event, then takes every event already waiting (a burst of keys: a held-down
    /// key, keys sent together over ssh) without blocking, and every action in the mailbox, reduces them all
    /// in order, and draws once. A single key still draws at once; `q` ends the program as soon as it is
    /// reduced, leaving the keys after it unread.
    public func run() {
        state.size = backend.size
        var running = perform(reduce(&state, .started))
        draw()
        if crashAfterFirstFrame { fatalError("crash requested by SPARK_PORTAL_TEST_CRASH") }
        while running {
            updateTicker()
            var next = backend.nextEvent(timeout: nil)
            var taken = 0
            while running, let event = next {
                switch event {
                case .key(let key): running = apply(.keyPressed(key))
                case .resize(let size): running = apply(.resized(size))
                case .wake: running = applyMailbox()
                }
                taken += 1
                next = running && taken < Self.eventsPerFrame ? backend.nextEvent(timeout: .zero) : nil
            }
            if running { running = applyMailbox() }
            if running { draw() }
        }
        ticker?.cancel()
        stopwatch?.cancel()
        runner.cancelAll()
        runner.waitForSaves()
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
        if state.wantsTime, stopwatch == nil {
            stopwatch = PortalApp.stopwatch(on: runner.clock, every: .seconds(1), mailbox: mailbox)
        } else if !state.wantsTime, let stopwatch {
            stopwatch.cancel()
            self.stopwatch = nil
        }
    }

    /// The most events reduced between two frames: a flood of input (a long paste typed as keys) still
    /// shows progress.
    static let eventsPerFrame = 1_000

    /// Reduces one action and starts its effects; false when the program ends.
    private func apply(_ action: AppAction) -> Bool {
        perform(reduce(&state, action))
    }

    /// Reduces every action posted so far, oldest first; false when the program ends.
    private func applyMailbox() -> Bool {
        for action in mailbox.drain() where !apply(action) { return false }
        return true
    }

    /// Starts the effects; returns false when one of them ends the program.
    private func perform(_ effects: [AppEffect]) -> Bool {
        for effect in effects {
            switch effect {
            case .quit:
                return false
            case .copyToClipboard(let text):
                backend.copyToClipboard(text)
            case .suspend:
                backend.suspend()
                state.size = backend.size
                _ = perform(reduce(&state, .resized(state.size)))
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
