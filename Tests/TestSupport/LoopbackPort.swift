import Foundation
import Synchronization

/// Loopback ports for tests of refused connections.
public enum LoopbackPort {
    /// A port that was free a moment ago (bound, then released): for a server a test starts at once. A test that starts
    /// its server on a port later takes `RefusingPort.reserved()`.
    public static func free() throws -> Int {
        let socket = try RefusingPort()
        return socket.port
    }
}

extension RefusingPort {
    /// A port for a server the test starts on it later (`release()` first): below the range the system hands out to
    /// `bind(0)` and to outgoing connections, so that between the release and the server's start no connection or server
    /// of another test running meanwhile can take it (one taken by another test's `reserved()` is skipped).
    public static func reserved() throws -> RefusingPort {
        let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))?
            .split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
        let ports = max(range - 12_000, 1024)..<max(range, 1025)
        for _ in 0..<64 {
            if let port = try? RefusingPort(port: Int.random(in: ports)) { return port }
        }
        throw POSIXError(.EADDRINUSE)
    }
}

/// A loopback port that refuses connections for as long as this value lives or until `release()`: the socket is bound
/// but never listens, so a connect gets RST at once and no other test's server can take the port meanwhile.
public final class RefusingPort: Sendable {
    public let port: Int
    private let socketFD: Mutex<Int32?>

    /// Binds `port`, or a free port when 0. Throws EADDRINUSE when the port is taken — also by the TIME_WAIT of a server
    /// that just stopped on it (no SO_REUSEADDR: with it, a server's socket could share the port).
    public init(port: Int = 0) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)  // CLOEXEC: a child another test starts meanwhile must not keep the port bound
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        socketFD = Mutex(fd)
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Frees the port, for the server the test starts next on it.
    public func release() {
        socketFD.withLock { fd in
            if let open = fd { close(open) }
            fd = nil
        }
    }

    deinit { release() }
}
