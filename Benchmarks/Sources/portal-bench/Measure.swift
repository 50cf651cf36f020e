import Foundation

/// Repeated timings of one thing, summarised as min, median and p90 (medians are what the README quotes).
struct Samples {
    var values: [Double] = []  // milliseconds

    mutating func add(_ d: Duration) { values.append(d.milliseconds) }
    mutating func add(ms: Double) { values.append(ms) }

    private var sorted: [Double] { values.sorted() }
    var min: Double { sorted.first ?? .nan }
    var median: Double {
        let s = sorted
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    var p90: Double {
        let s = sorted
        guard !s.isEmpty else { return .nan }
        return s[Swift.min(s.count - 1, Int((Double(s.count) * 0.9).rounded(.up)) - 1)]
    }
    var summary: String { "median \(fmt(median)) ms  (min \(fmt(min)), p90 \(fmt(p90)), n=\(values.count))" }
}

extension Duration {
    var milliseconds: Double {
        let (s, a) = components
        return Double(s) * 1000 + Double(a) / 1e15
    }
}

func fmt(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }

/// Times `body` `n` times after `warmup` untimed runs.
func measure(_ n: Int, warmup: Int = 1, _ body: () throws -> Void) rethrows -> Samples {
    for _ in 0..<warmup { try body() }
    var samples = Samples()
    let clock = ContinuousClock()
    for _ in 0..<n {
        let start = clock.now
        try body()
        samples.add(start.duration(to: clock.now))
    }
    return samples
}

@MainActor func timeAsync(_ n: Int, warmup: Int = 1, _ body: () async throws -> Void) async rethrows -> Samples {
    for _ in 0..<warmup { try await body() }
    var samples = Samples()
    let clock = ContinuousClock()
    for _ in 0..<n {
        let start = clock.now
        try await body()
        samples.add(start.duration(to: clock.now))
    }
    return samples
}

/// This process's resident memory now and at its peak, in MiB (Linux `/proc/self/status`).
/// Bytes the program has allocated and not freed (MiB), from glibc's `malloc_info`: the memory the allocator holds
/// from the system minus its free chunks. Unlike RSS it does not count freed memory the allocator keeps, so a
/// steady rise here is a leak and a rise in RSS alone is the allocator's caching or fragmentation.
func heapInUse() -> Double {
    typealias MallocInfo = @convention(c) (Int32, UnsafeMutablePointer<FILE>?) -> Int32
    guard let symbol = dlsym(nil, "malloc_info") else { return .nan }  // nil: RTLD_DEFAULT on glibc
    let mallocInfo = unsafeBitCast(symbol, to: MallocInfo.self)
    var buffer: UnsafeMutablePointer<CChar>?
    var length = 0
    guard let stream = open_memstream(&buffer, &length) else { return .nan }
    _ = mallocInfo(0, stream)
    fclose(stream)
    guard let buffer else { return .nan }
    defer { free(buffer) }
    let xml = String(cString: buffer)
    // The whole-process totals follow the per-arena <heap> elements: the last of each kind are global.
    func last(_ prefix: String) -> Double {
        guard let range = xml.range(of: prefix, options: .backwards) else { return .nan }
        let rest = xml[range.upperBound...]
        guard let sizeRange = rest.range(of: "size=\"") else { return .nan }
        let digits = rest[sizeRange.upperBound...].prefix { $0.isNumber }
        return Double(digits) ?? .nan
    }
    let system = last("<system type=\"current\"")
    let free = last("<total type=\"fast\"") + last("<total type=\"rest\"")
    let mapped = last("<total type=\"mmap\"")
    return (system - free + mapped) / (1024 * 1024)
}

func residentMemory() -> (current: Double, peak: Double) {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (.nan, .nan) }
    func field(_ name: String) -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let kb = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) }
            return (kb ?? .nan) / 1024
        }
        return .nan
    }
    return (field("VmRSS"), field("VmHWM"))
}

/// Output: a human report on stdout, and `key value` lines for the README table in the results file.
final class Report {
    private var lines: [String] = []
    let path: String?

    init(path: String?) { self.path = path }

    func section(_ title: String) {
        print("\n== \(title)")
        lines.append("")
        lines.append("== \(title)")
    }

    func line(_ text: String) {
        print(text)
        lines.append(text)
    }

    func write() {
        guard let path else { return }
        try? (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// Runs blocking work (the program loop) on a thread of its own, as spark-portal does, so it never holds
/// a thread of the cooperative pool that the network tasks need.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
