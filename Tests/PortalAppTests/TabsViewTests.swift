import Foundation
import SparkAPI
import Testing
import TerminalUI
@testable import PortalApp

private typealias T = Tabs17
private typealias W = Workspace15

/// The workspace pane's tabs (#17) as whole-screen goldens at 80×24 and 200×50: the Searches and Feeds tabs, the
/// news feeds a key may not read, the search dialogs, a search's listings, and changes on their way.
@Suite struct TabsViewTests {
    /// The Searches tab: ◆ on the search the agent provided, the highlighted one's filter under the list.
    @Test func searches80x24() {
        ViewTests.expectLines(ViewTests.screen(T.searchesState(size: Size(width: 80, height: 24))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┌ Portal groups ──────────── 3 ┐┌ Members · Ozzy Owner ───────────────────── 3 ┐",
            "│  Owner                Members││  Name                                   Role │",
            "│  My own workspace            ││▸ Ozzy Owner                             owner│",
            "│  Amélie Durand              3││  Johnny Consumer                             │",
            "│  Carl Contact               2││  Betty Buyer                                 │",
            "│● Ozzy Owner                 3││                                              │",
            "│                              ││                                              │",
            "│                              │└──────────────────────────────────────────────┘",
            "│                              │┏ Carts · Searches · Feeds · Ozzy Owner ━━━━ 3 ┓",
            "│                              │┃  Name                              Changed   ┃",
            "│                              │┃▸ Sandpoint under $600k             2026-10-14┃",
            "│                              │┃  Lake towns, 2+ baths              2026-10-20┃",
            "│                              │┃◆ Casas cerca de la escuela         2026-11-02┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃──────────────────────────────────────────────┃",
            "│                              │┃ Filter: City Eq 'Sandpoint' And ListPrice Le ┃",
            "│                              │┃ 600000.0 …                                   ┃",
            "└──────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk move  [/] tab  Enter listings  R rename  d delete  Tab pane  ? help      ",
        ])
    }

    /// The Feeds tab at 80: active or paused (‖) and the last event (the search each follows where there is room).
    @Test func feeds80x24() {
        ViewTests.expectLines(ViewTests.screen(T.feedsState(size: Size(width: 80, height: 24))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┌ Portal groups ──────────── 3 ┐┌ Members · Ozzy Owner ───────────────────── 3 ┐",
            "│  Owner                Members││  Name                                   Role │",
            "│  My own workspace            ││▸ Ozzy Owner                             owner│",
            "│  Amélie Durand              3││  Johnny Consumer                             │",
            "│  Carl Contact               2││  Betty Buyer                                 │",
            "│● Ozzy Owner                 3││                                              │",
            "│                              ││                                              │",
            "│                              │└──────────────────────────────────────────────┘",
            "│                              │┏ Carts · Searches · Feeds · Ozzy Owner ━━━━ 2 ┓",
            "│                              │┃  Name                       State  Last event┃",
            "│                              │┃▸ Sandpoint: new and reduced active 2026-11-30┃",
            "│                              │┃‖ Lake towns                 paused never     ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "└──────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk move  [/] tab  Enter listings  p pause/resume  Tab pane  ? help          ",
        ])
    }

    /// 403/1500: a sentence in the tab, not an error; Enter and p are not offered.
    @Test func feedsTheKeyMayNotRead80x24() {
        var state = T.searchesState(size: Size(width: 80, height: 24))
        _ = state.press(.char("]"))
        _ = reduce(&state, .feedsLoaded(forGroup: T.ozzy, request: state.workspaceTabs.feeds.request,
                                        .success(.unavailable(T.noPrivilege))))
        ViewTests.expectLines(ViewTests.screen(state), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┌ Portal groups ──────────── 3 ┐┌ Members · Ozzy Owner ───────────────────── 3 ┐",
            "│  Owner                Members││  Name                                   Role │",
            "│  My own workspace            ││▸ Ozzy Owner                             owner│",
            "│  Amélie Durand              3││  Johnny Consumer                             │",
            "│  Carl Contact               2││  Betty Buyer                                 │",
            "│● Ozzy Owner                 3││                                              │",
            "│                              ││                                              │",
            "│                              │└──────────────────────────────────────────────┘",
            "│                              │┏ Carts · Searches · Feeds · Ozzy Owner ━━━━━━━┓",
            "│                              │┃ News feeds need a privileged API key, and    ┃",
            "│                              │┃ this key is not one. Ask your Spark key      ┃",
            "│                              │┃ administrator.                               ┃",
            "│                              │┃ Saved searches and carts work as usual; r    ┃",
            "│                              │┃ asks again.                                  ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "└──────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk move  [/] tab  Tab pane  r refresh  / filter  L requests  ? help  q quit ",
        ])
    }

    /// d names the search, the feed that goes with it and the workspace, and says it cannot be undone.
    @Test func deleteSearchQuestion80x24() {
        ViewTests.expectLines(ViewTests.screen(WorkspaceViewTests.press(T.feedsState(size: Size(width: 80, height: 24)), .char("["), .char("j"), .char("d"))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┌ Portal groups ──────────── 3 ┐┌ Members · Ozzy Owner ───────────────────── 3 ┐",
            "│  Owner                Members││  Name                                   Role │",
            "│  My own workspace            ││▸ Ozzy Owner                             owner│",
            "│  Amélie Durand              3││  Johnny Consumer                             │",
            "│  Carl Contact               2││  Betty Buyer                                 │",
            "│● Ozzy Owner                 3││                                              │",
            "│                              ││                                              │",
            "│                              │└──────────────────────────────────────────────┘",
            "│         ┏ Delete saved search ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓r ━━━━ 3 ┓",
            "│         ┃ Delete the saved search 'Lake towns, 2+ baths' and the   ┃hanged   ┃",
            "│         ┃ news feed 'Lake towns' that follows it from Ozzy Owner's ┃026-10-14┃",
            "│         ┃ group? This cannot be undone: spark-portal cannot create ┃026-10-20┃",
            "│         ┃ saved searches. y/N                                      ┃026-11-02┃",
            "│         ┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ y delete · N keep ┛         ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃──────────────────────────────────────────────┃",
            "│                              │┃ Filter: City Eq 'Sandpoint','Priest          ┃",
            "│                              │┃ River','Bonners Ferry' And BathsTotal Ge 2   ┃",
            "└──────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " y delete  n/Esc keep                                                           ",
        ])
    }

    /// A name another search has stays in the dialog with the reason.
    @Test func renameSearchRefused80x24() {
        var state = T.searchesState(size: Size(width: 80, height: 24))
        _ = state.press(.char("R"), .ctrl("u"))
        _ = state.type(" LAKE TOWNS, 2+ baths ")
        _ = state.press(.enter)
        ViewTests.expectLines(ViewTests.screen(state), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┌ Portal groups ──────────── 3 ┐┌ Members · Ozzy Owner ───────────────────── 3 ┐",
            "│  Owner                Members││  Name                                   Role │",
            "│  My own workspace            ││▸ Ozzy Owner                             owner│",
            "│  Amélie Durand              3││  Johnny Consumer                             │",
            "│  Carl Contact               2││  Betty Buyer                                 │",
            "│● Ozzy Owner                 3││                                              │",
            "│                              ││                                              │",
            "│    ┏ Rename saved search ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓────┘",
            "│    ┃ A new name for 'Sandpoint under $600k' in Ozzy Owner's group.      ┃━ 3 ┓",
            "│    ┃                                                                    ┃d   ┃",
            "│    ┃ Name:  LAKE TOWNS, 2+ baths                                        ┃0-14┃",
            "│    ┃ ✗ 'Lake towns, 2+ baths' is already a saved search here. Choose    ┃0-20┃",
            "│    ┃ another name.                                                      ┃1-02┃",
            "│    ┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ Enter rename · Esc cancel ┛    ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃──────────────────────────────────────────────┃",
            "│                              │┃ Filter: City Eq 'Sandpoint' And ListPrice Le ┃",
            "│                              │┃ 600000.0 …                                   ┃",
            "└──────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " Enter rename  Esc cancel                                                       ",
        ])
    }

    /// Enter on a search: its listings in the listings view, titled by the search; no `d remove` hint.
    @Test func searchListings80x24() {
        var state = T.searchesState(size: Size(width: 80, height: 24))
        _ = state.press(.enter)
        _ = reduce(&state, .listingsPageLoaded(source: .search(id: "S1", provided: false), page: 1,
                                               .success(Fixture.page([W.l1, W.l2], page: 1, totalRows: 2))))
        ViewTests.expectLines(ViewTests.screen(state), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group       sparkapi.com ",
            "┌ Portal groups ──────────── 3 ┐┌ Members · Ozzy Owner ───────────────────── 3 ┐",
            "│  Owner                Members││  Name                                   Role │",
            "│  My own workspace            ││▸ Ozzy Owner                             owner│",
            "│  Amélie Durand              3││  Johnny Consumer                             │",
            "│  Carl Contact               2││  Betty Buyer                                 │",
            "│● Ozzy Owner                 3││                                              │",
            "│                              ││                                              │",
            "│                              │└──────────────────────────────────────────────┘",
            "│                              │┏ Sandpoint under $600k · listings ━━━━━━━━━ 2 ┓",
            "│                              │┃  Address              Price Beds/baths Status┃",
            "│                              │┃▸ 101 Birch         $251,000 3 bd 2 ba  Active┃",
            "│                              │┃  102 Birch         $252,000 3 bd 2 ba  Active┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "│                              │┃                                              ┃",
            "└──────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk move  Enter details  f favorite  x reject  a add  Esc back  ? help       ",
        ])
    }

    /// 200×50: the rename on its way on the row and in the status line, the highlighted search's whole filter below.
    @Test func searchesRenamePending200x50() {
        var state = T.searchesState(size: Size(width: 200, height: 50))
        _ = state.press(.char("j"), .char("R"), .ctrl("u"))
        _ = state.type("Lakes")
        _ = state.press(.enter)
        ViewTests.expectLines(ViewTests.screen(state), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                                                                                                             ⠋ sparkapi.com ",
            "┌ Portal groups ────────────────────────────── 3 ┐┌ Members · Ozzy Owner ─────────────────────────────────────── 3 ┐┏ Carts · Searches · Feeds · Ozzy Owner ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 3 ┓",
            "│  Owner                                  Members││  Name                                                     Role │┃  Name                                                                  Changed   ┃",
            "│  My own workspace                              ││▸ Ozzy Owner                                               owner│┃  Sandpoint under $600k                                                 2026-10-14┃",
            "│  Amélie Durand                                3││  Johnny Consumer                                               │┃⠋ Lake towns, 2+ baths                               renaming to Lakes… 2026-10-20┃",
            "│  Carl Contact                                 2││  Betty Buyer                                                   │┃◆ Casas cerca de la escuela                                             2026-11-02┃",
            "│● Ozzy Owner                                   3││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃──────────────────────────────────────────────────────────────────────────────────┃",
            "│                                                ││                                                                │┃ Filter: City Eq 'Sandpoint','Priest River','Bonners Ferry' And BathsTotal Ge 2   ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "└────────────────────────────────────────────────┘└────────────────────────────────────────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk move  [/] tab  Enter listings  R rename  d delete  Tab pane  r refresh  / filter  L requests  ? help  q quit                      ⠋ Renaming the saved search 'Lake towns, 2+ baths' to 'Lakes'… ",
        ])
    }

    /// 200×50: every column of the feeds, a pause on its way.
    @Test func feedsPausePending200x50() {
        ViewTests.expectLines(ViewTests.screen(WorkspaceViewTests.press(T.feedsState(size: Size(width: 200, height: 50)), .char("p"))), [
            " spark-portal · Betty Buyer · acting for: Ozzy Owner's group                                                                                                                             ⠋ sparkapi.com ",
            "┌ Portal groups ────────────────────────────── 3 ┐┌ Members · Ozzy Owner ─────────────────────────────────────── 3 ┐┏ Carts · Searches · Feeds · Ozzy Owner ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 2 ┓",
            "│  Owner                                  Members││  Name                                                     Role │┃  Name                                     State  Follows               Last event┃",
            "│  My own workspace                              ││▸ Ozzy Owner                                               owner│┃⠋ Sandpoint: new and reduced      pausing… active Sandpoint under $600k 2026-11-30┃",
            "│  Amélie Durand                                3││  Johnny Consumer                                               │┃‖ Lake towns                               paused Lake towns, 2+ baths  never     ┃",
            "│  Carl Contact                                 2││  Betty Buyer                                                   │┃                                                                                  ┃",
            "│● Ozzy Owner                                   3││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "│                                                ││                                                                │┃                                                                                  ┃",
            "└────────────────────────────────────────────────┘└────────────────────────────────────────────────────────────────┘┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛",
            " ↑↓/jk move  [/] tab  Enter listings  p pause/resume  Tab pane  r refresh  / filter  L requests  ? help  q quit                                   ⠋ Pausing the news feed 'Sandpoint: new and reduced'… ",
        ])
    }
}
