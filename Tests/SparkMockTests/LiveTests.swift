import Foundation
import HTTPTypes
import HummingbirdTesting
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

    @Test func removedFromTheCurrentGroupAnswers1025UntilAnotherChoice() async throws {
        try await withStartedDemoServer(DemoServerConfiguration(dataSet: .demo)) { server in
            let headers = ["Authorization": "OAuth \(DemoCredentials.demoAccessToken)", "X-SparkApi-User-Agent": testUserAgent,
                           "Content-Type": "application/json"]
            func call(_ method: String, _ path: String, body: String? = nil) async throws -> Reply {
                try await httpRequest(URL(string: server.baseURL.absoluteString + path)!, method: method, headers: headers, body: body)
            }
            let ozzy = "20130919194721820379000000"
            #expect(try await call("PUT", "/v1/portal/groups/current", body: #"{"D":{"Id":"\#(ozzy)"}}"#).status == 200)
            await server.removeMember(DemoDataSet.demo.defaultUser.id, fromGroup: ozzy)

            for path in ["/v1/portal/groups/current", "/v1/listingcarts"] {
                let reply = try await call("GET", path)
                #expect(reply.status == 400 && reply.code == 1025, "\(path)")
            }
            let groups = try await call("GET", "/v1/portal/groups?_limit=25").results.compactMap { $0["Id"] as? String }
            #expect(!groups.contains(ozzy) && !groups.isEmpty)
            #expect(try await call("PUT", "/v1/portal/groups/current", body: #"{"D":{"Id":"\#(ozzy)"}}"#).code == 1025)
            #expect(try await call("PUT", "/v1/portal/groups/current", body: #"{"D":{"Id":"\#(groups[0])"}}"#).status == 200)
            #expect(try await call("GET", "/v1/listingcarts").status == 200)
        }
    }

    @Test func applicationRunsInHummingbirdLiveMode() async throws {
        let journal = RequestJournal()
        let app = buildDemoApplication(DemoServerConfiguration(dataSet: .seed), journal: journal)
        try await app.test(.live) { client in
            #expect(client.port != nil)
            var headers = HTTPFields()
            headers[.authorization] = "OAuth \(DemoCredentials.seedAccessToken)"
            headers[HTTPField.Name("X-SparkApi-User-Agent")!] = testUserAgent
            let response = try await client.executeRequest(uri: "/v1/portal/groups/current", method: .get, headers: headers, body: nil)
            #expect(response.status == .ok)
            #expect(jsonEqual(String(buffer: response.body), #"{"D":{"Success":true,"Results":[]}}"#))
        }
        #expect(await journal.requests.count == 1)
    }
}
