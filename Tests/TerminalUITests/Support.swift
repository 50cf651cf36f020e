import Testing
@testable import TerminalUI

/// Compares rendered lines with expected ones and reports a line-by-line diff on failure.
func expectLines(_ buffer: Buffer, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    let actual = buffer.lines
    guard actual != expected else { return }
    var report = ["rendered lines differ (- expected, + actual):"]
    for i in 0..<max(actual.count, expected.count) {
        let e = i < expected.count ? expected[i] : "<none>"
        let a = i < actual.count ? actual[i] : "<none>"
        if e == a { report.append("  |\(a)|") } else { report.append("- |\(e)|"); report.append("+ |\(a)|") }
    }
    Issue.record(Comment(rawValue: report.joined(separator: "\n")), sourceLocation: sourceLocation)
}

/// Renders a widget into a fresh buffer of `width`×`height`.
func rendered(_ widget: some Widget, width: Int, height: Int) -> Buffer {
    var buffer = Buffer(size: Size(width: width, height: height))
    widget.render(in: buffer.area, into: &buffer)
    return buffer
}

/// Every row of `buffer` has the same display width as the buffer (nothing shifted).
func expectAligned(_ buffer: Buffer, sourceLocation: SourceLocation = #_sourceLocation) {
    for (y, line) in buffer.lines.enumerated() {
        #expect(TextWidth.of(line) == buffer.size.width, "row \(y) is \(TextWidth.of(line)) wide: \(line)", sourceLocation: sourceLocation)
    }
}

/// Sizes every widget must survive.
let awkwardSizes: [(Int, Int)] = [(0, 0), (1, 1), (0, 5), (5, 0), (2, 2), (3, 1), (1, 3), (7, 3), (20, 6), (80, 24)]
