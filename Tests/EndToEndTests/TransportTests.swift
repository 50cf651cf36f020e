import Foundation
import Synchronization
import TerminalUI
import Testing
import TestSupport

/// The token only goes where it should: never over plain http to another machine, never along a redirect.
@Suite struct TransportTests {
    @Test(arguments: ["http://example.com", "http://sparkapi.com", "http://10.0.0.1:8080", "http://127.0.0.1.nip.io",
                      "http://localhost.example.com", "http://[::ffff:10.0.0.1]"])
    func plainHTTPToAnotherHostIsRefused(endpoint: String) async throws {
        for arguments in [["groups", "--endpoint", endpoint], ["carts", "--json", "--endpoint", endpoint]] {
            let result = try await runPortal(arguments)
            #expect(result.status == 64, "refused as a usage error: \(result.error)")
            #expect(result.error.contains("Refusing to send credentials over plain http"), "\(result.error)")
            #expect(result.output.isEmpty)
        }
        // The same from the environment.
        let fromEnvironment = try await runPortal(["groups"], environment: ["SPARK_API_ENDPOINT": endpoint])
        #expect(fromEnvironment.status == 64, "\(fromEnvironment.error)")
    }

    @Test(.enabled(if: TmuxScreen.isAvailable, "tmux is not installed"))
    func theTUIRefusesPlainHTTPToAnotherHostBeforeStarting() async throws {
        let portal = try await startPortalInTerminal(endpoint: "http://example.com", size: Size(width: 100, height: 20))
        let (status, _) = try await portal.waitForExit()
        #expect(status == 64)
        #expect(portal.stderr.contains("Refusing to send credentials over plain http"), "\(portal.stderr)")
    }

    @Test func plainHTTPToLoopbackIsAllowed() async throws {
        let server = try await MockServerProcess(["--data", "seed"])
        defer { server.stop() }
        let localhost = server.baseURL.absoluteString.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        for endpoint in [server.baseURL.absoluteString, localhost] {
            let result = try await runPortal(["groups", "--endpoint", endpoint])
            #expect(result.status == 0, "\(endpoint): \(result.error)")
            #expect(result.output.contains("Ozzy Owner"))
        }
    }

    /// The first server answers every request with a redirect to a second one (another host, 127.0.0.2); the
    /// second records what reaches it. Nothing may: redirects are not followed, so the token stays home.
    @Test func aRedirectToAnotherHostIsNotFollowed() async throws {
        let elsewhere = try RecordingServer(host: "127.0.0.2") { _ in "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}" }
        let redirector = try RecordingServer(host: "127.0.0.1") { _ in
            "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:\(elsewhere.port)/v1/portal/groups\r\nContent-Length: 0\r\n\r\n"
        }
        defer { redirector.stop(); elsewhere.stop() }
        let result = try await runPortal(["groups", "--endpoint", "http://127.0.0.1:\(redirector.port)"])
        #expect(result.status == 76, "\(result.error)")
        #expect(result.error.contains("redirected"), "\(result.error)")
        let first = redirector.requests
        #expect(!first.isEmpty, "the first server was asked")
        #expect(first.contains { $0.contains("Authorization: OAuth \(demoToken)") || $0.lowercased().contains("authorization: oauth \(demoToken.lowercased())") })
        #expect(elsewhere.requests.isEmpty, "nothing reached the other host: \(elsewhere.requests)")
    }
}

/// A tiny HTTP/1.1 server on a loopback address that records each request's head and answers with `reply`.
final class RecordingServer: Sendable {
    let port: Int
    private let fd: Int32
    private let recorded = Recorded()

    private final class Recorded: Sendable {
        let heads = Mutex<[String]>([])
    }

    var requests: [String] { recorded.heads.withLock { $0 } }

    init(host: String, reply: @escaping @Sendable (String) -> String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { close(fd); throw POSIXError(.EADDRNOTAVAIL) }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let recorded = self.recorded
        let thread = Thread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }  // the listening socket was shut down
                var head = [UInt8]()
                var chunk = [UInt8](repeating: 0, count: 4096)
                while !head.ends(with: Array("\r\n\r\n".utf8)) {
                    let n = read(client, &chunk, chunk.count)
                    if n <= 0 { break }
                    head += chunk[0..<n]
                    if head.count > 65536 { break }
                }
                let text = String(decoding: head, as: UTF8.self)
                recorded.heads.withLock { $0.append(text) }
                let answer = Array(reply(text).utf8)
                _ = answer.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                close(client)
            }
        }
        thread.start()
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
