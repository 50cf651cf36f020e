import SparkAPI

// The changes the user makes to the shared workspace from the TUI, as state: what is being sent, what waits behind
// it, what can be undone, and when each thing last changed — so that a read that was asked for before a change was
// answered never puts the old state back on screen.

/// One change to the workspace, as sent. Each carries the records the screen needs to describe it and to undo it.
public enum WorkspaceWrite: Hashable, Sendable {
    /// Favorites/Rejects (exclusive) or neither: `SparkClient.mark`, with the workspace's two carts.
    case mark(Listing, ListingMark, favorites: ListingCart, rejects: ListingCart)
    case add(Listing, to: ListingCart)
    case remove(Listing, from: ListingCart)
    /// A new custom cart holding these listings (none for an empty cart).
    case createCart(name: String, listingIds: [String])
    case renameCart(ListingCart, to: String)
    /// Reads the cart's listings first (what undo re-creates), then deletes it.
    case deleteCart(ListingCart)
    /// A saved search renamed or deleted, a news feed paused or resumed (`SearchFeedWrite`).
    case searchOrFeed(SearchFeedWrite)

    /// Writes with the same key go one at a time, in the order the keys were pressed: one per listing, one per
    /// cart, and creates one after another.
    public var queueKey: WriteSubject {
        switch self {
        case .mark(let listing, _, _, _), .add(let listing, _), .remove(let listing, _): .listing(listing.id)
        case .renameCart(let cart, _), .deleteCart(let cart): .cart(cart.id)
        case .createCart: .cartList
        case .searchOrFeed(let write): write.queueKey
        }
    }

    /// Everything this write may change on the server: a read asked for while it is in flight may show these
    /// before or after it, so the read is not trusted for them.
    public var touches: [WriteSubject] {
        switch self {
        case .mark(let listing, _, let favorites, let rejects): [.listing(listing.id), .cart(favorites.id), .cart(rejects.id)]
        case .add(let listing, let cart), .remove(let listing, let cart): [.listing(listing.id), .cart(cart.id)]
        case .createCart: [.cartList]
        case .renameCart(let cart, _): [.cart(cart.id)]
        case .deleteCart(let cart): [.cart(cart.id), .cartList]
        case .searchOrFeed(let write): write.touches
        }
    }

    /// The same write on `cart` where it was on the cart with Id `id` (a deleted cart that undo re-created).
    func replacingCart(_ id: String, with cart: ListingCart) -> WorkspaceWrite {
        func swapped(_ old: ListingCart) -> ListingCart { old.id == id ? cart : old }
        switch self {
        case .add(let listing, let old): return .add(listing, to: swapped(old))
        case .remove(let listing, let old): return .remove(listing, from: swapped(old))
        case .renameCart(let old, let name): return .renameCart(swapped(old), to: name)
        case .deleteCart(let old): return .deleteCart(swapped(old))
        case .mark, .createCart, .searchOrFeed: return self
        }
    }

    /// The listing the write is about, if it is about one.
    public var listing: Listing? {
        switch self {
        case .mark(let listing, _, _, _), .add(let listing, _), .remove(let listing, _): listing
        case .createCart, .renameCart, .deleteCart, .searchOrFeed: nil
        }
    }
}

/// What a write changes, for ordering writes and for judging reads.
public enum WriteSubject: Hashable, Sendable {
    /// Which carts hold a listing.
    case listing(String)
    /// A cart's name and count (and whether it exists).
    case cart(String)
    /// The set of carts (creating one).
    case cartList
    /// A saved search's name (and whether it exists).
    case search(String)
    /// A news feed's state (and whether it exists).
    case feed(String)
}

/// A key press waiting for the write before it on the same subject: resolved into a write only when its turn comes,
/// so `f` pressed twice favorites, then unfavorites.
public enum WriteIntent: Hashable, Sendable {
    /// `f` or `x`: the mark, or none when the listing already has it.
    case toggle(ListingMark, Listing)
    case write(WorkspaceWrite)
    /// `p`: pause the feed, or resume it when it is paused — as it is when its turn comes.
    case toggleFeed(NewsFeed)

    public var queueKey: WriteSubject {
        switch self {
        case .toggle(_, let listing): .listing(listing.id)
        case .write(let write): write.queueKey
        case .toggleFeed(let feed): .feed(feed.id)
        }
    }
}

/// A change that can be taken back: the write that reverses it, in the workspace it was made in.
public struct UndoEntry: Hashable, Sendable {
    public var inverse: WorkspaceWrite
    public var workspace: Workspace
    /// What was done, as the status line names it after "Undid " ("the favorite of 123 Birch St").
    public var done: String
    /// The Id of the deleted cart `inverse` re-creates: once re-created (with a new Id), the changes before the delete
    /// that name the old cart are undone on the new one.
    public var recreates: String?

    public init(inverse: WorkspaceWrite, workspace: Workspace, done: String, recreates: String? = nil) {
        self.inverse = inverse
        self.workspace = workspace
        self.done = done
        self.recreates = recreates
    }
}

/// A write on its way to the server.
public struct PendingWrite: Hashable, Sendable {
    public var id: Int
    public var write: WorkspaceWrite
    /// The workspace that was current when it was sent: where it lands.
    public var workspace: Workspace
    /// The change this write undoes, when it is an undo (an undo is not itself undone).
    public var undoing: UndoEntry?
    /// The cart's count when an add or a remove was sent: whether the listing was there is judged from the answer
    /// when the holders were not known.
    public var countBefore: Int?
    /// Whether the listing was in the cart before an add (nil: not known).
    public var wasMember: Bool?
}

/// A key press waiting its turn.
public struct QueuedWrite: Hashable, Sendable {
    public var intent: WriteIntent
    public var workspace: Workspace
    public var undoing: UndoEntry?
}

/// The bookkeeping of the session's writes. Writes are never cancelled half way (the runner starts them
/// untracked); they are serialized per `queueKey` instead, keys pressed meanwhile queued behind them.
///
/// Reads and writes meet through `tick`: it moves whenever a write is sent or answered. A read remembers the tick it
/// was asked at; when it comes back, what a write touched since then (or is touching now) is kept as the write's
/// answer left it, and the read is trusted for everything else (`isStale`).
public struct WriteLedger: Hashable, Sendable {
    public private(set) var inFlight: [Int: PendingWrite] = [:]
    public private(set) var queued: [WriteSubject: [QueuedWrite]] = [:]
    public private(set) var tick = 0
    /// The tick of the last answer that changed each subject.
    private var touched: [WriteSubject: Int] = [:]
    private var nextID = 1
    /// The changes of this session that can be undone, the last one last.
    public var undoStack: [UndoEntry] = []

    public static let undoLimit = 100

    public init() {}

    /// Nothing in flight and nothing queued.
    public var isIdle: Bool { inFlight.isEmpty && queued.isEmpty }

    /// Whether a write with this key is in flight or queued.
    public func isBusy(_ key: WriteSubject) -> Bool {
        inFlight.values.contains { $0.write.queueKey == key } || !(queued[key] ?? []).isEmpty
    }

    /// The write in flight with this key, if any.
    public func inFlight(for key: WriteSubject) -> PendingWrite? {
        inFlight.values.first { $0.write.queueKey == key }
    }

    /// How many key presses wait behind it.
    public func queuedCount(for key: WriteSubject) -> Int { queued[key]?.count ?? 0 }

    /// Whether a read asked for at `tick` may be out of date for `subject`: a write touching it is in flight, or
    /// one was answered after the read was asked for.
    public func isStale(_ subject: WriteSubject, since tick: Int) -> Bool {
        if inFlight.values.contains(where: { $0.write.touches.contains(subject) }) { return true }
        return (touched[subject] ?? Int.min) > tick
    }

    mutating func begin(_ write: WorkspaceWrite, in workspace: Workspace, undoing: UndoEntry?, countBefore: Int? = nil,
                        wasMember: Bool? = nil) -> PendingWrite {
        let pending = PendingWrite(id: nextID, write: write, workspace: workspace, undoing: undoing,
                                   countBefore: countBefore, wasMember: wasMember)
        nextID += 1
        tick += 1
        inFlight[pending.id] = pending
        return pending
    }

    /// Ends a write; what it touched counts as changed now.
    mutating func finish(_ id: Int) -> PendingWrite? {
        guard let pending = inFlight.removeValue(forKey: id) else { return nil }
        tick += 1
        for subject in pending.write.touches { touched[subject] = tick }
        return pending
    }

    /// Marks a subject changed now (a cart the server created).
    mutating func touch(_ subject: WriteSubject) {
        touched[subject] = tick
    }

    mutating func enqueue(_ write: QueuedWrite) {
        queued[write.intent.queueKey, default: []].append(write)
    }

    mutating func dequeue(_ key: WriteSubject) -> QueuedWrite? {
        guard var waiting = queued[key], !waiting.isEmpty else { return nil }
        let next = waiting.removeFirst()
        queued[key] = waiting.isEmpty ? nil : waiting
        return next
    }

    mutating func pushUndo(_ entry: UndoEntry) {
        undoStack.append(entry)
        if undoStack.count > Self.undoLimit { undoStack.removeFirst(undoStack.count - Self.undoLimit) }
    }
}

/// What became of a write.
public enum WriteOutcome: Hashable, Sendable {
    case marked(MarkResult)
    /// An add or a remove: the cart with its new count.
    case cartChanged(ListingCart)
    case created(CartCreation)
    case renamed
    /// Deleted; the cart as it was, with the Ids of its listings.
    case deleted(ListingCart)
    case failed(WriteFailure)
    /// A saved search renamed or deleted, a news feed paused or resumed.
    case searchOrFeed(SearchFeedOutcome)
}

/// Why a write failed.
public enum WriteFailure: Hashable, Sendable {
    case spark(SparkError)
    /// A rule the client checks before sending (no Favorites cart in this workspace).
    case workspace(WorkspaceError)
    /// The cart could not be read before deleting it (its listings are what undo re-creates): nothing was deleted.
    case notSent(SparkError)

    public var sparkError: SparkError? {
        switch self {
        case .spark(let error), .notSent(let error): error
        case .workspace: nil
        }
    }
}
