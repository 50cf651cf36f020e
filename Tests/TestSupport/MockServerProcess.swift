import Foundation

/// The real `spark-mock` executable on a free port, for end-to-end tests: started, its announced URL
/// read from its first line, and terminated when the value goes away.
public final class MockServerProcess: @unchecked Sendable {
    // @unchecked: the Process is only started in init and terminated in stop/deinit.
    public let baseURL: URL
    private let process: Process

    public init(_ arguments: [String] = []) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: Executable.product("spark-mock"))
        process.arguments = ["--port", "0"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is "listening on http://127.0.0.1:PORT".
        var line = Data()
        let handle = out.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        guard text.hasPrefix("listening on "), let url = URL(string: String(text.dropFirst("listening on ".count))) else {
            process.terminate()
            throw StartFailed(firstLine: text)
        }
        baseURL = url
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    public struct StartFailed: Error, CustomStringConvertible {
        public var firstLine: String
        public var description: String { "spark-mock did not announce its address (first line: \(firstLine))" }
    }
}
