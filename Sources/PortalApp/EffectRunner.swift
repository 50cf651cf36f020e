import Foundation
import Synchronization
import SparkAPI
import TerminalPictures

/// A thread-safe inbox of actions for the program loop; posting wakes the loop.
public final class Mailbox: Sendable {
    /// A struct, not a tuple: a closure inside a tuple inside the generic `Mutex` was re-wrapped in one more
    /// reabstraction thunk on every locked access, so the wake-up grew into a chain as long as the session
    /// (see DECISIONS.md, "The mailbox keeps its state in a struct").
    private struct Inbox {
        var actions: [AppAction] = []
        var wake: (@Sendable () -> Void)?
    }

    private let state = Mutex(Inbox())

    public init() {}

    /// Sets what wakes the loop when something is posted (the backend's wake-up).
    public func setWake(_ wake: @escaping @Sendable () -> Void) {
        state.withLock { $0.wake = wake }
    }

    public func post(_ action: AppAction) {
        let wake = state.withLock { inbox in
            inbox.actions.append(action)
            return inbox.wake
        }
        wake?()
    }

    /// Takes every action posted so far, oldest first.
    public func drain() -> [AppAction] {
        state.withLock { inbox in
            defer { inbox.actions.removeAll(keepingCapacity: true) }
            return inbox.actions
        }
    }
}

/// Performs effects with the shared `SparkClient` (and the session's photo store) in tasks and posts each answer
/// back as an action. Starting an effect cancels the one in flight with the same `EffectID`; a cancelled task posts
/// nothing.
public final class EffectRunner: Sendable {
    private let client: SparkClient
    /// The session's photos (fetched by `PhotoFetcher`: no token), when photos are drawn; with it, the details'
    /// listing is read with its photos (`_expand=Photos`).
    private let photos: PictureStore<URL>?
    private let mailbox: Mailbox
    /// The demo members' tokens, for acting as one of them (`AppEffect.actAs`); nil outside `--demo`.
    private let members: MemberTokens?
    /// Where the last-known workspace is kept (nil: nowhere).
    private let cacheStore: (any WorkspaceCacheStore)?
    /// The clock the app's timers run on: the spinner's tick now; polling and status messages that clear later.
    /// The real clock in the app; tests pass one they advance, so no test waits for time to pass.
    public let clock: any Clock<Duration>
    private let tasks = Mutex(InFlight())
    /// Saves of the workspace: how many have not ended (`waitForSaves`), and the latest, which the next waits for.
    private let saves = Mutex(Saves())

    private struct Saves {
        var pending = 0
        var latest: Task<Void, Never>?
    }

    /// The tasks in flight, numbered: the latest of each `EffectID`, and the others (switches) until they end.
    /// A struct, not a tuple, for the reason the mailbox's is (see `Mailbox.Inbox`).
    private struct InFlight {
        var next = 0
        var running: [EffectID: Running] = [:]
        var untracked: [Int: Task<Void, Never>] = [:]
    }

    private struct Running {
        let token: Int
        let task: Task<Void, Never>
    }

    /// The page size used when paging in a cart's or a saved search's listings.
    public static let listingsPageSize = 25

    public init(client: SparkClient, mailbox: Mailbox, clock: any Clock<Duration> = ContinuousClock(),
                cache: (any WorkspaceCacheStore)? = nil, photos: PictureStore<URL>? = nil, members: MemberTokens? = nil) {
        self.client = client
        self.photos = photos
        self.mailbox = mailbox
        self.cacheStore = cache
        self.clock = clock
        self.members = members
    }

    /// Posts `action` every `interval` on the app's clock until the returned task is cancelled.
    public func timer(every interval: Duration, posting action: AppAction) -> Task<Void, Never> {
        let clock = self.clock
        let mailbox = self.mailbox
        return Task {
            while (try? await clock.sleep(for: interval)) != nil {
                mailbox.post(action)
            }
        }
    }

    public func run(_ effect: AppEffect) {
        if case .cancel(let id) = effect { return cancel(id) }
        let client = self.client
        let photos = self.photos
        let mailbox = self.mailbox
        if case .actAs(let member) = effect {
            // At once, on the loop's thread: the reads the answer asks for go with the new token.
            mailbox.post(.actingAs(member, switched: members?.actAs(member) ?? false))
            return
        }
        let cacheStore = self.cacheStore
        let token = tasks.withLock { tasks -> Int in
            tasks.next += 1
            return tasks.next
        }
        let timer = timer(for: effect)
        // Saves land in the order they were asked for: each waits for the one before. (`run` is called from the loop's
        // thread only, so no other save can come between reading the latest and replacing it.)
        let isSave = if case .cache(.save) = effect { true } else { false }
        let previousSave = isSave ? saves.withLock { saves in
            saves.pending += 1
            return saves.latest
        } : nil
        let task = Task { [self] in
            if case .loadGroupPages(let request, let expectedPages) = effect {
                return await Self.streamGroupPages(request: request, expectedPages: expectedPages, with: client) {
                    mailbox.post($0)
                }
            }
            await previousSave?.value
            let action = if let timer { await timer() } else { await Self.perform(effect, with: client, cache: cacheStore, photos: photos) }
            if isSave { saves.withLock { $0.pending -= 1 } }
            guard let action, !Task.isCancelled else { return }
            mailbox.post(action)
        }
        if isSave { saves.withLock { $0.latest = task } }
        let replaced = tasks.withLock { tasks -> Task<Void, Never>? in
            if let id = effect.id {
                let previous = tasks.running[id]?.task
                tasks.running[id] = Running(token: token, task: task)
                return previous
            }
            tasks.untracked[token] = task
            return nil
        }
        replaced?.cancel()
        Task { [weak self] in
            _ = await task.value
            self?.finished(token: token, id: effect.id)
        }
    }

    private func finished(token: Int, id: EffectID?) {
        tasks.withLock { tasks in
            if let id {
                if tasks.running[id]?.token == token { tasks.running[id] = nil }
            } else {
                tasks.untracked[token] = nil
            }
        }
    }

    /// Cancels the effect of kind `id` in flight, if any.
    private func cancel(_ id: EffectID) {
        let task = tasks.withLock { $0.running.removeValue(forKey: id)?.task }
        task?.cancel()
    }

    /// Blocks the calling thread (the program loop's, once it has ended) until every save of the workspace started so
    /// far has ended, at most `timeout`: quitting right after a load settled still keeps it. A save is not cancelled.
    public func waitForSaves(timeout: Duration = .seconds(2)) {
        let deadline = ContinuousClock.now + timeout
        while saves.withLock({ $0.pending }) > 0, ContinuousClock.now < deadline {
            usleep(2_000)
        }
    }

    /// Cancels everything in flight (on quit).
    public func cancelAll() {
        let all = tasks.withLock { tasks -> [Task<Void, Never>] in
            defer { tasks.running.removeAll(); tasks.untracked.removeAll() }
            return tasks.running.values.map(\.task) + tasks.untracked.values
        }
        all.forEach { $0.cancel() }
    }

    /// The wait of a timer effect, and what it posts when it is over; nil for other effects. The deadline counts from
    /// now, when the reducer asked for it, not from when the task gets to run: a test that advances the clock after
    /// an effect was asked for knows it has started.
    private func timer(for effect: AppEffect) -> (@Sendable () async -> AppAction?)? {
        let delay: Duration, action: AppAction
        switch effect {
        case .schedulePoll(let wait): (delay, action) = (wait, .pollDue)
        case .expireLiveMarks(let generation, let wait): (delay, action) = (wait, .liveMarksExpired(generation: generation))
        default: return nil
        }
        let sleep = clock.sleepFromNow(for: delay)
        return { (try? await sleep()) == nil ? nil : action }
    }

    private static func perform(_ effect: AppEffect, with client: SparkClient,
                                cache: (any WorkspaceCacheStore)?, photos: PictureStore<URL>?) async -> AppAction? {
        switch effect {
        case .loadAccount:
            return .accountLoaded(await capture { try await client.myAccount() })
        case .loadCurrentGroup(let request):
            return .currentGroupLoaded(request: request, await capture { try await client.currentGroup() })
        case .loadCarts(let workspace, let request):
            return .cartsLoaded(forGroup: workspace, request: request, await capture { try await client.listingCarts() })
        case .switchGroup(let workspace):
            let result = await capture {
                switch workspace {
                case .own: try await client.leaveGroup()
                case .group(let id): try await client.chooseGroup(id: id)
                }
                return Empty()
            }
            return .groupSwitched(to: workspace, result)
        case .loadListingsPage(let source, let page):
            return .listingsPageLoaded(source: source, page: page, await capture {
                try await listingsPage(of: source, page: page, with: client)
            })
        case .loadHolders(let listingIds, let workspace, let tick):
            return .holdersLoaded(listingIds: listingIds, workspace: workspace, tick: tick, await capture {
                try await client.carts(holding: listingIds, withListingIds: true)
            })
        case .loadListing(let id):
            return .listingLoaded(id: id, await capture { try await client.listing(id: id, expand: photos == nil ? [] : ["Photos"]) })
        case .write(let id, let write):
            return .writeFinished(id: id, await perform(write, with: client))
        case .refreshListingsPage(let source, let tick):
            return .listingsPageRefreshed(source: source, tick: tick, await capture {
                try await listingsPage(of: source, page: 1, with: client)
            })
        case .cache(let effect):
            return await perform(effect, with: client, store: cache)
        case .loadPhoto(let request):
            return await draw(request, photos: photos).map { .photoLoaded(request, $0) }
        case .quit, .suspend, .cancel, .schedulePoll, .expireLiveMarks, .actAs, .copyToClipboard:
            return nil  // the loop's own (quit, suspend, the clipboard), or done in `run` (timers, acting as, cancelling)
        case .loadGroupPages:
            return nil  // streamed by run(_:)
        case .loadSearches(let workspace, let request):
            return .searchesLoaded(forGroup: workspace, request: request, await capture { try await client.savedSearches() })
        case .loadFeeds(let workspace, let request):
            return .feedsLoaded(forGroup: workspace, request: request, await capture { try await client.newsFeeds() })
        }
    }

    /// A page of the listings of a cart, or of those a saved search matches.
    private static func listingsPage(of source: ListingSource, page: Int, with client: SparkClient) async throws -> Page<Listing> {
        switch source {
        case .cart(let id): try await client.listingsPage(inCart: id, page: page, limit: listingsPageSize)
        case .search(let id, let provided):
            try await client.listingsPage(matchingSearch: id, provided: provided, page: page, limit: listingsPageSize)
        }
    }

    /// A photo fetched (on the photo path, or from the store's cache: the size asked for or a larger one), decoded and
    /// drawn at the request's size; nil when cancelled (the user moved on: nothing to say).
    static func draw(_ request: PhotoRequest, photos: PictureStore<URL>?) async -> PhotoOutcome? {
        guard let photos else { return .failed("photos are not available") }
        let urls = request.coveringURLs
        guard let smallest = urls.first else { return .failed("the photo has no address") }
        var url = smallest
        for larger in urls.dropFirst() where await photos.contains(larger) {
            url = larger
            break
        }
        do {
            return .drawn(try await photos.cells(for: url, fitting: request.area, colors: request.colors,
                                                 cellAspect: request.cellAspect))
        } catch {
            return PhotoDisplay.reason(for: error).map(PhotoOutcome.failed)
        }
    }
}

extension EffectRunner {
    /// Sends one write. The client's own rules apply (a create is never sent twice; adds, removes, renames and
    /// deletes may be re-sent after a failure that may have applied them); every failure comes back as data.
    static func perform(_ write: WorkspaceWrite, with client: SparkClient) async -> WriteOutcome {
        do {
            switch write {
            case .mark(let listing, let mark, let favorites, let rejects):
                return .marked(try await client.mark(listing.id, as: mark, workspaceCarts: [favorites, rejects]))
            case .add(let listing, let cart):
                return .cartChanged(try await client.addListing(listing.id, toCart: cart.id))
            case .remove(let listing, let cart):
                return .cartChanged(try await client.removeListing(listing.id, fromCart: cart.id))
            case .createCart(let name, let listingIds):
                return .created(await client.createCart(named: name, listingIds: listingIds))
            case .renameCart(let cart, let name):
                try await client.renameCart(id: cart.id, to: name)
                return .renamed
            case .deleteCart(let cart):
                // Its listings first: they are what undo puts back. Without them, nothing is deleted.
                let full: ListingCart
                do {
                    full = try await client.listingCart(id: cart.id, withListingIds: true)
                } catch {
                    return .failed(.notSent(SparkError(error)))
                }
                try await client.deleteCart(id: cart.id)
                return .deleted(full)
            case .searchOrFeed(let write):
                return try await perform(write, with: client)
            }
        } catch let error as WorkspaceError {
            return .failed(.workspace(error))
        } catch {
            return .failed(.spark(SparkError(error)))
        }
    }
}

func capture<Value>(_ body: () async throws -> Value) async -> Result<Value, SparkError> {
    do {
        return .success(try await body())
    } catch {
        return .failure(SparkError(error))
    }
}

extension SparkError {
    /// Anything a client call threw, as a `SparkError` (the client throws only those, bar cancellation).
    init(_ error: any Error) {
        switch error {
        case let error as SparkError: self = error
        case is CancellationError: self = .cancelled(context: nil)
        default: self = .transport(.other(String(describing: error)), host: "", context: RequestContext(method: "", path: ""))
        }
    }
}

extension Clock where Duration == Swift.Duration {
    /// A sleep until `delay` from now (now: when this is called, not when the sleep begins).
    func sleepFromNow(for delay: Duration) -> @Sendable () async throws -> Void {
        let deadline = now.advanced(by: delay)
        return { try await self.sleep(until: deadline, tolerance: nil) }
    }
}
