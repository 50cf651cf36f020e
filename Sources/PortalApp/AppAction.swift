import SparkAPI
import TerminalUI

/// Something that happened: a key, a resize, a tick, or a server's answer — each answer carrying what it
/// answers, so the reducer can drop late answers to questions nobody is asking any more.
public enum AppAction: Sendable {
    case started
    case keyPressed(Key)
    case resized(Size)
    case tick

    case accountLoaded(Result<Account, SparkError>)
    case groupsLoaded(Result<[PortalGroup], SparkError>)
    case currentGroupLoaded(request: Int, Result<PortalGroup?, SparkError>)
    /// The carts of the workspace expected to be current when request `request` was made (nil: not yet known).
    case cartsLoaded(forGroup: Workspace?, request: Int, Result<[ListingCart], SparkError>)
    case listingsPageLoaded(source: ListingSource, page: Int, Result<Page<Listing>, SparkError>)
    /// The workspace's carts holding any of `listingIds` (with their Ids), asked for in `workspace` at `tick`
    /// (`WriteLedger.tick`).
    case holdersLoaded(listingIds: [String], workspace: Workspace, tick: Int, Result<[ListingCart], SparkError>)
    /// One listing's full record, for its details.
    case listingLoaded(id: String, Result<Listing, SparkError>)
    /// The server answered write `id` (see `AppEffect.write`).
    case writeFinished(id: Int, WriteOutcome)

    /// The server answered the PUT (or DELETE) that made `workspace` current.
    case groupSwitched(to: Workspace, Result<Empty, SparkError>)

    case requestFinished(RequestEvent)
    case retryScheduled(RetryNotice)

    /// Time passed on the app's clock (the program's stopwatch, about every second while something waits or a message
    /// is up): what the status line's timing reads.
    case timePassed(Duration)
    /// A page of the portal groups answered request `request`, in order (`SparkClient.groupPages()`).
    case groupPageLoaded(request: Int, ListProgress<PortalGroup>)
    /// The groups' pages stopped with an error after the pages delivered so far.
    case groupPagesFailed(request: Int, SparkError)
    /// Live refresh (LiveReducer.swift): the wait before the next poll is over.
    case pollDue
    /// A poll's read of the open listings' first page, asked for at `tick` (`WriteLedger.tick`).
    case listingsPageRefreshed(source: ListingSource, tick: Int, Result<Page<Listing>, SparkError>)
    /// The marks of what changed (`LiveMark`) made by polls up to `generation` have been shown long enough.
    case liveMarksExpired(generation: Int)
    /// The runner now sends every request as this member (`AppEffect.actAs`); false when it has no token for them.
    case actingAs(ActAsMember, switched: Bool)
    /// The cache's answers (Cache.swift).
    case cache(CacheAction)
    /// The saved searches of the workspace expected to be current when request `request` was made (nil: not yet known).
    case searchesLoaded(forGroup: Workspace?, request: Int, Result<[SavedSearch], SparkError>)
    /// The news feeds, or that this key may not read them, likewise.
    case feedsLoaded(forGroup: Workspace?, request: Int, Result<NewsFeedAccess, SparkError>)
    /// A photo of the listing in details, drawn or not (see `AppEffect.loadPhoto`).
    case photoLoaded(PhotoRequest, PhotoOutcome)
}

/// A successful answer with nothing in it.
public struct Empty: Equatable, Sendable {
    public init() {}
}

/// Work for the runner, as plain data. Effects with the same `id` replace each other: starting one cancels
/// the one in flight.
public enum AppEffect: Equatable, Sendable {
    case loadAccount
    case loadCurrentGroup(request: Int)
    case loadCarts(forGroup: Workspace?, request: Int)
    /// PUT the group as current, or DELETE the current group for `.own`.
    case switchGroup(to: Workspace)
    case loadListingsPage(source: ListingSource, page: Int)
    /// Which carts hold these listings (`/listingcarts/for/`, with each cart's listing Ids): one request per page.
    case loadHolders(listingIds: [String], workspace: Workspace, tick: Int)
    case loadListing(id: String)
    /// A change to the workspace. Never cancelled (a write cut off half way leaves the server's state unknown): the
    /// reducer sends one per listing or cart at a time instead.
    case write(id: Int, WorkspaceWrite)
    case quit
    case suspend
    /// Every page of the portal groups, each posted as it arrives (`groupPageLoaded`), for request `request`;
    /// `expectedPages` (the cache's count from last time) are asked for at once.
    case loadGroupPages(request: Int, expectedPages: Int? = nil)
    /// Posts `.pollDue` after `delay` on the app's clock (the delay counted from when the effect starts).
    case schedulePoll(after: Duration)
    /// Reads the open listings' first page again for a poll (never cancels a page the user is scrolling to).
    case refreshListingsPage(source: ListingSource, tick: Int)
    /// Posts `.liveMarksExpired(generation:)` after `delay` on the app's clock.
    case expireLiveMarks(generation: Int, after: Duration)
    /// Sends every request from now on with this member's demo token (`MemberTokens`); answered by `.actingAs`.
    case actAs(ActAsMember)
    /// Puts text on the clipboard through the terminal (`TerminalBackend.copyToClipboard`).
    case copyToClipboard(String)
    /// The cache's work (Cache.swift): loads that learn their page counts, and saves.
    case cache(CacheEffect)
    /// The saved searches (every page) of the workspace expected to be current.
    case loadSearches(forGroup: Workspace?, request: Int)
    /// The news feeds (every page) of the workspace expected to be current.
    case loadFeeds(forGroup: Workspace?, request: Int)
    /// Fetch (on the photo path: no token), decode and draw a photo of the listing in details.
    case loadPhoto(PhotoRequest)
    /// Cancels the effect of this kind in flight, if any; its answer is never posted.
    case cancel(EffectID)

    /// Which effects cancel each other. Group switches are never cancelled: a PUT cut off half way would
    /// leave the server's state unknown, so the reducer serializes them instead.
    public var id: EffectID? {
        switch self {
        case .loadAccount: .account
        case .loadGroupPages: .groups
        case .loadCurrentGroup: .currentGroup
        case .loadCarts: .carts
        case .loadListingsPage: .listings
        case .loadListing: .details
        case .loadSearches: .searches
        case .loadFeeds: .feeds
        case .loadPhoto: .photo
        // Holders: one request per page, each answer for its own listings (a newer page does not replace an older one).
        case .switchGroup, .write, .loadHolders, .quit, .suspend, .cancel: nil
        case .schedulePoll: .pollTimer
        case .refreshListingsPage: .livePage
        case .expireLiveMarks, .actAs, .copyToClipboard: nil
        case .cache(let effect): effect.id
        }
    }
}

/// Names for effects that cancel their predecessors.
public enum EffectID: Hashable, Sendable {
    case account, groups, currentGroup, carts, listings, details
    case searches, feeds
    case photo
    case pollTimer, livePage
}
