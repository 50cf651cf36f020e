import Foundation
import SparkAPI
import Testing
import TerminalUI
@testable import PortalApp

private typealias W = Workspace15

/// Live refresh in the reducer (LiveReducer.swift): what a poll reads, what it finds changed and how the screen says
/// it, its backoff, and what it never does (announce the user's own changes, show a group being left).
@Suite struct LiveReducerTests {
    static let interval: Duration = .seconds(20)

    /// Betty in Ozzy's group, carts loaded, live refresh on.
    static func liveCartsState() -> AppState {
        var state = W.cartsState()
        state.live.interval = interval
        return state
    }

    /// One whole poll: it comes due, the current group answers `current`, the carts answer `carts`. Returns every effect.
    @discardableResult
    static func poll(_ state: inout AppState, current: PortalGroup = Fixture.ozzy, carts: [ListingCart]) -> [AppEffect] {
        var effects = reduce(&state, .pollDue)
        guard case .loadCurrentGroup(let request)? = effects.last else {
            Issue.record("the poll did not read the current group: \(effects)")
            return effects
        }
        effects += reduce(&state, .currentGroupLoaded(request: request, .success(current)))
        guard let (workspace, cartsRequest) = effects.lazy.compactMap(\.cartsLoad).last else {
            Issue.record("the poll did not read the carts: \(effects)")
            return effects
        }
        effects += reduce(&state, .cartsLoaded(forGroup: workspace, request: cartsRequest, .success(carts)))
        return effects
    }

    static func screen(_ state: AppState) -> [String] { ViewTests.screen(state) }

    // MARK: - What a poll reads

    @Test func startSchedulesTheFirstPollAndAPollReadsTheCurrentGroupThenTheCarts() {
        var state = AppState(size: Size(width: 120, height: 40), endpointHost: "sparkapi.com")
        state.live.interval = Self.interval
        #expect(reduce(&state, .started).contains(.schedulePoll(after: Self.interval)))

        state = Self.liveCartsState()
        let due = reduce(&state, .pollDue)
        #expect(due == [.loadCurrentGroup(request: state.currentGroupRequest)])
        // One poll at a time: another that comes due meanwhile asks for nothing.
        #expect(reduce(&state, .pollDue) == [])
        let afterGroup = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        #expect(afterGroup == [.loadCarts(forGroup: W.ozzy, request: state.cartsRequest)])
        let end = reduce(&state, .cartsLoaded(forGroup: W.ozzy, request: state.cartsRequest, .success(W.carts)))
        #expect(end == [.schedulePoll(after: Self.interval)])
        #expect(state.live.poll == nil)
        #expect(state.status == nil, "nothing changed, nothing said")
    }

    @Test func withTheSearchesTabOpenThePollReadsTheSearchesAgainAndTheirChangeIsShown() {
        var state = Tabs17.searchesState()
        state.live.interval = Self.interval
        _ = reduce(&state, .pollDue)
        let afterGroup = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        let request = state.workspaceTabs.searches.request
        #expect(afterGroup.contains(.loadSearches(forGroup: W.ozzy, request: request)), "\(afterGroup)")
        #expect(request == 2, "the tab's own numbering: its first read, then the poll's")
        // Another member renamed a search meanwhile: the answer replaces the list; the poll ends with the carts'.
        let renamed = Tabs17.search("S2", "Lake towns with a dock", filter: "City Eq 'Sandpoint'", modified: "2026-12-01T10:00:00Z")
        _ = reduce(&state, .searchesLoaded(forGroup: W.ozzy, request: request,
                                           .success([Tabs17.sandpoint, renamed, Tabs17.schools])))
        #expect(state.searchNames.contains("Lake towns with a dock"))
        #expect(reduce(&state, .cartsLoaded(forGroup: W.ozzy, request: state.cartsRequest, .success(W.carts)))
                == [.schedulePoll(after: Self.interval)])
        // On the Carts tab the poll asks for no tab of its own.
        _ = state.press(.char("["))
        _ = reduce(&state, .pollDue)
        let carts = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        #expect(!carts.contains { if case .loadSearches = $0 { true } else { false } }, "\(carts)")
    }

    @Test func withACartOpenThePollReadsItsFirstPageAndThatPagesHolders() {
        var state = W.listingsState()
        state.live.interval = Self.interval
        _ = reduce(&state, .pollDue)
        let reads = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        #expect(reads.contains(.refreshListingsPage(source: .cart(id: "K3"), tick: state.writes.tick)))
        _ = reduce(&state, .cartsLoaded(forGroup: W.ozzy, request: state.cartsRequest, .success(W.carts)))
        #expect(state.live.poll != nil, "the poll waits for the page")
        let l4 = Fixture.listing(4)
        let holders = reduce(&state, .listingsPageRefreshed(source: .cart(id: "K3"), tick: state.writes.tick,
                                                            .success(Fixture.page([W.l1, W.l2, W.l3, l4], page: 1, totalRows: 4))))
        #expect(holders.contains(.loadHolders(listingIds: ["L1", "L2", "L3", "L4"], workspace: W.ozzy, tick: state.writes.tick)))
        #expect(state.listingIDs == ["L1", "L2", "L3", "L4"])
        #expect(state.live.listingMarks["L4"]?.kind == .new)
        #expect(state.status?.text.contains("New in 'Lake houses': ") == true)
        let end = reduce(&state, .holdersLoaded(listingIds: ["L1", "L2", "L3", "L4"], workspace: W.ozzy, tick: state.writes.tick,
                                                .success([W.withIds(W.lakeHouses, ["L1", "L2", "L3", "L4"])])))
        #expect(end.contains(.schedulePoll(after: Self.interval)))
        #expect(state.live.poll == nil)
    }

    // MARK: - What changed, marked and said

    @Test func aChangedCountIsMarkedOnTheRowAndSaidUntilTheMarkExpires() {
        var state = Self.liveCartsState()
        let effects = Self.poll(&state, carts: [W.counted(W.favorites, 3)] + W.carts.dropFirst())
        #expect(state.status?.text == "Favorites: 2 → 3 listings.")
        #expect(state.count(of: "K1") == 3)
        let generation = state.live.generation
        #expect(effects.contains(.expireLiveMarks(generation: generation, after: LiveState.markLifetime)))
        #expect(Self.screen(state).contains { $0.contains("Favorites") && $0.contains("2 → 3") })
        _ = reduce(&state, .liveMarksExpired(generation: generation))
        #expect(state.live.cartMarks.isEmpty)
        #expect(!Self.screen(state).contains { $0.contains("Favorites") && $0.contains("2 → 3") && !$0.contains("listings") })
    }

    @Test func aCountThatChangesAgainKeepsItsFirstValueAndOneThatGoesBackIsUnmarked() {
        var state = Self.liveCartsState()
        Self.poll(&state, carts: [W.counted(W.favorites, 3)] + W.carts.dropFirst())
        Self.poll(&state, carts: [W.counted(W.favorites, 4)] + W.carts.dropFirst())
        #expect(state.live.cartMarks["K1"]?.kind == .count(from: 2, to: 4))
        #expect(state.status?.text == "Favorites: 3 → 4 listings.")
        Self.poll(&state, carts: W.carts)
        #expect(state.live.cartMarks["K1"] == nil)
    }

    @Test func newRenamedAndDeletedCartsAreMarkedAndSaidInWords() {
        var state = Self.liveCartsState()
        let cabins = Fixture.cart("K6", "Weekend cabins", count: 0, type: "Custom")
        var renamed = W.possibilities
        renamed.name = "Maybes"
        Self.poll(&state, carts: [W.favorites, renamed, W.recommended, W.rejects, cabins])
        #expect(state.status?.text == "'Possibilities' was renamed 'Maybes'; New cart 'Weekend cabins' (0 listings); "
                + "'Lake houses' was deleted."
                || state.status?.text == "New cart 'Weekend cabins' (0 listings); 'Possibilities' was renamed 'Maybes'; "
                + "'Lake houses' was deleted.")
        #expect(state.cartNames == ["Favorites", "Maybes", "Recommended", "Rejects", "Weekend cabins"])
        #expect(state.live.cartMarks["K6"]?.kind == .new)
        #expect(state.live.cartMarks["K2"]?.kind == .renamed(from: "Possibilities"))
        let lines = Self.screen(state)
        #expect(lines.contains { $0.contains("Weekend cabins") && $0.contains("new") })
        #expect(lines.contains { $0.contains("Maybes") && $0.contains("was Possibilities") })
    }

    /// At 100 columns the carts pane is narrow: a renamed cart's "was …" does not fit beside the counts. The counts stay
    /// (before, the mark took the room and every row lost its count for the minute the mark lasts).
    @Test func aRenameMarkThatDoesNotFitLeavesTheCountsOnScreen() {
        var state = W.cartsState(size: Size(width: 100, height: 12))
        state.live.interval = Self.interval
        var renamed = W.possibilities
        renamed.name = "Maybes"
        Self.poll(&state, carts: [W.favorites, renamed, W.recommended, W.rejects, W.lakeHouses])
        #expect(state.live.cartMarks["K2"]?.kind == .renamed(from: "Possibilities"))
        ViewTests.expectLines(Self.screen(state), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                           sparkapi.com ",
            "┌ Portal groups ────── 3 ┐┌ Members · Ozzy Owner ────── 3 ┐┏ Carts · Searches · Feeds · Ozzy … ━ 5 ┓",
            "│  Owner          Members││  Name                    Role │┃  Name                         Listings┃",
            "│  My own workspace      ││▸ Ozzy Owner              owner│┃▸ Favorites                           2┃",
            "│  Amélie Durand        3││  Johnny Consumer              │┃  Maybes                              3┃",
            "│  Carl Contact         2││  Betty Buyer                  │┃  Recommended                         1┃",
            "│● Ozzy Owner           3││                               │┃  Rejects                             1┃",
            "│                        ││                               │┃  Lake houses                         3┃",
            "│                        ││                               │┃                                       ┃",
            "│                        ││                               │┃                                       ┃",
            "└────────────────────────┘└───────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk move  [/] tab  Enter open cart  n new  ? help          'Possibilities' was renamed 'Maybes'. ",
        ])
    }

    @Test func anOpenCartDeletedElsewhereIsSaidAndTheScreenGoesBackToTheCarts() {
        var state = W.listingsState()
        state.live.interval = Self.interval
        _ = reduce(&state, .pollDue)
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        _ = reduce(&state, .cartsLoaded(forGroup: W.ozzy, request: state.cartsRequest,
                                        .success([W.favorites, W.possibilities, W.recommended, W.rejects])))
        #expect(state.listings == nil)
        #expect(state.status?.text == "'Lake houses' was deleted: back to the carts.")
        // Its page's answer (404: the cart is gone) is no failure: the poll ends and the next waits the interval.
        let end = reduce(&state, .listingsPageRefreshed(source: .cart(id: "K3"), tick: state.writes.tick,
                                                        .failure(W.error(404, code: 404, "GET", "/v1/listingcarts/K3/listings"))))
        #expect(end == [.schedulePoll(after: Self.interval)])
        #expect(state.live.failures == 0)
        #expect(state.status?.text == "'Lake houses' was deleted: back to the carts.")
    }

    /// Details stay open over a cart deleted elsewhere, but there is no list to step through: ← and → are not hinted.
    @Test func detailsOverADeletedCartHintNoPreviousOrNext() {
        var state = W.listingsState()
        state.live.interval = Self.interval
        _ = state.press(.enter)
        #expect(state.details != nil)
        #expect(Self.screen(state).last?.contains("← prev  → next") == true)
        _ = reduce(&state, .pollDue)
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        _ = reduce(&state, .cartsLoaded(forGroup: W.ozzy, request: state.cartsRequest,
                                        .success([W.favorites, W.possibilities, W.recommended, W.rejects])))
        #expect(state.details != nil && state.listings == nil)
        #expect(state.press(.right).isEmpty && state.press(.left).isEmpty)
        let bar = Self.screen(state).last ?? ""
        #expect(!bar.contains("prev") && !bar.contains("next"), "\(bar)")
        #expect(bar.contains("f favorite"), "\(bar)")
    }

    @Test func theCurrentGroupChangedElsewhereMovesTheMarkAndTheTitleSaysSo() {
        var state = Self.liveCartsState()
        _ = reduce(&state, .pollDue)
        let effects = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.carl)))
        let carl = Workspace(current: Fixture.carl)
        #expect(state.currentWorkspace == carl)
        #expect(effects.contains(.loadCarts(forGroup: carl, request: state.cartsRequest)))
        #expect(state.carts.value == nil, "Ozzy's carts are not shown as Carl's")
        #expect(state.status?.text == "Changed elsewhere: now acting for Carl Contact's group, not Ozzy Owner's group.")
        let lines = Self.screen(state)
        #expect(lines[0].contains("acting for: Carl Contact's group (changed elsewhere)"))
        #expect(lines.contains { $0.contains("● Carl Contact") || $0.contains("●Carl Contact") })
    }

    @Test func aWindowOpenWhenTheGroupChangedElsewhereIsClosedAndTheSentenceSaysSo() {
        var state = Self.liveCartsState()
        _ = state.press(.char("n"))
        #expect(state.dialog != nil)
        _ = reduce(&state, .pollDue)
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.carl)))
        #expect(state.dialog == nil)
        #expect(state.status?.text == "Changed elsewhere: now acting for Carl Contact's group, not Ozzy Owner's group; "
                + "the open window was closed, nothing was changed.")
    }

    @Test func removedFromTheGroupSaysSoAndGoesToTheOwnWorkspace() {
        var state = Self.liveCartsState()
        _ = reduce(&state, .pollDue)
        let effects = reduce(&state, .currentGroupLoaded(
            request: state.currentGroupRequest, .failure(W.error(400, code: 1025, "GET", "/v1/portal/groups/current"))))
        #expect(effects.contains(.switchGroup(to: .own)))
        #expect(state.status?.text == "You are no longer a member of Ozzy Owner's group: going back to your own workspace…")
        let landed = reduce(&state, .groupSwitched(to: .own, .success(Empty())))
        #expect(state.status?.text == "You are no longer a member of Ozzy Owner's group: this is your own workspace now.")
        #expect(landed.contains { $0.cartsLoad?.0 == .own })
    }

    // MARK: - Never the user's own changes, never the old group's carts

    @Test func theUsersOwnChangesAreNotAnnouncedBack() {
        var state = W.listingsState()
        state.live.interval = Self.interval
        // L3 is only in Lake houses: `f` adds it to Favorites.
        _ = state.press(.end)
        #expect(state.press(.char("f")).writes.count == 1)
        // A poll reads the carts while the write is on its way; the write is answered first (2 → 3, said as the
        // user's own), then the poll's older answer (2) comes: the screen keeps 3 and says nothing more.
        _ = reduce(&state, .pollDue)
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        let favoritesNow = W.counted(W.favorites, 3)
        let result = MarkResult(listingId: "L3", requested: .favorite, favorites: favoritesNow, rejects: W.rejects,
                                holders: [W.lakeHouses, favoritesNow], addedTo: favoritesNow)
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .marked(result)))
        let own = state.status
        #expect(own?.text.hasPrefix("Favorited") == true)
        _ = reduce(&state, .cartsLoaded(forGroup: W.ozzy, request: state.cartsRequest, .success(W.carts)))
        #expect(state.count(of: "K1") == 3)
        // The next poll reads the server's 3: nothing to tell.
        _ = reduce(&state, .pollDue)
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        _ = reduce(&state, .cartsLoaded(forGroup: W.ozzy, request: state.cartsRequest, .success([favoritesNow] + W.carts.dropFirst())))
        #expect(state.count(of: "K1") == 3)
        #expect(state.live.cartMarks.isEmpty)
        #expect(state.status == own)
    }

    /// The poll asked for Ozzy's carts; the user switches to Carl's group; the poll's answer comes after the switch
    /// has landed (`landsFirst`) or while it is on its way. Either way Ozzy's carts never show under Carl's group, and
    /// what the poll read is not announced.
    @Test(arguments: [true, false])
    func aPollInFlightDuringAGroupSwitchNeverShowsTheOldGroupsCarts(landsFirst: Bool) {
        var state = Self.liveCartsState()
        _ = reduce(&state, .pollDue)
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        let pollCartsRequest = state.cartsRequest
        let carl = Workspace(current: Fixture.carl)
        #expect(chooseWorkspace(carl, &state).contains(.switchGroup(to: carl)))
        let ozzyNow = W.carts + [Fixture.cart("K6", "Weekend cabins", count: 1, type: "Custom")]
        var afterSwitch: [AppEffect] = []
        if landsFirst { afterSwitch = reduce(&state, .groupSwitched(to: carl, .success(Empty()))) }
        _ = reduce(&state, .cartsLoaded(forGroup: W.ozzy, request: pollCartsRequest, .success(ozzyNow)))
        #expect(!state.cartNames.contains("Weekend cabins"))
        #expect(state.live.marksAreEmpty)
        #expect(state.status?.text.contains("Weekend cabins") != true)
        if landsFirst {
            #expect(state.carts.value == nil, "Ozzy's carts are not shown while Carl's are read")
            #expect(!Self.screen(state).contains { $0.contains("Lake houses") })
        } else {
            afterSwitch = reduce(&state, .groupSwitched(to: carl, .success(Empty())))
        }
        guard let (workspace, request) = afterSwitch.lazy.compactMap(\.cartsLoad).last else {
            Issue.record("the switch did not read the carts: \(afterSwitch)")
            return
        }
        #expect(workspace == carl)
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.carl)))
        _ = reduce(&state, .cartsLoaded(forGroup: carl, request: request, .success(Fixture.ownCarts)))
        #expect(state.cartNames == ["My favourites"])
        #expect(state.live.marksAreEmpty, "the switch's carts are not news")
        #expect(state.live.poll == nil, "the poll ended: the next one can come")
    }

    // MARK: - Backoff, size, off

    @Test func failuresBackOffDoublingUpToTheCapAndASuccessResetsIt() {
        var state = Self.liveCartsState()
        var delays: [Duration] = []
        for _ in 0..<6 {
            _ = reduce(&state, .pollDue)
            let effects = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest,
                                                             .failure(W.error(429, code: 1550, "GET", "/v1/portal/groups/current"))))
            delays += effects.compactMap { if case .schedulePoll(let after) = $0 { after } else { nil } }
        }
        #expect(delays == [.seconds(40), .seconds(80), .seconds(160), .seconds(300), .seconds(300), .seconds(300)])
        #expect(state.status?.kind == .error)
        #expect(state.status?.text.hasPrefix("Live updates paused: ") == true)
        #expect(state.status?.text.hasSuffix("Next try in 5 min.") == true)
        let end = Self.poll(&state, carts: W.carts)
        #expect(end.contains(.schedulePoll(after: Self.interval)))
        #expect(state.status == nil, "the poll's own failure message goes once it succeeds")
    }

    @Test func theWaitIsTheIntervalDoubledPerFailureAndCapped() {
        #expect(LiveState(interval: nil).nextDelay == nil)
        var live = LiveState(interval: .milliseconds(500))
        live.failures = 3
        #expect(live.nextDelay == .seconds(4))
        live.failures = 100
        #expect(live.nextDelay == LiveState.backoffCap)
        live = LiveState(interval: .seconds(600))
        live.failures = 2
        #expect(live.nextDelay == .seconds(600), "a long interval is its own cap")
    }

    @Test func noPollWhileTheTerminalIsTooSmallOneAsSoonAsItIsBigEnough() {
        var state = Self.liveCartsState()
        _ = reduce(&state, .resized(Size(width: 10, height: 3)))
        #expect(reduce(&state, .pollDue) == [])
        #expect(state.live.poll == nil)
        let effects = reduce(&state, .resized(Size(width: 120, height: 40)))
        #expect(effects.contains(.loadCurrentGroup(request: state.currentGroupRequest)))
    }

    @Test func offMeansNoPollEver() {
        var state = W.cartsState()
        #expect(state.live.interval == nil)
        #expect(reduce(&state, .pollDue) == [])
        var fresh = AppState(size: Size(width: 120, height: 40), endpointHost: "sparkapi.com")
        #expect(!reduce(&fresh, .started).contains { if case .schedulePoll = $0 { true } else { false } })
    }
}

extension AppEffect {
    /// The workspace and request of a carts read (plain or through the cache).
    var cartsLoad: (Workspace?, Int)? {
        switch self {
        case .loadCarts(let workspace, let request): (workspace, request)
        case .cache(.loadCarts(let workspace, let request, _)): (workspace, request)
        default: nil
        }
    }
}

extension LiveState {
    var marksAreEmpty: Bool { cartMarks.isEmpty && listingMarks.isEmpty && groupChange == nil }
}
