/// One request as the demo server received it, for tests that assert what reached the server.
/// The `Authorization` header keeps only its scheme (`OAuth ********`) and grant bodies keep only
/// `grant_type`: tokens and secrets never land in the journal.
public struct RecordedRequest: Sendable, Equatable, CustomStringConvertible {
    public var method: String
    public var path: String
    /// The raw query string (without `?`), or nil.
    public var query: String?
    /// Header names in lower case, values as sent (Authorization redacted).
    public var headers: [String: String]
    public var body: String?
    /// The status the handler answered (before any body fault).
    public var status: Int
    /// The user the access token resolved to, when it was valid.
    public var userID: String?

    /// The value of one query parameter (percent-decoded).
    public func queryValue(_ name: String) -> String? {
        parseQuery(query)[name]
    }

    public var description: String { "\(method) \(path)\(query.map { "?" + $0 } ?? "") → \(status)" }
}

/// The requests a demo server has received, in order of their answers. It keeps the latest `capacity` requests,
/// so a long-running demo or benchmark does not grow without bound.
public actor RequestJournal {
    public private(set) var requests: [RecordedRequest] = []
    public let capacity: Int

    private struct Waiter {
        var id: UInt64
        var predicate: @Sendable (RecordedRequest) -> Bool
        var continuation: CheckedContinuation<RecordedRequest?, Never>
    }
    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    func record(_ request: RecordedRequest) {
        requests.append(request)
        if requests.count > capacity { requests.removeFirst(requests.count - capacity) }
        waiters.removeAll { waiter in
            guard waiter.predicate(request) else { return false }
            waiter.continuation.resume(returning: request)
            return true
        }
    }

    /// Forgets the requests received so far.
    public func removeAll() { requests.removeAll() }

    /// The requests with this method and path.
    public func requests(method: String, path: String) -> [RecordedRequest] {
        requests.filter { $0.method == method && $0.path == path }
    }

    /// The first request (already received, or arriving within `timeout`) that satisfies `predicate`; nil on timeout.
    public func waitForRequest(timeout: Duration = .seconds(10),
                               where predicate: @escaping @Sendable (RecordedRequest) -> Bool) async -> RecordedRequest? {
        if let found = requests.first(where: predicate) { return found }
        nextWaiterID += 1
        let id = nextWaiterID
        let timeoutTask = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.timeOut(id)
        }
        defer { timeoutTask.cancel() }
        return await withCheckedContinuation { continuation in
            waiters.append(Waiter(id: id, predicate: predicate, continuation: continuation))
        }
    }

    /// Waits for a request with this method and path.
    public func waitForRequest(method: String, path: String, timeout: Duration = .seconds(10)) async -> RecordedRequest? {
        await waitForRequest(timeout: timeout) { $0.method == method && $0.path == path }
    }

    private func timeOut(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: nil)
    }
}

/// Percent-decoded query parameters; the first occurrence of a name wins. `+` means space (form encoding).
func parseQuery(_ query: String?) -> [String: String] {
    guard let query, !query.isEmpty else { return [:] }
    var result: [String: String] = [:]
    for pair in query.split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = percentDecode(String(parts[0]))
        let value = parts.count > 1 ? percentDecode(String(parts[1])) : ""
        if result[name] == nil { result[name] = value }
    }
    return result
}

func percentDecode(_ s: String) -> String {
    var bytes: [UInt8] = []
    var iterator = Array(s.utf8).makeIterator()
    func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
    while let b = iterator.next() {
        if b == UInt8(ascii: "+") { bytes.append(UInt8(ascii: " ")) }
        else if b == UInt8(ascii: "%"), let h = iterator.next(), let l = iterator.next(), let hv = hexValue(h), let lv = hexValue(l) {
            bytes.append(hv << 4 | lv)
        } else { bytes.append(b) }
    }
    return String(decoding: bytes, as: UTF8.self)
}
