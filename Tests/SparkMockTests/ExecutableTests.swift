import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("The spark-mock executable", .enabled(if: Executable.isBuilt("spark-mock"), "spark-mock is not built next to the tests"))
struct ExecutableTests {
    @Test func printsTheListeningLineServesAndExitsOnSIGINT() async throws {
        // MockServerProcess reads the first line: "listening on http://127.0.0.1:PORT".
        let server = try await MockServerProcess(["--data", "seed", "--latency-ms", "1"])
        #expect(server.baseURL.absoluteString.hasPrefix("http://127.0.0.1:"))
        #expect((server.baseURL.port ?? 0) > 0)

        let reply = try await httpRequest(server.baseURL.appendingPathComponent("v1/portal/groups/current"),
                                          headers: ["Authorization": "OAuth MY_OAUTH2_ACCESS_TOKEN", "X-SparkApi-User-Agent": testUserAgent])
        #expect(jsonEqual(reply.text, #"{"D":{"Success":true,"Results":[]}}"#))

        server.signal(SIGINT)
        #expect(await server.ended() == 0, "SIGINT ends it normally")
    }

    @Test func rejectsABadFaultSpec() async throws {
        let result = try await Executable.run(Executable.product("spark-mock"), ["--fault", "GET:/v1/x=boom"])
        #expect(result.status != 0)
        #expect(result.error.contains("unknown effect"))
    }
}
