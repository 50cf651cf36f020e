import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("The spark-mock executable", .enabled(if: Executable.isBuilt("spark-mock"), "spark-mock is not built next to the tests"))
struct ExecutableTests {
    @Test func printsTheListeningLineServesAndExitsOnSIGINT() async throws {
        // MockServerProcess reads the first two lines: "listening on http://127.0.0.1:PORT", then "photos on …".
        let server = try await MockServerProcess(["--data", "seed", "--latency-ms", "1"])
        #expect(server.baseURL.absoluteString.hasPrefix("http://127.0.0.1:"))
        #expect((server.baseURL.port ?? 0) > 0)

        let reply = try await httpRequest(server.baseURL.appendingPathComponent("v1/portal/groups/current"),
                                          headers: ["Authorization": "OAuth MY_OAUTH2_ACCESS_TOKEN", "X-SparkApi-User-Agent": testUserAgent])
        #expect(jsonEqual(reply.text, #"{"D":{"Success":true,"Results":[]}}"#))

        // The second line: the photo listener, on its own port.
        #expect(server.photoBaseURL.absoluteString.hasPrefix("http://127.0.0.1:"))
        #expect(server.photoBaseURL.port != server.baseURL.port)
        let photo = try await httpRequest(server.photoBaseURL.appendingPathComponent("photos/20060425000000000003000003/1/300.jpg"))
        #expect(photo.status == 200 && photo.headers["content-type"] == "image/jpeg")

        server.signal(SIGINT)
        #expect(await server.ended() == 0, "SIGINT ends it normally")
    }

    @Test("a bad fault spec is a usage error that says why",
          arguments: [(["--fault", "GET:/v1/x=boom"], "unknown effect"), (["--photo-fault", "sideways"], "unknown photo fault")])
    func rejectsABadFaultSpec(arguments: [String], says: String) async throws {
        let result = try await Executable.run(Executable.product("spark-mock"), arguments)
        #expect(result.status == 64)
        #expect(result.error.contains(says))
    }
}
