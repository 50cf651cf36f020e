import Foundation
import TerminalUI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a command talks to the person at the keyboard: lines typed or pasted, a question answered (`cart delete`'s
/// confirmation), a secret typed without echo, and a browser (login). Tests play all of it.
public struct UserTerminal: Sendable {
    /// Whether standard input is a terminal, so there is someone to ask.
    public var isInteractive: Bool
    public var readLine: @Sendable () async -> String?
    /// Writes the question (on stderr, no newline) and reads the answer line.
    public var ask: @Sendable (_ question: String) async -> String?
    public var readSecret: @Sendable (_ prompt: String) async -> String?
    /// Opens the address in a browser; false when there is none.
    public var openBrowser: @Sendable (URL) -> Bool

    public init(isInteractive: Bool = false,
                readLine: @escaping @Sendable () async -> String?,
                ask: @escaping @Sendable (_ question: String) async -> String? = { _ in nil },
                readSecret: @escaping @Sendable (_ prompt: String) async -> String?,
                openBrowser: @escaping @Sendable (URL) -> Bool) {
        self.isInteractive = isInteractive
        self.readLine = readLine
        self.ask = ask
        self.readSecret = readSecret
        self.openBrowser = openBrowser
    }

    /// The real terminal: stdin (read on a thread of its own), prompts on stderr, a no-echo prompt on the tty, and
    /// xdg-open when a display is available.
    public static var process: UserTerminal {
        UserTerminal(
            isInteractive: isatty(STDIN_FILENO) == 1,
            readLine: { await onOwnThread { Swift.readLine(strippingNewline: true) } },
            ask: { question in
                try? FileHandle.standardError.write(contentsOf: Data(question.utf8))
                return await onOwnThread { Swift.readLine(strippingNewline: true) }
            },
            readSecret: { prompt in await onOwnThread { readWithoutEcho(prompt: prompt) } },
            openBrowser: { url in openWithXDG(url, environment: ProcessInfo.processInfo.environment) })
    }

    /// Nobody there: nothing to read, no browser (scripts, and commands run in tests).
    public static var none: UserTerminal {
        UserTerminal(readLine: { nil }, readSecret: { _ in nil }, openBrowser: { _ in false })
    }

    /// Reads one line from stdin with echo off when stdin is a terminal (the prompt goes to stderr).
    static func readWithoutEcho(prompt: String) -> String? {
        guard isatty(STDIN_FILENO) == 1 else {
            try? FileHandle.standardError.write(contentsOf: Data(prompt.utf8))
            defer { try? FileHandle.standardError.write(contentsOf: Data("\n".utf8)) }  // the typed newline was not echoed either
            return Swift.readLine(strippingNewline: true)
        }
        // Echo goes off before the prompt shows, so nothing typed after it is echoed; it comes back even when
        // Ctrl-C (or SIGTERM, SIGHUP) ends the program at the prompt.
        return TerminalModes.withEchoOff(fd: STDIN_FILENO) {
            try? FileHandle.standardError.write(contentsOf: Data(prompt.utf8))
            return Swift.readLine(strippingNewline: true)
        }
    }

    /// Runs `xdg-open URL` when a graphical session is there (DISPLAY or WAYLAND_DISPLAY) and xdg-open exists.
    static func openWithXDG(_ url: URL, environment: [String: String]) -> Bool {
        guard environment["DISPLAY"]?.isEmpty == false || environment["WAYLAND_DISPLAY"]?.isEmpty == false else { return false }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        let candidates: [String] = directories.map { String($0) + "/xdg-open" }
        guard let opener = candidates.first(where: { access($0, X_OK) == 0 }) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [url.absoluteString]  // client id, redirect and state only: nothing secret
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        return true
    }
}
