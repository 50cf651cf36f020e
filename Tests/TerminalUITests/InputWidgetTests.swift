import Testing
@testable import TerminalUI

extension LineEditorState {
    /// Applies keys in order; the outcome of the last one.
    @discardableResult
    mutating func press(_ keys: Key...) -> Outcome {
        keys.map { handle($0) }.last ?? .moved
    }

    @discardableResult
    mutating func type(_ text: String) -> Outcome {
        text.map { handle(.char($0)) }.last ?? .moved
    }
}

@Suite("Line editor: editing")
struct LineEditorEditingTests {
    @Test("typing inserts at the cursor; arrows, Home and End move it")
    func typingAndMoving() {
        var editor = LineEditorState()
        #expect(editor.type("abc") == .changed)
        #expect(editor.press(.left, .left) == .moved)
        #expect(editor.cursor == 1)
        editor.type("XY")
        #expect(editor.text == "aXYbc" && editor.cursor == 3)
        editor.press(.home)
        #expect(editor.cursor == 0)
        #expect(editor.press(.left) == .moved)
        #expect(editor.cursor == 0, "stops at the start")
        editor.press(.end)
        #expect(editor.cursor == 5)
        editor.press(.right)
        #expect(editor.cursor == 5, "stops at the end")
        editor.press(.ctrl("a"))
        #expect(editor.cursor == 0)
        editor.press(.ctrl("e"))
        #expect(editor.cursor == 5)
    }

    @Test("Backspace and Delete remove whole characters: accents written as marks, flags, emoji families")
    func graphemes() {
        var editor = LineEditorState(text: "Rene\u{301}e 🇫🇷 👨‍👩‍👧")
        #expect(editor.text.count == 9)
        #expect(editor.press(.backspace) == .changed)
        #expect(editor.text == "Rene\u{301}e 🇫🇷 ")
        editor.press(.backspace, .backspace)
        #expect(editor.text == "Rene\u{301}e ")
        editor.press(.left, .left, .backspace)
        #expect(editor.text == "Rene ", "é (e + combining acute) goes as one")
        editor.press(.home, .delete)
        #expect(editor.text == "ene " && editor.cursor == 0)
        #expect(editor.press(.backspace) == .moved, "nothing before the cursor")
        editor.press(.end)
        #expect(editor.press(.delete) == .moved, "nothing after it")
    }

    @Test("a combining mark typed after a letter joins it")
    func combiningMarkTyped() {
        var editor = LineEditorState()
        editor.type("e")
        editor.press(.char("\u{301}"))
        #expect(editor.text == "e\u{301}" && editor.text.count == 1 && editor.cursor == 1)
        editor.press(.backspace)
        #expect(editor.text.isEmpty)
    }

    @Test("wide characters are one character each")
    func wide() {
        var editor = LineEditorState()
        editor.type("湖畔の家")
        editor.press(.left, .backspace)
        #expect(editor.text == "湖畔家" && editor.cursor == 2)
    }

    @Test("Ctrl-W removes the word before the cursor, Ctrl-U everything before it, Ctrl-K everything after")
    func killing() {
        var editor = LineEditorState(text: "Weekend  cabins near 湖")
        editor.press(.ctrl("w"))
        #expect(editor.text == "Weekend  cabins near ")
        editor.press(.ctrl("w"))
        #expect(editor.text == "Weekend  cabins ")
        editor.press(.ctrl("w"), .ctrl("w"))
        #expect(editor.text == "")
        #expect(editor.press(.ctrl("w")) == .moved)

        editor.setText("one two three")
        editor.press(.left, .left, .left, .left, .left)
        editor.press(.ctrl("u"))
        #expect(editor.text == "three" && editor.cursor == 0)
        editor.press(.right, .ctrl("k"))
        #expect(editor.text == "t" && editor.cursor == 1)
    }

    @Test("Enter confirms and Esc cancels, leaving the text; other keys are the app's")
    func outcomes() {
        var editor = LineEditorState(text: "Lake houses")
        #expect(editor.press(.enter) == .confirmed("Lake houses"))
        #expect(editor.text == "Lake houses")
        #expect(editor.press(.escape) == .cancelled)
        for key: Key in [.up, .down, .tab, .backTab, .pageUp, .function(1), .ctrl("c"), .mouse(MouseEvent(kind: .press, x: 0, y: 0))] {
            #expect(editor.handle(key) == .ignored, "\(key)")
        }
        #expect(editor.text == "Lake houses" && editor.cursor == 11)
    }

    @Test("a length limit refuses what does not fit and says so; a paste is cut at the limit")
    func limit() {
        var editor = LineEditorState(limit: 5)
        #expect(editor.type("abcdef") == .limitReached)
        #expect(editor.text == "abcde")
        editor.press(.home, .delete)
        #expect(editor.press(.paste("XYZ")) == .limitReached)
        #expect(editor.text == "Xbcde" && editor.cursor == 1)
        #expect(LineEditorState(text: "Weekend cabins", limit: 4).text == "Week")
        var unlimited = LineEditorState()
        #expect(unlimited.press(.paste(String(repeating: "x", count: 5_000))) == .changed)
        #expect(unlimited.text.count == 5_000)
    }

    @Test("a paste is inserted whole; line breaks and tabs become spaces, a final line break is dropped")
    func paste() {
        var editor = LineEditorState(text: "[]")
        editor.press(.left)
        #expect(editor.press(.paste("line one\nline two\ttabbed\r\nthree\n")) == .changed)
        #expect(editor.text == "[line one line two tabbed three]")
        #expect(editor.cursor == 31)
    }

    @Test("control characters and bidi overrides never get into the text", arguments: [
        ("Evil\u{1B}]0;pwned\u{07}\u{1B}[2J Owner", "Evil]0;pwned[2J Owner"),
        ("a\u{8}b\u{7F}c\u{9B}31md", "abc31md"),
        ("abc\u{202E}fed\u{2066}x\u{2069}", "abcfedx"),
        ("lone\u{200E}mark", "lonemark"),
        ("one\u{2028}two\u{85}three", "one two three"),
        ("👨‍👩‍👧 family", "👨‍👩‍👧 family"),
    ])
    func hostile(pasted: String, kept: String) {
        var editor = LineEditorState()
        editor.press(.paste(pasted))
        #expect(editor.text == kept)
        #expect(LineEditorState.clean(pasted) == kept)
        var typed = LineEditorState()
        for character in pasted { typed.press(.char(character)) }
        #expect(typed.text == kept)
    }
}

@Suite("Line editor: drawing")
struct LineEditorDrawingTests {
    func editor(_ text: String, cursor moves: [Key] = [], prompt: String = "", placeholder: String = "",
                showsCursor: Bool = true) -> LineEditor {
        var state = LineEditorState(text: text)
        for key in moves { _ = state.handle(key) }
        return LineEditor(state: state, prompt: prompt, placeholder: placeholder, showsCursor: showsCursor)
    }

    /// The columns drawn reversed on row 0 (the cursor).
    func cursorColumns(_ buffer: Buffer) -> [Int] {
        (0..<buffer.size.width).filter { buffer[$0, 0].style.attributes.contains(.reverse) }
    }

    @Test("prompt, text, and the cursor as a reversed cell after the text")
    func basic() {
        let b = rendered(editor("Lake", prompt: "Name: "), width: 14, height: 1)
        expectLines(b, ["Name: Lake    "])
        #expect(cursorColumns(b) == [10])
        #expect(b[0, 0].style.attributes.contains(.bold))
        #expect(b[6, 0].style == .plain)
    }

    @Test("the cursor on a character reverses that character; without the cursor nothing is reversed")
    func cursorOnCharacter() {
        let b = rendered(editor("Lake", cursor: [.left, .left]), width: 8, height: 1)
        expectLines(b, ["Lake    "])
        #expect(cursorColumns(b) == [2])
        #expect(cursorColumns(rendered(editor("Lake", showsCursor: false), width: 8, height: 1)).isEmpty)
    }

    @Test("the placeholder shows dimmed while the text is empty, under the cursor")
    func placeholder() {
        let b = rendered(editor("", prompt: "/ ", placeholder: "type to filter"), width: 12, height: 1)
        expectLines(b, ["/ type to f…"])
        #expect(cursorColumns(b) == [2])
        #expect(b[5, 0].style.attributes.contains(.dim))
    }

    @Test("long text scrolls to keep the cursor in view, with … where text is hidden")
    func scrolling() {
        let text = "Everything in Kootenai County"
        expectLines(rendered(editor(text), width: 12, height: 1), ["…nai County "])
        #expect(cursorColumns(rendered(editor(text), width: 12, height: 1)) == [11])
        expectLines(rendered(editor(text, cursor: [.home]), width: 12, height: 1), ["Everything …"])
        #expect(cursorColumns(rendered(editor(text, cursor: [.home]), width: 12, height: 1)) == [0])
        let middle = rendered(editor(text, cursor: [.home] + Array(repeating: Key.right, count: 14)), width: 12, height: 1)
        expectLines(middle, ["…thing in K…"])
        #expect(cursorColumns(middle) == [10], "the K of Kootenai")
    }

    @Test("wide characters and combining marks keep their columns while scrolling")
    func wideAndCombining() {
        let wide = rendered(editor("名前を入力してください"), width: 9, height: 1)
        expectLines(wide, ["…ださい  "])
        expectAligned(wide)
        let home = rendered(editor("名前を入力してください", cursor: [.home]), width: 9, height: 1)
        expectLines(home, ["名前を入…"])
        #expect(cursorColumns(home) == [0, 1])
        let marks = rendered(editor("Rene\u{301}e Besanc\u{327}on", cursor: [.home, .right, .right, .right]), width: 10, height: 1)
        expectLines(marks, ["Rene\u{301}e Bes…"])
        #expect(cursorColumns(marks) == [3], "é is one cell")
        expectAligned(marks)
    }

    @Test("window maths", arguments: [
        // widths, cursor, width → first, end
        ([1, 1, 1], 3, 5, 0, 3),             // fits, cursor after the end
        ([1, 1, 1, 1, 1], 5, 5, 2, 5),       // cursor cell past the end needs a column: "…cde▮"
        ([1, 1, 1, 1, 1], 0, 5, 0, 5),       // "abcde": fits, the cursor on the a
        ([1, 1, 1, 1, 1, 1], 0, 5, 0, 4),    // "abcd…"
        ([2, 2, 2, 2], 4, 5, 3, 4),          // "…家▮" plus a free column
        ([2, 2, 2], 1, 1, 1, 1),             // narrower than the character under the cursor
        ([], 0, 3, 0, 0),
    ] as [([Int], Int, Int, Int, Int)])
    func window(widths: [Int], cursor: Int, width: Int, first: Int, end: Int) {
        let w = LineEditor.window(widths: widths, cursor: cursor, width: width)
        #expect(w.first == first && w.end == end)
    }

    @Test("hostile text is drawn harmlessly even when the app bypasses the editor's cleaning")
    func hostileRender() {
        let b = rendered(LineEditor(state: LineEditorState(text: "ok"), prompt: "\u{1B}[2J\u{1B}]0;x\u{07}"), width: 20, height: 1)
        for line in b.lines { #expect(!line.unicodeScalars.contains { $0.value < 0x20 }) }
    }
}

@Suite("Confirmation prompt")
struct ConfirmationTests {
    let confirm = ConfirmationPrompt(title: "Delete cart", question: "Delete 'Weekend cabins' (3 listings) from Ozzy Owner's group?",
                               yesLabel: "delete", noLabel: "keep")

    @Test("y is yes; n, Esc and Enter are no (the default); other keys leave the question open", arguments: [
        (Key.char("y"), ConfirmationPrompt.Answer.yes), (.char("Y"), .yes),
        (.char("n"), .no), (.char("N"), .no), (.escape, .no), (.enter, .no),
        (.char("q"), .undecided), (.char("d"), .undecided), (.down, .undecided), (.paste("y"), .undecided),
    ] as [(Key, ConfirmationPrompt.Answer)])
    func answers(key: Key, answer: ConfirmationPrompt.Answer) {
        #expect(confirm.answer(to: key) == answer)
    }

    @Test("at 80×24: the question (wrapped at 60 columns) with y/N, the answers on the border, centred")
    func wide() {
        var b = Buffer(size: Size(width: 80, height: 24))
        confirm.render(in: b.area, into: &b)
        expectLines(Buffer(lines: Array(b.lines[9...13])), [
            "                                                                                ",
            "          ┏ Delete cart ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓          ",
            "          ┃ Delete 'Weekend cabins' (3 listings) from Ozzy Owner's   ┃          ",
            "          ┃ group? y/N                                               ┃          ",
            "          ┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ y delete · N keep ┛          ",
        ])
    }

    @Test("narrow: the question wraps, wide characters stay aligned")
    func narrow() {
        let cjk = ConfirmationPrompt(title: "削除", question: "「湖畔の家」(5 件) を削除しますか?", yesLabel: "削除", noLabel: "残す")
        let b = rendered(cjk, width: 24, height: 8)
        expectAligned(b)
        #expect(b.lines.contains { $0.contains("y/N") })
        let c = rendered(confirm, width: 30, height: 10)
        expectAligned(c)
        #expect(c.lines.joined().contains("group? y/N"))
    }
}

@Suite("Chooser")
struct ChooserTests {
    static let items = [ChooserItem("Favorites", detail: "2"), ChooserItem("Rejects", detail: "0"),
                        ChooserItem("Weekend cabins", detail: "3"), ChooserItem("湖畔の家", detail: "5"),
                        ChooserItem("Rene\u{301}e's picks", detail: "12"), ChooserItem("New cart…", pinned: true)]
    static let screen = Rect(x: 0, y: 0, width: 80, height: 24)

    @Test("arrows, Home/End and Enter choose; Esc cancels")
    func keys() {
        var chooser = ChooserState(title: "Add to cart", items: Self.items)
        #expect(chooser.highlighted == 0)
        #expect(chooser.handle(.down, in: Self.screen) == .moved)
        _ = chooser.handle(.down, in: Self.screen)
        #expect(chooser.handle(.enter, in: Self.screen) == .chosen(2))
        _ = chooser.handle(.end, in: Self.screen)
        #expect(chooser.highlighted == 5)
        _ = chooser.handle(.down, in: Self.screen)
        #expect(chooser.highlighted == 5, "stops at the end")
        _ = chooser.handle(.home, in: Self.screen)
        _ = chooser.handle(.up, in: Self.screen)
        #expect(chooser.highlighted == 0)
        #expect(chooser.handle(.escape, in: Self.screen) == .cancelled)
        #expect(chooser.handle(.tab, in: Self.screen) == .ignored)
    }

    @Test("typing filters; pinned items stay; the highlight goes to the first match; Backspace widens")
    func filtering() {
        var chooser = ChooserState(title: "Add to cart", items: Self.items, selected: 1)
        #expect(chooser.handle(.char("c"), in: Self.screen) == .filterChanged)
        #expect(chooser.rows == [1, 2, 4, 5])
        #expect(chooser.highlighted == 1)
        _ = chooser.handle(.char("A"), in: Self.screen)
        #expect(chooser.rows == [2, 5], "case does not matter")
        #expect(chooser.handle(.enter, in: Self.screen) == .chosen(2))
        _ = chooser.handle(.paste("zzz"), in: Self.screen)
        #expect(chooser.rows == [5] && chooser.highlighted == 5, "nothing matches: the pinned item is left")
        #expect(chooser.handle(.ctrl("u"), in: Self.screen) == .filterChanged)
        #expect(chooser.rows == Array(0...5))
        #expect(chooser.handle(.backspace, in: Self.screen) == .moved, "nothing to delete")
        _ = chooser.handle(.char("湖"), in: Self.screen)
        #expect(chooser.rows == [3, 5])
    }

    @Test("the app's own matching rule (here: ignoring accents) is used for filtering")
    func matching() {
        func folded(_ s: String) -> String {
            String(String.UnicodeScalarView(s.lowercased().unicodeScalars.filter { !(0x300...0x36F).contains($0.value) }))
        }
        var chooser = ChooserState(title: "Add to cart", items: Self.items)
        _ = chooser.handle(.paste("renee"), in: Self.screen) { label, filter in folded(label).contains(folded(filter)) }
        #expect(chooser.rows == [4, 5])
        var plain = ChooserState(title: "Add to cart", items: Self.items)
        _ = plain.handle(.paste("renee"), in: Self.screen)
        #expect(plain.rows == [5])
    }

    @Test("PgUp/PgDn move by the rows in view; the window follows the highlight")
    func paging() {
        let many = (1...40).map { ChooserItem("Cart \($0)") }
        var chooser = ChooserState(title: "Carts", items: many, maxSize: Size(width: 40, height: 12))
        // 12 rows: two borders and the filter line leave 9 for items.
        _ = chooser.handle(.pageDown, in: Self.screen)
        #expect(chooser.highlighted == 8)
        _ = chooser.handle(.pageDown, in: Self.screen)
        #expect(chooser.highlighted == 16 && chooser.list.offset == 8)
        _ = chooser.handle(.pageUp, in: Self.screen)
        #expect(chooser.highlighted == 8 && chooser.list.offset == 8)
        _ = chooser.handle(.end, in: Self.screen)
        #expect(chooser.highlighted == 39 && chooser.list.offset == 31)
    }

    @Test("the mouse: a click on a row chooses it, outside cancels, the wheel scrolls")
    func mouse() {
        var chooser = ChooserState(title: "Add to cart", items: Self.items)
        let box = Chooser(state: chooser).area(in: Self.screen)
        let firstRow = box.y + 2   // border, filter line
        #expect(chooser.handle(.mouse(MouseEvent(kind: .press, x: box.x + 3, y: firstRow + 3)), in: Self.screen) == .chosen(3))
        #expect(chooser.handle(.mouse(MouseEvent(kind: .press, x: box.x + 3, y: box.y + 1)), in: Self.screen) == .moved)
        #expect(chooser.handle(.mouse(MouseEvent(kind: .wheelUp, x: 0, y: 0)), in: Self.screen) == .moved)
        #expect(chooser.highlighted == 0)
        #expect(chooser.handle(.mouse(MouseEvent(kind: .press, x: 0, y: 0)), in: Self.screen) == .cancelled)
    }

    @Test("without a filter, typed characters are left to the app")
    func unfiltered() {
        var chooser = ChooserState(title: "Sort by", items: [ChooserItem("Name"), ChooserItem("Price")], filterable: false)
        #expect(chooser.handle(.char("p"), in: Self.screen) == .ignored)
        #expect(chooser.rows == [0, 1])
    }

    @Test("new items keep the highlight on the same label")
    func replacingItems() {
        var chooser = ChooserState(title: "Add to cart", items: Self.items, selected: 2)
        chooser.setItems([ChooserItem("Another")] + Self.items, in: Self.screen)
        #expect(chooser.highlighted == 3)
        #expect(chooser.items[3].label == "Weekend cabins")
    }

    @Test("at 80×24: title and count, filter line, highlighted row, details on the right, keys on the border")
    func drawnWide() {
        var chooser = ChooserState(title: "Add to cart", items: Self.items)
        _ = chooser.handle(.down, in: Self.screen)
        var b = Buffer(size: Size(width: 80, height: 24))
        Chooser(state: chooser).render(in: b.area, into: &b)
        expectLines(Buffer(lines: Array(b.lines[7...15])), [
            "                        ┏ Add to cart ━━━━━━━━━━━━━ 6 ┓                         ",
            "                        ┃ / type to filter            ┃                         ",
            "                        ┃  Favorites                2 ┃                         ",
            "                        ┃▸ Rejects                  0 ┃                         ",
            "                        ┃  Weekend cabins           3 ┃                         ",
            "                        ┃  湖畔の家                 5 ┃                         ",
            "                        ┃  Rene\u{301}e's picks           12 ┃                         ",
            "                        ┃  New cart…                  ┃                         ",
            "                        ┗━━ Enter choose · Esc cancel ┛                         ",
        ])
        let highlighted = b.lines.firstIndex { $0.contains("▸ Rejects") }!
        #expect(b[28, highlighted].style.attributes.contains(.reverse))
        #expect(b[52, highlighted].style.attributes.contains(.reverse), "the whole row, the detail too")
        expectAligned(b)
    }

    @Test("filtered, at a narrow size: the count says how many match; rows cut, aligned")
    func drawnNarrow() {
        var chooser = ChooserState(title: "Add to cart", items: Self.items)
        for character in "ca" { _ = chooser.handle(.char(character), in: Self.screen) }
        let b = rendered(Chooser(state: chooser), width: 20, height: 7)
        expectLines(b, [
            "┏ Add to ca… ━ 2/6 ┓",
            "┃ / ca             ┃",
            "┃▸ Weekend ca…   3 ┃",
            "┃  New cart…       ┃",
            "┃                  ┃",
            "┃                  ┃",
            "┗ Enter choose · … ┛",
        ])
        expectAligned(b)
    }
}
