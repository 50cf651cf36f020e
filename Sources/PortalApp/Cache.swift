import Foundation
import SparkAPI

// Instant start and offline reading (DESIGN 4.2, issue #18): the last-known workspace, kept by a store the command
// line provides (a private file, PortalCLI/WorkspaceCacheFile.swift), is drawn in the first frame and replaced pane by
// pane by the server's answers. This file holds what is kept and what the screen knows about it; CacheReducer.swift
// how it changes; CacheViews.swift how it looks.

/// The last-known workspace: what the first frame shows before the server has answered. Never a token: only what
/// the screen showed. Encodes with the Spark field names of its parts.
public struct WorkspaceSnapshot: Codable, Equatable, Sendable {
    /// Who it belongs to; checked against `/v1/my/account` once that answers.
    public var account: Account
    /// Every group, with its members.
    public var groups: [PortalGroup]
    /// How many pages the groups took: asked for all at once next time.
    public var groupPages: Int
    /// The server's current group; nil: the user's own workspace.
    public var currentGroup: PortalGroup?
    /// The current workspace's carts.
    public var carts: [ListingCart]
    /// How many pages the carts took.
    public var cartPages: Int
    /// The first page of the cart that was open last, when it is one of `carts`.
    public var openCart: CachedCartPage?

    public init(account: Account, groups: [PortalGroup], groupPages: Int, currentGroup: PortalGroup?,
                carts: [ListingCart], cartPages: Int, openCart: CachedCartPage? = nil) {
        self.account = account
        self.groups = groups
        self.groupPages = groupPages
        self.currentGroup = currentGroup
        self.carts = carts
        self.cartPages = cartPages
        self.openCart = openCart
    }

    enum CodingKeys: String, CodingKey {
        case account, groups, groupPages = "group_pages", currentGroup = "current_group", carts
        case cartPages = "cart_pages", openCart = "open_cart"
    }

    /// The workspace the carts belong to.
    public var workspace: Workspace { Workspace(current: currentGroup) }
}

/// The first page of one cart's listings.
public struct CachedCartPage: Codable, Equatable, Sendable {
    public var cartID: String
    public var listings: [Listing]
    /// The server's `TotalRows` for the cart, when it sent one.
    public var totalRows: Int?

    public init(cartID: String, listings: [Listing], totalRows: Int?) {
        self.cartID = cartID
        self.listings = listings
        self.totalRows = totalRows
    }

    enum CodingKeys: String, CodingKey {
        case cartID = "cart_id", listings, totalRows = "total_rows"
    }
}

/// What a store found when the app started.
public enum CacheLoad: Equatable, Sendable {
    /// Nothing kept yet (or nothing usable: a damaged or old file, which the store has logged and the next save replaces).
    case empty
    /// The workspace as it was saved at `savedAt`.
    case found(WorkspaceSnapshot, savedAt: Date)
    /// Something the user should know and act on (a cache file others can read): said in the status bar.
    case refused(notice: String)
}

/// Where the last-known workspace is kept: read once before the first frame, written after each settled load.
public protocol WorkspaceCacheStore: Sendable {
    /// What is kept now. Called on the program loop's thread before the first frame, so it must be quick.
    func load() -> CacheLoad
    /// Keeps `snapshot` as the workspace known at `date`, replacing what was kept. Runs off the program loop's thread.
    /// Returns false when it could not (the store logs why); a failure is never the user's to act on.
    func save(_ snapshot: WorkspaceSnapshot, at date: Date) async -> Bool
}

/// The parts of the screen a cached workspace fills until the server answers.
public enum CachedPart: Hashable, Sendable, CaseIterable {
    case account, groups, currentGroup, carts
}

/// What the screen knows about the cache and the server's reachability. Inert (and the app as without a cache) unless
/// `enabled`: `--no-cache`, `--demo` and the reducer tests of the screen leave it off.
public struct CacheState: Equatable, Sendable {
    /// A store keeps the workspace: loads learn their page counts, settled loads are saved, and an unreachable
    /// server puts the screen offline.
    public var enabled = false
    /// The parts still showing what the cache held: not yet replaced by the server's answer.
    public var stale: Set<CachedPart> = []
    /// When the workspace on screen was last known to be the server's: the cache's time, then each settled load's.
    public var asOf: Date?
    /// The server could not be reached (refused, timed out, no such host, TLS) by the last load; cleared by any
    /// answer from it. Writes are refused meanwhile (`AppState.refuseWriteWhileOffline()`).
    public var offline = false
    /// The account the cached workspace belongs to, until `/v1/my/account` answers.
    public var accountID: String?
    /// Pages the groups took when last read.
    public var groupPages: Int?
    /// Pages each workspace's carts took when last read.
    public var cartPages: [Workspace: Int] = [:]
    /// Pages the carts on screen took (also when they came before the current group was known).
    public var shownCartPages: Int?
    /// The first page of the cart opened last; `pageFromCache` while it is the cache's (not yet read again).
    public var cartPage: CachedCartPage?
    public var pageFromCache = false
    /// The open cart's rows are `cartPage`'s, shown until the server's first page replaces them.
    public var listingsFromCache = false
    /// Something arrived since the last save.
    public var unsaved = false
    /// How times are told ("cached 10:42"), and the day the session started: a cache from another day says its date.
    public var timeZone: TimeZone = .current
    public var sessionStart: Date?

    public init() {}

    /// Something on screen is the cache's, not yet the server's: a pane, or the open cart's rows.
    public var showsCachedData: Bool { !stale.isEmpty || listingsFromCache }
}

/// The cache's part in the loop: loads that learn page counts (and use them), and saves. See CacheReducer.swift.
public enum CacheEffect: Equatable, Sendable {
    /// `AppEffect.loadGroups`, asking for `expectedPages` pages at once.
    case loadGroups(expectedPages: Int?)
    /// `AppEffect.loadCarts`, asking for `expectedPages` pages at once.
    case loadCarts(forGroup: Workspace?, request: Int, expectedPages: Int?)
    /// Keep the workspace (off the loop's thread, each save after the one before); answered by `CacheAction.saved`.
    case save(WorkspaceSnapshot)

    var id: EffectID? {
        switch self {
        case .loadGroups: .groups
        case .loadCarts: .carts
        case .save: nil
        }
    }
}

/// Answers to `CacheEffect`s: the screen's load answers with their page counts, and the end of a save.
public enum CacheAction: Sendable {
    case groupsLoaded(Result<PagedList<PortalGroup>, SparkError>)
    case cartsLoaded(forGroup: Workspace?, request: Int, Result<PagedList<ListingCart>, SparkError>)
    /// A save ended at `date` (`written` false: the store could not write, and has logged why).
    case saved(at: Date, written: Bool)
}

extension EffectRunner {
    /// Performs a `CacheEffect` with the client and the store.
    static func perform(_ effect: CacheEffect, with client: SparkClient, store: (any WorkspaceCacheStore)?) async -> AppAction {
        switch effect {
        case .loadGroups(let expected):
            return .cache(.groupsLoaded(await capture { try await client.groupList(expectedPages: expected) }))
        case .loadCarts(let workspace, let request, let expected):
            return .cache(.cartsLoaded(forGroup: workspace, request: request, await capture {
                try await client.listingCartList(expectedPages: expected)
            }))
        case .save(let snapshot):
            let now = Date()
            let written = await store?.save(snapshot, at: now) ?? false
            return .cache(.saved(at: now, written: written))
        }
    }
}
