import Foundation
import SparkAPI
import Testing
import TerminalUI
@testable import PortalApp

private typealias W = Workspace15

/// `f` and `x`: marks, exclusive, toggles; every answer a mark can get.
@Suite struct MarkKeyTests {
    @Test func rowsShowTheMarksOfTheLoadedPage() {
        let state = W.listingsState()
        #expect(state.marks(of: "L1")! == (favorite: true, reject: false))
        #expect(state.marks(of: "L2")! == (favorite: false, reject: true))
        #expect(state.marks(of: "L3")! == (favorite: false, reject: false))
    }

    @Test func fMarksAFavoriteShowsItPendingThenTheServersAnswer() {
        var state = W.listingsState()
        _ = state.press(.end)                                     // L3
        let effects = state.press(.char("f"))
        #expect(effects.writes == [.mark(W.l3, .favorite, favorites: W.favorites, rejects: W.rejects)])
        #expect(state.writes.inFlight(for: .listing("L3")) != nil)
        #expect(state.status == StatusMessage("Favoriting 103 Birch…", kind: .progress))
        #expect(state.marks(of: "L3")! == (favorite: false, reject: false), "nothing shown before the server says so")

        let result = MarkResult(listingId: "L3", requested: .favorite, favorites: W.counted(W.favorites, 3), rejects: W.rejects,
                                holders: [W.lakeHouses, W.counted(W.favorites, 3)], addedTo: W.counted(W.favorites, 3))
        #expect(reduce(&state, .writeFinished(id: state.onlyWriteID!, .marked(result))).isEmpty)
        #expect(state.marks(of: "L3")! == (favorite: true, reject: false))
        #expect(state.count(of: "K1") == 3)
        #expect(state.status == StatusMessage("Favorited 103 Birch: in 'Favorites' (now 3)."))
        #expect(state.writes.undoStack.map(\.inverse) == [.mark(W.l3, .none, favorites: W.counted(W.favorites, 3), rejects: W.rejects)])
    }

    @Test func fOnAFavoriteTakesItOutAndXOnAFavoriteRejectsIt() {
        var state = W.listingsState()                             // L1 highlighted: a favorite
        #expect(state.press(.char("f")).writes == [.mark(W.l1, .none, favorites: W.favorites, rejects: W.rejects)])
        var other = W.listingsState()
        #expect(other.press(.char("x")).writes == [.mark(W.l1, .reject, favorites: W.favorites, rejects: W.rejects)])
        let result = MarkResult(listingId: "L1", requested: .reject, favorites: W.counted(W.favorites, 1),
                                rejects: W.counted(W.rejects, 2), holders: [W.lakeHouses, W.counted(W.rejects, 2)],
                                addedTo: W.counted(W.rejects, 2), removedFrom: [W.counted(W.favorites, 1)])
        _ = reduce(&other, .writeFinished(id: other.onlyWriteID!, .marked(result)))
        #expect(other.marks(of: "L1")! == (favorite: false, reject: true))
        #expect(other.status?.text == "Rejected 101 Birch: in 'Rejects' (now 2), out of 'Favorites' (now 1).")
        // Undo puts the favorite back.
        #expect(other.writes.undoStack.last?.inverse == .mark(W.l1, .favorite, favorites: W.counted(W.favorites, 1),
                                                              rejects: W.counted(W.rejects, 2)))
    }

    @Test func keysPressedWhileAWriteIsInFlightQueueAndAreDecidedInTurn() {
        var state = W.listingsState()
        _ = state.press(.end)                                     // L3, unmarked
        #expect(state.press(.char("f")).writes.count == 1)
        #expect(state.press(.char("f")).isEmpty, "the second f waits for the first")
        #expect(state.writes.queuedCount(for: .listing("L3")) == 1)
        let favorite = MarkResult(listingId: "L3", requested: .favorite, favorites: W.counted(W.favorites, 3), rejects: W.rejects,
                                  holders: [W.lakeHouses, W.favorites], addedTo: W.favorites)
        let next = reduce(&state, .writeFinished(id: state.onlyWriteID!, .marked(favorite)))
        // Its turn came with L3 a favorite: the toggle now takes it out.
        #expect(next.writes == [.mark(W.l3, .none, favorites: W.counted(W.favorites, 3), rejects: W.rejects)])
    }

    @Test func aFailureHalfWayShowsWhereTheListingIsNowAndReReadsTheCarts() {
        var state = W.listingsState()                             // L1: a favorite
        _ = state.press(.char("x"))
        // Added to Rejects, then the removal from Favorites timed out; the client re-read the truth: in both.
        let result = MarkResult(listingId: "L1", requested: .reject, favorites: W.favorites, rejects: W.counted(W.rejects, 2),
                                holders: [W.favorites, W.counted(W.rejects, 2), W.lakeHouses], addedTo: W.counted(W.rejects, 2),
                                error: W.timeout)
        let effects = reduce(&state, .writeFinished(id: state.onlyWriteID!, .marked(result)))
        #expect(effects == [.loadCarts(forGroup: W.ozzy, request: state.cartsRequest)])
        #expect(state.marks(of: "L1")! == (favorite: true, reject: true))
        #expect(state.status?.kind == .error)
        #expect(state.status?.text.hasPrefix("Couldn't reject 101 Birch: no answer came (sparkapi.com did not answer in time). The lists were re-read") == true)
        #expect(state.status?.text.hasSuffix("It is now in 'Favorites' and 'Rejects' and 'Lake houses'.") == true)
        #expect(state.writes.undoStack.isEmpty, "a change that failed half way is not undone by u")
    }

    @Test func aCartGoneMeanwhileIsSaid() {
        var state = W.listingsState()
        _ = state.press(.char("f"))
        let gone = W.error(404, code: 404, "DELETE", "/v1/listingcarts/K1/listings/L1")
        let effects = reduce(&state, .writeFinished(id: state.onlyWriteID!, .failed(.spark(gone))))
        #expect(state.status?.text == "Couldn't unmark 101 Birch: 'Favorites' or 'Rejects' is not there any more: another member may have deleted it. The carts were re-read.")
        #expect(effects.contains(.loadCarts(forGroup: W.ozzy, request: state.cartsRequest)))
        #expect(effects.contains(.loadHolders(listingIds: ["L1"], workspace: W.ozzy, tick: state.writes.tick)))
    }

    @Test func aWorkspaceWithoutRejectsSaysSoAndSendsNothing() {
        var state = W.listingsState()
        state.carts = .loaded(W.carts.filter { $0.id != "K4" })
        #expect(state.press(.char("x")).isEmpty)
        #expect(state.status?.text == WorkspaceError.missingCart(.rejects).userMessage)
        // …and when the client finds it so (the carts changed on the server), the same.
        var other = W.listingsState()
        _ = other.press(.char("x"))
        _ = reduce(&other, .writeFinished(id: other.onlyWriteID!, .failed(.workspace(.missingCart(.rejects)))))
        #expect(other.status?.text == "Couldn't reject 101 Birch: " + WorkspaceError.missingCart(.rejects).userMessage)
    }
}

/// `a`: the chooser, adding, "New cart…".
@Suite struct AddKeyTests {
    @Test func aOffersTheWritableCartsByTheServersNamesThenNewCart() throws {
        var state = W.listingsState()
        _ = state.press(.char("a"))
        guard case .addToCart(let dialog)? = state.dialog else { Issue.record("no chooser"); return }
        #expect(dialog.chooser.items.map(\.label) == ["Favorites", "Possibilities", "Rejects", "Lake houses", "New cart…"])
        #expect(dialog.chooser.items.map(\.detail) == ["has it", "3", "1", "has it", ""])
        #expect(dialog.chooser.highlighted == 1, "the first cart that does not have it")
    }

    @Test func choosingACartAddsTheListingAndUndoTakesItOut() {
        var state = W.listingsState()
        _ = state.press(.char("a"))
        let effects = state.press(.enter)                         // Possibilities
        #expect(state.dialog == nil)
        #expect(effects.writes == [.add(W.l1, to: W.possibilities)])
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .cartChanged(W.counted(W.possibilities, 4))))
        #expect(state.count(of: "K2") == 4)
        #expect(state.holders["L1"] == ["K1", "K2", "K3"])
        #expect(state.status?.text == "Added 101 Birch to 'Possibilities' (now 4).")
        #expect(state.press(.char("u")).writes == [.remove(W.l1, from: W.possibilities)])
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .cartChanged(W.counted(W.possibilities, 3))))
        #expect(state.status?.text == "Undid adding 101 Birch to 'Possibilities': removed 101 Birch from 'Possibilities' (now 3).")
        #expect(state.writes.undoStack.isEmpty, "an undo is not itself undone")
    }

    @Test func aCartThatHasItSendsNothing() {
        var state = W.listingsState()
        _ = state.press(.char("a"), .end, .up, .enter)           // Lake houses
        #expect(state.writes.inFlight.isEmpty)
        #expect(state.status?.text == "101 Birch is already in 'Lake houses'.")
    }

    @Test func favoritesInTheChooserIsTheMark() {
        var state = W.listingsState()
        _ = state.press(.end, .char("a"), .home)                  // L3, Favorites
        #expect(state.press(.enter).writes == [.mark(W.l3, .favorite, favorites: W.favorites, rejects: W.rejects)])
    }

    @Test func newCartAsksForANameAndCreatesItHoldingTheListing() {
        var state = W.listingsState()
        _ = state.press(.char("a"), .end, .enter)
        guard case .cartName(let dialog)? = state.dialog else { Issue.record("no name dialog"); return }
        #expect(dialog.purpose == .create(listingIds: ["L1"], holding: "101 Birch"))
        _ = state.type("Weekend cabins")
        let effects = state.press(.enter)
        #expect(effects.writes == [.createCart(name: "Weekend cabins", listingIds: ["L1"])])
        let created = Fixture.cart("K7", "Weekend cabins", count: 1, type: "Custom")
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .created(.created(created))))
        #expect(state.cartNames.last == "Weekend cabins")
        #expect(state.holders["L1"]?.contains("K7") == true)
        #expect(state.status?.text == "Created 'Weekend cabins' with 1 listing.")
    }

    @Test func aNewCartRefusedByTheServerComesBackStillHoldingTheListing() {
        var state = W.listingsState()
        _ = state.press(.char("a"), .end, .enter)
        _ = state.type("Cabins")
        _ = state.press(.enter)
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .created(.notCreated(W.error(409, code: 1055)))))
        guard case .cartName(let dialog)? = state.dialog else { Issue.record("the name was lost"); return }
        #expect(dialog.purpose == .create(listingIds: ["L1"], holding: "101 Birch"))
        #expect(dialog.editor.text == "Cabins")
        _ = state.press(.char("2"))
        #expect(state.press(.enter).writes == [.createCart(name: "Cabins2", listingIds: ["L1"])])
    }

    @Test func addingToACartGoneMeanwhileSaysSoAndReReads() {
        var state = W.listingsState()
        _ = state.press(.char("a"), .enter)
        let effects = reduce(&state, .writeFinished(id: state.onlyWriteID!,
                                                    .failed(.spark(W.error(404, code: 404, "POST", "/v1/listingcarts/K2")))))
        #expect(state.status?.text == "Couldn't add 101 Birch to 'Possibilities': 'Possibilities' is not there any more: another member may have deleted it. The carts were re-read.")
        #expect(effects == [.loadCarts(forGroup: W.ozzy, request: state.cartsRequest),
                            .loadHolders(listingIds: ["L1"], workspace: W.ozzy, tick: state.writes.tick)])
    }

    @Test func escapeClosesTheChooserAndSendsNothing() {
        var state = W.listingsState()
        _ = state.press(.char("a"))
        #expect(state.press(.escape).isEmpty)
        #expect(state.dialog == nil)
    }
}

/// `d` in the listings: the row leaves, the count changes; undo puts it back where it was.
@Suite struct RemoveKeyTests {
    @Test func dRemovesTheListingFromTheOpenCart() {
        var state = W.listingsState()
        _ = state.press(.down)                                    // L2
        let effects = state.press(.char("d"))
        #expect(effects.writes == [.remove(W.l2, from: W.lakeHouses)])
        #expect(state.listingIDs == ["L1", "L2", "L3"], "the row stays until the server answers")
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .cartChanged(W.counted(W.lakeHouses, 2))))
        #expect(state.listingIDs == ["L1", "L3"])
        #expect(state.listings?.totalRows == 2)
        #expect(state.count(of: "K3") == 2)
        #expect(state.status?.text == "Removed 102 Birch from 'Lake houses' (now 2); u puts it back.")
        #expect(state.highlightedListing?.id == "L3", "the highlight stays in its place")

        #expect(state.press(.char("u")).writes == [.add(W.l2, to: W.lakeHouses)])
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .cartChanged(W.counted(W.lakeHouses, 3))))
        #expect(state.listingIDs == ["L1", "L2", "L3"], "back in its place")
        #expect(state.status?.text.hasPrefix("Undid removing 102 Birch from 'Lake houses': added") == true)
    }

    @Test func aLostAnswerKeepsTheRowUntilTheReReadSaysWhereItIs() {
        var state = W.listingsState()
        _ = state.press(.char("d"))
        let effects = reduce(&state, .writeFinished(id: state.onlyWriteID!, .failed(.spark(W.timeout))))
        #expect(state.listingIDs == ["L1", "L2", "L3"], "the row goes back (it never left)")
        #expect(state.status?.text.contains(": no answer came (sparkapi.com did not answer in time). The lists were re-read") == true)
        let holders = effects.compactMap { effect -> Int? in
            if case .loadHolders(["L1"], _, let tick) = effect { tick } else { nil }
        }
        #expect(holders.count == 1)
        // The re-read: the remove did reach the server. The row leaves.
        _ = reduce(&state, .holdersLoaded(listingIds: ["L1"], workspace: W.ozzy, tick: holders[0], .success([W.favorites])))
        #expect(state.listingIDs == ["L2", "L3"])
    }

    @Test func recommendedIsNotChanged() {
        var state = W.cartsState()
        _ = state.press(.home, .down, .down, .enter)              // Recommended
        _ = reduce(&state, .listingsPageLoaded(source: .cart(id: "K5"), page: 1, .success(Fixture.page([W.l1], page: 1, totalRows: 1))))
        #expect(state.press(.char("d")).isEmpty)
        #expect(state.status?.text == "Recommended is kept by your agent and the portal: spark-portal does not take listings out of it.")
    }

    @Test func aPageOnItsWayDoesNotBringARemovedListingBack() {
        var state = W.listingsState()
        _ = state.press(.char("d"))                               // L1's removal on its way…
        _ = state.press(.char("r"))                               // …page 1 asked again…
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .cartChanged(W.counted(W.lakeHouses, 2))))
        // …and answered as the server was before the removal reached it: L1 stays out.
        _ = reduce(&state, .listingsPageLoaded(source: .cart(id: "K3"), page: 1,
                                               .success(Fixture.page([W.l1, W.l2, W.l3], page: 1, totalRows: 3))))
        #expect(state.listingIDs == ["L2", "L3"])
        // A page asked for after it: what the server says (another member put it back).
        _ = state.press(.char("r"))
        _ = reduce(&state, .listingsPageLoaded(source: .cart(id: "K3"), page: 1,
                                               .success(Fixture.page([W.l1, W.l2, W.l3], page: 1, totalRows: 3))))
        #expect(state.listingIDs == ["L1", "L2", "L3"])
    }
}

/// `n`, `R`, `d` in the carts pane.
@Suite struct CartKeyTests {
    @Test func nAsksForANameRefusesBlankAndTakenNamesThenCreates() {
        var state = W.cartsState()
        _ = state.press(.char("n"))
        #expect(state.press(.enter).isEmpty)
        guard case .cartName(let blank)? = state.dialog else { Issue.record("no dialog"); return }
        #expect(blank.error == "A cart needs a name.")
        _ = state.type(" lake HOUSES ")
        #expect(state.press(.enter).isEmpty)
        guard case .cartName(let taken)? = state.dialog else { Issue.record("no dialog"); return }
        #expect(taken.error == "'Lake houses' is already a cart here. Choose another name.")
        _ = state.press(.ctrl("u"))
        _ = state.type("Weekend cabins")
        #expect(state.press(.enter).writes == [.createCart(name: "Weekend cabins", listingIds: [])])
        #expect(state.dialog == nil)
    }

    @Test func aCreateWhoseAnswerWasLostSaysWhatWasFound() {
        var state = W.cartsState()
        _ = state.press(.char("n"))
        _ = state.type("Cabins")
        _ = state.press(.enter)
        let cart = Fixture.cart("K8", "Cabins", count: 0, type: "Custom")
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .created(.createdAnswerLost(cart, W.timeout))))
        #expect(state.cartNames.filter { $0 == "Cabins" }.count == 1)
        #expect(state.status?.text == "Created 'Cabins'. No answer came (sparkapi.com did not answer in time), but the carts show it was created, once.")
    }

    @Test func aCreateThatCannotBeToldSaysSoAndReReads() {
        var state = W.cartsState()
        _ = state.press(.char("n"))
        _ = state.type("Cabins")
        _ = state.press(.enter)
        let effects = reduce(&state, .writeFinished(id: state.onlyWriteID!, .created(.unknown(W.timeout, .notThereYet))))
        #expect(effects == [.loadCarts(forGroup: W.ozzy, request: state.cartsRequest)])
        #expect(state.status?.kind == .error)
        #expect(state.status?.text.hasPrefix("Couldn't tell whether 'Cabins' was created") == true)
        #expect(state.writes.undoStack.isEmpty)
    }

    @Test func aNameTakenOnTheServerBringsTheDialogBackWithTheName() {
        var state = W.cartsState()
        _ = state.press(.char("n"))
        _ = state.type("Cabins")
        _ = state.press(.enter)
        let taken = W.error(409, code: 1055)
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .created(.notCreated(taken))))
        guard case .cartName(let dialog)? = state.dialog else { Issue.record("the name was lost"); return }
        #expect(dialog.editor.text == "Cabins")
        #expect(dialog.error == "a cart with that name already exists in this workspace. Choose another name.")
        #expect(state.status?.text == "Couldn't create 'Cabins': a cart with that name already exists in this workspace. Choose another name.")
    }

    @Test func renameAndItsAnswers() {
        var state = W.cartsState()
        _ = state.press(.end, .char("R"))                         // Lake houses
        guard case .cartName(let dialog)? = state.dialog else { Issue.record("no dialog"); return }
        #expect(dialog.editor.text == "Lake houses")
        _ = state.press(.ctrl("u"))
        _ = state.type("Lakeside")
        #expect(state.press(.enter).writes == [.renameCart(W.lakeHouses, to: "Lakeside")])
        #expect(state.writes.inFlight(for: .cart("K3")).map { WriteWords.rowLabel($0.write) } == "renaming to Lakeside…")
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .renamed))
        #expect(state.cartNames.last == "Lakeside")
        #expect(state.status?.text == "Renamed 'Lake houses' to 'Lakeside'.")
        var renamed = W.lakeHouses
        renamed.name = "Lakeside"
        #expect(state.press(.char("u")).writes == [.renameCart(renamed, to: "Lake houses")])

        // 409: the dialog comes back; 405: said; 404: said, and re-read.
        for (error, text) in [(W.error(409, code: 1055, "PUT"), "a cart with that name already exists"),
                              (W.error(405, code: 405, "PUT"), "'Lake houses' is a portal cart, and the server refused the change."),
                              (W.error(404, code: 404, "PUT"), "'Lake houses' is not there any more")] {
            var other = W.cartsState()
            _ = other.press(.end, .char("R"), .ctrl("u"))
            _ = other.type("Lakeside")
            _ = other.press(.enter)
            let effects = reduce(&other, .writeFinished(id: other.onlyWriteID!, .failed(.spark(error))))
            #expect(other.status?.text.contains(text) == true, "\(other.status?.text ?? "")")
            #expect(effects == [.loadCarts(forGroup: W.ozzy, request: other.cartsRequest)])
            #expect((other.dialog != nil) == (error.httpStatus == 409), "only a taken name asks again")
            #expect(other.cartNames.last == "Lake houses")
        }
    }

    @Test func portalCartsSayWhyNot() {
        var state = W.cartsState()
        _ = state.press(.home)
        #expect(state.press(.char("R")).isEmpty)
        #expect(state.status?.text == "Favorites is a portal cart: it keeps its name. Only your own carts can be renamed or deleted; n makes one.")
        #expect(state.press(.char("d")).isEmpty)
        #expect(state.status?.text.hasPrefix("Favorites is a portal cart: it cannot be deleted.") == true)
        #expect(state.dialog == nil)
    }

    @Test func deleteAsksNamingCartCountAndWorkspaceThenDeletesAndUndoReCreates() {
        var state = W.cartsState()
        _ = state.press(.end, .char("d"))
        guard case .confirmDelete(_, let prompt)? = state.dialog else { Issue.record("no confirmation"); return }
        #expect(prompt.question == "Delete 'Lake houses' (3 listings) from Ozzy Owner's group?")
        #expect(state.press(.char("n")).isEmpty)
        #expect(state.status?.text == "Kept 'Lake houses'.")
        _ = state.press(.char("d"))
        #expect(state.press(.char("y")).writes == [.deleteCart(W.lakeHouses)])
        let deleted = W.withIds(W.lakeHouses, ["L1", "L2", "L3"])
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .deleted(deleted)))
        #expect(!state.cartNames.contains("Lake houses"))
        #expect(state.status?.text == "Deleted 'Lake houses' (3 listings); u re-creates it with its listings.")
        #expect(state.press(.char("u")).writes == [.createCart(name: "Lake houses", listingIds: ["L1", "L2", "L3"])])
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .created(.created(Fixture.cart("K9", "Lake houses", count: 3, type: "Custom")))))
        #expect(state.status?.text == "Undid deleting 'Lake houses': created 'Lake houses' with 3 listings.")
        #expect(state.cartNames.last == "Lake houses")
    }

    /// Renamed, deleted, then `u` re-creates it with a new Id: the next `u` renames the new cart back (the old Id is gone:
    /// a rename sent to it would only meet 404).
    @Test func undoAfterAReCreateActsOnTheNewCart() {
        var state = W.cartsState()
        _ = state.press(.end, .char("R"), .ctrl("u"))
        _ = state.type("Lakeside")
        _ = state.press(.enter)
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .renamed))
        _ = state.press(.end, .char("d"), .char("y"))
        var deleted = W.withIds(W.lakeHouses, ["L1", "L2", "L3"])
        deleted.name = "Lakeside"
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .deleted(deleted)))
        #expect(state.press(.char("u")).writes == [.createCart(name: "Lakeside", listingIds: ["L1", "L2", "L3"])])
        let recreated = Fixture.cart("K9", "Lakeside", count: 3, type: "Custom")
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .created(.created(recreated))))
        #expect(state.press(.char("u")).writes == [.renameCart(recreated, to: "Lake houses")])
    }

    @Test func aDeleteThatCannotReadTheCartFirstDeletesNothing() {
        var state = W.cartsState()
        _ = state.press(.end, .char("d"), .char("y"))
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .failed(.notSent(W.timeout))))
        #expect(state.status?.text.hasPrefix("Couldn't delete 'Lake houses': its listings could not be read first") == true)
        #expect(state.cartNames.contains("Lake houses"))
        #expect(state.writes.undoStack.isEmpty)
    }
}

/// `u`.
@Suite struct UndoTests {
    @Test func nothingToUndo() {
        var state = W.listingsState()
        #expect(state.press(.char("u")).isEmpty)
        #expect(state.status?.text.hasPrefix("Nothing to undo") == true)
    }

    @Test func anUndoThatFailsCanBeTriedAgain() {
        var state = W.listingsState()
        _ = state.press(.char("a"), .enter)
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .cartChanged(W.counted(W.possibilities, 4))))
        _ = state.press(.char("u"))
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .failed(.spark(W.timeout))))
        #expect(state.status?.text.hasPrefix("Couldn't undo adding 101 Birch to 'Possibilities':") == true)
        #expect(state.press(.char("u")).writes == [.remove(W.l1, from: W.possibilities)])
    }

    /// Renamed here, then deleted by another member: undoing the rename meets 404, which no retry can mend. The entry is
    /// dropped (said so), and the next `u` undoes the change before it instead of sending the same rename forever.
    @Test func anUndoWhoseCartIsGoneIsDroppedAndTheNextUndoesTheOneBefore() {
        var state = W.listingsState()
        _ = state.press(.char("a"), .enter)                          // 101 Birch into Possibilities
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .cartChanged(W.counted(W.possibilities, 4))))
        _ = state.press(.escape, .end, .char("R"), .ctrl("u"))
        _ = state.type("Lakeside")
        _ = state.press(.enter)
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .renamed))
        var renamed = W.lakeHouses
        renamed.name = "Lakeside"
        #expect(state.press(.char("u")).writes == [.renameCart(renamed, to: "Lake houses")])
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .failed(.spark(W.error(404, code: 404, "PUT")))))
        #expect(state.status?.text == "Couldn't undo renaming 'Lake houses' to 'Lakeside': 'Lakeside' is not there any more: "
                + "another member may have deleted it. The carts were re-read. It cannot be undone any more.")
        #expect(state.press(.char("u")).writes == [.remove(W.l1, from: W.possibilities)])
    }

    @Test func aChangeMadeInAnotherWorkspaceIsNotUndoneHere() {
        var state = W.listingsState()
        _ = state.press(.char("a"), .enter)
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .cartChanged(W.counted(W.possibilities, 4))))
        _ = state.press(.escape, .backTab, .backTab, .home, .down, .down, .enter)   // Carl Contact
        _ = reduce(&state, .groupSwitched(to: .group(id: "G-CARL"), .success(Empty())))
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.carl)))
        _ = reduce(&state, .cartsLoaded(forGroup: .group(id: "G-CARL"), request: state.cartsRequest, .success([W.favorites])))
        #expect(state.press(.char("u")).isEmpty)
        #expect(state.status?.text == "The last change (adding 101 Birch to 'Possibilities') was made in Ozzy Owner's group; switch back to it to undo it.")
    }
}

/// Writes and group switches never cross: a write goes to the workspace on screen, a switch waits for writes.
@Suite struct WritesAndSwitchesTests {
    @Test func cartsThatCameBeforeTheCurrentGroupAreItsAndCanBeWrittenTo() {
        var state = AppState(size: Size(width: 120, height: 40), endpointHost: "h")
        _ = reduce(&state, .started)                             // carts asked for before any workspace is known
        _ = reduce(&state, .groupsLoaded(.success(Fixture.groups)))
        _ = reduce(&state, .cartsLoaded(forGroup: nil, request: state.cartsRequest, .success(W.carts)))
        #expect(state.cartsWorkspace == nil)
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        #expect(state.cartsWorkspace == W.ozzy)
        _ = state.press(.tab, .tab, .char("n"))
        #expect(state.dialog != nil, "n works: the workspace is settled")
    }

    @Test func noWriteWhileASwitchIsOnItsWay() {
        var state = W.listingsState()
        _ = state.press(.escape, .backTab, .backTab, .home, .down, .down, .enter)   // Carl Contact: switching
        _ = state.press(.tab, .tab, .char("n"))
        #expect(state.dialog == nil)
        #expect(state.status?.text == "Switching to Carl Contact's group: changes wait until it is done. Nothing was changed.")
    }

    @Test func aSwitchWaitsForTheWritesInFlight() {
        var state = W.listingsState()
        _ = state.press(.char("f"))
        _ = state.press(.escape, .backTab, .backTab, .home, .down, .down)
        #expect(state.press(.enter).isEmpty, "no PUT while a change is in flight")
        #expect(state.switchWaiting == .group(id: "G-CARL"))
        #expect(state.status?.text == "Switching to Carl Contact's group once the changes in flight are answered…")
        let result = MarkResult(listingId: "L1", requested: .none, favorites: W.counted(W.favorites, 1), rejects: W.rejects,
                                holders: [W.lakeHouses], removedFrom: [W.counted(W.favorites, 1)])
        let effects = reduce(&state, .writeFinished(id: state.onlyWriteID!, .marked(result)))
        #expect(effects == [.switchGroup(to: .group(id: "G-CARL"))])
        #expect(state.switchWaiting == nil)
    }

    @Test func aLateAnswerFromAWorkspaceLeftIsNotShownAsThisOnes() {
        var state = W.listingsState()
        let effects = state.press(.char("a"), .enter)
        guard case .write(let id, _)? = effects.first else { Issue.record("no write"); return }
        // Someone switched the group elsewhere; the refresh shows Carl's carts before the answer comes.
        _ = state.press(.char("r"))
        let reread = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.carl)))
        #expect(reread.isEmpty, "the carts asked for are still on their way")
        let again = reduce(&state, .cartsLoaded(forGroup: W.ozzy, request: state.cartsRequest, .success([W.favorites])))
        #expect(again == [.loadCarts(forGroup: .group(id: "G-CARL"), request: state.cartsRequest)])
        _ = reduce(&state, .cartsLoaded(forGroup: .group(id: "G-CARL"), request: state.cartsRequest, .success([W.favorites])))
        _ = reduce(&state, .writeFinished(id: id, .cartChanged(W.counted(W.possibilities, 4))))
        #expect(state.cartNames == ["Favorites"])
        #expect(state.status?.text == "In Ozzy Owner's group: Added 101 Birch to 'Possibilities' (now 4).")
        #expect(state.focus == .carts && state.listings == nil, "the answer does not move the user")
    }

    @Test func quittingWaitsForTheWritesInFlight() {
        var state = W.listingsState()
        _ = state.press(.char("f"))
        #expect(state.press(.char("q")).isEmpty)
        #expect(state.status?.text == "Quitting once the changes in flight are answered (q again quits now)…")
        let result = MarkResult(listingId: "L1", requested: .none, favorites: W.favorites, rejects: W.rejects, holders: [W.lakeHouses],
                                removedFrom: [W.favorites])
        #expect(reduce(&state, .writeFinished(id: state.onlyWriteID!, .marked(result))) == [.quit])
        var other = W.listingsState()
        _ = other.press(.char("f"), .char("q"))
        #expect(other.press(.char("q")) == [.quit])
    }
}

/// Reads that were asked for before a write was answered never put the old state back.
@Suite struct ReadsMeetWritesTests {
    @Test func holdersAskedBeforeAMarkAreNotAppliedToThatListing() {
        var state = W.listingsState()
        let tick = state.writes.tick
        _ = state.press(.end, .char("f"))                         // L3
        let result = MarkResult(listingId: "L3", requested: .favorite, favorites: W.favorites, rejects: W.rejects,
                                holders: [W.lakeHouses, W.favorites], addedTo: W.favorites)
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .marked(result)))
        // The old read comes back: L3 in Lake houses only (before the favorite), L2 now also in Possibilities.
        _ = reduce(&state, .holdersLoaded(listingIds: ["L2", "L3"], workspace: W.ozzy, tick: tick,
                                          .success([W.withIds(W.lakeHouses, ["L2", "L3"]), W.withIds(W.possibilities, ["L2"]),
                                                    W.withIds(W.rejects, ["L2"])])))
        #expect(state.marks(of: "L3")! == (favorite: true, reject: false), "the favorite stays")
        #expect(state.holders["L2"] == ["K2", "K3", "K4"], "the other listing takes the read")
    }

    @Test func cartsAskedBeforeARenameDeleteOrCreateKeepThoseChanges() {
        var state = W.cartsState()
        _ = state.press(.char("r"))                               // carts asked for now…
        let request = state.cartsRequest
        _ = state.press(.end, .char("R"), .ctrl("u"))
        _ = state.type("Lakeside")
        _ = state.press(.enter)
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .renamed))
        _ = state.press(.home, .down, .char("d"))                 // Possibilities is a portal cart: nothing
        _ = state.press(.char("n"))
        _ = state.type("Cabins")
        _ = state.press(.enter)
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .created(.created(Fixture.cart("K8", "Cabins", count: 0, type: "Custom")))))
        // …answered after both: the old name and no Cabins, but a count another member changed.
        _ = reduce(&state, .cartsLoaded(forGroup: W.ozzy, request: request,
                                        .success([W.counted(W.favorites, 5), W.possibilities, W.recommended, W.rejects, W.lakeHouses])))
        #expect(state.cartNames == ["Favorites", "Possibilities", "Recommended", "Rejects", "Lakeside", "Cabins"])
        #expect(state.count(of: "K1") == 5)
    }

    @Test func aCartDeletedHereStaysGoneFromAnOlderRead() {
        var state = W.cartsState()
        _ = state.press(.char("r"))
        let request = state.cartsRequest
        _ = state.press(.end, .char("d"), .char("y"))
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .deleted(W.withIds(W.lakeHouses, []))))
        _ = reduce(&state, .cartsLoaded(forGroup: W.ozzy, request: request, .success(W.carts)))
        #expect(!state.cartNames.contains("Lake houses"))
    }
}

/// Enter on a listing: its details; ←/→ the neighbours; Esc back to the row.
@Suite struct DetailsKeyTests {
    @Test func enterOpensTheDetailsAndAsksForTheWholeListingAndItsCarts() {
        var state = W.listingsState()
        _ = state.press(.down)
        let effects = state.press(.enter)
        #expect(effects == [.loadListing(id: "L2"), .loadHolders(listingIds: ["L2"], workspace: W.ozzy, tick: 0)])
        #expect(state.details?.listingId == "L2")
        #expect(state.keyContext == .details)
        var full = W.l2
        full.standardFields["PublicRemarks"] = .string("A long remark")
        _ = reduce(&state, .listingLoaded(id: "L2", .success(full)))
        #expect(state.details?.listing == full)
        #expect(state.details?.loading == false)
        _ = reduce(&state, .listingLoaded(id: "L1", .success(W.l1)))
        #expect(state.details?.listing == full, "an answer about another listing is dropped")
    }

    @Test func arrowsStepThroughTheListingsAndEscapeReturnsToTheRow() {
        var state = W.listingsState()
        _ = state.press(.enter)
        #expect(state.press(.left).isEmpty)
        #expect(state.status?.text == "This is the first listing.")
        #expect(state.press(.right) == [.loadListing(id: "L2"), .loadHolders(listingIds: ["L2"], workspace: W.ozzy, tick: 0)])
        _ = state.press(.char("l"))
        #expect(state.details?.listingId == "L3")
        _ = state.press(.right)
        #expect(state.status?.text == "This is the last listing.")
        _ = state.press(.escape)
        #expect(state.details == nil)
        #expect(state.highlightedListing?.id == "L3")
        #expect(state.keyContext == .listings)
    }

    @Test func marksInDetailsActOnTheListingShown() {
        var state = W.listingsState()
        _ = state.press(.down, .enter)
        #expect(state.press(.char("x")).writes == [.mark(W.l2, .none, favorites: W.favorites, rejects: W.rejects)])
        #expect(state.press(.char("d")).isEmpty, "d removes from the cart in the listings, not in details")
    }

    @Test func aListingThatLeavesTheViewKeepsItsNeighbours() {
        var state = W.cartsState()
        _ = state.press(.home, .enter)                            // Favorites
        _ = reduce(&state, .listingsPageLoaded(source: .cart(id: "K1"), page: 1,
                                               .success(Fixture.page([W.l1, W.l2, W.l3], page: 1, totalRows: 3))))
        _ = state.press(.down, .enter, .char("x"))                // L2 rejected: it leaves Favorites
        let result = MarkResult(listingId: "L2", requested: .reject, favorites: W.favorites, rejects: W.rejects,
                                holders: [W.rejects], addedTo: W.rejects, removedFrom: [W.favorites])
        _ = reduce(&state, .writeFinished(id: state.onlyWriteID!, .marked(result)))
        #expect(state.listingIDs == ["L1", "L3"])
        #expect(state.details?.listingId == "L2", "the details stay on the listing")
        _ = state.press(.right)
        #expect(state.details?.listingId == "L3")
        _ = state.press(.left)
        #expect(state.details?.listingId == "L1")
    }

    @Test func detailsScrollAndStopAtTheEnd() {
        var state = W.listingsState(size: Size(width: 80, height: 12))
        _ = state.press(.enter)
        let visible = DetailsLayout(size: state.size).text.height
        _ = state.press(.end)
        #expect(state.details?.scroll == state.detailLineCount - visible)
        _ = state.press(.pageUp, .pageUp, .pageUp)
        #expect(state.details?.scroll == 0)
    }
}

/// The key table: scopes, clashes, hints.
@Suite struct KeyTableTests {
    @Test func theStandardTableHasNoClashes() {
        #expect(KeyMap.standard.conflicts().isEmpty)
    }

    @Test func dRemovesInTheListingsAndDeletesInTheCarts() {
        #expect(KeyMap.standard.command(for: .char("d"), in: .listings) == .remove)
        #expect(KeyMap.standard.command(for: .char("d"), in: .carts) == .delete)
        #expect(KeyMap.standard.command(for: .char("d"), in: .groups) == nil)
        #expect(KeyMap.standard.command(for: .enter, in: .listings) == .open)
        #expect(KeyMap.standard.command(for: .enter, in: .carts) == .activate)
        #expect(KeyMap.standard.command(for: .right, in: .details) == .nextListing)
        #expect(KeyMap.standard.command(for: .right, in: .carts) == .nextPane)
    }

    @Test func aKeyForTwoCommandsInOnePlaceIsAClash() {
        var keys = KeyMap.standard
        keys.rebind(.remove, to: [.char("x")], label: "x")
        #expect(keys.conflicts() == [KeyConflict(key: .char("x"), first: .reject, second: .remove, contexts: [.listings])])
        var apart = KeyMap.standard
        apart.rebind(.delete, to: [.char("x")], label: "x")
        #expect(apart.conflicts().isEmpty, "delete works in the carts, reject in the listings")
    }

    @Test(arguments: [
        (KeyContext.groups, ["↑↓/jk move", "Enter use group", "u undo", "Tab pane", "r refresh", "/ filter", "L requests", "? help", "q quit", "e error", "A act as"]),
        (.carts, ["↑↓/jk move", "[/] tab", "Enter open cart", "n new", "R rename", "d delete", "u undo", "Tab pane", "r refresh",
                  "/ filter", "L requests", "? help", "q quit", "e error", "A act as"]),
        (.searches, ["↑↓/jk move", "[/] tab", "Enter listings", "R rename", "d delete", "u undo", "Tab pane", "r refresh",
                     "/ filter", "L requests", "? help", "q quit", "e error", "A act as"]),
        (.feeds, ["↑↓/jk move", "[/] tab", "Enter listings", "p pause/resume", "u undo", "Tab pane", "r refresh",
                  "/ filter", "L requests", "? help", "q quit", "e error", "A act as"]),
        (.listings, ["↑↓/jk move", "Enter details", "f favorite", "x reject", "a add", "d remove", "u undo", "Esc back",
                     "Tab pane", "r refresh", "/ filter", "L requests", "? help", "q quit", "e error", "A act as"]),
        (.details, ["↑↓/jk scroll", "f favorite", "x reject", "a add", "← prev", "→ next", "p photo", "u undo", "Esc back", "r refresh",
                    "L requests", "? help", "q quit", "e error", "A act as"]),
    ])
    func hintsFollowTheTablesOrderWhereTheKeysWork(context: KeyContext, expected: [String]) {
        #expect(KeyMap.standard.hints(in: context).map { "\($0.key) \($0.label)" } == expected)
    }

    /// A filter that matches nothing leaves no row to act on: the status bar leaves out Enter, R and d (and the rest of
    /// the row's keys), and keeps the others; clearing the filter brings them back.
    @Test func aListWithNoRowHintsNoRowAction() {
        var state = W.cartsState()
        _ = state.press(.char("/"), .char("z"), .char("z"), .char("z"), .enter)
        #expect(state.rowCount(.carts) == 0)
        let bar = state.rendered().lines.last ?? ""
        #expect(bar.hasPrefix(" ↑↓/jk move  [/] tab  n new  Tab pane  r refresh  / filter  L requests  ? help  q quit"), "\(bar)")
        #expect(!bar.contains("Enter") && !bar.contains("R rename") && !bar.contains("d delete"), "\(bar)")
        _ = state.press(.escape)
        #expect(state.rendered().lines.last?.contains("Enter open cart  n new  R rename  d delete") == true)
        #expect(KeyMap.standard.hints(in: .listings, rowActions: false).map { "\($0.key) \($0.label)" }
            == ["↑↓/jk move", "u undo", "Esc back", "Tab pane", "r refresh", "/ filter", "L requests", "? help", "q quit",
                "e error", "A act as"])
    }

    @Test func aReboundDownKeyNeverReadsAsAWord() {
        var keys = KeyMap.standard
        keys.rebind(.moveDown, to: [.char("e"), .ctrl("n")], label: "e/^N")
        #expect(keys.hints(in: .groups).first.map { "\($0.key) \($0.label)" } == "k/e move")
        keys.rebind(.moveDown, to: [.down, .char("e")], label: "↓/e")
        #expect(keys.hints(in: .groups).first.map { "\($0.key) \($0.label)" } == "↑↓/k/e move")
    }
}
