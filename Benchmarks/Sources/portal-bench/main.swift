// portal-bench: the in-process benchmarks of spark-portal (see ../../README.md). Each section starts its own
// demo server (SparkMock over real loopback HTTP, with injected latency) and drives the real client, reducer,
// effect runner and views. Usage: portal-bench [startup|cache|switch|draw|decode|memory|photos]... [--quick] [--switches N] [--out FILE]
import Foundation
import PortalApp
import PortalCLI
import SparkAPI
import SparkMock
import TerminalUI

let arguments = Array(CommandLine.arguments.dropFirst())
let quick = arguments.contains("--quick")
let outPath = arguments.firstIndex(of: "--out").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
/// `--switches N`: how many group switches the memory section makes (default 1,000).
let memorySwitches = arguments.firstIndex(of: "--switches").flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil }
/// `--endpoint URL`: the memory section uses this spark-mock instead of starting one.
let memoryEndpoint = arguments.firstIndex(of: "--endpoint").flatMap { arguments.indices.contains($0 + 1) ? URL(string: arguments[$0 + 1]) : nil }
let allSections = ["startup", "cache", "switch", "draw", "decode", "memory", "photos"]
let chosen = arguments.filter { allSections.contains($0) }
let sections = chosen.isEmpty ? allSections : chosen
let report = Report(path: outPath)
let latencies = [0, 50, 100]

func server(_ data: DemoDataSet, latencyMs: Int) async throws -> DemoServer {
    try await DemoServer.start(DemoServerConfiguration(dataSet: data, latency: .milliseconds(latencyMs)))
}

/// Bytes of one authorized GET against the demo server, through the same transport the client uses.
func fetch(_ baseURL: URL, _ pathAndQuery: String) async throws -> Data {
    let transport = AsyncHTTPClientTransport(endpoint: baseURL)
    defer { Task { await transport.shutdown() } }
    let response = try await transport.send(TransportRequest(
        method: "GET", url: URL(string: baseURL.absoluteString + pathAndQuery)!,
        headers: ["Authorization": "OAuth \(DemoCredentials.demoAccessToken)", "X-SparkApi-User-Agent": "portal-bench",
                  "Accept": "application/json"]))
    return response.body
}

// MARK: - 1. Start-up

/// The walkthrough's reads done by hand, one `curl` process after another: current group, each page of
/// groups, the carts.
func curlWorkflow(_ baseURL: URL, groupPages: Int, limit: Int) throws {
    var paths = ["/v1/portal/groups/current"]
    paths += (1...groupPages).map { "/v1/portal/groups?_limit=\(limit)&_page=\($0)&_pagination=1" }
    paths.append("/v1/listingcarts")
    for path in paths {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-sS", "-o", "/dev/null", "-H", "X-SparkApi-User-Agent: SparkAPIExamples",
                          "-H", "Authorization: OAuth \(DemoCredentials.demoAccessToken)", baseURL.absoluteString + path]
        try curl.run()
        curl.waitUntilExit()
        guard curl.terminationStatus == 0 else { throw BenchError("curl failed for \(path)") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@MainActor func startupSection() async throws {
    report.section("1. Start-up: launch to first complete frame (account, every page of groups, current group, carts)")
    // The demo user is in 5 groups; a page size of 3 makes the groups take 2 pages, as 40 groups do at 25.
    let runs = quick ? 5 : 15
    report.line("data: demo (5 groups), client page size 3 → groups in 2 pages; curl: GET current, GET groups ×2 pages, GET listingcarts")
    var medians: [Int: (app: Double, first: Double, curl: Double, requests: Int)] = [:]
    for latency in latencies {
        let srv = try await server(.demo, latencyMs: latency)
        var app = Samples(), first = Samples(), curl = Samples()
        var requests = 0
        for run in 0..<(runs + 1) {
            await srv.journal.removeAll()
            let outcome = try await runProgram(baseURL: srv.baseURL, pageSize: 3) { StartupScript(start: $0) }
            requests = await srv.journal.requests.count
            if run > 0 { app.add(outcome.complete); first.add(outcome.firstFrame) }  // run 0 warms up
        }
        curl = try measure(runs) { try curlWorkflow(srv.baseURL, groupPages: 2, limit: 3) }
        await srv.stop()
        medians[latency] = (app.median, first.median, curl.median, requests)
        report.line("latency \(latency) ms:")
        report.line("  spark-portal first frame        \(first.summary)")
        report.line("  spark-portal first complete     \(app.summary)  [\(requests) requests]")
        report.line("  curl workflow (4 sequential)    \(curl.summary)")
        report.line("  ratio curl / spark-portal       \(fmt(curl.median / app.median))×")
    }
    for latency in latencies where latency > 0 {
        guard let at = medians[latency], let zero = medians[0] else { continue }
        let appTrips = (at.app - zero.app) / Double(latency)
        let curlTrips = (at.curl - zero.curl) / Double(latency)
        report.line("round trips at \(latency) ms ((t_L − t_0) / L): spark-portal \(fmt(appTrips, 1)), curl \(fmt(curlTrips, 1)) (goal ≈ 2 vs 4)")
    }
    // One page of groups: the DESIGN's "≈ one round trip".
    let srv = try await server(.demo, latencyMs: 100)
    var onePage = Samples()
    for run in 0..<(runs + 1) {
        let outcome = try await runProgram(baseURL: srv.baseURL, pageSize: 25) { StartupScript(start: $0) }
        if run > 0 { onePage.add(outcome.complete) }
    }
    await srv.stop()
    if let zero = medians[0] {
        report.line("groups in 1 page, latency 100 ms: first complete \(onePage.summary) → \(fmt((onePage.median - zero.app) / 100, 1)) round trips (goal ≈ 1)")
    }
}

// MARK: - 1b. Instant start

@MainActor func cacheSection() async throws {
    report.section("1b. Instant start: launch to the first frame with the cached carts, and to the complete fresh frame")
    report.line("data: demo (5 groups, 6 own carts), client page size 3 → groups and carts in 2 pages each; the cache file read on")
    report.line("the loop's thread before the first frame (a WorkspaceCacheFile in a temporary folder, as spark-portal keeps it)")
    let runs = quick ? 3 : 9
    let folder = NSTemporaryDirectory() + "portal-bench-cache-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let cache = WorkspaceCacheFile(directory: folder, name: "bench.json")
    var fresh: [Int: (warm: Double, cold: Double)] = [:]
    for latency in [0, 100, 1000] {
        let srv = try await server(.demo, latencyMs: latency)
        var cached = Samples(), warm = Samples(), cold = Samples()
        var requests = 0
        for run in 0..<(runs + 1) {
            // Cold: no cache file (the first run also fills it for the warm runs).
            try? FileManager.default.removeItem(atPath: cache.path)
            let coldRun = try await runProgram(baseURL: srv.baseURL, pageSize: 3, cache: cache) { CachedStartScript(start: $0) }
            await srv.journal.removeAll()
            let warmRun = try await runProgram(baseURL: srv.baseURL, pageSize: 3, cache: cache) { CachedStartScript(start: $0) }
            requests = await srv.journal.requests.count
            guard run > 0 else { continue }  // run 0 warms up
            cold.add(coldRun.fresh)
            warm.add(warmRun.fresh)
            if let first = warmRun.cachedCarts { cached.add(first) }
        }
        await srv.stop()
        fresh[latency] = (warm.median, cold.median)
        report.line("latency \(latency) ms:")
        report.line("  first frame with the cached carts      \(cached.summary)")
        report.line("  complete fresh frame, warm cache       \(warm.summary)  [\(requests) requests, all at once]")
        report.line("  complete fresh frame, no cache         \(cold.summary)")
    }
    for latency in [100, 1000] {
        guard let at = fresh[latency], let zero = fresh[0] else { continue }
        report.line("round trips at \(latency) ms ((t_L − t_0) / L): warm cache \(fmt((at.warm - zero.warm) / Double(latency), 1)), "
                    + "no cache \(fmt((at.cold - zero.cold) / Double(latency), 1)) (goal: 1 vs 2)")
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: cache.path)[.size] as? Int) ?? 0
    report.line("the demo workspace's cache file: \(size) bytes")
}

// MARK: - 2. Switch

@MainActor func switchSection() async throws {
    report.section("2. Switch: Enter on a group → new current group and its carts on screen")
    let switches = quick ? 6 : 20
    var doneMedians: [Int: Double] = [:]
    for latency in latencies {
        let srv = try await server(.demo, latencyMs: latency)
        await srv.journal.removeAll()
        let outcome = try await runProgram(baseURL: srv.baseURL) { _ in SwitchScript(switches: switches, sampleEvery: 1_000_000) }
        let requests = await srv.journal.requests.count
        await srv.stop()
        var feedback = Samples(), done = Samples()
        outcome.feedback.forEach { feedback.add($0) }
        outcome.done.forEach { done.add($0) }
        doneMedians[latency] = done.median
        report.line("latency \(latency) ms: feedback (next frame) \(feedback.summary)")
        report.line("                  carts on screen         \(done.summary)  [\(requests) requests in all, start-up included]")
    }
    for latency in latencies where latency > 0 {
        guard let at = doneMedians[latency], let zero = doneMedians[0] else { continue }
        report.line("round trips at \(latency) ms: \(fmt((at - zero) / Double(latency), 1)) (goal ≈ 2: PUT, then GET current + GET carts together)")
    }
}

// MARK: - 3. Drawing

/// A state showing one group with `members` members, the members pane focused.
func drawingState(_ group: PortalGroup, size: Size) -> AppState {
    var state = AppState(size: size, endpointHost: "bench")
    _ = reduce(&state, .groupsLoaded(.success([group])))
    _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(nil)))
    _ = reduce(&state, .cartsLoaded(forGroup: .own, request: state.cartsRequest, .success([])))
    _ = reduce(&state, .accountLoaded(.success(Account(id: "1", name: "Bench Marker"))))
    _ = reduce(&state, .keyPressed(.down))  // highlight the group: its members fill the members pane
    _ = reduce(&state, .keyPressed(.tab))   // focus the members pane
    return state
}

struct FrameCost { var time = Samples(); var cells = Samples() }

/// Presses `key` `steps` times; each frame is reduce + render + diff against the previous frame.
func frames(_ state: inout AppState, _ backend: TestBackend, key: Key, steps: Int,
            where keep: (AppState, AppState) -> Bool = { _, _ in true }) -> FrameCost {
    var cost = FrameCost()
    let clock = ContinuousClock()
    for _ in 0..<steps {
        let before = state
        let start = clock.now
        _ = reduce(&state, .keyPressed(key))
        var buffer = Buffer(size: state.size)
        render(state, into: &buffer)
        backend.draw(buffer)
        let elapsed = start.duration(to: clock.now)
        if keep(before, state) {
            cost.time.add(elapsed)
            cost.cells.add(ms: Double(backend.lastChangeCount))
        }
    }
    return cost
}

@MainActor func drawSection() async throws {
    report.section("3. Drawing: frame cost by list length (members pane, 120×40, reduce + render + diff per frame)")
    let srv = try await server(.large, latencyMs: 0)
    let transport = AsyncHTTPClientTransport(endpoint: srv.baseURL)
    let client = try SparkClient(configuration: SparkClientConfiguration(baseURL: srv.baseURL, userAgent: "portal-bench"),
                                 tokens: StaticToken(DemoCredentials.demoAccessToken), transport: transport)
    guard let huge = try await client.groupsPage(1, limit: 1).items.first, huge.users.count == 100_000 else {
        throw BenchError("the large data set's first group should have 100,000 members")
    }
    await client.shutdown()
    await srv.stop()
    let size = Size(width: 120, height: 40)
    let steps = quick ? 200 : 2_000
    report.line("rows       step: time/frame                          cells   scroll step: time/frame           cells   page: time/frame                  cells  render only")
    for count in [10, 1_000, 100_000] {
        var group = huge
        group.users = Array(huge.users.prefix(count))
        var state = drawingState(group, size: size)
        let backend = TestBackend(size: size)
        var first = Buffer(size: size)
        render(state, into: &first)
        backend.draw(first)
        // Steps inside the window (only the highlight moves) and steps that scroll the window by one row.
        let moveOnly = frames(&state, backend, key: .down, steps: min(20, count - 1)) { a, b in
            a.cursor(.members).offset == b.cursor(.members).offset && a.cursor(.members).selected != b.cursor(.members).selected
        }
        var scrolling = state
        let scroll = frames(&scrolling, backend, key: .down, steps: count > 100 ? min(steps, count - 60) : 0) { a, b in
            a.cursor(.members).offset != b.cursor(.members).offset
        }
        var paging = drawingState(group, size: size)
        let page = frames(&paging, backend, key: .pageDown, steps: count > 100 ? min(steps, 200) : 0) { a, b in
            a.cursor(.members).selected != b.cursor(.members).selected
        }
        let renderOnly = measure(steps) {
            var buffer = Buffer(size: size)
            render(scrolling, into: &buffer)
        }
        func cell(_ c: FrameCost) -> String {
            c.time.values.isEmpty ? String(repeating: " ", count: 45)
                : "\(fmt(c.time.median * 1000, 0)) µs (p90 \(fmt(c.time.p90 * 1000, 0)))".padding(toLength: 36, withPad: " ", startingAt: 0)
                  + String(format: "%5.0f   ", c.cells.median)
        }
        report.line(String(format: "%7d    ", count) + cell(moveOnly) + cell(scroll) + cell(page)
                    + "\(fmt(renderOnly.median * 1000, 0)) µs")
    }
    // Moving the picker's highlight onto a group rebuilds its member rows: O(members), once per highlight.
    for count in [10, 1_000, 100_000] {
        var group = huge
        group.users = Array(huge.users.prefix(count))
        let base = drawingState(group, size: size)
        let cost = measure(quick ? 5 : 20) {
            var state = base
            _ = reduce(&state, .keyPressed(.backTab))  // back to the picker
            _ = reduce(&state, .keyPressed(.up))       // "My own workspace"
            _ = reduce(&state, .keyPressed(.down))     // the group again: members rebuilt
        }
        report.line("highlight a group of \(count) members (picker ↑↓, members rebuilt): \(cost.summary)")
    }
}

// MARK: - 4. Decoding and paging

@MainActor func decodeSection() async throws {
    report.section("4. Decoding and paging")
    let srv = try await server(.large, latencyMs: 0)
    let base = srv.baseURL
    let groupsBody = try await fetch(base, "/v1/portal/groups?_limit=25&_page=2&_pagination=1")
    let hugeBody = try await fetch(base, "/v1/portal/groups?_limit=1&_page=1&_pagination=1")
    // The big cart belongs to the first group: choose it, find the cart, read a page of listings.
    let live = try SparkClient(configuration: SparkClientConfiguration(baseURL: base, userAgent: "portal-bench"),
                               tokens: StaticToken(DemoCredentials.demoAccessToken), transport: AsyncHTTPClientTransport(endpoint: base))
    let hugeGroup = try await live.groupsPage(1, limit: 1).items[0]
    try await live.chooseGroup(id: hugeGroup.id)
    guard let bigCart = try await live.listingCarts().first(where: { ($0.listingCount ?? 0) >= 10_000 }) else {
        throw BenchError("no 10,000-listing cart in the large data set")
    }
    let listingsBody = try await fetch(base, "/v1/listingcarts/\(bigCart.id)/listings?_limit=25&_page=1&_pagination=1")

    func replay(_ body: Data) throws -> SparkClient {
        try SparkClient(configuration: SparkClientConfiguration(baseURL: base, userAgent: "portal-bench"),
                        tokens: StaticToken(DemoCredentials.demoAccessToken),
                        transport: ClosureTransport { _ in TransportResponse(status: 200, headers: ["Content-Type": "application/json"], body: body) })
    }
    let n = quick ? 20 : 200
    let groupsClient = try replay(groupsBody)
    let groupsPage = try await groupsClient.groupsPage(2, limit: 25)
    let members = groupsPage.items.reduce(0) { $0 + $1.users.count }
    let g = try await timeAsync(n, warmup: 3) { _ = try await groupsClient.groupsPage(2, limit: 25) }
    report.line("groups page (25 groups, \(members) members, \(groupsBody.count / 1024) KiB), decoded through the client: \(g.summary)")
    report.line("  → \(fmt(25 / g.median * 1000, 0)) groups/s, \(fmt(Double(members) / g.median * 1000, 0)) members/s, \(fmt(Double(groupsBody.count) / g.median / 1000, 1)) MB/s")
    let listingsClient = try replay(listingsBody)
    let l = try await timeAsync(n, warmup: 3) { _ = try await listingsClient.listingsPage(inCart: bigCart.id, page: 1, limit: 25) }
    report.line("listings page (25 full listing records, \(listingsBody.count / 1024) KiB), decoded through the client: \(l.summary)")
    report.line("  → \(fmt(25 / l.median * 1000, 0)) listings/s, \(fmt(Double(listingsBody.count) / l.median / 1000, 1)) MB/s")
    let hugeClient = try replay(hugeBody)
    let h = try await timeAsync(quick ? 1 : 3, warmup: 0) { _ = try await hugeClient.groupsPage(1, limit: 1) }
    report.line("one group of 100,000 members (\(fmt(Double(hugeBody.count) / 1_048_576, 1)) MiB), decode only: \(h.summary) → \(fmt(100_000 / h.median * 1000, 0)) members/s")
    let hl = try await timeAsync(1, warmup: 0) { _ = try await live.groupsPage(1, limit: 1) }
    report.line("the same over loopback HTTP from the demo server (its JSON writing included): \(hl.summary)")
    // Paging a cart of 10,000 listings: 400 pages of 25, 6 in flight, at 0 and 20 ms latency.
    let cartAll = try await timeAsync(quick ? 1 : 2, warmup: 0) { _ = try await live.listings(inCart: bigCart.id) }
    report.line("all 10,000 listings of one cart (400 pages of 25, 6 pages in flight), latency 0: \(cartAll.summary) → \(fmt(10_000 / cartAll.median * 1000, 0)) listings/s")
    let allGroups = try await timeAsync(1, warmup: 0) { _ = try await live.groups() }
    report.line("all 2,000 groups (80 pages of 25, 6 in flight; 100,000-member group included), latency 0: \(allGroups.summary)")
    try await live.leaveGroup()
    await live.shutdown()
    await srv.stop()
}

// MARK: - 5. Memory

/// Starts spark-mock (demo data, any free port) from beside this binary; terminate it when done. Returns its API
/// address, its photo listener's and the process.
func startMock() throws -> (URL, URL, Process) {
    let mockPath = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("spark-mock").path
    let mock = Process()
    mock.executableURL = URL(fileURLWithPath: mockPath)
    mock.arguments = ["--port", "0", "--data", "demo"]
    let pipe = Pipe()
    mock.standardOutput = pipe
    try mock.run()
    var output = Data()
    while output.filter({ $0 == UInt8(ascii: "\n") }).count < 2 {
        let chunk = pipe.fileHandleForReading.availableData
        if chunk.isEmpty { throw BenchError("spark-mock did not start") }
        output += chunk
    }
    let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
    guard let url = URL(string: String(lines[0].dropFirst("listening on ".count))),
          let photos = URL(string: String(lines[1].dropFirst("photos on ".count))) else {
        throw BenchError("spark-mock did not say where it listens")
    }
    return (url, photos, mock)
}

@MainActor func memorySection() async throws {
    report.section("5. Memory (in process; whole-process figures for spark-portal are in section 6)")
    let switches = memorySwitches ?? (quick ? 100 : 1_000)
    // spark-mock as a separate process (built next to this binary), so this process's RSS is the app's;
    // `--endpoint URL` uses one already running instead (for valgrind, under which Process cannot spawn).
    var url: URL
    var mock: Process?
    if let given = memoryEndpoint {
        url = given
    } else {
        let started = try startMock()
        (url, mock) = (started.0, started.2)
    }
    defer { mock?.terminate(); mock?.waitUntilExit() }
    let before = residentMemory()
    let outcome = try await runProgram(baseURL: url) { _ in SwitchScript(switches: switches, sampleEvery: switches / 10) }
    report.line("\(switches) group switches (demo, latency 0, spark-mock in its own process): RSS before \(fmt(before.current, 1)) MiB, every \(switches / 10) switches: "
                + outcome.memory.map { fmt($0, 1) }.joined(separator: " ") + " MiB")
    if let first = outcome.memory.first, let last = outcome.memory.last {
        report.line("  growth from the first sample to the last: \(fmt(last - first, 1)) MiB")
    }
    report.line("  heap in use (malloc_info: allocated and not freed) at the same moments: "
                + outcome.heap.map { fmt($0, 2) }.joined(separator: " ") + " MiB")
    if let first = outcome.heap.first, let last = outcome.heap.last {
        report.line("  heap growth from the first sample to the last: \(fmt(last - first, 2)) MiB")
    }
    // Scrolling the 100,000-member list: 20,000 steps down, RSS sampled.
    let big = PortalGroup(id: "g", contactId: "u0", users: (0..<100_000).map {
        PortalUser(id: "u\($0)", name: "Member \($0)", userType: "Contact", active: $0 % 3 == 0)
    })
    let size = Size(width: 120, height: 40)
    var state = drawingState(big, size: size)
    let backend = TestBackend(size: size)
    var samples: [Double] = []
    let steps = quick ? 2_000 : 20_000
    for i in 0..<steps {
        _ = reduce(&state, .keyPressed(.down))
        var buffer = Buffer(size: size)
        render(state, into: &buffer)
        backend.draw(buffer)
        if i % (steps / 10) == 0 { samples.append(residentMemory().current) }
    }
    report.line("\(steps) scroll steps through 100,000 members: RSS " + samples.map { fmt($0, 1) }.joined(separator: " ") + " MiB")
    report.line("  peak RSS of this process: \(fmt(residentMemory().peak, 1)) MiB")
}

// MARK: - Run

let machine = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
    .split(separator: "\n").first(where: { $0.hasPrefix("model name") })?.split(separator: ":").last?
    .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
report.line("portal-bench \(Date()) · \(ProcessInfo.processInfo.activeProcessorCount) cores · \(machine)\(quick ? " · --quick" : "")")
for section in sections {
    switch section {
    case "startup": try await startupSection()
    case "cache": try await cacheSection()
    case "switch": try await switchSection()
    case "draw": try await drawSection()
    case "decode": try await decodeSection()
    case "memory": try await memorySection()
    case "photos": try await photosSection()
    default: break
    }
}
report.write()
