import SparkAPI
import TerminalUI

// The presenter's tools on screen: the `A` chooser, and the request log (`L`) — its rows, and one request whole with
// the curl command that repeats it. Live refresh's marks on the panes' rows are drawn here too.

/// The `A` chooser over everything, while it is open.
func renderActAsChooser(_ state: AppState, in screen: Rect, into buffer: inout Buffer) {
    guard let chooser = state.presenter.chooser else { return }
    Chooser(state: chooser, emptyText: "no member matches").render(in: screen, into: &buffer)
}

/// The status bar's hints for the presenter's windows; nil when none is open.
func presenterHints(_ state: AppState) -> [KeyHint]? {
    if state.presenter.chooser != nil {
        return [KeyHint(key: "Enter", label: "act as"), KeyHint(key: "↑↓", label: "choose"),
                KeyHint(key: "type", label: "filter"), KeyHint(key: "Esc", label: "cancel")]
    }
    guard state.overlay == .requestLog else { return nil }
    if state.presenter.logDetail {
        return [KeyHint(key: "y", label: "copy curl"), KeyHint(key: "↑↓", label: "scroll"), KeyHint(key: "Esc", label: "back")]
    }
    return [KeyHint(key: "Enter", label: "as curl"), KeyHint(key: "y", label: "copy curl"), KeyHint(key: "↑↓", label: "choose"),
            KeyHint(key: "Esc", label: "close")]
}

// MARK: - The request log

/// The request log's window: all of the screen but a margin.
private func requestLogBox(_ size: Size) -> Rect {
    let screen = Rect(size: size)
    return screen.centered(width: min(max(size.width - 4, 20), size.width), height: min(max(size.height - 4, 6), size.height))
}

/// How many requests the log shows at once (below its column headers).
func requestLogListHeight(_ size: Size) -> Int {
    max(requestLogBox(size).height - 3, 1)
}

/// The request log: newest first, one line each — method, status, time, path, and what went wrong (the server's code and
/// message, or why no answer came) — cut to the width, never wrapped; the highlighted one opens with Enter.
func renderRequestLog(_ state: AppState, in screen: Rect, into buffer: inout Buffer) {
    let box = requestLogBox(state.size)
    guard !box.isEmpty else { return }
    if state.presenter.logDetail, let event = state.selectedRequest {
        renderRequestDetail(event, state, in: box, into: &buffer)
        return
    }
    Clear().render(in: box, into: &buffer)
    let block = Block(title: "Requests · newest first", titleRight: state.requestLog.isEmpty ? nil : String(state.requestLog.count),
                      focused: true, focusedBorderStyle: .bold)
    block.render(in: box, into: &buffer)
    footer("Enter as curl · y copy · Esc close", in: box, into: &buffer)
    let inner = block.inner(box).inset(horizontal: 1, vertical: 0)
    guard !inner.isEmpty else { return }
    let log = state.requestLog
    let answers = log.map(requestAnswer)
    // Method, status and time are short; the path gets the room the answers leave, at least half when both need it.
    let fixed = 6 + 1 + 6 + 1 + 8 + 1
    let available = max(inner.width - 2 - fixed, 1)
    let longestPath = log.map { TextWidth.of($0.path) }.max() ?? 0
    let longestAnswer = answers.map(TextWidth.of).max() ?? 0
    let pathWidth = longestAnswer == 0 ? available : min(longestPath, max(available - longestAnswer - 1, available / 2))
    ListWidget(
        count: log.count,
        columns: [ListWidget.Column(.fixed(6)), ListWidget.Column(.fixed(6), alignment: .right),
                  ListWidget.Column(.fixed(8), alignment: .right), ListWidget.Column(.fixed(pathWidth)), .flexible],
        state: ListState(selected: state.requestLogRow, offset: 0).scrolled(height: requestLogListHeight(state.size), count: log.count),
        highlightStyle: Style(attributes: [.reverse, .bold]), emptyText: "No requests yet.",
        header: ListWidget.Row(["Method", "Status", "Time", "Path", "Answer"]), headerStyle: Theme.header
    ) { row in
        let index = log.count - 1 - row
        let event = log[index]
        return ListWidget.Row([event.method, event.status.map(String.init) ?? "—", "\(Format.milliseconds(event.duration)) ms",
                               event.path, answers[index]], style: isFailure(event) ? Theme.error : .plain)
    }.render(in: inner, into: &buffer)
}

/// A request failed when no answer came or the answer was an error.
private func isFailure(_ event: RequestEvent) -> Bool {
    event.status.map { $0 >= 400 } ?? true
}

/// What the log's Answer column says: why a request failed (`requestLogReason`), and which try it was.
func requestAnswer(_ event: RequestEvent) -> String {
    [requestLogReason(event), event.attempt > 1 ? "try \(event.attempt)" : nil].compactMap { $0 }.joined(separator: " · ")
}

/// One request whole: what was asked, what came back (status, code, the server's message, the failure), the body of a
/// write, and the curl command that repeats it, wrapped to the window and scrolled.
private func renderRequestDetail(_ event: RequestEvent, _ state: AppState, in box: Rect, into buffer: inout Buffer) {
    Clear().render(in: box, into: &buffer)
    let block = Block(title: "Request", focused: true, focusedBorderStyle: .bold)
    block.render(in: box, into: &buffer)
    footer("y copy · ↑↓ scroll · Esc back", in: box, into: &buffer)
    let inner = block.inner(box).inset(horizontal: 1, vertical: 0)
    let lines = requestDetailLines(event)
    let scroll = min(state.presenter.logDetailScroll, max(Paragraph(lines: lines).layout(width: inner.width).count - inner.height, 0))
    Paragraph(lines: lines, scroll: scroll).render(in: inner, into: &buffer)
}

/// The lines of a request's details (before wrapping).
func requestDetailLines(_ event: RequestEvent) -> [Paragraph.Line] {
    var lines: [Paragraph.Line] = [Paragraph.Line("\(event.method) \(event.path)", style: Theme.title), ""]
    var answer = event.status.map { "HTTP \($0)" } ?? "no answer"
    if let code = event.sparkCode, code != 0 { answer += ", Spark code \(code)" }
    answer += ", in \(Format.milliseconds(event.duration)) ms" + (event.attempt > 1 ? " (try \(event.attempt))" : "")
    lines.append(Paragraph.Line("Answer   " + answer, style: isFailure(event) ? Theme.error : nil))
    if let message = event.message, !message.isEmpty { lines.append(Paragraph.Line("Message  " + message)) }
    if event.message == nil, let summary = event.errorSummary { lines.append(Paragraph.Line("Failed   " + summary)) }
    if let body = event.body { lines.append(Paragraph.Line("Body     " + body)) }
    lines.append("")
    guard let curl = curlCommand(for: event) else {
        lines.append(Paragraph.Line("This request cannot be repeated: its address was not kept.", style: Theme.dim))
        return lines
    }
    if event.body == nil, event.path.hasPrefix("/v1/oauth2/") {
        lines.append(Paragraph.Line("Its body is not shown: it holds the client secret and a code or a refresh token.", style: Theme.dim))
    }
    lines.append(Paragraph.Line("The same request with curl (set SPARK_ACCESS_TOKEN to your access token first; y copies it):",
                                style: Theme.dim))
    lines.append(Paragraph.Line(curl, style: Theme.accent))
    return lines
}

/// How many lines the details of the highlighted request take in the log's window (for scrolling).
func requestDetailLineCount(_ state: AppState) -> Int {
    guard let event = state.selectedRequest else { return 0 }
    let inner = requestLogBox(state.size).inset(by: 1).inset(horizontal: 1, vertical: 0)
    return max(Paragraph(lines: requestDetailLines(event)).layout(width: inner.width).count - inner.height + 1, 1)
}

/// Keys on the bottom border of a window.
private func footer(_ text: String, in box: Rect, into buffer: inout Buffer) {
    guard box.height >= 2, box.width >= 6 else { return }
    let label = " " + TextWidth.truncate(text, to: box.width - 4) + " "
    let width = TextWidth.of(label)
    buffer.write(label, at: box.right - 1 - width, y: box.bottom - 1, maxWidth: width, style: .bold)
}

// MARK: - Live marks

/// What a poll found changed on a cart's row, for its label column: "new", "renamed" (the count column says counts).
func liveCartLabel(_ state: AppState, _ cartId: String) -> String? {
    switch state.live.cartMarks[cartId]?.kind {
    case .new?: "new"
    case .renamed(let from)?: "was \(from)"
    default: nil
    }
}

/// A cart's count as a poll found it changed: "8 → 9".
func liveCartCount(_ state: AppState, _ cartId: String) -> String? {
    guard case .count(let from, let to)? = state.live.cartMarks[cartId]?.kind else { return nil }
    return "\(from.map(String.init) ?? "?") → \(to.map(String.init) ?? "?")"
}

/// "new" on a listing a poll brought into the open view.
func liveListingLabel(_ state: AppState, _ listingId: String) -> String? {
    state.live.listingMarks[listingId] == nil ? nil : "new"
}

/// After the group's name in the title while the group was just changed elsewhere.
func liveGroupSuffix(_ state: AppState) -> String {
    state.live.groupChange == nil ? "" : " (changed elsewhere)"
}
