import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SparkMock
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A decoded answer of the demo server.
struct Reply: Sendable {
    var status: Int
    var headers: [String: String]
    var text: String

    var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var d: [String: Any] { object["D"] as? [String: Any] ?? [:] }
    var success: Bool? { d["Success"] as? Bool }
    var code: Int? { d["Code"] as? Int }
    var results: [[String: Any]] { d["Results"] as? [[String: Any]] ?? [] }
    var pagination: [String: Int]? { d["Pagination"] as? [String: Int] }
    var hasResults: Bool { d["Results"] != nil }
}

let testUserAgent = "SparkMockTests"

/// Sends requests to a demo application without sockets (HummingbirdTesting's router mode).
struct RouterClient: Sendable {
    let client: any TestClientProtocol

    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = DemoCredentials.seedAccessToken,
              userAgent: String? = testUserAgent, body: String? = nil, contentType: String? = "application/json",
              authorizationScheme: String = "OAuth") async throws -> Reply {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "\(authorizationScheme) \(token)" }
        if let userAgent { headers[HTTPField.Name("X-SparkApi-User-Agent")!] = userAgent }
        if body != nil, let contentType { headers[.contentType] = contentType }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers,
                                                       body: body.map { ByteBuffer(string: $0) })
        var replyHeaders: [String: String] = [:]
        for field in response.headers { replyHeaders[field.name.canonicalName] = field.value }
        return Reply(status: Int(response.status.code), headers: replyHeaders, text: String(buffer: response.body))
    }

    func get(_ uri: String, token: String? = DemoCredentials.seedAccessToken) async throws -> Reply {
        try await call(.get, uri, token: token)
    }

    func put(group id: String, token: String? = DemoCredentials.seedAccessToken) async throws -> Reply {
        try await call(.put, "/v1/portal/groups/current", token: token, body: #"{"D":{"Id":"\#(id)"}}"#)
    }
}

/// Runs `body` against a fresh demo application in router mode.
func withRouter<T: Sendable>(_ configuration: DemoServerConfiguration = DemoServerConfiguration(dataSet: .seed),
                             journal: RequestJournal = RequestJournal(),
                             _ body: @escaping @Sendable (RouterClient) async throws -> T) async throws -> T {
    let app = buildDemoApplication(configuration, journal: journal)
    return try await app.test(.router) { client in try await body(RouterClient(client: client)) }
}

/// A plain HTTP request over loopback (URLSession), for live tests.
func httpRequest(_ url: URL, method: String = "GET", headers: [String: String] = [:], body: String? = nil) async throws -> Reply {
    var request = URLRequest(url: url)
    request.httpMethod = method
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    if let body { request.httpBody = Data(body.utf8) }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as! HTTPURLResponse
    var replyHeaders: [String: String] = [:]
    for (name, value) in http.allHeaderFields { replyHeaders[String(describing: name).lowercased()] = String(describing: value) }
    return Reply(status: http.statusCode, headers: replyHeaders, text: String(decoding: data, as: UTF8.self))
}

/// `../shared` beside the package root (present in the project's worktrees, absent elsewhere).
let sharedDirectory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared")
let seedWalkthrough = sharedDirectory.appendingPathComponent("seed/changing-current-portal-group.txt")
let hasSeedWalkthrough = FileManager.default.fileExists(atPath: seedWalkthrough.path)

/// One curl call of the walkthrough and the JSON it printed.
struct SeedStep: Sendable {
    var method: String
    var path: String
    var userAgent: String
    var token: String
    var body: String?
    var expectedJSON: String
}

/// Parses the walkthrough: each `$ curl ...` line, then the JSON block printed after it.
func parseSeedWalkthrough() throws -> [SeedStep] {
    let text = try String(contentsOf: seedWalkthrough, encoding: .utf8)
    var steps: [SeedStep] = []
    var pending: SeedStep?
    var block: [String]?
    func capture(_ pattern: String, in line: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
              let range = Range(match.range(at: 1), in: line) else { return nil }
        return String(line[range])
    }
    for line in text.components(separatedBy: "\n") {
        if line.hasPrefix("$ curl") {
            pending = SeedStep(method: capture(#"-X (\w+)"#, in: line) ?? "GET",
                               path: capture(#"curl "https://sparkapi\.com([^"]+)""#, in: line) ?? "",
                               userAgent: capture(#"X-SparkApi-User-Agent: ([^"]+)""#, in: line) ?? "",
                               token: capture(#"Authorization: OAuth ([^"]+)""#, in: line) ?? "",
                               body: capture(#"--data '([^']*)'"#, in: line), expectedJSON: "")
        } else if line == "{", pending != nil {
            block = ["{"]
        } else if var lines = block {
            if line.hasPrefix("}") {
                lines.append("}")
                pending!.expectedJSON = lines.joined(separator: "\n")
                steps.append(pending!)
                pending = nil
                block = nil
            } else {
                lines.append(line)
                block = lines
            }
        }
    }
    return steps
}

/// JSON equality through Foundation's object graph (key order and whitespace do not matter).
func jsonEqual(_ a: String, _ b: String) -> Bool {
    guard let x = try? JSONSerialization.jsonObject(with: Data(a.utf8)),
          let y = try? JSONSerialization.jsonObject(with: Data(b.utf8)) else { return false }
    return NSDictionary(dictionary: ["v": x]).isEqual(to: ["v": y])
}

/// The first member name of a group.
func memberNames(_ group: [String: Any]) -> [String] {
    (group["Users"] as? [[String: Any]] ?? []).compactMap { $0["Name"] as? String }
}

/// A live demo server (data set `demo`) on which Johnny chose Ozzy Owner's group and was then removed from it, as an
/// agent would: `body` gets the server and the headers of Johnny's requests. The server is always stopped.
func withJohnnyRemovedFromOzzysGroup(_ body: (DemoServer, [String: String]) async throws -> Void) async throws {
    let ozzysGroup = "20130919194721820379000000"
    let johnny = try #require(DemoDataSet.demo.users.first { $0.accessToken == "DEMO_ACCESS_TOKEN_JOHNNY" })
    try await withStartedDemoServer(DemoServerConfiguration(dataSet: .demo)) { server in
        let headers = ["Authorization": "OAuth \(johnny.accessToken)", "X-SparkApi-User-Agent": testUserAgent,
                       "Content-Type": "application/json"]
        _ = try await httpRequest(server.baseURL.appendingPathComponent("v1/portal/groups/current"), method: "PUT",
                                  headers: headers, body: #"{"D":{"Id":"\#(ozzysGroup)"}}"#)
        await server.removeMember(johnny.id, fromGroup: ozzysGroup)
        try await body(server, headers)
    }
}
