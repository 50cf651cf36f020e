import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SparkMock
import Testing
import TestSupport

@testable import SparkAPI

/// What the tiny test server saw.
struct ReceivedRequest: Sendable {
    var method: String
    var uri: String
    var headers: [String: String]
    var body: String
}

/// A minimal HTTP/1.1 server on 127.0.0.1, port 0. `respond` answers each request; nil means
/// "never answer" (for timeouts).
final class TestHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let respond: @Sendable (ReceivedRequest) -> (status: Int, headers: [String: String], body: String)?
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(respond: @escaping @Sendable (ReceivedRequest) -> (status: Int, headers: [String: String], body: String)?) {
        self.respond = respond
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            let request = ReceivedRequest(
                method: head.method.rawValue, uri: head.uri, headers: headers, body: String(buffer: body))
            guard let answer = respond(request) else { return }
            var responseHeaders = HTTPHeaders(answer.headers.map { ($0.key, $0.value) })
            responseHeaders.replaceOrAdd(name: "Content-Length", value: String(answer.body.utf8.count))
            let status = HTTPResponseStatus(statusCode: answer.status)
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: responseHeaders))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer.body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

/// Starts the test server, runs `body` with its base URL, and always stops it.
/// - Parameters:
///   - host: a loopback address to listen on.
///   - tls: serve https with this context (else plain http).
func withTestServer<Result>(
    host: String = "127.0.0.1", tls: NIOSSLContext? = nil,
    respond: @escaping @Sendable (ReceivedRequest) -> (status: Int, headers: [String: String], body: String)?,
    _ body: (URL) async throws -> Result
) async throws -> Result {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                try channel.pipeline.syncOperations.addHandler(TestHTTPHandler(respond: respond))
            }
        }
        .bind(host: host, port: 0).get()
    let url = URL(string: "\(tls == nil ? "http" : "https")://\(host):\(channel.localAddress!.port!)")!
    do {
        let result = try await body(url)
        try await channel.close()
        return result
    } catch {
        try? await channel.close()
        throw error
    }
}

func liveConfiguration(_ url: URL, timeout: Duration = .seconds(10)) -> SparkClientConfiguration {
    SparkClientConfiguration(baseURL: url, userAgent: "spark-portal-live-test", requestTimeout: timeout, retry: .none)
}

@Suite("AsyncHTTPClient transport against a real server", .timeLimit(.minutes(1)))
struct LiveTransportTests {
    /// The seed walkthrough over real HTTP: current (none), groups (37, two pages), PUT, carts.
    @Test func walkthroughEndToEnd() async throws {
        let received = Recorder<ReceivedRequest>()
        let json = ["Content-Type": "application/json"]
        let result = try await withTestServer(respond: { request in
            received.append(request)
            let path = String(request.uri.split(separator: "?").first ?? "")
            switch (request.method, path) {
            case ("GET", "/v1/portal/groups/current"):
                return (200, json, #"{"D":{"Success":true,"Results":[]}}"#)
            case ("GET", "/v1/portal/groups"):
                let url = URL(string: "http://x" + request.uri)!
                let answer = pagedGroups(rows: 37, request: TransportRequest(method: "GET", url: url))
                return (200, json, String(decoding: answer.body, as: UTF8.self))
            case ("PUT", "/v1/portal/groups/current"):
                return (200, json, #"{"D":{"Success":true}}"#)
            case ("GET", "/v1/listingcarts"):
                return (200, json, #"{"D":{"Results":[{"ResourceUri":"/v1/listingcarts/C1","ListingCount":2,"Name":"Favorites","Id":"C1","PortalCartType":"Favorites"}],"Success":true}}"#)
            default:
                return (404, json, #"{"D":{"Success":false,"Code":404,"Message":"Not found"}}"#)
            }
        }) { url in
            try await SparkClient.withLive(configuration: liveConfiguration(url), tokens: StaticToken(secretToken)) { client in
                let current = try await client.currentGroup()
                let groups = try await client.groups()
                try await client.chooseGroup(id: "g7")
                let carts = try await client.listingCarts()
                return (current, groups, carts)
            }
        }
        #expect(result.0 == nil)
        #expect(result.1.map(\.id) == (1...37).map { "g\($0)" })
        #expect(result.2 == [ListingCart(id: "C1", resourceUri: "/v1/listingcarts/C1", name: "Favorites", listingCount: 2, portalCartType: .favorites)])

        let requests = received.values
        #expect(requests.count == 5)
        for request in requests {
            #expect(request.headers["authorization"] == "OAuth \(secretToken)")
            #expect(request.headers["x-sparkapi-user-agent"] == "spark-portal-live-test")
            #expect(request.headers["accept"] == "application/json")
        }
        let put = try #require(requests.first { $0.method == "PUT" })
        #expect(put.body == #"{"D":{"Id":"g7"}}"#)
        #expect(put.headers["content-type"] == "application/json")
        #expect(Set(requests.map(\.uri)).contains("/v1/portal/groups?_limit=25&_pagination=1&_page=2"))
    }

    @Test func errorEnvelopeOverHTTP() async throws {
        let error = try await withTestServer(respond: { _ in
            (429, ["Content-Type": "application/json", "Retry-After": "1"], #"{"D":{"Success":false,"Code":1550,"Message":"Over limit"}}"#)
        }) { url in
            try await SparkClient.withLive(configuration: liveConfiguration(url), tokens: StaticToken("t")) { client in
                await #expect(throws: SparkError.self) { try await client.currentGroup() }
            }
        }
        #expect(error == .api(status: 429, code: 1550, message: "Over limit",
                              context: RequestContext(method: "GET", path: "/v1/portal/groups/current")))
    }

    @Test func redirectsAreNotFollowed() async throws {
        let hits = Recorder<String>()
        let error = try await withTestServer(respond: { request in
            hits.append(request.uri)
            return (302, ["Location": "http://127.0.0.2:1/v1/portal/groups/current"], "")
        }) { url in
            try await SparkClient.withLive(configuration: liveConfiguration(url), tokens: StaticToken("t")) { client in
                await #expect(throws: SparkError.self) { try await client.currentGroup() }
            }
        }
        #expect(error?.httpStatus == 302)
        #expect(hits.count == 1)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let error = try await withTestServer(respond: { _ in nil }) { url in
            try await SparkClient.withLive(configuration: liveConfiguration(url, timeout: .milliseconds(300)), tokens: StaticToken("t")) { client in
                await #expect(throws: SparkError.self) { try await client.currentGroup() }
            }
        }
        guard case .transport(.timedOut, "127.0.0.1", _)? = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
    }

    /// The headers and half the body arrive at once, then the server stops sending: AsyncHTTPClient's own
    /// deadline has ended with the headers, so only the transport's time limit over the whole exchange ends it.
    /// The fault applies once, so asking again gets the whole answer (the connection was not left broken).
    /// The server holds the rest on a test clock that never moves, so the first try can only end by the client's
    /// time limit, which is generous enough for the second to be answered on a loaded machine.
    @Test func aBodyThatStallsAfterTheHeadersTimesOutThenTheRetrySucceeds() async throws {
        let faults = FaultPlan(rules: [try FaultRule.parse("GET:/v1/portal/groups=stall-body:30:1")])
        let clock = TestClock()
        try await withStartedDemoServer(DemoServerConfiguration(dataSet: .demo, faults: faults, clock: clock)) { server in
            defer { clock.stop() }  // ends the held answer before the server stops
            let configuration = liveConfiguration(server.baseURL, timeout: .seconds(5))
            let groups = try await SparkClient.withLive(
                configuration: configuration, tokens: StaticToken(DemoCredentials.demoAccessToken)
            ) { client in
                let error = await #expect(throws: SparkError.self) { try await client.groups() }
                guard case .transport(.timedOut, "127.0.0.1", _)? = error else {
                    Issue.record("the stalled body: got \(String(describing: error))")
                    return [PortalGroup]()
                }
                return try await client.groups()
            }
            #expect(groups.count == 5, "the demo user's five groups, read whole the second time")
            let answered = await server.journal.requests(method: "GET", path: "/v1/portal/groups")
            #expect(answered.count == 2, "one stalled answer, one whole")
        }
    }

    @Test func cancellingAnInFlightRequestEndsWithCancelled() async throws {
        let received = Recorder<String>()
        let error = try await withTestServer(respond: { request in
            received.append(request.uri)
            return nil  // never answer: only cancellation can end the request
        }) { url in
            try await SparkClient.withLive(configuration: liveConfiguration(url, timeout: .seconds(50)), tokens: StaticToken("t")) { client in
                let task = Task { try await client.currentGroup() }
                try await eventually("request received") { received.count == 1 }
                task.cancel()
                return await #expect(throws: SparkError.self) { try await task.value }
            }
        }
        guard case .cancelled? = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
        #expect(received.count == 1)
    }

    @Test func aClosedPortIsConnectionRefused() async throws {
        // A port held bound but not listening: refused, and no other test can take it meanwhile.
        let refusing = try RefusingPort()
        let url = URL(string: "http://127.0.0.1:\(refusing.port)")!
        let error = try await SparkClient.withLive(configuration: liveConfiguration(url), tokens: StaticToken("t")) { client in
            await #expect(throws: SparkError.self) { try await client.currentGroup() }
        }
        withExtendedLifetime(refusing) {}
        guard case .transport(.connectionRefused, _, _)? = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
        #expect(error?.userMessage.contains("Could not connect to 127.0.0.1") == true)
    }

    @Test func anUnknownHostIsHostNotFound() async throws {
        let transport = AsyncHTTPClientTransport(endpoint: URL(string: "https://spark.invalid")!, proxy: .some(nil))
        let client = try SparkClient(
            configuration: SparkClientConfiguration(baseURL: URL(string: "https://spark.invalid")!, retry: .none),
            tokens: StaticToken("t"), transport: transport)
        let error = await #expect(throws: SparkError.self) { try await client.currentGroup() }
        await transport.shutdown()
        guard case .transport(.hostNotFound, "spark.invalid", _)? = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
    }
}
