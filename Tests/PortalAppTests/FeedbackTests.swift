import Foundation
import SparkAPI
import Testing
import TerminalUI
@testable import PortalApp

/// What the screen says about itself (issue #21): the status bar's hints, messages that go, the last error whole, a
/// switch said as done when it shows, a wait with its attempt and time, `r` and Esc while waiting.
enum FeedbackFixture {
    static let sizes = [Size(width: 60, height: 15), Size(width: 80, height: 24), Size(width: 100, height: 30),
                        Size(width: 120, height: 40)]

    static let groupGone = SparkError.api(status: 409, code: 1025, message: "The group is not valid for this user.",
                                          context: RequestContext(method: "PUT", path: "/v1/portal/groups/current"))
    static let stalled = SparkError.transport(.timedOut, host: "127.0.0.1",
                                              context: RequestContext(method: "GET", path: "/v1/listingcarts"))
    static let carlCarts = [Fixture.cart("C1", "Carl's favourites", count: 5, type: "Favorites")]

    /// Loaded, then Enter on Carl Contact's group, answered by the server: the screen is re-reading.
    static func switchedState(size: Size = Size(width: 120, height: 40)) -> AppState {
        var state = Fixture.loadedState(size: size)
        _ = state.press(.char("g"), .down, .down, .enter)
        _ = reduce(&state, .groupSwitched(to: .group(id: "G-CARL"), .success(Empty())))
        return state
    }

    /// Loaded, then a switch refused with 1025.
    static func failedSwitchState(size: Size = Size(width: 120, height: 40)) -> AppState {
        var state = Fixture.loadedState(size: size)
        _ = state.press(.char("g"), .down, .down, .enter)
        _ = reduce(&state, .groupSwitched(to: .group(id: "G-CARL"), .failure(groupGone)))
        return state
    }

    /// Loaded, then `r`: the carts' read is retried after a timeout.
    static func retryingState(size: Size = Size(width: 120, height: 40)) -> AppState {
        var state = Fixture.loadedState(size: size)
        _ = state.press(.char("r"))
        for action: AppAction in [.accountLoaded(.success(Fixture.account)), .groupsLoaded(.success(Fixture.groups)),
                                  .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy))] {
            _ = reduce(&state, action)
        }
        _ = reduce(&state, .retryScheduled(RetryNotice(method: "GET", path: "/v1/listingcarts?_pagination=1", attempt: 2,
                                                       delay: .milliseconds(400), reason: "timed out", elapsed: .seconds(20))))
        return state
    }
}

extension AppState {
    var statusLine: String { ViewTests.screen(self).last ?? "" }
}

@Suite("The status bar at every size")
struct StatusBarTests {
    @Test(arguments: FeedbackFixture.sizes)
    func helpIsAlwaysThere(size: Size) {
        var loaded = Fixture.loadedState(size: size)
        // The last request's summary yields to the hints.
        _ = reduce(&loaded, .requestFinished(RequestEvent(method: "GET", path: "/v1/listingcarts", status: 200, sparkCode: nil,
                                                          duration: .milliseconds(6), attempt: 1, errorSummary: nil)))
        #expect(loaded.statusLine.contains("? help"), "loaded: |\(loaded.statusLine)|")

        let failed = FeedbackFixture.failedSwitchState(size: size)
        #expect(failed.statusLine.contains("? help"), "with an error: |\(failed.statusLine)|")
        #expect(failed.statusLine.contains("e error"), "and the way to the whole error: |\(failed.statusLine)|")
        #expect(failed.statusLine.contains("✗ Couldn't switch"), "|\(failed.statusLine)|")

        let switched = FeedbackFixture.switchedState(size: size)
        #expect(switched.statusLine.contains("? help"), "after a switch: |\(switched.statusLine)|")
        #expect(switched.statusLine.contains("Switched to"), "|\(switched.statusLine)|")

        let waiting = FeedbackFixture.retryingState(size: size)
        #expect(waiting.statusLine.contains("? help"), "while waiting: |\(waiting.statusLine)|")
    }

    @Test func theLastRequestYieldsBeforeAnyHint() {
        var state = Fixture.loadedState(size: Size(width: 80, height: 24))
        _ = reduce(&state, .requestFinished(RequestEvent(method: "GET", path: "/v1/listingcarts", status: 200, sparkCode: nil,
                                                         duration: .milliseconds(6), attempt: 1, errorSummary: nil)))
        let narrow = state.statusLine
        #expect(!narrow.contains("…/listingcarts"), "no room for it beside the hints at 80: |\(narrow)|")
        state = Fixture.loadedState(size: Size(width: 200, height: 50))
        _ = reduce(&state, .requestFinished(RequestEvent(method: "GET", path: "/v1/listingcarts", status: 200, sparkCode: nil,
                                                         duration: .milliseconds(6), attempt: 1, errorSummary: nil)))
        #expect(state.statusLine.contains("GET …/listingcarts 200 6ms") && state.statusLine.contains("? help"))
    }

    @Test func anInfoMessageGoesAfterAFewSecondsOnTheAppsClockOrAtTheNextKey() {
        var state = FeedbackFixture.switchedState()
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.carl)))
        _ = reduce(&state, .cartsLoaded(forGroup: .group(id: "G-CARL"), request: state.cartsRequest, .success(FeedbackFixture.carlCarts)))
        #expect(state.status?.text == "Now acting for Carl Contact's group: 1 listing cart.")
        #expect(state.wantsTime, "the stopwatch runs while a message waits to go")
        _ = reduce(&state, .timePassed(.seconds(4)))
        #expect(state.status != nil, "still there after 4 s")
        _ = reduce(&state, .timePassed(.seconds(1)))
        #expect(state.status == nil, "gone after 5 s")
        #expect(!state.wantsTime)

        var keyed = FeedbackFixture.switchedState()
        _ = reduce(&keyed, .currentGroupLoaded(request: keyed.currentGroupRequest, .success(Fixture.carl)))
        _ = reduce(&keyed, .cartsLoaded(forGroup: .group(id: "G-CARL"), request: keyed.cartsRequest, .success(FeedbackFixture.carlCarts)))
        _ = keyed.press(.down)
        #expect(keyed.status == nil, "the next key clears it")
        // An error stays until something replaces it.
        var failed = FeedbackFixture.failedSwitchState()
        _ = reduce(&failed, .timePassed(.seconds(60)))
        _ = failed.press(.down)
        #expect(failed.status?.kind == .error)
    }
}

@Suite("A switch is done when the screen shows it")
struct SwitchArrivalTests {
    @Test func switchedSaysLoadingUntilTheGroupAndItsCartsAreShown() {
        var state = FeedbackFixture.switchedState()
        #expect(state.status == StatusMessage("Switched to Carl Contact's group; loading its carts…", kind: .progress))
        #expect(ViewTests.screen(state)[0].contains("switching to Carl Contact's group…"), "the title does not claim it yet")
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.carl)))
        #expect(state.status?.text == "Switched to Carl Contact's group; loading its carts…", "the carts are still coming")
        _ = reduce(&state, .cartsLoaded(forGroup: .group(id: "G-CARL"), request: state.cartsRequest, .success(FeedbackFixture.carlCarts)))
        #expect(state.status == StatusMessage("Now acting for Carl Contact's group: 1 listing cart."))
        let screen = ViewTests.screen(state)
        #expect(screen[0].contains("acting for: Carl Contact's group"))
        #expect(screen.contains { $0.contains("● Carl Contact") })
    }

    @Test func theServerHavingTheUserElsewhereIsSaid() {
        var state = FeedbackFixture.switchedState()
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy)))
        _ = reduce(&state, .cartsLoaded(forGroup: .group(id: "G-OZZY"), request: state.cartsRequest, .success(Fixture.ozzyCarts)))
        #expect(state.status == StatusMessage("Switched to Carl Contact's group, but the server says you act for Ozzy Owner's group.",
                                              kind: .error))
    }
}

@Suite("Waiting: the attempt, the time, r and Esc")
struct WaitTests {
    @Test func aRetrySaysItsAttemptAndTheTimeGoesOnOnTheClock() {
        var state = FeedbackFixture.retryingState()
        #expect(state.statusLine.contains("Waiting 20 s, attempt 2 in 0.4 s: GET /v1/listingcarts (last try: timed out)"),
                "|\(state.statusLine)|")
        #expect(state.statusLine.contains("r ask again") && state.statusLine.contains("Esc give up"))
        _ = reduce(&state, .timePassed(.seconds(1)))
        #expect(state.statusLine.contains("Waiting 21 s, attempt 2: GET /v1/listingcarts (last try: timed out)"),
                "the attempt has started: |\(state.statusLine)|")
        _ = reduce(&state, .timePassed(.seconds(9)))
        #expect(state.statusLine.contains("Waiting 30 s, attempt 2:"), "|\(state.statusLine)|")
    }

    @Test func aSlowReadIsSaidAfterThreeSeconds() {
        var state = Fixture.loadedState()
        _ = state.press(.char("r"))
        _ = reduce(&state, .timePassed(.seconds(2)))
        #expect(!state.statusLine.contains("Waiting"))
        for action: AppAction in [.accountLoaded(.success(Fixture.account)), .groupsLoaded(.success(Fixture.groups)),
                                  .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.ozzy))] {
            _ = reduce(&state, action)
        }
        _ = reduce(&state, .timePassed(.seconds(2)))
        #expect(state.statusLine.contains("Waiting 4 s for the listing carts"), "|\(state.statusLine)|")
    }

    @Test func rAsksAgainAtOnce() {
        var state = FeedbackFixture.retryingState()
        let before = state.cartsRequest
        let effects = state.press(.char("r"))
        #expect(effects.contains(.loadCarts(forGroup: .group(id: "G-OZZY"), request: before + 1)),
                "a new read replaces the one waiting (same id: the runner cancels the old): \(effects)")
        #expect(state.retry == nil)
        #expect(!state.statusLine.contains("attempt 2"), "the old wait is no longer said: |\(state.statusLine)|")
    }

    @Test func escGivesUpKeepingWhatWasShown() {
        var state = FeedbackFixture.retryingState()
        let effects = state.press(.escape)
        #expect(effects == [.cancel(.carts)])
        #expect(state.status == StatusMessage("Gave up on the listing carts after 20 s (attempt 2); r asks again."))
        #expect(state.carts.value == Fixture.ozzyCarts, "what was on screen stays")
        #expect(ViewTests.screen(state).contains { $0.contains("Gave up waiting. Press r to ask again.") })
        #expect(!state.isBusy)
        // With nothing waiting, Esc does what it always did (and sends nothing).
        #expect(state.press(.escape).isEmpty)
    }

    @Test func aWriteRetriedCannotBeGivenUp() {
        var state = Fixture.loadedState()
        _ = reduce(&state, .retryScheduled(RetryNotice(method: "POST", path: "/v1/listingcarts", attempt: 2,
                                                       delay: .seconds(1), reason: "HTTP 503")))
        #expect(!state.statusLine.contains("Esc give up"), "|\(state.statusLine)|")
        #expect(!state.press(.escape).contains { if case .cancel = $0 { true } else { false } })
    }
}

@Suite("The last error, whole")
struct LastErrorTests {
    @Test(arguments: [Size(width: 80, height: 24), Size(width: 60, height: 15)])
    func eShowsTheRequestTheAnswerTheServersMessageAndWhatToDo(size: Size) {
        var state = FeedbackFixture.failedSwitchState(size: size)
        _ = state.press(.char("e"))
        #expect(state.overlay == .lastError)
        var text = ViewTests.screen(state).joined(separator: "\n")
        #expect(text.contains("The last error"))
        #expect(text.contains("✗ Couldn't switch to Carl Contact's group: That portal") && text.contains("available. Pick another group."),
                "the sentence whole, wrapped: \(text)")
        #expect(text.contains("PUT /v1/portal/groups/current"))
        #expect(text.contains("HTTP 409, Spark code 1025"))
        #expect(text.contains("The group is not valid for this user."), "the server's own message: \(text)")
        // Scrolled to its end, the advice is all there, and no further.
        _ = state.press(.end)
        text = ViewTests.screen(state).joined(separator: "\n")
        #expect(text.contains("Pick another group in the picker"), "\(text)")
        #expect(state.overlayScroll <= lastErrorScrollLimit(state))
        _ = state.press(.escape)
        #expect(state.overlay == nil)
    }

    @Test func the80x24Window() {
        var state = FeedbackFixture.failedSwitchState(size: Size(width: 80, height: 24))
        _ = state.press(.char("e"))
        let lines = ViewTests.screen(state)
        #expect(lines.last == " Esc close  ↑↓ scroll" + String(repeating: " ", count: 59),
                "the bar offers the way out, not the error again: |\(lines.last ?? "")|")
        let top = try! #require(lines.firstIndex { $0.contains("The last error") })
        // The window is centred, one column in: its rows are columns 1 to 77.
        ViewTests.expectLines(lines[top...(top + 9)].map { String(Array($0)[1..<78]) }, [
            "┏ The last error ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
            "┃ ✗ Couldn't switch to Carl Contact's group: That portal group is no longer ┃",
            "┃   available. Pick another group.                                          ┃",
            "┃                                                                           ┃",
            "┃ Asked        PUT /v1/portal/groups/current                                ┃",
            "┃ Answer       HTTP 409, Spark code 1025                                    ┃",
            "┃ Its message  The group is not valid for this user.                        ┃",
            "┃ What to do   Pick another group in the picker (Enter), or press r to read ┃",
            "┃              the groups again.                                            ┃",
            "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ Esc close ┛",
        ])
    }

    @Test func aLongSentenceKeepsItsIndentOnEveryLine() {
        // A sentence whose wrapped lines are nearly as wide as the window: the indent of the second and later lines
        // must not push their last word onto a line of its own, at the left edge.
        var state = Fixture.loadedState(size: Size(width: 80, height: 24))
        let error = SparkError.api(status: 500, code: 0, message: "Injected fault 500/0",
                                   context: RequestContext(method: "PUT", path: "/v1/savedsearches/20201101221050000010000000"))
        state.feedback.lastError = LastError(
            sentence: "Couldn't rename the saved search 'Weekend cabins under $400k' to 'Weekend cabins under $400k 2': "
                + "the server failed (HTTP 500, code 0: Injected fault 500/0). The saved searches were re-read and show "
                + "what the server has.",
            error: error, at: .zero)
        _ = state.press(.char("e"))
        let lines = ViewTests.screen(state)
        let top = try! #require(lines.firstIndex { $0.contains("The last error") })
        ViewTests.expectLines(lines[(top + 1)...(top + 5)].map { String(Array($0)[1..<79]) }, [
            "┃ ✗ Couldn't rename the saved search 'Weekend cabins under $400k' to         ┃",
            "┃   'Weekend cabins under $400k 2': the server failed (HTTP 500, code 0:     ┃",
            "┃   Injected fault 500/0). The saved searches were re-read and show what the ┃",
            "┃   server has.                                                              ┃",
            "┃                                                                            ┃",
        ])
    }

    @Test func withNoErrorESaysSo() {
        var state = Fixture.loadedState()
        _ = state.press(.char("e"))
        #expect(state.overlay == nil)
        #expect(state.status?.text == "No error so far in this session.")
        #expect(!state.statusLine.contains("e error"), "the hint shows only once there is an error")
    }

    @Test func aTokenFromTheEnvironmentIsSaidToBeRefused() {
        var state = AppState(size: Size(width: 120, height: 40), endpointHost: "sparkapi.com")
        state.feedback.tokenFromEnvironment = true
        _ = reduce(&state, .started)
        let refused = SparkError.api(status: 401, code: 1000, message: "Invalid API key",
                                     context: RequestContext(method: "GET", path: "/v1/listingcarts"))
        _ = reduce(&state, .cartsLoaded(forGroup: nil, request: state.cartsRequest, .failure(refused)))
        let text = ViewTests.screen(state).joined(separator: "\n")
        #expect(text.contains("The token in SPARK_ACCESS_TOKEN was refused"), "\(text)")
        #expect(!text.contains("login again"))
    }

    @Test func theRequestLogSaysTheCodeOnceWithTheServersMessage() {
        var state = Fixture.loadedState(size: Size(width: 120, height: 30))
        _ = reduce(&state, .requestFinished(RequestEvent(
            method: "PUT", path: "/v1/portal/groups/current", status: 409, sparkCode: 1025, duration: .milliseconds(9), attempt: 1,
            errorSummary: "HTTP 409, Spark code 1025", message: "The group is not valid for this user.")))
        _ = reduce(&state, .requestFinished(RequestEvent(
            method: "GET", path: "/v1/listingcarts", status: 503, sparkCode: 0, duration: .milliseconds(3), attempt: 2,
            errorSummary: "HTTP 503, Spark code 0")))
        _ = reduce(&state, .requestFinished(RequestEvent(
            method: "GET", path: "/v1/portal/groups", status: nil, sparkCode: nil, duration: .seconds(20), attempt: 1,
            errorSummary: "timed out")))
        _ = state.press(.char("L"))
        let lines = ViewTests.screen(state)
        // The log's columns (Presenter's): method, status, time, path, the answer.
        let put = lines.first { $0.contains("PUT") && $0.contains(" 409 ") } ?? ""
        #expect(put.contains("/v1/portal/groups/current") && put.contains("Spark code 1025: The group is not valid for this user."),
                "\(put)")
        #expect(put.components(separatedBy: "1025").count == 2, "the code once: \(put)")
        let unavailable = lines.first { $0.contains("GET") && $0.contains(" 503 ") } ?? ""
        #expect(unavailable.contains("/v1/listingcarts") && unavailable.contains("try 2") && !unavailable.contains("code 0"),
                "\(unavailable)")
        #expect(lines.contains { $0.contains("GET") && $0.contains(" — ") && $0.contains("/v1/portal/groups") && $0.contains("timed out") })
    }
}

@Suite("Typing a filter, help, the groups' pages")
struct PolishTests {
    @Test func ctrlUClearsTheFilterInput() {
        var state = Fixture.loadedState()
        _ = state.press(.char("g"), .char("/"))
        _ = state.type("carl")
        #expect(state.pickerNames == ["Carl Contact"])
        _ = state.press(.left, .left, .ctrl("u"))
        #expect(state.filterEditor.text == "rl", "Ctrl-U deletes before the cursor")
        _ = state.press(.end, .ctrl("u"))
        #expect(state.filterEditor.text.isEmpty && state.filter(.groups).isEmpty)
        #expect(state.pickerNames.count == 4, "every group again")
        #expect(state.editingFilter == .groups, "still typing")
    }

    @Test func aListingsFilterWithNoMatchSaysSo() {
        var state = ViewTests.listingsState(size: Size(width: 80, height: 24))
        _ = state.press(.char("/"))
        _ = state.type("zzz")
        let screen = ViewTests.screen(state)
        #expect(screen.contains { $0.contains("│  no listing matches the filter") || $0.contains("┃  no listing matches the filter") },
                "indented as a row's text: \(screen.joined(separator: "\n"))")
        #expect(!screen.contains { $0.contains("no listings in this cart") })
    }

    @Test func helpListsEveryKeyAndStopsAtItsEndAt60x15() {
        var state = Fixture.loadedState(size: Size(width: 60, height: 15))
        _ = state.press(.char("?"))
        var seen = ViewTests.screen(state).joined(separator: "\n")
        for _ in 0..<60 {
            _ = state.press(.down)
            seen += ViewTests.screen(state).joined(separator: "\n")
        }
        for key in ["PgUp/^B", "PgDn/^F", "?/F1", "q/^C", "^U ^W ^K"] {
            #expect(seen.contains(key), "help lacks \(key)")
        }
        #expect(state.overlayScroll == helpScrollLimit(state), "stops at its end")
        let end = ViewTests.screen(state)
        #expect(end.contains { $0.contains("^X is Ctrl-X") }, "its last line is on screen: \(end.joined(separator: "\n"))")
        #expect(end.contains { $0.contains("Esc close") } && !end.contains { $0.contains("↓ more") })
    }

    @Test func groupsFillInAsPagesArrive() {
        var state = AppState(size: Size(width: 120, height: 40), endpointHost: "sparkapi.com")
        let effects = reduce(&state, .started)
        #expect(effects.contains(.loadGroupPages(request: 1)))
        _ = reduce(&state, .groupPageLoaded(request: 1, ListProgress(items: [Fixture.ozzy], page: 1, pageCount: 3, totalRows: 3)))
        #expect(state.pickerNames == ["My own workspace", "Ozzy Owner"], "usable after one page")
        #expect(state.groups.isLoading)
        var screen = ViewTests.screen(state).joined(separator: "\n")
        #expect(screen.contains("1 of 3"), "\(screen)")
        // A page of an older request is dropped.
        _ = reduce(&state, .groupPageLoaded(request: 0, ListProgress(items: [Fixture.amelie], page: 2, pageCount: 3)))
        #expect(state.pickerNames.count == 2)
        _ = reduce(&state, .groupPageLoaded(request: 1, ListProgress(items: [Fixture.carl], page: 2, pageCount: 3, totalRows: 3)))
        _ = reduce(&state, .groupPagesFailed(request: 1, FeedbackFixture.stalled))
        #expect(state.pickerNames.count == 3, "what arrived stays")
        #expect(state.status?.text.hasPrefix("Couldn't read all the portal groups: page 3 of 3 failed:") == true,
                "\(state.status?.text ?? "")")
        screen = ViewTests.screen(state).joined(separator: "\n")
        #expect(screen.contains("2 of 3"), "the count says some are missing: \(screen)")
        // r starts again from page 1.
        #expect(state.press(.char("r")).contains(.loadGroupPages(request: 2)))
        for (page, group) in [Fixture.ozzy, Fixture.carl, Fixture.amelie].enumerated() {
            _ = reduce(&state, .groupPageLoaded(request: 2, ListProgress(items: [group], page: page + 1, pageCount: 3, totalRows: 3)))
        }
        #expect(state.groups == .loaded([Fixture.ozzy, Fixture.carl, Fixture.amelie]))
        #expect(state.pickerNames.count == 4)
    }
}
