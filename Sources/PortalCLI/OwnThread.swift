import Foundation

/// Runs blocking work (a terminal read, the TUI's program loop, an accept loop) on a thread of its own, so it never
/// holds one of the cooperative pool's few threads, which the network tasks need.
/// - Parameter stackSize: bytes; 0 for the system's default.
func onOwnThread<T: Sendable>(stackSize: Int = 0, _ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        if stackSize > 0 { thread.stackSize = stackSize }
        thread.start()
    }
}
