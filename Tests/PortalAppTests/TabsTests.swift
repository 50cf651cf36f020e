import Foundation
import SparkAPI
import Testing
import TerminalUI
@testable import PortalApp

private typealias T = Tabs17
private typealias W = Workspace15

/// The workspace pane's tabs (#17) in the reducer: switching, reading each tab once and keeping it, answers for another
/// workspace dropped, a search's listings, changes to searches and feeds through the write ledger, the 1500 state, and
/// the re-read live refresh calls.
@Suite struct TabsTests {
    // MARK: Switching

    @Test func bracketsSwitchTabsAtOnceAndEachTabIsReadOnce() {
        var state = W.cartsState()
        #expect(state.workspaceTabs.open == .carts && state.keyContext == .carts)
        var effects = state.press(.char("]"))
        #expect(state.workspaceTabs.open == .searches && state.keyContext == .searches)
        #expect(effects == [.loadSearches(forGroup: T.ozzy, request: 1)])
        #expect(state.workspaceTabs.searches.value.isLoading && state.isBusy)

        effects = state.press(.char("]"))
        #expect(state.workspaceTabs.open == .feeds)
        #expect(effects == [.loadFeeds(forGroup: T.ozzy, request: 1)], "the searches are on their way already")
        _ = reduce(&state, .feedsLoaded(forGroup: T.ozzy, request: 1, .success(.available(T.feeds))))
        _ = reduce(&state, .searchesLoaded(forGroup: T.ozzy, request: 1, .success(T.searches)))

        // Back and forth: no request, the records as they were.
        effects = state.press(.char("["), .char("["), .char("]"), .char("]"), .char("]"))
        #expect(effects.isEmpty)
        #expect(state.workspaceTabs.open == .carts, "] after Feeds wraps to Carts")
        #expect(state.cartNames == W.carts.map(\.name))
        _ = state.press(.char("["))
        #expect(state.feedNames == ["Sandpoint: new and reduced", "Lake towns"])
        _ = state.press(.char("["))
        #expect(state.searchNames == ["Sandpoint under $600k", "Lake towns, 2+ baths", "Casas cerca de la escuela"])
    }

    @Test func theFeedsTabAlsoReadsTheSearchesItsEnterNeeds() {
        var state = W.cartsState()
        let effects = state.press(.char("["))
        #expect(state.workspaceTabs.open == .feeds, "[ from Carts wraps to Feeds")
        #expect(effects == [.loadFeeds(forGroup: T.ozzy, request: 1), .loadSearches(forGroup: T.ozzy, request: 1)])
    }

    @Test func eachTabKeepsItsOwnCursorAndFilter() {
        var state = T.feedsState()
        _ = state.press(.char("j"))
        #expect(state.highlightedFeed?.id == "F2")
        _ = state.press(.char("["), .char("/"))
        _ = state.type("baths")
        _ = state.press(.enter)
        #expect(state.searchNames == ["Lake towns, 2+ baths"])
        _ = state.press(.char("["))
        #expect(state.cartNames.count == 5 && state.filter(.carts).isEmpty, "the carts' filter is theirs")
        _ = state.press(.char("]"), .char("]"))
        #expect(state.highlightedFeed?.id == "F2", "the feeds' highlight stayed where it was")
        #expect(state.feedNames.count == 2)
        _ = state.press(.char("["))
        #expect(state.searchNames == ["Lake towns, 2+ baths"], "the searches' filter stayed")
        // The filter reads the searches' filters and descriptions too.
        _ = state.press(.escape, .char("/"))
        _ = state.type("Post Falls")
        #expect(state.searchNames == ["Casas cerca de la escuela"])
        _ = state.press(.escape, .char("/"))
        _ = state.type("the schools")
        #expect(state.searchNames == ["Sandpoint under $600k"])
    }

    @Test func bracketsWorkOnlyInTheWorkspacePane() {
        let keys = KeyMap.standard
        for context in [KeyContext.carts, .searches, .feeds] {
            #expect(keys.command(for: .char("]"), in: context) == .nextTab)
            #expect(keys.command(for: .char("["), in: context) == .previousTab)
        }
        for context in [KeyContext.groups, .members, .listings, .details] {
            #expect(keys.command(for: .char("]"), in: context) == nil, "\(context)")
        }
        #expect(keys.command(for: .char("p"), in: .feeds) == .pauseFeed)
        #expect(keys.command(for: .char("p"), in: .searches) == nil)
        #expect(keys.command(for: .char("d"), in: .searches) == .delete)
        #expect(keys.command(for: .char("R"), in: .searches) == .rename)
        #expect(keys.command(for: .char("n"), in: .searches) == nil, "searches are not created here")
        #expect(keys.conflicts().isEmpty)
        var state = T.searchesState()
        _ = state.press(.enter)
        #expect(state.keyContext == .listings)
        #expect(state.press(.char("]")).isEmpty && state.workspaceTabs.open == .searches, "] does nothing over the listings")
    }

    // MARK: Reading, and the workspace changing

    @Test func anAnswerAskedForInAWorkspaceThatIsNoLongerCurrentIsDroppedAndAskedAgain() {
        var state = W.cartsState()
        _ = state.press(.char("]"))
        let asked = state.workspaceTabs.searches.request
        // The server now says Betty acts for her own workspace (the switch was made elsewhere). The searches on their
        // way are checked when they arrive, as the carts are.
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(nil)))
        #expect(state.workspaceTabs.searches.value.isLoading)
        // They arrive, asked for Ozzy's group: dropped, and asked for again for this workspace.
        let effects = reduce(&state, .searchesLoaded(forGroup: T.ozzy, request: asked, .success(T.searches)))
        let again = state.workspaceTabs.searches.request
        #expect(again > asked && effects == [.loadSearches(forGroup: .own, request: again)])
        #expect(state.savedSearches.isEmpty && state.workspaceTabs.searches.value.isLoading)
        // The first request's answer, if it came again, is not the latest: dropped too.
        #expect(reduce(&state, .searchesLoaded(forGroup: T.ozzy, request: asked, .success(T.searches))).isEmpty)
        #expect(state.savedSearches.isEmpty)
        _ = reduce(&state, .searchesLoaded(forGroup: .own, request: again, .success([T.lakeTowns])))
        #expect(state.searchNames == ["Lake towns, 2+ baths"] && state.workspaceTabs.searches.workspace == .own)
    }

    @Test func aGroupSwitchForgetsTheTabsAndReadsTheOpenOneWhenSettled() {
        var state = T.feedsState()
        _ = state.press(.tab, .char("g"), .enter)   // to the groups pane; "My own workspace"
        #expect(state.groupSwitch == GroupSwitch(inFlight: .own))
        _ = state.press(.tab, .tab)
        #expect(state.press(.char("r")).contains(where: { if case .loadFeeds = $0 { true } else { false } }) == false,
                "no tab is read while the switch is on its way")
        var effects = reduce(&state, .groupSwitched(to: .own, .success(Empty())))
        #expect(!effects.contains { if case .loadFeeds = $0 { true } else { false } })
        #expect(state.feedNames.count == 2, "until the current group is read again, the screen still says Ozzy's group")
        effects = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(nil)))
        #expect(effects.contains(.loadFeeds(forGroup: .own, request: state.workspaceTabs.feeds.request)), "\(effects)")
        #expect(state.newsFeeds.isEmpty && state.savedSearches.isEmpty, "Ozzy's records never show under my own workspace")
        #expect(state.workspaceTabs.searches.value == .idle, "the tab not shown is read when it is")
        effects = state.press(.char("["))
        #expect(effects == [.loadSearches(forGroup: .own, request: state.workspaceTabs.searches.request)])
    }

    @Test func refreshReadsEveryTabThatWasReadAndLiveRefreshTheOpenOne() {
        var state = T.searchesState()
        var effects = state.press(.char("r"))
        #expect(effects.contains(.loadSearches(forGroup: T.ozzy, request: 2)))
        #expect(!effects.contains { if case .loadFeeds = $0 { true } else { false } }, "feeds were never shown")
        #expect(state.searchNames.count == 3, "kept on screen while read again")
        _ = reduce(&state, .searchesLoaded(forGroup: T.ozzy, request: 2, .success(T.searches)))

        // Live refresh: one request for the open tab, none while one is on its way, none for the carts.
        effects = rereadOpenTab(&state)
        #expect(effects == [.loadSearches(forGroup: T.ozzy, request: 3)])
        #expect(rereadOpenTab(&state).isEmpty, "a read is on its way already")
        _ = state.press(.char("["))
        #expect(rereadOpenTab(&state).isEmpty, "the carts are read with the rest")
        _ = state.press(.char("]"), .enter)
        #expect(rereadOpenTab(&state).isEmpty, "a search's listings cover the tab")
    }

    // MARK: The 1500 state

    @Test func feedsAKeyMayNotReadAreAStateNotAnErrorAndNotAskedAgainByThemselves() {
        var state = T.searchesState()
        _ = state.press(.char("]"))
        _ = reduce(&state, .feedsLoaded(forGroup: T.ozzy, request: 1, .success(.unavailable(T.noPrivilege))))
        #expect(state.workspaceTabs.feeds.value.error == nil && state.status?.kind != .error)
        #expect(state.feedNames.isEmpty && state.highlightedFeed == nil)
        #expect(state.press(.char("p")).isEmpty)
        #expect(state.status?.text.hasPrefix("News feeds need a privileged API key") == true, "p says why nothing happens")
        #expect(rereadOpenTab(&state).isEmpty, "live refresh does not ask again")
        // Switching groups keeps it: the key is the same everywhere.
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(nil)))
        #expect(state.workspaceTabs.feeds.value.value?.unavailableMessage != nil)
        // r asks again: the user asked.
        #expect(state.press(.char("r")).contains { if case .loadFeeds = $0 { true } else { false } })
    }

    // MARK: A search's listings

    @Test func enterOpensASearchsListingsInTheListingsView() {
        var state = T.searchesState()
        var effects = state.press(.enter)
        #expect(state.listings?.source == .search(id: "S1", provided: false) && state.listings?.name == "Sandpoint under $600k")
        #expect(effects == [.loadListingsPage(source: .search(id: "S1", provided: false), page: 1)])
        _ = reduce(&state, .listingsPageLoaded(source: .search(id: "S1", provided: false), page: 1,
                                               .success(Fixture.page([W.l1, W.l2], page: 1, totalRows: 2))))
        #expect(state.listingIDs == ["L1", "L2"])

        // f favorites it, as in a cart's listings.
        effects = state.press(.char("f"))
        guard case .mark(let listing, .favorite, _, _)? = effects.writes.first else {
            Issue.record("no favorite: \(effects)")
            return
        }
        #expect(listing.id == "L1")
        // d does not apply, and says why.
        #expect(state.press(.char("d")).isEmpty)
        #expect(state.status?.text.contains("d takes a listing out of a cart") == true, "\(state.status?.text ?? "")")
        // Esc goes back to the Searches tab.
        _ = state.press(.escape)
        #expect(state.listings == nil && state.keyContext == .searches)

        // A search the agent provided is asked for permissively.
        _ = state.press(.char("G"))
        effects = state.press(.enter)
        #expect(effects == [.loadListingsPage(source: .search(id: "S3", provided: true), page: 1)])
    }

    @Test func enterOnAFeedOpensTheListingsOfTheSearchItFollows() {
        var state = T.feedsState()
        _ = state.press(.char("j"))
        let effects = state.press(.enter)
        #expect(effects == [.loadListingsPage(source: .search(id: "S2", provided: false), page: 1)])
        #expect(state.listings?.name == "Lake towns, 2+ baths")
    }

    @Test func aSearchNoLongerAvailableGoesBackAndSaysSo() {
        var state = T.searchesState()
        _ = state.press(.enter)
        let gone = SparkError.api(status: 400, code: 2001, message: nil, context: RequestContext(method: "GET", path: "/v1/listings"))
        let effects = reduce(&state, .listingsPageLoaded(source: .search(id: "S1", provided: false), page: 1, .failure(gone)))
        #expect(state.listings == nil && state.keyContext == .searches)
        #expect(state.status?.text.hasPrefix("The saved search 'Sandpoint under $600k' is no longer available to you") == true)
        #expect(effects.contains(.loadSearches(forGroup: T.ozzy, request: 2)))
    }

    // MARK: Renaming and deleting a search

    @Test func rRenamesASearchPendingThenAsTheServerAnswersAndUndoRenamesItBack() {
        var state = T.searchesState()
        _ = state.press(.char("R"), .ctrl("u"))
        _ = state.type("Sandpoint, cheap")
        var effects = state.press(.enter)
        #expect(effects.writes == [.searchOrFeed(.renameSearch(T.sandpoint, to: "Sandpoint, cheap"))])
        #expect(state.savedSearches[0].name == "Sandpoint under $600k", "nothing shows as done before the answer")
        #expect(state.status?.text == "Renaming the saved search 'Sandpoint under $600k' to 'Sandpoint, cheap'…")
        var renamed = T.sandpoint
        renamed.name = "Sandpoint, cheap"
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .searchOrFeed(.searchRenamed(renamed))))
        #expect(state.searchNames.first == "Sandpoint, cheap")
        #expect(state.status?.text == "Renamed the saved search 'Sandpoint under $600k' to 'Sandpoint, cheap'; u renames it back.")
        #expect(state.feedsFollowing("S1") == nil, "feeds not read yet")

        effects = state.press(.char("u"))
        #expect(effects.writes == [.searchOrFeed(.renameSearch(renamed, to: "Sandpoint under $600k"))])
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .searchOrFeed(.searchRenamed(nil))))
        #expect(state.searchNames.first == "Sandpoint under $600k")
        #expect(state.status?.text.hasPrefix("Undid renaming the saved search 'Sandpoint under $600k' to 'Sandpoint, cheap'") == true)
    }

    /// Another member deleted the search meanwhile: undoing its rename meets 404 and is dropped, not tried forever.
    @Test func undoingTheRenameOfASearchDeletedElsewhereIsDropped() {
        var state = T.searchesState()
        _ = state.press(.char("R"), .ctrl("u"))
        _ = state.type("Sandpoint, cheap")
        _ = state.press(.enter)
        var renamed = T.sandpoint
        renamed.name = "Sandpoint, cheap"
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .searchOrFeed(.searchRenamed(renamed))))
        #expect(state.press(.char("u")).writes == [.searchOrFeed(.renameSearch(renamed, to: "Sandpoint under $600k"))])
        let gone = SparkError.api(status: 404, code: 404, message: nil, context: RequestContext(method: "PUT", path: "/v1/savedsearches/S1"))
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .failed(.spark(gone))))
        #expect(state.writes.undoStack.isEmpty)
        #expect(state.status?.text.hasSuffix(" It cannot be undone any more.") == true, "\(state.status?.text ?? "")")
    }

    @Test func aNameTakenOrBlankStaysInTheDialogAndTheServersRefusalBringsItBack() {
        var state = T.searchesState()
        _ = state.press(.char("R"), .ctrl("u"))
        _ = state.type(" LAKE TOWNS, 2+ baths ")
        #expect(state.press(.enter).isEmpty)
        guard case .search(.rename(let dialog))? = state.dialog else { Issue.record("no dialog"); return }
        #expect(dialog.error == "'Lake towns, 2+ baths' is already a saved search here. Choose another name.")
        _ = state.press(.ctrl("u"), .enter)
        guard case .search(.rename(let blank))? = state.dialog else { Issue.record("no dialog"); return }
        #expect(blank.error == "A saved search needs a name.")

        _ = state.type("Taken elsewhere")
        _ = state.press(.enter)
        let taken = SparkError.api(status: 409, code: 1055, message: nil, context: RequestContext(method: "PUT", path: "/v1/savedsearches/S1"))
        let effects = reduce(&state, .writeFinished(id: state.onlyWriteID!, .failed(.spark(taken))))
        guard case .search(.rename(let back))? = state.dialog else { Issue.record("the dialog did not come back"); return }
        #expect(back.editor.text == "Taken elsewhere" && back.error?.contains("already exists") == true)
        #expect(effects == [.loadSearches(forGroup: T.ozzy, request: 2)], "the searches are read again")
        #expect(state.writes.undoStack.isEmpty)
    }

    @Test func aSearchTheAgentProvidedIsNeitherRenamedNorDeleted() {
        var state = T.searchesState()
        _ = state.press(.char("G"))
        #expect(state.press(.char("R")).isEmpty && state.dialog == nil)
        #expect(state.status?.text == "'Casas cerca de la escuela' was provided by your agent (◆): it cannot be renamed here.")
        #expect(state.press(.char("d")).isEmpty && state.dialog == nil)
        #expect(state.status?.text.hasSuffix("it cannot be deleted here.") == true)
    }

    @Test func dAsksNamingTheFeedsThatGoWithTheSearchThenDeletesItForGood() {
        var state = T.feedsState()
        _ = state.press(.char("["), .char("j"), .char("d"))
        guard case .search(.delete(_, let prompt))? = state.dialog else { Issue.record("no question"); return }
        #expect(prompt.question == "Delete the saved search 'Lake towns, 2+ baths' and the news feed 'Lake towns' that follows it "
                + "from Ozzy Owner's group? This cannot be undone: spark-portal cannot create saved searches.")
        let effects = state.press(.char("y"))
        #expect(effects.writes == [.searchOrFeed(.deleteSearch(T.lakeTowns, feeds: [T.lakeTownsFeed]))])
        #expect(state.searchNames.count == 3, "still there until the server answers")
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .searchOrFeed(.searchDeleted)))
        #expect(state.searchNames == ["Sandpoint under $600k", "Casas cerca de la escuela"])
        #expect(state.feedNames == ["Sandpoint: new and reduced"], "its feed went with it")
        #expect(state.status?.text == "Deleted the saved search 'Lake towns, 2+ baths' and the news feed 'Lake towns' that followed it. "
                + "It cannot be undone.")
        #expect(state.writes.undoStack.isEmpty)
        // u then does not pretend that nothing was changed.
        _ = state.press(.char("u"))
        #expect(state.status?.text == "Nothing to undo: no change of this session is left that can be undone.")
    }

    @Test func dBeforeTheFeedsAreKnownReadsThemAndTheQuestionNamesThemWhenTheyCome() {
        var state = T.searchesState()
        let effects = state.press(.char("d"))
        #expect(effects == [.loadFeeds(forGroup: T.ozzy, request: 1)])
        guard case .search(.delete(_, let checking))? = state.dialog else { Issue.record("no question"); return }
        #expect(checking.question.contains("and any news feed that follows it (checking…)"))
        _ = reduce(&state, .feedsLoaded(forGroup: T.ozzy, request: 1, .success(.available(T.feeds))))
        guard case .search(.delete(_, let known))? = state.dialog else { Issue.record("the question went"); return }
        #expect(known.question.contains("and the news feed 'Sandpoint: new and reduced' that follows it"))
        _ = state.press(.char("n"))
        #expect(state.dialog == nil && state.status?.text == "Kept the saved search 'Sandpoint under $600k'.")
    }

    @Test func aReadAskedForBeforeARenamesAnswerKeepsTheRename() {
        var state = T.searchesState()
        _ = state.press(.char("r"))   // a read on its way
        let request = state.workspaceTabs.searches.request
        _ = state.press(.char("R"), .ctrl("u"))
        _ = state.type("Renamed")
        _ = state.press(.enter)
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .searchOrFeed(.searchRenamed(nil))))
        // The read comes back with the name from before.
        _ = reduce(&state, .searchesLoaded(forGroup: T.ozzy, request: request, .success(T.searches)))
        #expect(state.searchNames.first == "Renamed")
    }

    // MARK: Pausing and resuming a feed

    @Test func pPausesAFeedPendingThenAsAnsweredAndKeysPressedMeanwhileAreDecidedInTurn() {
        var state = T.feedsState()
        var effects = state.press(.char("p"))
        #expect(effects.writes == [.searchOrFeed(.setFeed(T.sandpointFeed, active: false))])
        #expect(state.newsFeeds[0].isPaused == false, "pending until the answer")
        effects = state.press(.char(" "))
        #expect(effects.isEmpty && state.writes.queuedCount(for: .feed("F1")) == 1, "Space waits its turn")
        var paused = T.sandpointFeed
        paused.active = false
        effects = reduce(&state, .writeFinished(id: state.onlyWriteID!, .searchOrFeed(.feedSet(paused))))
        #expect(state.newsFeeds[0].isPaused)
        // Its turn: the feed is paused now, so it resumes.
        #expect(effects.writes == [.searchOrFeed(.setFeed(paused, active: true))])
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .searchOrFeed(.feedSet(nil))))
        #expect(state.newsFeeds[0].isPaused == false)
        #expect(state.status?.text == "Resumed the news feed 'Sandpoint: new and reduced' (it follows 'Sandpoint under $600k'); u pauses it again.")

        effects = state.press(.char("u"))
        #expect(effects.writes.count == 1)
        if case .searchOrFeed(.setFeed(_, let active))? = effects.writes.first { #expect(active == false) }
    }

    @Test func aFailedPauseSaysWhyAndReadsTheFeedsAgain() {
        var state = T.feedsState()
        _ = state.press(.char("p"))
        let gone = SparkError.api(status: 404, code: nil, message: nil, context: RequestContext(method: "PUT", path: "/v1/newsfeeds/F1"))
        let effects = reduce(&state, .writeFinished(id: state.onlyWriteID!, .failed(.spark(gone))))
        #expect(state.status?.text == "Couldn't pause the news feed 'Sandpoint: new and reduced': 'Sandpoint: new and reduced' is not there "
                + "any more: another member may have deleted it. The news feeds were re-read.")
        #expect(effects == [.loadFeeds(forGroup: T.ozzy, request: 2)])
        #expect(state.newsFeeds[0].isPaused == false)
    }

    /// A pause that may have been made says plainly what happened — the server's failure, or no answer — with no
    /// nested parentheses, and that the feeds on screen are the server's.
    @Test func aPauseWithoutAGoodAnswerSaysWhetherTheServerFailedOrNeverAnswered() {
        let put = RequestContext(method: "PUT", path: "/v1/newsfeeds/F1")
        for (error, said) in [
            (SparkError.api(status: 500, code: 0, message: "Injected fault 500/0", context: put),
             "the server failed (HTTP 500, code 0: Injected fault 500/0)"),
            (.http(status: 503, context: put), "the server failed (HTTP 503)"),
            (.transport(.timedOut, host: "sparkapi.com", context: put), "no answer came (sparkapi.com did not answer in time)"),
            (.malformedBody(status: 200, reason: "truncated", context: put), "the server's answer could not be read (HTTP 200)"),
        ] {
            var state = T.feedsState()
            _ = state.press(.char("p"))
            let effects = reduce(&state, .writeFinished(id: state.onlyWriteID!, .failed(.spark(error))))
            #expect(state.status?.text == "Couldn't pause the news feed 'Sandpoint: new and reduced': \(said). "
                    + "The news feeds were re-read and show what the server has.")
            #expect(effects == [.loadFeeds(forGroup: T.ozzy, request: 2)])
        }
    }

    @Test func aPauseRefusedForTheKeyTurnsTheTabIntoTheState() {
        var state = T.feedsState()
        _ = state.press(.char("p"))
        let effects = reduce(&state, .writeFinished(id: state.onlyWriteID!, .failed(.spark(T.noPrivilege))))
        #expect(effects.isEmpty)
        #expect(state.workspaceTabs.feeds.value.value?.unavailableMessage != nil)
        #expect(state.status?.text.contains("News feeds need a privileged API key") == true)
    }

    // MARK: Mouse

    @Test func clickingATabsNameInThePaneTitleOpensIt() {
        var state = W.cartsState(size: Size(width: 120, height: 40))
        let screen = ViewTests.screen(state)
        let title = screen[1]
        // Column of "Feeds" in the title row, by display width.
        guard let range = title.range(of: "Feeds") else { Issue.record("no Feeds in \(title)"); return }
        let x = TextWidth.of(String(title[..<range.lowerBound]))
        let effects = reduce(&state, .keyPressed(.mouse(MouseEvent(kind: .press, x: x + 1, y: 1))))
        #expect(state.workspaceTabs.open == .feeds)
        #expect(effects.contains(.loadFeeds(forGroup: T.ozzy, request: 1)))
        _ = reduce(&state, .keyPressed(.mouse(MouseEvent(kind: .press, x: x - 2, y: 1))))   // the dot between
        #expect(state.workspaceTabs.open == .feeds)
        let carts = TextWidth.of(String(title[..<title.range(of: "Carts")!.lowerBound]))
        _ = reduce(&state, .keyPressed(.mouse(MouseEvent(kind: .press, x: carts, y: 1))))
        #expect(state.workspaceTabs.open == .carts)
    }
}
