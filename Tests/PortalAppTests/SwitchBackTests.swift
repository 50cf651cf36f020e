import SparkAPI
import Testing
import TerminalUI
@testable import PortalApp

/// Found by the reliability suite (1,000 alternating switches): choosing the old group back in the moment
/// between a switch's answer and the re-read of the current group must still be sent.
@Suite struct SwitchBackTests {
    @Test func choosingTheOldGroupBeforeTheReReadArrivesIsSent() {
        var state = Fixture.loadedState()                      // current: Ozzy
        _ = state.press(.char("g"), .down, .down, .enter)       // Carl
        _ = reduce(&state, .groupSwitched(to: .group(id: "G-CARL"), .success(Empty())))
        // The server now has Carl; the screen still says Ozzy until the re-read answers.
        #expect(state.currentGroup.isLoading)
        _ = state.press(.char("G"))                              // Ozzy Owner is the last row
        #expect(state.highlightedGroup?.id == "G-OZZY")
        let effects = state.press(.enter)
        #expect(effects == [.switchGroup(to: .group(id: "G-OZZY"))])
    }

    @Test func choosingTheSettledCurrentGroupStillSendsNothing() {
        var state = Fixture.loadedState()
        _ = state.press(.char("g"), .down, .down, .enter)
        _ = reduce(&state, .groupSwitched(to: .group(id: "G-CARL"), .success(Empty())))
        _ = reduce(&state, .currentGroupLoaded(request: state.currentGroupRequest, .success(Fixture.carl)))
        #expect(state.press(.enter).isEmpty)
        #expect(state.status?.text == "Already acting for Carl Contact's group.")
    }
}
