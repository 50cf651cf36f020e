import SparkAPI

// Live refresh, as state: every `interval` the app re-reads what the screen shows (a poll), one poll at a time, and
// marks what other members changed on the rows it changed, for a while. The reducer is LiveReducer.swift.

/// The poll in flight, the wait before the next one, and the marks of what the last polls found changed.
public struct LiveState: Equatable, Sendable {
    /// The wait between two polls (`--refresh-interval`); nil: live refresh is off.
    public var interval: Duration?
    /// The poll in flight: one at a time, so the next is scheduled only when this one has ended.
    public var poll: Poll?
    /// Polls that failed in a row: the wait before the next doubles with each (`nextDelay`).
    public var failures = 0
    /// A poll came due while the terminal was too small to draw anything: it runs as soon as there is room.
    public var dueWhileHidden = false
    /// What polls found changed on each cart (by Id) and on each listing of the open view (by Id), until it expires.
    public var cartMarks: [String: LiveMark] = [:]
    public var listingMarks: [String: LiveMark] = [:]
    /// The group the user acts for was changed elsewhere (another spark-portal, the web portal): the title says so
    /// until this expires.
    public var groupChange: LiveMark?
    /// Numbers the polls that found something: each mark carries the number of the poll that made it, and marks expire
    /// by number (`AppAction.liveMarksExpired`), so a mark a later poll renewed stays.
    public var generation = 0
    /// The group the user was found removed from (1025): said again when the switch to their own workspace lands.
    public var removedFrom: String?
    /// The status line the last poll set (what it found, or why it failed): a poll that succeeds after failures
    /// clears its own failure message, never another.
    public var notice: StatusMessage?

    /// How long a change stays marked on its row (and the title says the group changed).
    public static let markLifetime: Duration = .seconds(60)
    /// The longest wait between polls while they fail (unless the interval itself is longer).
    public static let backoffCap: Duration = .seconds(300)

    public init(interval: Duration? = nil) {
        self.interval = interval
    }

    /// The wait before the next poll: the interval, doubled for each poll that failed in a row, at most
    /// `backoffCap` (or the interval, when that is longer). Nil when live refresh is off.
    public var nextDelay: Duration? {
        guard let interval else { return nil }
        let cap = max(Self.backoffCap, interval)
        var delay = interval
        for _ in 0..<min(failures, 32) where delay < cap { delay *= 2 }
        return min(delay, cap)
    }
}

/// One poll: the reads it is waiting for, and what it found. It ends when every part has answered, or was replaced by
/// a read of the user's own (a refresh, a switch), which then brings the news.
public struct Poll: Equatable, Sendable {
    /// The workspace the poll found current (known once the current group has answered).
    public var workspace: Workspace?
    public var parts: Set<PollPart>
    /// The first failure among the parts: the poll counts as failed and the next one waits longer.
    public var failure: SparkError?
    /// What the poll found changed, as the status line says it, in the order found.
    public var notices: [String] = []
    /// The generation of the marks this poll made (nil until it makes one).
    public var markGeneration: Int?

    public init(parts: Set<PollPart>) {
        self.parts = parts
    }
}

/// A read a poll waits for, named by what its answer carries (so the reducer knows a poll's answer from a user's).
public enum PollPart: Hashable, Sendable {
    /// `GET /v1/portal/groups/current`, asked first: the other reads go only when the workspace is the one on screen.
    case currentGroup(request: Int)
    /// `GET /v1/listingcarts`.
    case carts(request: Int)
    /// The open listings' first page.
    case listingsPage(ListingSource)
    /// Which carts hold the listings of that page (and of the rows on screen from it).
    case holders(listingIds: [String], tick: Int)

    /// The part an answer belongs to, if it can be a poll's.
    init?(answeredBy action: AppAction) {
        switch action {
        case .currentGroupLoaded(let request, _): self = .currentGroup(request: request)
        case .cartsLoaded(_, let request, _), .cache(.cartsLoaded(_, let request, _)): self = .carts(request: request)
        case .listingsPageRefreshed(let source, _, _): self = .listingsPage(source)
        case .holdersLoaded(let listingIds, _, let tick, _): self = .holders(listingIds: listingIds, tick: tick)
        default: return nil
        }
    }
}

/// What a poll found changed on a row (or in the title), and which poll found it.
public struct LiveMark: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// A cart's listing count changed: from what the screen showed before the first change marked, to now.
        case count(from: Int?, to: Int?)
        /// A cart or a listing the screen did not have.
        case new
        /// A cart renamed, from the name the screen showed.
        case renamed(from: String)
        /// The group the user acts for, changed elsewhere, from this one (by its name on screen).
        case groupChanged(from: String)
    }

    public var kind: Kind
    public var generation: Int
}
