import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `spark-mock`, next to the test bundle in the build products directory (`swift build`/`swift test`
/// build every product there).
private let sparkMockBinary: URL? = {
    var candidates: [URL] = []
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = testBinary.deletingLastPathComponent()
    // Linux: .build/debug/<Package>PackageTests.xctest; macOS: .build/debug/<Package>PackageTests.xctest/Contents/MacOS/…
    for _ in 0..<4 {
        candidates.append(directory.appendingPathComponent("spark-mock"))
        directory = directory.deletingLastPathComponent()
    }
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(packageRoot.appendingPathComponent(".build/debug/spark-mock"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}()

@Suite("The spark-mock executable")
struct ExecutableTests {
    @Test(.enabled(if: sparkMockBinary != nil, "spark-mock is not built next to the tests"), .timeLimit(.minutes(1)))
    func printsTheListeningLineServesAndExitsOnSIGINT() async throws {
        let process = Process()
        process.executableURL = sparkMockBinary!
        process.arguments = ["--data", "seed", "--port", "0", "--latency-ms", "1"]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // The first line, read byte by byte until the newline (the process keeps running).
        var line: [UInt8] = []
        let handle = stdout.fileHandleForReading
        while line.last != UInt8(ascii: "\n") {
            let byte = try #require(try handle.read(upToCount: 1), "spark-mock closed stdout before the listening line")
            line += byte
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(text.hasPrefix("listening on http://127.0.0.1:"))
        let base = try #require(URL(string: String(text.dropFirst("listening on ".count))))
        #expect((base.port ?? 0) > 0)

        let reply = try await httpRequest(base.appendingPathComponent("v1/portal/groups/current"),
                                          headers: ["Authorization": "OAuth MY_OAUTH2_ACCESS_TOKEN", "X-SparkApi-User-Agent": testUserAgent])
        #expect(jsonEqual(reply.text, #"{"D":{"Success":true,"Results":[]}}"#))

        process.interrupt()
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    @Test(.enabled(if: sparkMockBinary != nil, "spark-mock is not built next to the tests"), .timeLimit(.minutes(1)))
    func rejectsABadFaultSpec() throws {
        let process = Process()
        process.executableURL = sparkMockBinary!
        process.arguments = ["--fault", "GET:/v1/x=boom"]
        let stderr = Pipe()
        process.standardOutput = Pipe()
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("unknown effect"))
    }
}
