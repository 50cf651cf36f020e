import Testing
@testable import TerminalUI

@Suite("Buffer")
struct BufferTests {
    @Test("a buffer built from lines prints those lines")
    func fromLines() {
        let b = Buffer(lines: ["ab", "中", "x"])
        #expect(b.size == Size(width: 2, height: 3))
        #expect(b.lines == ["ab", "中", "x "])
        #expect(b[0, 1].width == 2)
        #expect(b[1, 1].isContinuation)
        #expect(b.description == "+--+\n|ab|\n|中|\n|x |\n+--+")
    }

    @Test("write clips to maxWidth and the right edge and returns columns used")
    func writeClips() {
        var b = Buffer(size: Size(width: 6, height: 2))
        #expect(b.write("hello world", at: 1, y: 0, maxWidth: 3) == 3)
        #expect(b.write("中文字", at: 1, y: 1) == 4)   // 字 would end past the edge
        #expect(b.lines == [" hel  ", " 中文 "])
        #expect(b.write("x", at: 0, y: 5) == 0)
        #expect(b.write("x", at: 9, y: 0) == 0)
        #expect(b.write("abc", at: 0, y: 0, maxWidth: 0) == 0)
    }

    @Test("write with an ellipsis")
    func writeEllipsis() {
        var b = Buffer(size: Size(width: 6, height: 1))
        b.write("abcdefgh", at: 0, y: 0, ellipsis: "…")
        #expect(b.lines == ["abcde…"])
    }

    @Test("overwriting half of a wide character blanks the other half")
    func wideOverwrite() {
        var b = Buffer(lines: ["中文中"])
        b.write("x", at: 1, y: 0)          // right half of 中
        #expect(b.lines == [" x文中"])
        b.write("y", at: 2, y: 0)          // left half of 文
        #expect(b.lines == [" xy 中"])
        b.write("字", at: 3, y: 0)         // straddles the blank and 中's left half
        #expect(b.lines == [" xy字 "])
        expectAligned(b)
    }

    @Test("a wide character in the last column becomes a blank")
    func wideAtEdge() {
        var b = Buffer(size: Size(width: 3, height: 1))
        b[2, 0] = Cell("中", width: 2)
        #expect(b.lines == ["   "])
    }

    @Test("write never draws control characters")
    func sanitized() {
        var b = Buffer(size: Size(width: 10, height: 1))
        b.write("a\u{1B}[2Jb", at: 0, y: 0)
        #expect(b.lines == ["a␛[2Jb    "])
    }

    @Test("fill and setStyle")
    func fillAndStyle() {
        var b = Buffer(lines: ["abcd", "efgh"])
        b.fill(Rect(x: 1, y: 0, width: 2, height: 2))
        #expect(b.lines == ["a  d", "e  h"])
        b.setStyle(.reverse, in: Rect(x: 0, y: 1, width: 10, height: 5))
        #expect(b[3, 1].style == .reverse)
        #expect(b[3, 0].style == .plain)
        #expect(b[3, 1].grapheme == "h")
        b.fill(Rect(x: -3, y: -3, width: 100, height: 100))   // clipped, no crash
        #expect(b.lines == ["    ", "    "])
    }

    @Test("diff lists only changed cells; a size change redraws everything")
    func diff() {
        let a = Buffer(lines: ["abcd", "中fg"])
        var b = a
        #expect(b.diff(from: a).isEmpty)
        b.write("X", at: 2, y: 0)
        #expect(b.diff(from: a) == [Buffer.Change(x: 2, y: 0, cell: Cell("X"))])
        b.write("文", at: 0, y: 1)
        let changes = b.diff(from: a)
        #expect(changes.map { [$0.x, $0.y] } == [[2, 0], [0, 1]])   // continuation left out
        var styled = a
        styled.setStyle(.bold, in: Rect(x: 0, y: 0, width: 1, height: 1))
        #expect(styled.diff(from: a).count == 1)
        #expect(a.diff(from: nil).count == 7)
        #expect(a.diff(from: Buffer(size: Size(width: 1, height: 1))).count == 7)
    }

    @Test("out-of-range subscripts read blanks and ignore writes")
    func outOfRange() {
        var b = Buffer(size: .zero)
        b[0, 0] = Cell("x")
        #expect(b[5, 5] == .blank)
        #expect(b.lines == [])
        #expect(b.write("abc", at: 0, y: 0) == 0)
    }
}

@Suite("Layout")
struct LayoutTests {
    @Test("constraint solving", arguments: [
        ([Constraint.fixed(3), .fill], 10, [3, 7]),
        ([.fixed(3), .fill, .fixed(2)], 10, [3, 5, 2]),
        ([.ratio(1, 3), .ratio(1, 3), .ratio(1, 3)], 100, [34, 33, 33]),
        ([.min(10), .min(10)], 25, [13, 12]),
        ([.min(10), .min(10)], 15, [10, 5]),
        ([.fixed(8), .fixed(8)], 10, [8, 2]),
        ([.fill, .fill], 0, [0, 0]),
        ([.percent(50), .fill], 9, [4, 5]),
        ([], 10, []),
    ] as [([Constraint], Int, [Int])])
    func solve(constraints: [Constraint], length: Int, expected: [Int]) {
        #expect(Constraint.solve(constraints, length: length) == expected)
    }

    @Test("splits place areas side by side and stacked")
    func splits() {
        let r = Rect(x: 2, y: 1, width: 10, height: 6)
        #expect(r.splitHorizontally([.fixed(4), .fill]) == [Rect(x: 2, y: 1, width: 4, height: 6), Rect(x: 6, y: 1, width: 6, height: 6)])
        #expect(r.splitVertically([.fixed(1), .fill, .fixed(1)]) == [
            Rect(x: 2, y: 1, width: 10, height: 1), Rect(x: 2, y: 2, width: 10, height: 4), Rect(x: 2, y: 6, width: 10, height: 1)])
    }

    @Test("insets, intersections, centring")
    func geometry() {
        let r = Rect(x: 0, y: 0, width: 10, height: 4)
        #expect(r.inset(by: 1) == Rect(x: 1, y: 1, width: 8, height: 2))
        #expect(r.inset(by: 2).isEmpty)
        #expect(r.inset(by: 5).isEmpty)
        #expect(Rect(x: 0, y: 0, width: 1, height: 1).inset(by: 1).isEmpty)
        #expect(r.intersection(Rect(x: 8, y: 3, width: 5, height: 5)) == Rect(x: 8, y: 3, width: 2, height: 1))
        #expect(r.intersection(Rect(x: 20, y: 0, width: 5, height: 5)).isEmpty)
        #expect(r.centered(width: 4, height: 2) == Rect(x: 3, y: 1, width: 4, height: 2))
        #expect(r.centered(width: 40, height: 20) == r)
        #expect(Rect(x: 0, y: 0, width: -3, height: 2).isEmpty)
    }
}
