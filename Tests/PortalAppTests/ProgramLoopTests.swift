import Foundation
import SparkAPI
import Testing
import TerminalUI
import TestSupport
@testable import PortalApp

/// A terminal that delivers events in bursts: every event of a burst is waiting at once (the loop may take
/// them without blocking); the next burst comes only when the loop blocks for it, that is after it drew.
/// Counts the frames drawn for each burst.
// @unchecked: used by one thread at a time: made by the test, then used only by the loop's thread, and read
// again after that thread has finished (awaiting it orders the accesses).
final class BurstBackend: TerminalBackend, @unchecked Sendable {
    private let inner: TestBackend
    private var bursts: [[TerminalEvent]]
    private var waiting: [TerminalEvent] = []
    /// `framesDrawn` when each burst was delivered.
    private var framesBefore: [Int] = []
    private(set) var framesDrawn = 0
    /// Runs when a burst is delivered, before its first event is read (to post mailbox actions with it).
    var onBurst: (Int) -> Void = { _ in }

    init(size: Size, bursts: [[TerminalEvent]]) {
        inner = TestBackend(size: size)
        self.bursts = bursts
    }

    var size: Size { inner.size }
    var wakeup: Wakeup { inner.wakeup }
    var lastFrame: Buffer { inner.lastFrame }
    /// Events of the last burst the loop never read.
    var unread: [TerminalEvent] { waiting }

    /// Frames drawn while each burst was being handled (up to the next burst, or the end).
    var framesPerBurst: [Int] {
        zip(framesBefore, framesBefore.dropFirst() + [framesDrawn]).map { $1 - $0 }
    }

    func draw(_ buffer: Buffer) {
        inner.draw(buffer)
        framesDrawn += 1
    }

    func nextEvent(timeout: Duration?) -> TerminalEvent? {
        if !waiting.isEmpty { return waiting.removeFirst() }
        if timeout == .zero { return inner.nextEvent(timeout: .zero) }  // a wake-up, or nothing
        guard !bursts.isEmpty else { return .key(.ctrl("c")) }  // the script ran out: end the test
        framesBefore.append(framesDrawn)
        waiting = bursts.removeFirst()
        onBurst(framesBefore.count - 1)
        return nextEvent(timeout: timeout)
    }

    func suspend() {}
    func shutdown() {}
}

/// The program loop itself: how keys, mailbox actions and frames interleave. The server never answers
/// (every request waits until the loop ends and cancels it), so the only actions are the script's.
@Suite struct ProgramLoopTests {
    static let size = Size(width: 120, height: 40)

    /// A state with a 300-member group loaded and current, the members pane focused.
    static func bigGroupState() -> AppState {
        let members = (1...299).map { (id: "C-\($0)", name: "Member \($0)") }
        let big = Fixture.group("G-BIG", owner: ("C-0", "Owner Zero"), members: members)
        var state = AppState(size: size, endpointHost: "sparkapi.com")
        _ = reduce(&state, .started)
        _ = reduce(&state, .groupsLoaded(.success([big])))
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(big)))
        _ = state.press(.tab)
        return state
    }

    /// Runs the real `Program` on a thread of its own over `backend`; returns the state it ended with.
    static func run(_ backend: BurstBackend, mailbox: Mailbox = Mailbox(), state: AppState = bigGroupState()) async throws -> AppState {
        let silent = ClosureTransport { _ in
            try await Task.sleep(for: .seconds(3_600))  // cancelled when the loop ends
            throw CancellationError()
        }
        let client = try SparkClient(configuration: SparkClientConfiguration(baseURL: URL(string: "https://sparkapi.com")!,
                                                                             userAgent: "spark-portal-tests"),
                                     tokens: StaticToken("token"), transport: silent)
        let end = await onOwnThread { () -> AppState in
            let program = Program(backend: backend, client: client, mailbox: mailbox, state: state)
            program.run()
            return program.state
        }
        await client.shutdown()
        return end
    }

    static func keys(_ key: Key, _ count: Int) -> [TerminalEvent] {
        Array(repeating: .key(key), count: count)
    }

    @Test func aBurstOfKeysDrawsOnceAndASingleKeyStillDrawsAtOnce() async throws {
        let backend = BurstBackend(size: Self.size, bursts: [
            Self.keys(.down, 100),
            [.key(.down)],
            [.key(.char("q"))],
        ])
        let end = try await Self.run(backend)
        #expect(backend.framesPerBurst == [1, 1, 0])
        #expect(backend.framesDrawn == 3, "the first frame, one for the burst, one for the single key")
        #expect(end.cursor(.members).selected == 101)
        #expect(backend.lastFrame.contains("▸ Member 101"))
    }

    @Test func keysOfABurstKeepTheirOrder() async throws {
        // Typed into the member filter: "/", "2", "9", Enter, then ↓ moves inside the filtered rows.
        let burst: [TerminalEvent] = [.key(.char("/")), .key(.char("2")), .key(.char("9")), .key(.enter), .key(.down)]
        let backend = BurstBackend(size: Self.size, bursts: [burst, [.key(.char("q"))]])
        let end = try await Self.run(backend)
        #expect(end.filter(.members) == "29")
        #expect(end.editingFilter == nil)
        #expect(end.memberNames.prefix(2) == ["Member 29", "Member 129"])
        #expect(end.cursor(.members).selected == 1)
        #expect(backend.framesPerBurst == [1, 0])
    }

    @Test func quitEndsAtOnceAndLeavesTheRestUnread() async throws {
        let backend = BurstBackend(size: Self.size, bursts: [Self.keys(.down, 3) + [.key(.char("q"))] + Self.keys(.down, 5)])
        let end = try await Self.run(backend)
        #expect(backend.framesPerBurst == [0], "nothing is drawn after q")
        #expect(backend.unread.count == 5)
        #expect(end.cursor(.members).selected == 3)
    }

    @Test func mailboxActionsArrivingWithABurstShareItsFrame() async throws {
        let mailbox = Mailbox()
        let backend = BurstBackend(size: Self.size, bursts: [Self.keys(.down, 10), [.key(.char("q"))]])
        backend.onBurst = { burst in
            guard burst == 0 else { return }
            mailbox.post(.accountLoaded(.success(Fixture.account)))
            mailbox.post(.requestFinished(RequestEvent(method: "GET", path: "/v1/my/account", status: 200, sparkCode: nil,
                                                       duration: .milliseconds(7), attempt: 1, errorSummary: nil)))
        }
        let end = try await Self.run(backend, mailbox: mailbox)
        #expect(backend.framesPerBurst == [1, 0])
        #expect(end.account.value == Fixture.account)
        #expect(end.cursor(.members).selected == 10)
        #expect(backend.lastFrame.lines[0].contains("Betty Buyer"))
    }
}
