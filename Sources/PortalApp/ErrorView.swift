import SparkAPI
import TerminalUI

// `e`: the last error the status line said, whole — the sentence, what was asked, what came back (the server's own
// message too), and what to do — in a window over the screen, scrolled like help when it is taller than the screen.
//
//     ┏ The last error ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
//     ┃ ✗ Couldn't switch to Carl Contact's group: That portal group is no   ┃
//     ┃   longer available. Pick another group.                               ┃
//     ┃                                                                       ┃
//     ┃ Asked        PUT /v1/portal/groups/current                            ┃
//     ┃ Answer       HTTP 409, Spark code 1025                                ┃
//     ┃ Its message  The group is not valid for this user.                    ┃
//     ┃ What to do   Pick another group in the picker (Enter), or press r to  ┃
//     ┃              read the groups again.                                   ┃
//     ┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ Esc close ┛

/// `e`: opens the last error, or says there was none.
func showLastError(_ state: inout AppState) -> [AppEffect] {
    guard state.feedback.lastError != nil else {
        state.status = StatusMessage("No error so far in this session.")
        return []
    }
    state.overlay = .lastError
    state.overlayScroll = 0
    return []
}

/// The widest the window gets.
private let errorWindowWidth = 78

/// The window's lines at a screen size, wrapped to fit it (labels keep their column).
func lastErrorLines(_ last: LastError, _ state: AppState) -> [Paragraph.Line] {
    let width = max(min(errorWindowWidth, state.size.width) - 4, 10)
    // The first line takes the whole width; the rest are wrapped 2 columns narrower, for their indent.
    let pieces = Paragraph.wrap("✗ \(last.sentence)", width: width)
    var lines = [Paragraph.Line(pieces[0], style: Theme.error)]
    if pieces.count > 1 {
        lines += Paragraph.wrap(pieces.dropFirst().joined(separator: " "), width: width - 2).map {
            Paragraph.Line("  " + $0, style: Theme.error)
        }
    }
    let facts = errorFacts(last.error, state)
    let labelWidth = facts.map { TextWidth.of($0.label) }.max() ?? 0
    lines.append("")
    for (label, value) in facts {
        let room = width - labelWidth - 2
        guard room >= 12 else {
            lines += Paragraph.wrap("\(label): \(value)", width: width).map { Paragraph.Line($0) }
            continue
        }
        for (index, piece) in Paragraph.wrap(value, width: room).enumerated() {
            let head = index == 0 ? TextWidth.pad(label, to: labelWidth) : String(repeating: " ", count: labelWidth)
            lines.append(Paragraph.Line(head + "  " + piece, style: index == 0 && label == "What to do" ? Theme.title : nil))
        }
    }
    return lines
}

/// What was asked, what came back, the server's message, what to do.
private func errorFacts(_ error: SparkError?, _ state: AppState) -> [(label: String, value: String)] {
    guard let error else { return [("What to do", "Press r to read everything again; the screen then shows what the server has.")] }
    var facts: [(label: String, value: String)] = []
    if let context = error.context, !context.method.isEmpty { facts.append(("Asked", context.description)) }
    let answer: String = switch error {
    case .transport(let failure, let host, _): "none from \(host.isEmpty ? "the server" : host): \(words(failure))"
    case .api(let status, let code, _, _): "HTTP \(status)\(code.map { ", Spark code \($0)" } ?? "")"
    case .http(let status, _): "HTTP \(status), without a Spark error in it"
    case .malformedBody(let status, let reason, _): "HTTP \(status), but it could not be read: \(reason)"
    case .answerTooLarge(let status, let limit, _): "HTTP \(status), over \(limit) bytes: not read"
    case .cancelled: "none: it was given up (Esc) or asked again (r)"
    default: error.description
    }
    facts.append(("Answer", answer))
    if case .api(_, _, let message?, _) = error, !message.isEmpty { facts.append(("Its message", message)) }
    facts.append(("What to do", advice(for: error, state)))
    return facts
}

private func words(_ failure: TransportFailure) -> String {
    switch failure {
    case .connectionRefused: "the connection was refused"
    case .timedOut: "no answer in time"
    case .hostNotFound: "no such host"
    case .tls(let detail): "no secure connection (\(detail))"
    case .other(let detail): detail
    }
}

/// What helps, by what went wrong.
private func advice(for error: SparkError, _ state: AppState) -> String {
    if error.needsLogin { return loginAdvice(error, state) }
    if error.isRateLimited { return "Wait a few minutes, then press r." }
    switch error {
    case .transport(.connectionRefused, _, _), .transport(.hostNotFound, _, _), .transport(.tls, _, _):
        return "Check the endpoint (--endpoint) and your network, then press r."
    case .transport:
        return "Check your network connection, then press r."
    case .cancelled:
        return "Press r to ask again."
    case .malformedBody, .answerTooLarge:
        return "Press r to try again; if it persists, report it (L lists the requests sent)."
    default:
        break
    }
    if error.sparkCode == SparkError.codeGroupNotValid {
        return "Pick another group in the picker (Enter), or press r to read the groups again."
    }
    if let status = error.httpStatus, status >= 500 {
        return "The server's trouble, not yours: press r to try again; if it persists, try later."
    }
    return "Press r to read everything again; the screen then shows what the server has."
}

private func lastErrorPopup(_ state: AppState, scroll: Int = 0) -> Popup? {
    guard let last = state.feedback.lastError else { return nil }
    return Popup(title: "The last error", lines: lastErrorLines(last, state), footer: "Esc close",
                 maxSize: Size(width: errorWindowWidth, height: max(state.size.height - 2, 6)), scroll: scroll)
}

/// How far the window scrolls: until its last line is at its bottom.
func lastErrorScrollLimit(_ state: AppState) -> Int {
    guard let popup = lastErrorPopup(state) else { return 0 }
    let inner = popup.area(in: Rect(size: state.size)).inset(by: 1).inset(horizontal: 1, vertical: 0)
    return max(Paragraph(lines: popup.lines).layout(width: inner.width).count - inner.height, 0)
}

func renderLastError(_ state: AppState, in screen: Rect, into buffer: inout Buffer) {
    let limit = lastErrorScrollLimit(state)
    guard var popup = lastErrorPopup(state, scroll: min(state.overlayScroll, limit)) else { return }
    if popup.scroll < limit { popup.footer = "↓ more · Esc close" }
    popup.render(in: screen, into: &buffer)
}
