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

        // The second line: the photo listener, on its own port.
        line = []
        while line.last != UInt8(ascii: "\n") {
            line += try #require(try handle.read(upToCount: 1), "spark-mock closed stdout before the photos line")
        }
        let photos = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(photos.hasPrefix("photos on http://127.0.0.1:"))
        let photoBase = try #require(URL(string: String(photos.dropFirst("photos on ".count))))
        #expect(photoBase.port != base.port)
        let photo = try await httpRequest(photoBase.appendingPathComponent("photos/20060425000000000003000003/1/300.jpg"))
        #expect(photo.status == 200 && photo.headers["content-type"] == "image/jpeg")

        process.interrupt()
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    @Test("a bad fault spec is a usage error that says why",
          .enabled(if: sparkMockBinary != nil, "spark-mock is not built next to the tests"), .timeLimit(.minutes(1)),
          arguments: [(["--fault", "GET:/v1/x=boom"], "unknown effect"), (["--photo-fault", "sideways"], "unknown photo fault")])
    func rejectsABadFaultSpec(arguments: [String], says: String) async throws {
        let process = Process()
        process.executableURL = sparkMockBinary!
        process.arguments = arguments
        let stderr = Pipe()
        process.standardOutput = Pipe()
        process.standardError = stderr
        // Awaited, not waited for: the cooperative pool stays free.
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        #expect(status == 64)
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains(says))
    }
}
