import Testing
@testable import TerminalUI

@Suite("Widgets")
struct WidgetTests {
    @Test("block: border, titles, inner area")
    func block() {
        expectLines(rendered(Block(title: "Hi"), width: 10, height: 3), [
            "┌ Hi ────┐",
            "│        │",
            "└────────┘",
        ])
        expectLines(rendered(Block(title: "Hi", titleRight: "3", focused: true), width: 10, height: 3), [
            "┏ Hi ━ 3 ┓",
            "┃        ┃",
            "┗━━━━━━━━┛",
        ])
        expectLines(rendered(Block(title: "A long title here"), width: 10, height: 2), [
            "┌ A lon… ┐",
            "└────────┘",
        ])
        expectLines(rendered(Block(title: "名前 list"), width: 9, height: 2), [
            "┌ 名前… ┐",
            "└───────┘",
        ])
        let block = Block(title: "x")
        #expect(block.inner(Rect(x: 2, y: 3, width: 10, height: 5)) == Rect(x: 3, y: 4, width: 8, height: 3))
        #expect(block.inner(Rect(x: 0, y: 0, width: 2, height: 2)).isEmpty)
        #expect(block.inner(Rect(x: 0, y: 0, width: 1, height: 9)).isEmpty)
    }

    @Test("focus shows without colour: heavy border and bold title")
    func focusWithoutColour() {
        let b = rendered(Block(title: "T", focused: true), width: 6, height: 3)
        #expect(b[0, 0].grapheme == "┏")
        #expect(b[2, 0].style.attributes.contains(.bold))
        #expect(b[0, 0].style.fg == .default)
    }

    func sampleList(count: Int, selected: Int?, offset: Int = 0) -> ListWidget {
        let names = ["Alpha", "中文名字", "José", "🏠 Home", "Zed"]
        return ListWidget(count: count,
                          columns: [.flexible, ListWidget.Column(.fixed(3), alignment: .right)],
                          state: ListState(selected: selected, offset: offset)) { i in
            ListWidget.Row([names[i % names.count], "\(i * 11)"], marker: i == 2 ? "●" : "")
        }
    }

    @Test("list: marker column, right-aligned column, highlighted selection, wide text aligned")
    func list() {
        let b = rendered(sampleList(count: 5, selected: 1), width: 12, height: 4)
        expectLines(b, [
            "  Alpha    0",
            "▸ 中文…   11",
            "● José    22",
            "  🏠 Ho…  33",
        ])
        expectAligned(b)
        #expect(b[4, 1].style.attributes == [.reverse, .bold])
        #expect(b[11, 1].style.attributes == [.reverse, .bold])
        #expect(b[4, 0].style == .plain)
    }

    @Test("list scrolls to keep the selection visible")
    func listScrolls() {
        let b = rendered(sampleList(count: 5, selected: 4), width: 12, height: 2)
        expectLines(b, [
            "  🏠 Ho…  33",
            "▸ Zed     44",
        ])
        var scratch = Buffer(size: Size(width: 12, height: 2))
        let state = sampleList(count: 5, selected: 4).renderReturningState(in: scratch.area, into: &scratch)
        #expect(state.offset == 3)
    }

    @Test("a list of 100,000 rows asks only for the visible ones")
    func listIsLazy() {
        final class Counter { var asked: [Int] = [] }
        let counter = Counter()
        let list = ListWidget(count: 100_000, state: ListState(selected: 50_000)) { i in
            counter.asked.append(i)
            return ListWidget.Row(["row \(i)"])
        }
        var b = Buffer(size: Size(width: 20, height: 5))
        list.render(in: b.area, into: &b)
        #expect(counter.asked == Array(49_996...50_000))
        #expect(b.lines.last == TextWidth.pad("▸ row 50000", to: 20))
    }

    @Test("list with a header row and plain items")
    func listHeader() {
        let list = ListWidget(count: 3, columns: [.flexible, ListWidget.Column(.fixed(5), alignment: .right)],
                              state: ListState(selected: 2), header: ListWidget.Row(["Name", "Carts"])) { i in
            ListWidget.Row(["Cart \(i)", "\(i)"])
        }
        let b = rendered(list, width: 14, height: 3)
        expectLines(b, [
            "  Name   Carts",
            "  Cart 1     1",
            "▸ Cart 2     2",
        ])
        #expect(b[2, 0].style.attributes.contains(.underline))
        #expect(list.visibleRowCount(in: Rect(x: 0, y: 0, width: 14, height: 3)) == 2)
        expectLines(rendered(ListWidget(items: ["a", "b"], state: ListState(selected: 0)), width: 4, height: 2), ["▸ a ", "  b "])
    }

    @Test("empty list shows its empty text where a row's text would start")
    func emptyList() {
        let list = ListWidget(count: 0, emptyText: "no groups") { _ in ListWidget.Row([]) }
        expectLines(rendered(list, width: 12, height: 2), ["  no groups ", "            "])
        // Narrower than the marker column: from the left edge.
        expectLines(rendered(list, width: 2, height: 1), ["n…"])
    }

    @Test("column widths share the space and shrink from the right")
    func columnWidths() {
        let list = ListWidget(count: 0, columns: [.flexible, ListWidget.Column(.fixed(5)), .flexible]) { _ in ListWidget.Row([]) }
        #expect(list.columnWidths(in: 20) == [6, 5, 7])
        #expect(list.columnWidths(in: 6) == [1, 3, 0])
        #expect(list.columnWidths(in: 0) == [0, 0, 0])
    }

    /// Names with a count and a kind: the name is flexible, the others sized by what is in view.
    func contentList(_ rows: [[String]], selected: Int? = nil, header: Bool = true) -> ListWidget {
        ListWidget(count: rows.count,
                   columns: [.flexible, ListWidget.Column(.content, alignment: .right, priority: 1),
                             ListWidget.Column(.content, priority: 2)],
                   state: ListState(selected: selected),
                   header: header ? ListWidget.Row(["Name", "Listings", "Type"]) : nil,
                   compactHeader: ListWidget.Row(["Name", "#", "Type"])) { ListWidget.Row(rows[$0]) }
    }

    @Test("content columns: the name first, then the others in priority order while they fit")
    func contentColumns() {
        let rows = [["Weekend cabins near lake", "3", "custom"], ["Favorites", "12", ""]]
        // Everything fits: the name takes what is left, the others line up on the right.
        expectLines(rendered(contentList(rows), width: 48, height: 3), [
            "  Name                           Listings Type  ",
            "  Weekend cabins near lake              3 custom",
            "  Favorites                            12       ",
        ])
        // No room for the type: it goes, the name stays whole.
        expectLines(rendered(contentList(rows), width: 36, height: 3), [
            "  Name                      Listings",
            "  Weekend cabins near lake         3",
            "  Favorites                       12",
        ])
        // No room for "Listings": the compact header "#" keeps the count.
        expectLines(rendered(contentList(rows), width: 30, height: 3), [
            "  Name                       #",
            "  Weekend cabins near lake   3",
            "  Favorites                 12",
        ])
        // Narrower than the name alone: only now is the name cut, and it has the whole row.
        expectLines(rendered(contentList(rows), width: 20, height: 3), [
            "  Name              ",
            "  Weekend cabins ne…",
            "  Favorites         ",
        ])
    }

    @Test("a content column with a largest width cuts its long cells instead of pushing out the columns after it")
    func contentColumnMaxWidth() {
        let list = ListWidget(count: 2, columns: [.flexible, ListWidget.Column(.content, priority: 1, maxWidth: 8),
                                                  ListWidget.Column(.content, alignment: .right, priority: 2)]) { i in
            ListWidget.Row([["12 Birch", "3 Oak"][i], ["Active Under Contract", "Closed"][i], ["$1", "$250,000"][i]])
        }
        expectLines(rendered(list, width: 30, height: 2), [
            "  12 Birch   Active …       $1",
            "  3 Oak      Closed   $250,000",
        ])
    }

    @Test("a capped column that may grow takes the room left after the names, up to its widest cell; short of room it is cut")
    func contentColumnGrowsIntoSpare() {
        func list(_ grows: Bool) -> ListWidget {
            ListWidget(count: 2, columns: [.flexible, ListWidget.Column(.content, priority: 2, maxWidth: 8, growsIntoSpare: grows),
                                           ListWidget.Column(.content, priority: 1)]) { i in
                ListWidget.Row([["Sandpoint", "Lake"][i], ["City Eq 'Sandpoint'", "Baths Ge 2"][i], ["Dec 3", "Nov 1"][i]])
            }
        }
        // The filter at its widest, the rest to the name (spacing one column).
        expectLines(rendered(list(true), width: 40, height: 2), [
            "  Sandpoint    City Eq 'Sandpoint' Dec 3",
            "  Lake         Baths Ge 2          Nov 1",
        ])
        expectLines(rendered(list(false), width: 40, height: 2), [
            "  Sandpoint               City Eq… Dec 3",
            "  Lake                    Baths G… Nov 1",
        ])
        // Short of room for the whole filter: all that is left after the name and the date.
        expectLines(rendered(list(true), width: 30, height: 2), [
            "  Sandpoint City Eq 'Sa… Dec 3",
            "  Lake      Baths Ge 2   Nov 1",
        ])
    }

    @Test("content columns follow the rows in view: a long value far down does not widen the column")
    func contentColumnsInView() {
        let rows = (0..<50).map { ["Group \($0)", $0 == 40 ? "100000" : "3", ""] }
        let top = rendered(contentList(rows, selected: 0, header: false), width: 20, height: 3)
        expectLines(top, ["▸ Group 0          3", "  Group 1          3", "  Group 2          3"])
        let down = rendered(contentList(rows, selected: 40, header: false), width: 20, height: 3)
        expectLines(down, ["  Group 38         3", "  Group 39         3", "▸ Group 40    100000"])
        #expect(contentList(rows).columnWidths(in: 18, rows: [ListWidget.Row(["Group 1", "3", ""])], showsHeader: false) == [16, 1, 0],
                "a column with nothing in view is not shown")
    }

    @Test("a row with nothing after its name runs on over the empty cells, and does not widen the name column")
    func emptyCellsLendTheirRoom() {
        let rows = [["My own workspace", "", ""], ["Ann", "3", ""], ["Bob", "12", ""]]
        expectLines(rendered(contentList(rows, header: false), width: 16, height: 3), [
            "  My own worksp…",
            "  Ann          3",
            "  Bob         12",
        ])
        expectLines(rendered(contentList(rows, header: false), width: 19, height: 3), [
            "  My own workspace ",
            "  Ann             3",
            "  Bob            12",
        ])
    }

    @Test("wide characters and combining marks in content columns keep every row aligned")
    func contentColumnsWide() {
        let rows = [["湖畔の家", "5", "custom"], ["Rene\u{301}e's picks", "12", ""], ["🏡 Dream homes", "2", "agent"]]
        for width in [8, 14, 20, 26, 40] {
            let b = rendered(contentList(rows, selected: 1), width: width, height: 4)
            expectAligned(b)
        }
        expectLines(rendered(contentList(rows), width: 33, height: 4), [
            "  Name            Listings Type  ",
            "  湖畔の家               5 custom",
            "  Rene\u{301}e's picks         12       ",
            "  🏡 Dream homes         2 agent ",
        ])
    }

    @Test("paragraph wraps at spaces, breaks long words, keeps wide characters whole")
    func paragraph() {
        #expect(Paragraph.wrap("the quick brown fox", width: 10) == ["the quick", "brown fox"])
        #expect(Paragraph.wrap("abcdefghijkl", width: 5) == ["abcde", "fghij", "kl"])
        #expect(Paragraph.wrap("中文字符", width: 3) == ["中", "文", "字", "符"])
        #expect(Paragraph.wrap("", width: 3) == [""])
        #expect(Paragraph.wrap("🏠a", width: 1) == ["🏠", "a"])   // too wide alone: its own line, cut when drawn
        expectLines(rendered(Paragraph("one two three\nfour"), width: 8, height: 4), [
            "one two ",
            "three   ",
            "four    ",
            "        ",
        ])
        var scrolled = Paragraph("a\nb\nc")
        scrolled.scroll = 1
        expectLines(rendered(scrolled, width: 2, height: 2), ["b ", "c "])
    }

    @Test("status bar drops hints that do not fit, message on the right")
    func statusBar() {
        let bar = StatusBar(hints: [(key: "q", label: "quit"), (key: "?", label: "help"), (key: "Tab", label: "pane")], message: "ok")
        expectLines(rendered(bar, width: 30, height: 1), [" q quit  ? help  Tab pane  ok "])
        expectLines(rendered(bar, width: 20, height: 1), [" q quit  ? help  ok "])
        expectLines(rendered(bar, width: 6, height: 1), ["   ok "])
        expectLines(rendered(StatusBar(message: "a very long message"), width: 8, height: 1), ["a very… "])
        let b = rendered(bar, width: 30, height: 1)
        #expect(b[1, 0].style.attributes.contains(.bold))
        #expect(!b[3, 0].style.attributes.contains(.bold))
    }

    @Test("spinner frames cycle")
    func spinner() {
        let s = Spinner()
        #expect(s.frame(at: 0) == "⠋")
        #expect(s.frame(at: 11) == "⠙")
        #expect(s.frame(at: -1) == "⠏")
        #expect(Spinner(frames: Spinner.ascii).frame(at: 2) == "-")
        expectLines(rendered(Spinner(tick: 1), width: 2, height: 1), ["⠙ "])
    }

    @Test("popup: centred, bordered, clears what is under it")
    func popup() {
        var b = Buffer(lines: Array(repeating: String(repeating: ".", count: 20), count: 7))
        Popup(title: "Help", lines: ["one", "two"]).render(in: b.area, into: &b)
        expectLines(b, [
            "....................",
            "....┏ Help ━━━━┓....",
            "....┃ one      ┃....",
            "....┃ two      ┃....",
            "....┗━━━━━━━━━━┛....",
            "....................",
            "....................",
        ])
    }

    @Test("popup from text: one line per line, long lines wrapped")
    func popupText() {
        var b = Buffer(size: Size(width: 16, height: 6))
        b.render(Popup(title: "Error", text: "Cannot reach the server\nr retry", maxSize: Size(width: 14, height: 10)))
        expectLines(b, [
            " ┏ Error ━━━━━┓ ",
            " ┃ Cannot     ┃ ",
            " ┃ reach the  ┃ ",
            " ┃ server     ┃ ",
            " ┃ r retry    ┃ ",
            " ┗━━━━━━━━━━━━┛ ",
        ])
    }

    @Test("popup over wide characters keeps the row aligned")
    func popupOverWide() {
        var b = Buffer(lines: Array(repeating: "中文中文中文中文中文", count: 5))
        Popup(title: "E", lines: ["x"]).render(in: b.area, into: &b)
        expectAligned(b)
    }

    @Test("too-small notice")
    func tooSmall() {
        let notice = TooSmallNotice(minimum: Size(width: 20, height: 6))
        #expect(notice.applies(to: Size(width: 19, height: 10)))
        #expect(!notice.applies(to: Size(width: 20, height: 6)))
        expectLines(rendered(notice, width: 24, height: 2), ["   Terminal too small   ", "  need 20×6, have 24×2  "])
        // Narrower: the notice is never cut; it says less, the sizes last.
        expectLines(rendered(notice, width: 19, height: 4), ["Terminal too small ", "     need 20×6     ", "     have 19×4     ", "                   "])
        expectLines(rendered(notice, width: 10, height: 3), ["Too small ", "need 20×6 ", "have 10×3 "])
        expectLines(rendered(notice, width: 19, height: 1), ["     need 20×6     "])
        expectLines(rendered(notice, width: 10, height: 2), ["need 20×6 ", "have 10×2 "])
        expectLines(rendered(notice, width: 5, height: 1), ["20×6 "])
    }

    @Test("every widget survives every size", arguments: awkwardSizes)
    func anySize(width: Int, height: Int) {
        let widgets: [any Widget] = [
            Block(title: "Title 中文", titleRight: "99", focused: true),
            Block(),
            sampleList(count: 5, selected: 3),
            sampleList(count: 0, selected: nil),
            Paragraph("Some words 中文 and 🏠 emoji that wrap\nsecond line"),
            StatusBar(hints: [KeyHint(key: "q", label: "quit")], message: "状態 fine"),
            Spinner(),
            Popup(title: "Error", lines: ["Something failed: 中文 🏠"], footer: "Esc close"),
            TooSmallNotice(minimum: Size(width: 100, height: 100)),
            Clear(),
            LineEditor(state: LineEditorState(text: "名前 Rene\u{301}e and more text"), prompt: "Name: ", placeholder: "x"),
            LineEditor(state: LineEditorState(), prompt: "Name: ", placeholder: "Cart name 中文"),
            ConfirmationPrompt(title: "Delete cart", question: "Delete '湖畔の家' (5 listings) from Ozzy Owner's group?"),
            Chooser(state: ChooserState(title: "Add to cart", items: ChooserTests.items, selected: 3)),
            Chooser(state: ChooserState(title: "Empty", items: [])),
        ]
        for widget in widgets {
            var b = Buffer(size: Size(width: width, height: height))
            widget.render(in: b.area, into: &b)
            #expect(b.size == Size(width: width, height: height))
            expectAligned(b)
            // And in an area inside a larger buffer: nothing drawn outside it.
            var big = Buffer(lines: Array(repeating: String(repeating: ".", count: width + 4), count: height + 4))
            let area = Rect(x: 2, y: 2, width: width, height: height)
            widget.render(in: area, into: &big)
            for y in 0..<big.size.height {
                for x in 0..<big.size.width where !area.contains(x: x, y: y) {
                    #expect(big[x, y].grapheme == ".", "\(type(of: widget)) drew outside at \(x),\(y)")
                }
            }
        }
    }
}

@Suite("List viewport")
struct ListViewportTests {
    @Test("visible range", arguments: [
        // selected, offset, height, count → offset, range
        (nil, 0, 5, 0, 0, 0..<0),
        (0, 0, 0, 10, 0, 0..<0),
        (0, 0, 5, 3, 0, 0..<3),           // fewer rows than the window
        (4, 0, 5, 10, 0, 0..<5),          // still visible: no scroll
        (5, 0, 5, 10, 1, 1..<6),          // one past the bottom: scroll by one
        (9, 0, 5, 10, 5, 5..<10),         // to the end
        (2, 4, 5, 10, 2, 2..<7),          // above the window: scroll up to it
        (nil, 8, 5, 10, 5, 5..<10),       // offset past the last full window is pulled back
        (nil, -3, 5, 10, 0, 0..<5),
        (50, 0, 5, 10, 5, 5..<10),        // a selection past the end is treated as the last row
        (99_999, 0, 20, 100_000, 99_980, 99_980..<100_000),
        (7, 5, 1, 10, 7, 7..<8),          // one-row window
    ] as [(Int?, Int, Int, Int, Int, Range<Int>)])
    func visibleRange(selected: Int?, offset: Int, height: Int, count: Int, expectedOffset: Int, expectedRange: Range<Int>) {
        let window = ListState.visibleRange(selected: selected, offset: offset, height: height, count: count)
        #expect(window.offset == expectedOffset)
        #expect(window.range == expectedRange)
    }

    @Test("moving the selection stops at the ends")
    func move() {
        var s = ListState()
        s.move(by: 1, count: 3)
        #expect(s.selected == 0)
        s.move(by: 10, count: 3)
        #expect(s.selected == 2)
        s.move(by: -10, count: 3)
        #expect(s.selected == 0)
        s.selectLast(count: 3)
        #expect(s.selected == 2)
        s.clamp(count: 1)
        #expect(s.selected == 0)
        s.move(by: 1, count: 0)
        #expect(s.selected == nil)
        #expect(ListState(selected: 9, offset: 0).scrolled(height: 3, count: 10).offset == 7)
    }
}
