import Foundation
import SparkMock
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Live HTTP on a port")
struct LiveTests {
    @Test("The seed walkthrough's four curl calls answer the walkthrough's JSON",
          .enabled(if: hasSeedWalkthrough, "../shared/seed is absent: cannot compare with the walkthrough"))
    func seedReplayIsJSONEqual() async throws {
        let steps = try parseSeedWalkthrough()
        try #require(steps.count == 4)
        #expect(steps.map(\.method) == ["GET", "GET", "PUT", "GET"])
        try await withDemoServer(DemoServerConfiguration(dataSet: .seed)) { baseURL in
            for step in steps {
                var headers = ["X-SparkApi-User-Agent": step.userAgent, "Authorization": "OAuth \(step.token)"]
                if step.body != nil { headers["Content-Type"] = "application/json" }
                let url = URL(string: baseURL.absoluteString + step.path)!
                let reply = try await httpRequest(url, method: step.method, headers: headers, body: step.body)
                #expect(reply.status == 200, "\(step.method) \(step.path)")
                #expect(jsonEqual(reply.text, step.expectedJSON), "\(step.method) \(step.path) answered \(reply.text)")
            }
        }
    }

    @Test func portZeroReportsTheBoundPortAndStopReleasesIt() async throws {
        let server = try await DemoServer.start(DemoServerConfiguration(dataSet: .demo))
        let url = server.baseURL
        #expect(url.scheme == "http" && url.host == "127.0.0.1")
        #expect((url.port ?? 0) > 0)
        let reply = try await httpRequest(url.appendingPathComponent("v1/my/account"),
                                          headers: ["Authorization": "OAuth \(DemoCredentials.demoAccessToken)",
                                                    "X-SparkApi-User-Agent": testUserAgent])
        #expect(reply.results.first?["Name"] as? String == "Betty Buyer")
        await server.stop()
        await #expect(throws: (any Error).self) {
            _ = try await httpRequest(url.appendingPathComponent("v1/my/account"))
        }
    }

    @Test func journalShowsThePutReachedTheServer() async throws {
        try await withStartedDemoServer(DemoServerConfiguration(dataSet: .demo)) { server in
            let waiter = Task { await server.journal.waitForRequest(method: "PUT", path: "/v1/portal/groups/current") }
            _ = try await httpRequest(server.baseURL.appendingPathComponent("v1/portal/groups/current"), method: "PUT",
                                      headers: ["Authorization": "OAuth \(DemoCredentials.demoAccessToken)",
                                                "X-SparkApi-User-Agent": testUserAgent, "Content-Type": "application/json"],
                                      body: #"{"D":{"Id":"20130919194721820379000000"}}"#)
            let put = try #require(await waiter.value)
            #expect(put.status == 200)
            #expect(await server.currentGroupID(of: DemoDataSet.demo.defaultUser.id) == "20130919194721820379000000")
            #expect(await server.journal.waitForRequest(method: "DELETE", path: "/nowhere", timeout: .milliseconds(50)) == nil)
        }
    }

    @Test func withDemoServerStopsEvenWhenTheBodyThrows() async throws {
        struct Boom: Error { var url: URL }
        var seen: URL?
        do {
            _ = try await withDemoServer(DemoServerConfiguration(dataSet: .seed)) { url -> Int in throw Boom(url: url) }
        } catch let boom as Boom {
            seen = boom.url
        }
        let url = try #require(seen)
        await #expect(throws: (any Error).self) { _ = try await httpRequest(url.appendingPathComponent("v1/portal/groups")) }
    }

    @Test func aTakenPortFailsToStart() async throws {
        try await withStartedDemoServer(DemoServerConfiguration(dataSet: .seed)) { server in
            let port = try #require(server.baseURL.port)
            var config = DemoServerConfiguration(dataSet: .seed)
            config.port = port
            await #expect(throws: (any Error).self) { _ = try await DemoServer.start(config) }
        }
    }
}
