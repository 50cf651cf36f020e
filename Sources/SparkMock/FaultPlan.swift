/// Fault injection plan for tests, benchmarks and demos: added latency (+ jitter), per-route faults
/// (`METHOD:PATH=STATUS:CODE[:COUNT|:RATE]`, or a body fault / stall instead of `STATUS:CODE`), token expiry after
/// N requests (401/1020 until refreshed through the grant endpoint), rate limiting (429/1550 with `Retry-After`).
/// Random choices (rates, jitter) are drawn from the server's seed, so a run is repeatable for the same sequence of
/// requests.
///
/// Rule syntax (the argument of `spark-mock --fault`):
/// ```
/// GET:/v1/listingcarts=500:1026            every GET of that path fails with HTTP 500, Code 1026
/// PUT:/v1/portal/groups/current=400:1025:2 the first two matching requests fail
/// *:/v1/listingcarts/*=503:1550:0.25       a quarter of the requests under that prefix fail (or 25%)
/// GET:/v1/portal/groups=malformed          the body is not JSON
/// GET:/v1/portal/groups=truncated:1        the first response is cut in half (still a complete HTTP message)
/// GET:/v1/my/account=no-envelope           the body lacks the "D" envelope (alias: missing-d)
/// GET:/v1/listingcarts=stall:3:1           the first response is held for 3 seconds, then sent
/// GET:/v1/portal/groups=stall-body:30:1     the first response sends its headers and half its body, then
///                                          waits 30 seconds before the rest
/// POST:/v1/listingcarts=applied:500:1040:1 the first create is applied (the cart exists), then answered with
///                                          HTTP 500, Code 1040: "applied, then failed"
/// POST:/v1/listingcarts=stall:30:1         the first create is applied, then its answer is held for 30 seconds:
///                                          past the client's timeout, the answer never comes
/// ```
/// A path ending in `*` matches by prefix; method `*` matches any method. Error rules replace the request's
/// handling (a failed PUT changes nothing); `applied` errors, body faults and stalls apply to the real answer: the
/// write happens (a truncated PUT did change the group; an `applied` or stalled POST did create the cart), and only
/// its answer is spoiled, replaced or late. An `applied` rule replaces successful answers only: a write the server
/// refused anyway (409, 404, ...) keeps its own error.
public struct FaultPlan: Sendable, Equatable {
    /// Added to every response (after the handler ran).
    public var latency: Duration = .zero
    /// A uniformly random extra delay in 0...jitter, drawn from the seed.
    public var jitter: Duration = .zero
    public var rules: [FaultRule] = []
    /// When set, each access token answers this many authenticated requests, then 401/1020 until the client
    /// gets a new token from `POST /v1/oauth2/grant` (`grant_type=refresh_token`).
    public var expireTokenAfter: Int? = nil
    public var rateLimit: RateLimit? = nil

    public init() {}

    public init(latency: Duration = .zero, jitter: Duration = .zero, rules: [FaultRule] = [],
                expireTokenAfter: Int? = nil, rateLimit: RateLimit? = nil) {
        self.latency = latency
        self.jitter = jitter
        self.rules = rules
        self.expireTokenAfter = expireTokenAfter
        self.rateLimit = rateLimit
    }

    /// A plan holding the rules of `spec`: one rule, or several separated by commas.
    public static func parse(_ spec: String) throws -> FaultPlan {
        var plan = FaultPlan()
        try plan.add(spec)
        return plan
    }

    /// Adds the rules of `spec` (one rule, or several separated by commas).
    public mutating func add(_ spec: String) throws {
        for part in spec.split(separator: ",") where !part.trimmingWhitespace.isEmpty {
            rules.append(try FaultRule.parse(String(part.trimmingWhitespace)))
        }
    }
}

/// One per-route fault: which requests it matches, what it does to them, and how often.
public struct FaultRule: Sendable, Equatable {
    /// An HTTP method in capitals, or nil for any method.
    public var method: String?
    /// An exact path, or a prefix when it ends in `*`.
    public var path: String
    public var effect: FaultEffect
    public var trigger: FaultTrigger

    public init(method: String?, path: String, effect: FaultEffect, trigger: FaultTrigger = .always) {
        self.method = method
        self.path = path
        self.effect = effect
        self.trigger = trigger
    }

    /// Parses `METHOD:PATH=EFFECT[:COUNT|:RATE]` (see `FaultPlan`).
    public static func parse(_ spec: String) throws -> FaultRule {
        func fail(_ reason: String) -> FaultSpecError { FaultSpecError(spec: spec, reason: reason) }
        guard let equals = spec.firstIndex(of: "=") else { throw fail("expected METHOD:PATH=EFFECT") }
        let target = spec[..<equals], action = spec[spec.index(after: equals)...]
        guard let colon = target.firstIndex(of: ":") else { throw fail("expected METHOD:PATH before '='") }
        let method = target[..<colon].uppercased()
        let path = String(target[target.index(after: colon)...])
        guard !method.isEmpty, method.allSatisfy({ $0.isLetter || $0 == "*" }) else { throw fail("bad method '\(method)'") }
        guard path.hasPrefix("/") else { throw fail("the path must start with '/'") }

        let parts = action.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let effect: FaultEffect
        var rest: ArraySlice<String>
        func statusAndCode(_ parts: ArraySlice<String>) throws -> (Int, Int) {
            guard let first = parts.first, let status = Int(first) else { throw fail("expected STATUS:CODE") }
            guard (100...599).contains(status) else { throw fail("status \(status) is not an HTTP status") }
            guard parts.count >= 2, let code = Int(parts[parts.startIndex + 1]) else { throw fail("expected STATUS:CODE") }
            return (status, code)
        }
        if Int(parts[0]) != nil {
            let (status, code) = try statusAndCode(parts[...])
            effect = .error(status: status, code: code)
            rest = parts.dropFirst(2)
        } else if parts[0].lowercased() == "applied" {
            let (status, code) = try statusAndCode(parts.dropFirst())
            effect = .appliedError(status: status, code: code)
            rest = parts.dropFirst(3)
        } else {
            switch parts[0].lowercased() {
            case "malformed": effect = .malformedBody
            case "truncated": effect = .truncatedBody
            case "no-envelope", "missing-d": effect = .missingEnvelope
            case "stall", "stall-body":
                let name = parts[0].lowercased()
                guard parts.count >= 2, let seconds = Double(parts[1]), seconds >= 0 else { throw fail("expected \(name):SECONDS") }
                let duration = Duration.milliseconds(Int64(seconds * 1000))
                effect = name == "stall" ? .stall(duration) : .stallBody(duration)
                rest = parts.dropFirst(2)
                return FaultRule(method: method == "*" ? nil : method, path: path, effect: effect,
                                 trigger: try parseTrigger(rest, fail))
            default:
                throw fail("unknown effect '\(parts[0])' (STATUS:CODE, applied:STATUS:CODE, malformed, truncated, no-envelope, "
                           + "stall:SECONDS, stall-body:SECONDS)")
            }
            rest = parts.dropFirst(1)
        }
        return FaultRule(method: method == "*" ? nil : method, path: path, effect: effect, trigger: try parseTrigger(rest, fail))
    }

    private static func parseTrigger(_ rest: ArraySlice<String>, _ fail: (String) -> FaultSpecError) throws -> FaultTrigger {
        guard let text = rest.first else { return .always }
        guard rest.count == 1 else { throw fail("too many ':' parts") }
        if text.hasSuffix("%"), let percent = Double(text.dropLast()), (0...100).contains(percent) {
            return .rate(percent / 100)
        }
        if text.contains("."), let rate = Double(text), (0...1).contains(rate) { return .rate(rate) }
        if let count = Int(text), count >= 0 { return .count(count) }
        throw fail("'\(text)' is neither a COUNT (integer) nor a RATE (0.25 or 25%)")
    }

    func matches(method: String, path: String) -> Bool {
        if let m = self.method, m != method { return false }
        if self.path.hasSuffix("*") { return path.hasPrefix(self.path.dropLast()) }
        return path == self.path
    }
}

/// What a fault does to a matching request.
public enum FaultEffect: Sendable, Equatable {
    /// Answer with this HTTP status and a Spark error envelope with this `Code` (1550 adds `Retry-After`), instead
    /// of handling the request.
    case error(status: Int, code: Int)
    /// Handle the request (a write is applied), then answer this error instead of the success: the answer that
    /// proves a client never sends a create twice.
    case appliedError(status: Int, code: Int)
    /// The body is not JSON at all.
    case malformedBody
    /// The body is the first half of the real one (valid HTTP, broken JSON).
    case truncatedBody
    /// The body is the real one without its `{"D": ...}` envelope.
    case missingEnvelope
    /// Hold the real response this long before sending it.
    case stall(Duration)
    /// Send the status line, the headers and the first half of the body at once, then hold the rest this long:
    /// a server (or a proxy) that stops mid-body, which a deadline on the headers alone never notices.
    case stallBody(Duration)
}

/// How often a fault applies to the requests it matches.
public enum FaultTrigger: Sendable, Equatable {
    case always
    /// Only the first N matching requests.
    case count(Int)
    /// Each matching request with this probability (0...1), drawn deterministically from the seed.
    case rate(Double)
}

/// At most `requests` requests per `window` (all users together); beyond it 429 with Code 1550 and `Retry-After`.
public struct RateLimit: Sendable, Equatable {
    public var requests: Int
    public var window: Duration

    public init(requests: Int, window: Duration) {
        self.requests = requests
        self.window = window
    }

    /// Parses `N/WINDOW`, where WINDOW is seconds (`60`) or has a unit: `500ms`, `60s`, `5m`, `1h`.
    public static func parse(_ spec: String) throws -> RateLimit {
        let fail = FaultSpecError(spec: spec, reason: "expected N/WINDOW, e.g. 100/60s or 1500/5m")
        let parts = spec.split(separator: "/")
        guard parts.count == 2, let requests = Int(parts[0]), requests >= 0 else { throw fail }
        let window = String(parts[1])
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (unit, factor) in units where window.hasSuffix(unit) {
            if let value = Double(window.dropLast(unit.count)), value > 0 {
                return RateLimit(requests: requests, window: .milliseconds(Int64(value * factor * 1000)))
            }
        }
        guard let seconds = Double(window), seconds > 0 else { throw fail }
        return RateLimit(requests: requests, window: .milliseconds(Int64(seconds * 1000)))
    }
}

/// A fault or rate-limit specification that could not be parsed.
public struct FaultSpecError: Error, CustomStringConvertible, Equatable {
    public var spec: String
    public var reason: String
    public var description: String { "invalid fault spec '\(spec)': \(reason)" }
}

extension Substring {
    var trimmingWhitespace: Substring {
        var s = self
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return s
    }
}

/// SplitMix64: a tiny, well-mixed deterministic generator; `value(seed, a, b)` is a pure function so
/// a decision depends only on the seed and which request it is, not on timing.
enum SplitMix {
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) for (seed, stream, index).
    static func unit(seed: UInt64, stream: UInt64, index: UInt64) -> Double {
        let v = mix(mix(seed ^ (stream &* 0x1000_0000_01B3)) ^ index)
        return Double(v >> 11) / Double(UInt64(1) << 53)
    }
}
