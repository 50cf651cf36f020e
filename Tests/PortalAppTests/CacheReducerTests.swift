import Foundation
import SparkAPI
import Synchronization
import Testing
import TestSupport
import TerminalUI
@testable import PortalApp

/// The last-known workspace on screen, then the server's truth replacing it pane by pane (issue #18).
enum CacheFixture {
    static let utc = TimeZone(identifier: "UTC")!
    /// 2026-12-04 10:42:07 UTC.
    static let savedAt = Date(timeIntervalSince1970: 1_796_380_927)
    static let sameDay = savedAt.addingTimeInterval(3 * 3600)

    static let favoritesPage = CachedCartPage(cartID: "K1", listings: [Fixture.listing(1), Fixture.listing(2)], totalRows: 2)

    /// Betty acting for Ozzy Owner's group: three groups (in 2 pages last time), Ozzy's three carts, Favorites' page.
    static let snapshot = WorkspaceSnapshot(
        account: Fixture.account, groups: Fixture.groups, groupPages: 2, currentGroup: Fixture.ozzy,
        carts: Fixture.ozzyCarts, cartPages: 1, openCart: favoritesPage)

    static let unreachable = SparkError.transport(.connectionRefused, host: "127.0.0.1",
                                                  context: RequestContext(method: "GET", path: "/v1/listingcarts"))

    /// The state of a start from `snapshot`, before `.started`.
    static func cachedState(_ load: CacheLoad = .found(snapshot, savedAt: savedAt), size: Size = Size(width: 120, height: 40)) -> AppState {
        var state = AppState(size: size, endpointHost: "sparkapi.com")
        state.useCache(load, now: sameDay, timeZone: utc)
        return state
    }

    /// Started from the cache: its loads in flight.
    static func startedState(size: Size = Size(width: 120, height: 40)) -> (AppState, [AppEffect]) {
        var state = cachedState(size: size)
        let effects = reduce(&state, .started)
        return (state, effects)
    }

    static func carts(_ carts: [ListingCart], pages: Int = 1) -> Result<PagedList<ListingCart>, SparkError> {
        .success(PagedList(items: carts, pageCount: pages))
    }

    static func groups(_ groups: [PortalGroup], pages: Int = 1) -> Result<PagedList<PortalGroup>, SparkError> {
        .success(PagedList(items: groups, pageCount: pages))
    }
}

extension AppState {
    func rendered() -> Buffer {
        var buffer = Buffer(size: size)
        render(self, into: &buffer)
        return buffer
    }

    var visibleCartNames: [String] { cartRows.map { carts.value![$0].name } }

    /// Answers the groups' pages (`.loadGroupPages`) as the client's stream would: the list split over its pages, in
    /// order; or the first page's failure.
    @discardableResult
    mutating func answerGroups(_ result: Result<PagedList<PortalGroup>, SparkError>) -> [AppEffect] {
        let request = groupPaging.request
        switch result {
        case .failure(let error):
            return reduce(&self, .groupPagesFailed(request: request, error))
        case .success(let list):
            let size = max((list.items.count + list.pageCount - 1) / list.pageCount, 1)
            return (1...list.pageCount).flatMap { page in
                let items = Array(list.items.dropFirst((page - 1) * size).prefix(size))
                return reduce(&self, .groupPageLoaded(request: request, ListProgress(
                    items: items, page: page, pageCount: list.pageCount, totalRows: list.items.count)))
            }
        }
    }

    /// Answers every start-up load as the server would, with Betty acting for `current`.
    mutating func answerStartUp(current: PortalGroup? = Fixture.ozzy, carts: [ListingCart] = Fixture.ozzyCarts,
                                groups: [PortalGroup] = Fixture.groups, groupPages: Int = 2) -> [AppEffect] {
        var effects = reduce(&self, .accountLoaded(.success(Fixture.account)))
        effects += answerGroups(CacheFixture.groups(groups, pages: groupPages))
        effects += reduce(&self, .currentGroupLoaded(request: currentGroupRequest, .success(current)))
        effects += reduce(&self, .cache(.cartsLoaded(forGroup: Workspace(current: current), request: cartsRequest,
                                                     CacheFixture.carts(carts))))
        return effects
    }
}

@Suite("The cached workspace on the first frame")
struct CachedFirstFrameTests {
    @Test func theFirstFrameShowsTheCachedWorkspaceMarked() {
        let (state, effects) = CacheFixture.startedState()
        // Every list asks at once for the pages it took last time.
        #expect(effects == [.loadCurrentGroup(request: 1), .loadGroupPages(request: 1, expectedPages: 2),
                            .cache(.loadCarts(forGroup: .group(id: "G-OZZY"), request: 1, expectedPages: 1)), .loadAccount])
        let screen = state.rendered()
        #expect(screen.lines[0].contains("Betty Buyer · acting for: Ozzy Owner's group"))
        #expect(screen.lines[0].contains("cached 10:42 · refreshing"), "\(screen.lines[0])")
        #expect(screen.contains("Favorites") && screen.contains("Possibilities") && screen.contains("Lake houses"))
        // The current group is marked as not yet confirmed: ○, not ●.
        #expect(screen.contains("┃○ Ozzy Owner"), "\(screen.lines.joined(separator: "\n"))")
        #expect(!screen.contains("● Ozzy Owner"))
        #expect(state.highlightedGroup?.id == "G-OZZY")
        #expect(state.cache.stale == Set(CachedPart.allCases))
    }

    @Test func anOlderCacheSaysItsDayAndTimesFollowTheTimeZone() {
        var state = AppState(size: Size(width: 120, height: 40), endpointHost: "h")
        state.useCache(.found(CacheFixture.snapshot, savedAt: CacheFixture.savedAt), now: CacheFixture.savedAt.addingTimeInterval(86_400),
                       timeZone: CacheFixture.utc)
        #expect(state.cache.asOfLabel == "2026-12-04 10:42")
        state.cache.timeZone = TimeZone(identifier: "Asia/Tokyo")!
        state.cache.sessionStart = CacheFixture.savedAt
        #expect(state.cache.asOfLabel == "19:42")
    }

    @Test func keysWorkOnTheCachedWorkspace() {
        var (state, _) = CacheFixture.startedState()
        // Moving: the members follow the highlight.
        #expect(state.press(.up).isEmpty)
        #expect(state.highlightedGroup?.id == "G-CARL")
        #expect(state.memberNames == ["Carl Contact", "Betty Buyer"])
        // Filtering.
        _ = state.press(.char("/"))
        _ = state.type("amé")
        _ = state.press(.enter)
        #expect(state.pickerNames == ["Amélie Durand"])
        _ = state.press(.escape)
        // Enter on a group: the PUT is absolute, so it goes out before the server has answered anything.
        _ = state.press(.char("g"), .down, .down)
        #expect(state.press(.enter) == [.switchGroup(to: .group(id: "G-CARL"))])
    }

    @Test func aCartWhoseFirstPageIsCachedOpensAtOnce() {
        var (state, _) = CacheFixture.startedState()
        _ = state.press(.tab, .tab)  // the carts pane: Favorites highlighted
        let effects = state.press(.enter)
        #expect(effects == [.loadListingsPage(source: .cart(id: "K1"), page: 1)])
        #expect(state.listings?.listings.map(\.id) == ["L1", "L2"])
        #expect(state.rowCount(.listings) == 2)
        #expect(state.rendered().contains("101 Birch"))
        // Every pane answered meanwhile; the rows are still the cache's, and the title says so.
        _ = state.answerStartUp()
        #expect(state.rendered().lines[0].contains("cached 10:42"))
        // The server's first page replaces the cached rows (it does not follow them).
        _ = reduce(&state, .listingsPageLoaded(source: .cart(id: "K1"), page: 1, .success(Fixture.page([Fixture.listing(7)], page: 1, totalRows: 1))))
        #expect(state.listings?.listings.map(\.id) == ["L7"])
        #expect(!state.cache.listingsFromCache)
        #expect(!state.rendered().lines[0].contains("cached"))
        // Back, and into a cart whose page is not cached: nothing to show until the server answers.
        _ = state.press(.escape, .down)
        _ = state.press(.enter)
        #expect(state.listings?.source.cartID == "K2" && state.listings?.listings.isEmpty == true)
    }
}

@Suite("The server's truth replaces the cached workspace")
struct CacheMergeTests {
    @Test func aCartGoneOnTheServerDisappears() {
        var (state, _) = CacheFixture.startedState()
        #expect(state.visibleCartNames == ["Favorites", "Possibilities", "Lake houses"])
        let weekend = Fixture.cart("K4", "Weekend cabins", count: 1, type: "Custom")
        _ = reduce(&state, .currentGroupLoaded(request: 1, .success(Fixture.ozzy)))
        _ = reduce(&state, .cache(.cartsLoaded(forGroup: .group(id: "G-OZZY"), request: 1,
                                               CacheFixture.carts([Fixture.ozzyCarts[0], weekend]))))
        #expect(state.visibleCartNames == ["Favorites", "Weekend cabins"])
        #expect(!state.rendered().contains("Lake houses"))
        #expect(!state.cache.stale.contains(.carts) && !state.cache.stale.contains(.currentGroup))
        #expect(state.cache.stale == [.account, .groups], "the other panes still show the cache's")
    }

    /// The server says Betty now acts for Carl's group: the ● moves there (confirmed), the highlight follows it (she had
    /// not moved it), and Ozzy's cached carts — asked for as Ozzy's — are dropped and Carl's asked for.
    @Test func theCurrentGroupMarkFollowsTheServer() {
        var (state, _) = CacheFixture.startedState()
        _ = reduce(&state, .currentGroupLoaded(request: 1, .success(Fixture.carl)))
        #expect(state.currentWorkspace == .group(id: "G-CARL"))
        #expect(state.highlightedGroup?.id == "G-CARL")
        #expect(state.rendered().contains("┃● Carl Contact"))
        #expect(!state.rendered().contains("○"))
        let effects = reduce(&state, .cache(.cartsLoaded(forGroup: .group(id: "G-OZZY"), request: 1, CacheFixture.carts(Fixture.ozzyCarts))))
        #expect(effects == [.cache(.loadCarts(forGroup: .group(id: "G-CARL"), request: 2, expectedPages: nil))])
        #expect(state.carts.value == nil, "Ozzy's carts are never shown under Carl's name")
    }

    /// The screen moving to another group than the cache's is said, not done silently; the same group says nothing.
    @Test func anotherCurrentGroupThanTheCachesIsSaid() {
        var (state, _) = CacheFixture.startedState()
        _ = reduce(&state, .currentGroupLoaded(request: 1, .success(Fixture.carl)))
        let said = "The server has you in Carl Contact's group (the cache had Ozzy Owner's group)."
        #expect(state.status == StatusMessage(said))
        #expect(state.rendered().lines.last?.contains("The server has you in Carl Contact's group") == true)
        var same = CacheFixture.startedState().0
        _ = reduce(&same, .currentGroupLoaded(request: 1, .success(Fixture.ozzy)))
        #expect(same.status == nil)
    }

    @Test func theHighlightStaysWhereTheUserMovedIt() {
        var (state, _) = CacheFixture.startedState()
        _ = state.press(.char("g"))  // "My own workspace"
        _ = reduce(&state, .currentGroupLoaded(request: 1, .success(Fixture.carl)))
        #expect(state.highlightedPickerRow == .own)
    }

    @Test func onceEveryPaneIsTheServersTheMarkGoes() {
        var (state, _) = CacheFixture.startedState()
        _ = state.answerStartUp()
        #expect(state.cache.stale.isEmpty)
        let title = state.rendered().lines[0]
        #expect(!title.contains("cached") && !title.contains("offline"), "\(title)")
        #expect(state.rendered().contains("┃● Ozzy Owner"))
    }

    /// A cache whose account is not the one `/my/account` names is dropped at once: nothing of it stays on screen.
    @Test func anotherAccountsCacheIsDropped() {
        var (state, _) = CacheFixture.startedState()
        let johnny = Fixture.decode(Account.self, #"{"Id":"C-JOHNNY","Name":"Johnny Consumer"}"#)
        _ = reduce(&state, .accountLoaded(.success(johnny)))
        #expect(state.groups.value == nil && state.carts.value == nil && state.currentGroup.value == nil)
        #expect(state.groups.isLoading && state.carts.isLoading, "the server's answers are still on their way")
        #expect(state.cache.stale.isEmpty && state.cache.cartPage == nil)
        let screen = state.rendered()
        #expect(!screen.contains("Ozzy Owner") && !screen.contains("Lake houses") && !screen.lines[0].contains("cached"))
        #expect(state.status?.text.contains("another account's") == true)
        // Johnny's own answers then fill the screen.
        _ = state.answerGroups(CacheFixture.groups([Fixture.ozzy]))
        #expect(state.pickerNames == ["My own workspace", "Ozzy Owner"])
    }
}

@Suite("Saving the workspace")
struct CacheSaveTests {
    @Test func aSettledLoadIsSavedOnceWithItsPageCounts() {
        var (state, _) = CacheFixture.startedState()
        var effects = reduce(&state, .accountLoaded(.success(Fixture.account)))
        effects += state.answerGroups(CacheFixture.groups(Fixture.groups, pages: 3))
        effects += reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        #expect(!effects.contains { if case .cache(.save) = $0 { true } else { false } }, "nothing is saved before it settles")
        let last = reduce(&state, .cache(.cartsLoaded(forGroup: .group(id: "G-OZZY"), request: state.cartsRequest,
                                                      CacheFixture.carts(Fixture.ozzyCarts, pages: 2))))
        let expected = WorkspaceSnapshot(account: Fixture.account, groups: Fixture.groups, groupPages: 3, currentGroup: Fixture.ozzy,
                                         carts: Fixture.ozzyCarts, cartPages: 2, openCart: nil)
        #expect(last == [.cache(.save(expected))])
        // Nothing more to save until something new arrives.
        #expect(reduce(&state, .tick).isEmpty)
        let later = CacheFixture.savedAt.addingTimeInterval(7200)
        #expect(reduce(&state, .cache(.saved(at: later, written: true))).isEmpty)
        #expect(state.cache.asOf == later)
        let title = state.rendered().lines[0]
        #expect(title.hasSuffix("   sparkapi.com ") && !title.contains("cached"), "settled, the server's: no mark at all: \(title)")
    }

    /// Each settled load is saved once, even while the previous save is still being written (the runner writes them in
    /// order: `EffectRunnerSaveTests`).
    @Test func eachSettledLoadIsSavedOnce() {
        var (state, _) = CacheFixture.startedState()
        let first = state.answerStartUp()
        #expect(first.filter { if case .cache(.save) = $0 { true } else { false } }.count == 1)
        var effects = state.press(.char("r"))
        effects += state.answerStartUp(carts: [Fixture.ozzyCarts[0]])
        let saves = effects.compactMap { effect -> WorkspaceSnapshot? in
            if case .cache(.save(let snapshot)) = effect { snapshot } else { nil }
        }
        #expect(saves.map(\.carts) == [[Fixture.ozzyCarts[0]]])
    }

    /// The first run has no cache: its carts are asked for before the current group is known, and may come first.
    @Test func aFirstRunIsSavedWhateverOrderTheAnswersComeIn() {
        var state = CacheFixture.cachedState(.empty)
        let started = reduce(&state, .started)
        #expect(started.contains(.cache(.loadCarts(forGroup: nil, request: 1, expectedPages: nil))))
        var effects = reduce(&state, .cache(.cartsLoaded(forGroup: nil, request: 1, CacheFixture.carts(Fixture.ozzyCarts, pages: 2))))
        effects += reduce(&state, .currentGroupLoaded(request: 1, .success(Fixture.ozzy)))
        effects += state.answerGroups(CacheFixture.groups(Fixture.groups))
        effects += reduce(&state, .accountLoaded(.success(Fixture.account)))
        let expected = WorkspaceSnapshot(account: Fixture.account, groups: Fixture.groups, groupPages: 1, currentGroup: Fixture.ozzy,
                                         carts: Fixture.ozzyCarts, cartPages: 2)
        #expect(effects == [.cache(.save(expected))])
    }

    @Test func nothingIsSavedWhilePanesStillShowTheCache() {
        var (state, _) = CacheFixture.startedState()
        _ = reduce(&state, .accountLoaded(.success(Fixture.account)))
        _ = state.answerGroups(CacheFixture.groups(Fixture.groups))
        _ = reduce(&state, .currentGroupLoaded(request: 1, .success(Fixture.ozzy)))
        let effects = reduce(&state, .cache(.cartsLoaded(forGroup: .group(id: "G-OZZY"), request: 1, .failure(CacheFixture.unreachable))))
        #expect(effects.isEmpty)
        #expect(state.cache.stale == [.carts])
        #expect(!state.cache.unsaved || state.cache.stale == [.carts], "kept for when the carts come")
    }

    @Test func theOpenCartsFirstPageIsSavedWhenReadInThisSession() {
        var (state, _) = CacheFixture.startedState()
        _ = state.press(.tab, .tab, .down, .enter)  // Possibilities
        _ = reduce(&state, .listingsPageLoaded(source: .cart(id: "K2"), page: 1, .success(Fixture.page([Fixture.listing(5)], page: 1, totalRows: 1))))
        let effects = state.answerStartUp()
        guard case .cache(.save(let snapshot))? = effects.last else {
            Issue.record("no save: \(effects)")
            return
        }
        #expect(snapshot.openCart == CachedCartPage(cartID: "K2", listings: [Fixture.listing(5)], totalRows: 1))
    }
}

@Suite("Offline")
struct OfflineTests {
    static func offlineState() -> AppState {
        var (state, _) = CacheFixture.startedState()
        _ = reduce(&state, .requestFinished(RequestEvent(method: "GET", path: "/v1/listingcarts", status: nil, sparkCode: nil,
                                                         duration: .milliseconds(1), attempt: 1, errorSummary: "connection refused")))
        _ = reduce(&state, .accountLoaded(.failure(CacheFixture.unreachable)))
        _ = state.answerGroups(.failure(CacheFixture.unreachable))
        _ = reduce(&state, .currentGroupLoaded(request: 1, .failure(CacheFixture.unreachable)))
        _ = reduce(&state, .cache(.cartsLoaded(forGroup: .group(id: "G-OZZY"), request: 1, .failure(CacheFixture.unreachable))))
        return state
    }

    @Test func anUnreachableServerLeavesTheCachedWorkspaceBrowsable() {
        var state = Self.offlineState()
        #expect(state.cache.offline)
        let screen = state.rendered()
        #expect(screen.lines[0].contains("offline — as of 10:42"), "\(screen.lines[0])")
        #expect(state.status?.text.hasPrefix("Offline: showing the workspace as of 10:42; press r to retry. Could not connect to 127.0.0.1") == true)
        #expect(state.visibleCartNames == ["Favorites", "Possibilities", "Lake houses"])
        #expect(state.press(.up).isEmpty)
        #expect(state.highlightedGroup?.id == "G-CARL")
        #expect(state.memberNames == ["Carl Contact", "Betty Buyer"])
        // A cached cart page still opens; its request fails and the rows stay.
        _ = state.press(.tab, .tab, .enter)
        _ = reduce(&state, .listingsPageLoaded(source: .cart(id: "K1"), page: 1, .failure(CacheFixture.unreachable)))
        #expect(state.listings?.listings.map(\.id) == ["L1", "L2"])
        // Narrow: the banner is shorter.
        var narrow = Self.offlineState()
        _ = reduce(&narrow, .resized(Size(width: 50, height: 20)))
        #expect(narrow.rendered().lines[0].contains("offline 10:42"))
    }

    @Test func rRetriesAndAnAnswerEndsOffline() {
        var state = Self.offlineState()
        let effects = state.press(.char("r"))
        #expect(effects.contains(.loadCurrentGroup(request: 2)) && effects.contains(.loadAccount))
        #expect(state.cache.offline, "offline until the server answers")
        #expect(state.status == nil)
        _ = reduce(&state, .requestFinished(RequestEvent(method: "GET", path: "/v1/my/account", status: 200, sparkCode: nil,
                                                         duration: .milliseconds(3), attempt: 1, errorSummary: nil)))
        #expect(!state.cache.offline)
        #expect(!state.rendered().lines[0].contains("offline"))
    }

    /// The searches and feeds are not cached: offline, their tabs say they are read once the server can be reached, as
    /// the rest of the screen says it is offline, not that something failed.
    @Test func offlineTheUncachedTabsSayOfflineNotFailure() {
        for (key, what) in [("]", "the saved searches"), ("[", "the news feeds")] {
            var state = Self.offlineState()
            _ = state.press(.tab, .tab, .char(Character(key)))
            let workspace = state.currentWorkspace
            if key == "]" {
                _ = reduce(&state, .searchesLoaded(forGroup: workspace, request: state.workspaceTabs.searches.request,
                                                   .failure(CacheFixture.unreachable)))
            } else {
                _ = reduce(&state, .feedsLoaded(forGroup: workspace, request: state.workspaceTabs.feeds.request,
                                                .failure(CacheFixture.unreachable)))
            }
            let note = "offline: \(what) are read when the server can be reached; r tries again"
            #expect(state.status == StatusMessage(note))
            let lines = state.rendered().lines
            let screen = lines.joined(separator: "\n")
            #expect(screen.contains("┃ offline: \(what) are read when the"), "\(screen)")
            #expect(lines.last?.contains(note) == true, "\(screen)")
            // The workspace pane (right of the heavy border) says no failure; the picker's own note is the cache's.
            #expect(!screen.contains("Couldn't") && !lines.contains { $0.split(separator: "┃").dropFirst().joined().contains("✗") },
                    "\(screen)")
        }
        // Online, a failure is still an error.
        var online = Fixture.loadedState()
        _ = online.press(.tab, .tab, .char("]"))
        _ = reduce(&online, .searchesLoaded(forGroup: online.currentWorkspace, request: online.workspaceTabs.searches.request,
                                            .failure(CacheFixture.unreachable)))
        #expect(online.status?.kind == .error)
        #expect(online.status?.text.hasPrefix("Couldn't load the saved searches: Could not connect") == true)
    }

    /// The hook every write path calls: offline it refuses, says so once, and nothing is sent or kept for later.
    @Test func writesAreRefusedOffline() {
        var state = Self.offlineState()
        let refused = state.refuseWriteWhileOffline()
        #expect(refused)
        #expect(state.status == StatusMessage(AppState.offlineRefusal, kind: .error))
        #expect(AppState.offlineRefusal.hasPrefix("offline: nothing was changed"))
        // Enter on a group is such a write (a PUT).
        _ = state.press(.char("g"), .down)
        #expect(state.press(.enter).isEmpty)
        #expect(state.groupSwitch == nil)
        #expect(state.rendered().lines.last?.contains("offline: nothing was changed") == true)
        // The workspace's keys go through it too: a new cart opens no dialog, a favorite sends nothing.
        var keys = Self.offlineState()
        _ = keys.press(.tab, .tab)
        #expect(keys.press(.char("n")).isEmpty)
        #expect(keys.dialog == nil && keys.status?.text == AppState.offlineRefusal)
        _ = keys.press(.enter)
        _ = reduce(&keys, .listingsPageLoaded(source: .cart(id: "K1"), page: 1, .failure(CacheFixture.unreachable)))
        keys.status = nil
        #expect(keys.press(.char("f")).isEmpty)
        #expect(keys.status?.text == AppState.offlineRefusal && keys.writes.isIdle)
        // Online, the hook lets the write through and says nothing.
        var online = Fixture.loadedState()
        online.cache.enabled = true
        let refusedOnline = online.refuseWriteWhileOffline()
        #expect(!refusedOnline)
        #expect(online.status == nil)
    }

    /// Without a cache (`--no-cache`, `--demo`), the screen is what it was: no offline state, loads as before.
    @Test func withoutACacheNothingChanges() {
        var state = Fixture.loadedState()
        let effects = state.press(.char("r"))
        #expect(effects == [.loadCurrentGroup(request: 2), .loadGroupPages(request: state.groupPaging.request), .loadCarts(forGroup: .group(id: "G-OZZY"), request: 2), .loadAccount])
        _ = reduce(&state, .cartsLoaded(forGroup: nil, request: state.cartsRequest, .failure(CacheFixture.unreachable)))
        #expect(!state.cache.offline)
        let refused = state.refuseWriteWhileOffline()
        #expect(!refused)
    }

    @Test func aCacheOthersCanReadIsSaid() {
        var state = CacheFixture.cachedState(.refused(notice: "The cache file /x can be read by others"))
        _ = reduce(&state, .started)
        #expect(state.status?.text == "The cache file /x can be read by others")
        #expect(state.groups.value == nil && state.cache.enabled)
    }
}

/// A store whose first save waits until the test lets it finish; records what it was asked to save, in order.
final class GatedStore: WorkspaceCacheStore {
    let saved = Recorded<[String]>([])
    let firstMayFinish = Recorded(false)

    func load() -> CacheLoad { .empty }

    func save(_ snapshot: WorkspaceSnapshot, at date: Date) async -> Bool {
        let isFirst = saved.withLock { $0.isEmpty }
        saved.withLock { $0.append("start \(snapshot.carts.count)") }
        if isFirst {
            while !firstMayFinish.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(1)) }
        }
        saved.withLock { $0.append("end \(snapshot.carts.count)") }
        return true
    }
}

/// A value behind a lock, for stores that tests watch.
final class Recorded<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

@Suite struct EffectRunnerSaveTests {
    /// The second save is not begun before the first has ended, so the latest workspace is the one left on disk; and
    /// the program's end waits for saves still being written.
    @Test(.timeLimit(.minutes(1)))
    func savesAreWrittenInOrderAndWaitedFor() async throws {
        let store = GatedStore()
        let mailbox = Mailbox()
        let client = try SparkClient(configuration: SparkClientConfiguration(baseURL: URL(string: "https://sparkapi.com")!,
                                                                             userAgent: "spark-portal-tests"),
                                     tokens: StaticToken("token"), transport: ClosureTransport { _ in throw CancellationError() })
        let runner = EffectRunner(client: client, mailbox: mailbox, cache: store)
        var older = CacheFixture.snapshot
        older.carts = [Fixture.ozzyCarts[0]]
        runner.run(.cache(.save(older)))
        runner.run(.cache(.save(CacheFixture.snapshot)))
        let deadline = ContinuousClock.now + .seconds(20)
        while store.saved.withLock({ $0 }) != ["start 1"], ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
        // The first is held: the second has not begun.
        try await Task.sleep(for: .milliseconds(20))
        #expect(store.saved.withLock { $0 } == ["start 1"])
        store.firstMayFinish.withLock { $0 = true }
        await onOwnThread { runner.waitForSaves(timeout: .seconds(20)) }
        #expect(store.saved.withLock { $0 } == ["start 1", "end 1", "start 3", "end 3"])
        await client.shutdown()
    }
}
