import Foundation
import SparkAPI
import Testing
import TerminalUI
@testable import PortalApp

@Suite struct StartUpTests {
    @Test func startAsksForEverythingAtOnce() {
        var state = AppState(size: Size(width: 120, height: 40), endpointHost: "sparkapi.com")
        let effects = reduce(&state, .started)
        #expect(effects == [.loadCurrentGroup(request: 1), .loadGroupPages(request: 1), .loadCarts(forGroup: nil, request: 1), .loadAccount])
        #expect(state.groups.isLoading && state.currentGroup.isLoading && state.carts.isLoading && state.account.isLoading)
        #expect(state.isBusy)
    }

    @Test func pickerListsOwnWorkspaceFirstThenGroupsByOwnerName() {
        let state = Fixture.loadedState()
        #expect(state.pickerNames == ["My own workspace", "Amélie Durand", "Carl Contact", "Ozzy Owner"])
        #expect(!state.isBusy)
    }

    @Test func highlightStartsOnTheServersCurrentGroup() {
        let state = Fixture.loadedState()
        #expect(state.highlightedGroup?.id == "G-OZZY")
        #expect(state.memberNames == ["Ozzy Owner", "Johnny Consumer", "Betty Buyer"])
        #expect(state.currentWorkspace == .group(id: "G-OZZY"))
    }

    @Test func noCurrentGroupMeansOwnWorkspace() {
        let state = Fixture.loadedState(current: nil)
        #expect(state.currentWorkspace == .own)
        #expect(state.highlightedPickerRow == .own)
        #expect(state.memberRows.isEmpty)
    }

    @Test func membersFollowTheHighlightWithoutARequest() {
        var state = Fixture.loadedState()
        let effects = state.press(.char("g"), .down)
        #expect(effects.isEmpty)
        #expect(state.highlightedGroup?.id == "G-AMELIE")
        #expect(state.memberNames == ["Amélie Durand", "Betty Buyer", "山田 由紀"])
    }

    @Test func staleCurrentGroupAnswerIsDropped() {
        var state = AppState(size: Size(width: 120, height: 40), endpointHost: "h")
        _ = reduce(&state, .started)
        _ = reduce(&state, .keyPressed(.char("r")))  // request 2 replaces request 1
        _ = reduce(&state, .currentGroupLoaded(request: 1, .success(Fixture.carl)))
        #expect(state.currentGroup.isLoading)
        _ = reduce(&state, .currentGroupLoaded(request: 2, .success(Fixture.ozzy)))
        #expect(state.currentWorkspace == .group(id: "G-OZZY"))
    }

    @Test func failedLoadKeepsWhatWasShownAndSaysSo() {
        var state = Fixture.loadedState()
        _ = state.press(.char("r"))
        _ = reduce(&state, .cartsLoaded(forGroup: nil, request: state.cartsRequest, .failure(.transport(.timedOut, host: "sparkapi.com", context: RequestContext(method: "GET", path: "/v1/listingcarts")))))
        #expect(state.carts.value == Fixture.ozzyCarts)
        #expect(state.carts.error != nil)
        #expect(state.status?.kind == .error)
    }
}

@Suite struct GroupSwitchTests {
    @Test func enterOnAGroupSwitchesAtOnce() {
        var state = Fixture.loadedState()
        _ = state.press(.char("g"), .down, .down)  // Carl Contact
        let effects = state.press(.enter)
        #expect(effects == [.switchGroup(to: .group(id: "G-CARL"))])
        #expect(state.groupSwitch == GroupSwitch(inFlight: .group(id: "G-CARL")))
        #expect(state.status == StatusMessage("Switching to Carl Contact's group…", kind: .progress))
        // The server has not answered: the mark stays where the server says.
        #expect(state.currentWorkspace == .group(id: "G-OZZY"))
    }

    @Test func successReReadsCurrentGroupAndCartsAndDropsOldCarts() {
        var state = Fixture.loadedState()
        _ = state.press(.char("g"), .down, .down, .enter)
        let effects = reduce(&state, .groupSwitched(to: .group(id: "G-CARL"), .success(Empty())))
        #expect(effects == [.loadCurrentGroup(request: 2), .loadCarts(forGroup: .group(id: "G-CARL"), request: 2)])
        #expect(state.groupSwitch == nil)
        #expect(state.carts == .loading(previous: nil))
        #expect(state.cartRows.isEmpty)
        _ = reduce(&state, .currentGroupLoaded(request: 2, .success(Fixture.carl)))
        #expect(state.currentWorkspace == .group(id: "G-CARL"))
    }

    @Test func enterOnOwnWorkspaceLeavesTheGroup() {
        var state = Fixture.loadedState()
        let effects = state.press(.char("g"), .enter)
        #expect(effects == [.switchGroup(to: .own)])
    }

    @Test func choosingTheCurrentGroupSendsNothing() {
        var state = Fixture.loadedState()
        #expect(state.press(.enter).isEmpty)
        #expect(state.status?.text == "Already acting for Ozzy Owner's group.")
    }

    @Test func rapidSwitchingEndsOnTheLastChoiceOnly() {
        var state = Fixture.loadedState()
        _ = state.press(.char("g"), .down)              // Amélie
        #expect(state.press(.enter) == [.switchGroup(to: .group(id: "G-AMELIE"))])
        _ = state.press(.down)                          // Carl
        #expect(state.press(.enter).isEmpty)            // queued behind the PUT in flight
        _ = state.press(.char("g"))                     // own
        #expect(state.press(.enter).isEmpty)            // replaces Carl in the queue
        #expect(state.groupSwitch == GroupSwitch(inFlight: .group(id: "G-AMELIE"), queued: .own))

        // Amélie's PUT answers: the queued choice goes out, and nothing is re-read yet.
        let next = reduce(&state, .groupSwitched(to: .group(id: "G-AMELIE"), .success(Empty())))
        #expect(next == [.switchGroup(to: .own)])
        let cartsRequestBefore = state.cartsRequest

        let refresh = reduce(&state, .groupSwitched(to: .own, .success(Empty())))
        #expect(refresh == [.loadCurrentGroup(request: state.currentGroupRequest),
                            .loadCarts(forGroup: .own, request: state.cartsRequest)])
        #expect(state.cartsRequest == cartsRequestBefore + 1)

        // A late answer to an earlier carts request is dropped.
        _ = reduce(&state, .cartsLoaded(forGroup: .group(id: "G-AMELIE"), request: cartsRequestBefore, .success(Fixture.ozzyCarts)))
        #expect(state.carts == .loading(previous: nil))
        _ = reduce(&state, .cartsLoaded(forGroup: .own, request: state.cartsRequest, .success(Fixture.ownCarts)))
        #expect(state.carts.value == Fixture.ownCarts)
    }

    /// The switch to Carl was answered, but the re-read says Ozzy is still current (another session switched
    /// back meanwhile): the carts asked for Carl's group must not be shown under Ozzy's.
    static let carlCarts = [Fixture.cart("C1", "Carl's favourites", count: 5, type: "Favorites")]

    @Test func cartsAskedForAGroupThatIsNotCurrentAreDroppedAndAskedAgain() {
        var state = Fixture.loadedState()
        _ = state.press(.char("g"), .down, .down, .enter)
        _ = reduce(&state, .groupSwitched(to: .group(id: "G-CARL"), .success(Empty())))
        #expect(reduce(&state, .currentGroupLoaded(request: 2, .success(Fixture.ozzy))).isEmpty)
        let effects = reduce(&state, .cartsLoaded(forGroup: .group(id: "G-CARL"), request: 2, .success(Self.carlCarts)))
        #expect(state.carts == .loading(previous: nil))
        #expect(effects == [.loadCarts(forGroup: .group(id: "G-OZZY"), request: 3)])
        _ = reduce(&state, .cartsLoaded(forGroup: .group(id: "G-OZZY"), request: 3, .success(Fixture.ozzyCarts)))
        #expect(state.carts.value == Fixture.ozzyCarts)
    }

    @Test func cartsShownForAGroupThatTurnsOutNotCurrentAreAskedAgain() {
        var state = Fixture.loadedState()
        _ = state.press(.char("g"), .down, .down, .enter)
        _ = reduce(&state, .groupSwitched(to: .group(id: "G-CARL"), .success(Empty())))
        // The carts answer first, while the current group is still being read: shown.
        #expect(reduce(&state, .cartsLoaded(forGroup: .group(id: "G-CARL"), request: 2, .success(Self.carlCarts))).isEmpty)
        #expect(state.carts.value == Self.carlCarts)
        let effects = reduce(&state, .currentGroupLoaded(request: 2, .success(Fixture.ozzy)))
        #expect(effects == [.loadCarts(forGroup: .group(id: "G-OZZY"), request: 3)])
        #expect(state.carts == .loading(previous: nil), "Carl's carts are gone from under Ozzy's name")
    }

    @Test func choosingTheGroupInFlightAgainCancelsTheQueuedChoice() {
        var state = Fixture.loadedState()
        _ = state.press(.char("g"), .down, .enter, .down, .enter, .up, .enter)
        #expect(state.groupSwitch == GroupSwitch(inFlight: .group(id: "G-AMELIE"), queued: nil))
    }

    @Test func failureKeepsTheServersStateAndReReadsIt() {
        var state = Fixture.loadedState()
        _ = state.press(.char("g"), .down, .down, .enter)
        let invalid = SparkError.api(status: 400, code: SparkError.codeGroupNotValid, message: "Group not valid",
                                     context: RequestContext(method: "PUT", path: "/v1/portal/groups/current"))
        let effects = reduce(&state, .groupSwitched(to: .group(id: "G-CARL"), .failure(invalid)))
        #expect(effects == [.loadCurrentGroup(request: 2), .loadCarts(forGroup: .group(id: "G-OZZY"), request: 2)])
        #expect(state.carts.value == Fixture.ozzyCarts, "the carts stay: the server did not change")
        #expect(state.status?.kind == .error)
        #expect(state.status?.text.hasPrefix("Couldn't switch to Carl Contact's group:") == true)
        #expect(state.status?.text.contains("Pick another group") == true)
        #expect(state.currentWorkspace == .group(id: "G-OZZY"))
    }
}

@Suite struct CartListingsTests {
    @Test func enterOnACartOpensItsListingsAndAsksForPageOne() {
        var state = Fixture.loadedState()
        _ = state.press(.tab, .tab)
        #expect(state.focus == .carts)
        let effects = state.press(.enter)
        #expect(effects == [.loadListingsPage(source: .cart(id: "K1"), page: 1)])
        #expect(state.focusedList == .listings)
        #expect(state.listings?.loadingPage == 1)
    }

    @Test func listingsPageInAsTheUserScrolls() {
        var state = Fixture.loadedState(size: Size(width: 120, height: 20))
        _ = state.press(.tab, .tab, .down, .down, .enter)   // "Lake houses", 40 listings
        #expect(state.listings?.source.cartID == "K3")
        let first = (1...25).map(Fixture.listing)
        let effects = reduce(&state, .listingsPageLoaded(source: .cart(id: "K3"), page: 1, .success(Fixture.page(first, page: 1, totalRows: 40))))
        #expect(state.rowCount(.listings) == 25)
        #expect(state.listings?.nextPage == 2)
        // The page's marks: one request for the page's 25 listings; page 2 waits until the highlight comes near the end.
        #expect(effects == [.loadHolders(listingIds: first.map(\.id), workspace: .group(id: "G-OZZY"), tick: 0)])
        let more = state.press(.end)
        #expect(more == [.loadListingsPage(source: .cart(id: "K3"), page: 2)])
        let second = reduce(&state, .listingsPageLoaded(source: .cart(id: "K3"), page: 2,
                                                        .success(Fixture.page((26...40).map(Fixture.listing), page: 2, totalRows: 40))))
        #expect(second == [.loadHolders(listingIds: (26...40).map { "L\($0)" }, workspace: .group(id: "G-OZZY"), tick: 0)])
        #expect(state.rowCount(.listings) == 40)
        #expect(state.listings?.nextPage == nil)
        #expect(state.press(.end).isEmpty)
    }

    @Test func answersForAnotherCartAreDropped() {
        var state = Fixture.loadedState()
        _ = state.press(.tab, .tab, .enter)
        _ = reduce(&state, .listingsPageLoaded(source: .cart(id: "K2"), page: 1, .success(Fixture.page([Fixture.listing(1)], page: 1, totalRows: 1))))
        #expect(state.rowCount(.listings) == 0)
        #expect(state.listings?.loadingPage == 1)
    }

    @Test func escapeGoesBackToTheCarts() {
        var state = Fixture.loadedState()
        _ = state.press(.tab, .tab, .enter, .escape)
        #expect(state.listings == nil)
        #expect(state.focusedList == .carts)
    }
}

@Suite struct KeyAndFilterTests {
    @Test func tabCyclesThePanesBothWays() {
        var state = Fixture.loadedState()
        _ = state.press(.tab)
        #expect(state.focus == .members)
        _ = state.press(.tab, .tab)
        #expect(state.focus == .groups)
        _ = state.press(.backTab)
        #expect(state.focus == .carts)
    }

    /// Spaces around the filter (a pasted line's break, a space before the next word) are not part of it: the title
    /// says `/carl 1`, not `/carl  1`; a space between words still counts.
    @Test func spacesAroundTheFilterAreNotPartOfIt() {
        var state = Fixture.loadedState()
        _ = state.press(.char("/"))
        _ = state.type(" carl ")
        #expect(state.filter(.groups) == "carl")
        #expect(state.pickerNames == ["Carl Contact"])
        let title = ViewTests.screen(state)[1]
        #expect(title.contains(" /carl 1 ") && !title.contains("carl  "), "\(title)")
        _ = state.type("c")
        #expect(state.filter(.groups) == "carl c" && state.pickerNames == ["Carl Contact"])
    }

    @Test func filterNarrowsTheFocusedListAndEscapeClearsIt() {
        var state = Fixture.loadedState()
        _ = state.press(.char("/"))
        #expect(state.editingFilter == .groups)
        _ = state.type("oz")
        #expect(state.pickerNames == ["Ozzy Owner"])
        _ = state.press(.backspace, .backspace)
        #expect(state.pickerNames.count == 4)
        _ = state.type("CAR")
        #expect(state.pickerNames == ["Carl Contact"])
        _ = state.press(.enter)
        #expect(state.editingFilter == nil)
        #expect(state.filter(.groups) == "CAR")
        _ = state.press(.escape)
        #expect(state.pickerNames.count == 4)
    }

    @Test func aPasteGoesIntoTheFilterAndIsNeverACommand() {
        var state = Fixture.loadedState()
        #expect(state.press(.paste("q")).isEmpty, "a paste while browsing does nothing, its q included")
        _ = state.press(.char("/"), .paste("ca\u{1B}[2J\n"))
        #expect(state.filter(.groups) == "ca[2J", "controls left out, the final line break dropped")
        _ = state.press(.backspace, .backspace, .backspace)
        #expect(state.pickerNames == ["Carl Contact"])
    }

    @Test func typingInAFilterDoesNotRunCommands() {
        var state = Fixture.loadedState()
        let effects = state.press(.char("/"), .char("q"), .char("r"))
        #expect(effects.isEmpty)
        #expect(state.filter(.groups) == "qr")
    }

    @Test func quitAndSuspendAreEffects() {
        var state = Fixture.loadedState()
        #expect(state.press(.char("q")) == [.quit])
        #expect(state.press(.ctrl("z")) == [.suspend])
        #expect(state.press(.ctrl("c")) == [.quit])
    }

    @Test func helpAndRequestLogOpenAndClose() {
        var state = Fixture.loadedState()
        _ = state.press(.char("?"))
        #expect(state.overlay == .help)
        #expect(state.press(.char("q")).isEmpty, "q closes the overlay first")
        #expect(state.overlay == nil)
        _ = state.press(.char("L"))
        #expect(state.overlay == .requestLog)
        _ = state.press(.escape)
        #expect(state.overlay == nil)
    }

    @Test func refreshReloadsEverything() {
        var state = Fixture.loadedState()
        let effects = state.press(.char("r"))
        #expect(effects == [.loadCurrentGroup(request: 2), .loadGroupPages(request: 2),
                            .loadCarts(forGroup: .group(id: "G-OZZY"), request: 2), .loadAccount])
    }

    @Test func reboundKeysDriveCommands() {
        var state = Fixture.loadedState()
        state.keyMap.rebind(.quit, to: [.char("Q")], label: "Q")
        #expect(state.press(.char("q")).isEmpty)
        #expect(state.press(.char("Q")) == [.quit])
    }

    @Test func resizingKeepsTheHighlightVisible() throws {
        var state = Fixture.loadedState(size: Size(width: 120, height: 40))
        _ = state.press(.end)
        _ = reduce(&state, .resized(Size(width: 30, height: 6)))
        let cursor = state.cursor(.groups)
        let height = AppLayout(size: state.size, focus: state.focus).listHeight(for: .groups)
        let selected = try #require(cursor.selected)
        #expect(selected == 3)
        #expect(cursor.offset <= selected && selected < cursor.offset + height)
    }

    @Test func clickingARowFocusesThePaneAndSelectsIt() {
        var state = Fixture.loadedState()
        let layout = AppLayout(size: state.size, focus: state.focus)
        let members = layout.panes[.members]!
        let firstRow = layout.firstRowY(of: .members)!
        #expect(firstRow == members.y + 2, "under the border and the column headers")
        _ = state.press(.mouse(MouseEvent(kind: .press, x: members.x + 2, y: firstRow + 1)))
        #expect(state.focus == .members)
        #expect(state.cursor(.members).selected == 1)
        state.mouseEnabled = false
        _ = state.press(.mouse(MouseEvent(kind: .press, x: 1, y: 2)))
        #expect(state.focus == .members)
    }

    @Test func requestLogKeepsTheNewestRequests() {
        var state = Fixture.loadedState()
        for index in 0..<(AppState.requestLogLimit + 5) {
            _ = reduce(&state, .requestFinished(RequestEvent(method: "GET", path: "/v1/x/\(index)", status: 200, sparkCode: nil,
                                                              duration: .milliseconds(5), attempt: 1, errorSummary: nil)))
        }
        #expect(state.requestLog.count == AppState.requestLogLimit)
        #expect(state.requestLog.last?.path == "/v1/x/\(AppState.requestLogLimit + 4)")
    }
}

@Suite struct RetryNoticeTests {
    @Test func aRetryWaitIsSaidWithTheAttemptThatWillRun() {
        var state = Fixture.loadedState()
        _ = reduce(&state, .retryScheduled(RetryNotice(method: "GET", path: "/v1/listingcarts?_limit=25", attempt: 2,
                                                       delay: .milliseconds(1500), reason: "rate limited")))
        #expect(state.status == StatusMessage("rate limited — retrying GET /v1/listingcarts in 1.5s (attempt 2)", kind: .progress))
        _ = reduce(&state, .requestFinished(RequestEvent(method: "GET", path: "/v1/listingcarts?_limit=25", status: 200, sparkCode: nil,
                                                         duration: .milliseconds(3), attempt: 2, errorSummary: nil)))
        #expect(state.status == nil && state.retry == nil)
    }
}
