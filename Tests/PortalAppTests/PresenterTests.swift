import Foundation
import SparkAPI
import Testing
import TerminalUI
@testable import PortalApp

private typealias W = Workspace15

/// The presenter's tools (Presenter.swift): requests as curl commands, the request log's keys, and acting as another
/// demo member (`A`).
@Suite struct PresenterTests {
    static func event(_ method: String, _ path: String, status: Int? = 200, body: String? = nil,
                      host: String = "https://sparkapi.com") -> RequestEvent {
        RequestEvent(method: method, path: path, status: status, sparkCode: status == 200 ? 0 : nil, duration: .milliseconds(84),
                     attempt: 1, errorSummary: nil, url: host + path, userAgent: "spark-portal/0.1.0", body: body)
    }

    // MARK: - curl

    @Test func aReadIsTheWalkthroughsCurlWithTheTokenLeftToTheShell() {
        #expect(curlCommand(for: Self.event("GET", "/v1/portal/groups/current")) == """
            curl "https://sparkapi.com/v1/portal/groups/current" -H "X-SparkApi-User-Agent: spark-portal/0.1.0" \
            -H "Authorization: OAuth $SPARK_ACCESS_TOKEN"
            """)
    }

    @Test func aWriteCarriesItsMethodAndJSONBodyAsTheWalkthroughWritesThem() {
        let put = Self.event("PUT", "/v1/portal/groups/current", body: #"{"D":{"Id":"20130919194721820379000000"}}"#)
        #expect(curlCommand(for: put) == """
            curl "https://sparkapi.com/v1/portal/groups/current" -H "X-SparkApi-User-Agent: spark-portal/0.1.0" \
            -H "Authorization: OAuth $SPARK_ACCESS_TOKEN" -H 'Content-Type: application/json' -X PUT \
            --data '{"D":{"Id":"20130919194721820379000000"}}'
            """)
        // A quote in a name cannot end the shell's quoting; a DELETE has no body.
        let rename = Self.event("PUT", "/v1/listingcarts/K3", body: #"{"D":{"Name":"Betty's $HOME `x`"}}"#)
        #expect(curlCommand(for: rename)?.hasSuffix(#"--data '{"D":{"Name":"Betty'\''s $HOME `x`"}}'"#) == true)
        #expect(curlCommand(for: Self.event("DELETE", "/v1/portal/groups/current"))?.hasSuffix(#"$SPARK_ACCESS_TOKEN" -X DELETE"#) == true)
    }

    @Test func aURLWithShellCharactersIsSingleQuotedAndAnEventWithoutOneHasNoCommand() {
        let odd = Self.event("GET", "/v1/listingcarts?_filter=Name Eq '$x'")
        #expect(curlCommand(for: odd)?.hasPrefix(#"curl 'https://sparkapi.com/v1/listingcarts?_filter=Name Eq '\''$x'\'''"#) == true)
        var lost = Self.event("GET", "/v1/listingcarts")
        lost.url = nil
        #expect(curlCommand(for: lost) == nil)
    }

    @Test func theTokenGrantHasNoAuthorizationAndNoBody() {
        let grant = Self.event("POST", "/v1/oauth2/grant")
        let curl = curlCommand(for: grant)
        #expect(curl?.contains("Authorization") == false)
        #expect(curl?.contains("--data") == false)
        #expect(requestDetailLines(grant).contains { $0.text.contains("Its body is not shown") })
    }

    @Test func osc52CarriesTheTextAsBase64() {
        #expect(Clipboard.osc52("hi") == "\u{1B}]52;c;aGk=\u{07}")
        let curl = curlCommand(for: Self.event("PUT", "/v1/portal/groups/current", body: #"{"D":{"Id":"é"}}"#))!
        #expect(Clipboard.text(ofOSC52: Clipboard.osc52(curl)) == curl)
    }

    // MARK: - The request log

    @Test func enterShowsTheHighlightedRequestAsCurlAndYCopiesIt() {
        var state = W.cartsState()
        for event in [Self.event("GET", "/v1/listingcarts"),
                      Self.event("PUT", "/v1/portal/groups/current", body: #"{"D":{"Id":"G-OZZY"}}"#),
                      Self.event("GET", "/v1/portal/groups/current")] {
            _ = reduce(&state, .requestFinished(event))
        }
        _ = state.press(.char("L"))
        #expect(state.requestLogRow == 0, "the log opens on the newest")
        _ = state.press(.char("j"))
        // A request coming in meanwhile does not move the highlight off the PUT.
        _ = reduce(&state, .requestFinished(Self.event("GET", "/v1/listingcarts")))
        #expect(state.selectedRequest?.method == "PUT")
        _ = state.press(.enter)
        let lines = ViewTests.screen(state)
        #expect(lines.contains { $0.contains("PUT /v1/portal/groups/current") })
        #expect(lines.contains { $0.contains(#"Body     {"D":{"Id":"G-OZZY"}}"#) })
        #expect(lines.contains { $0.contains("$SPARK_ACCESS_TOKEN") })
        #expect(lines.contains { $0.contains("-X PUT --data") })
        let copy = state.press(.char("y"))
        #expect(copy == [.copyToClipboard(curlCommand(for: state.selectedRequest!)!)])
        #expect(state.status?.text.hasPrefix("Copied the curl command for PUT /v1/portal/groups/current") == true)
        _ = state.press(.escape)
        #expect(state.overlay == .requestLog && !state.presenter.logDetail)
        _ = state.press(.escape)
        #expect(state.overlay == nil)
    }

    // MARK: - Acting as another member

    static let johnny = ActAsMember(id: "C-JOHNNY", name: "Johnny Consumer")

    @Test func outsideTheDemoTheKeySaysItIsADemoFeature() {
        var state = W.cartsState()
        #expect(state.press(.char("A")) == [])
        #expect(state.presenter.chooser == nil)
        #expect(state.status?.text.hasPrefix("Acting as another member is a demo feature") == true)
        #expect(!ViewTests.screen(state).last!.contains("act as"), "no hint for a key that cannot work here")
    }

    @Test func inTheDemoTheChooserListsTheGroupsOtherMembersWithTokensAndSwitches() {
        var state = W.cartsState()
        state.presenter.demoMembers = [ActAsMember(id: "C-BETTY", name: "Betty Buyer"), Self.johnny,
                                       ActAsMember(id: "C-STRANGER", name: "Not In The Group")]
        _ = state.press(.char("A"))
        #expect(state.presenter.chooserMembers == [Self.johnny])
        #expect(ViewTests.screen(state).contains { $0.contains("Act as (demo)") })
        #expect(state.press(.enter) == [.actAs(Self.johnny)])
        #expect(state.status?.kind == .progress)
        // The runner has switched the token: everything is read again as Johnny, nothing of Betty's stays.
        let reads = reduce(&state, .actingAs(Self.johnny, switched: true))
        #expect(reads.contains(.loadAccount) && reads.contains(.loadGroupPages(request: state.groupPaging.request)))
        #expect(reads.contains(.loadCurrentGroup(request: state.currentGroupRequest)))
        #expect(state.account.value == nil && state.carts.value == nil)
        #expect(state.status?.text == "Acting as Johnny Consumer (demo).")
        // Johnny's current group is another: the app chooses Ozzy's for him.
        _ = reduce(&state, .groupsLoaded(.success(Fixture.groups)))
        let choose = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.carl)))
        #expect(choose.contains(.switchGroup(to: W.ozzy)))
    }

    @Test func noTokenForTheMemberChangesNothing() {
        var state = W.cartsState()
        state.presenter.demoMembers = [Self.johnny]
        _ = state.press(.char("A"), .enter)
        #expect(reduce(&state, .actingAs(Self.johnny, switched: false)) == [])
        #expect(state.account.value?.name == "Betty Buyer")
        #expect(state.status?.kind == .error)
    }
}
