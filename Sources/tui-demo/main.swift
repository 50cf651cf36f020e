// tui-demo: a bordered list of names in several scripts on the real ncurses backend. It shows
// that wide characters (CJK, emoji), accents and combining marks keep the borders aligned, and it
// is the program the tmux end-to-end test of TerminalUI drives.
//
//   tui-demo [--no-color] [--no-mouse] [--rows N] [--allow-crash]
//   keys: j/k or arrows move, PgUp/PgDn, g/G first/last, ? help, q quit,
//         / find a name (a line editor: type or paste), c choose a name (a chooser), d delete (a confirmation),
//         ! crash on purpose (only with --allow-crash: tests the terminal restore)
import TerminalUI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Person {
    let name: String
    let city: String
    let count: Int
}

let people: [Person] = [
    Person(name: "Ada Lovelace", city: "London", count: 3),
    Person(name: "José Ñúñez", city: "Sevilla", count: 12),
    Person(name: "Rene\u{301}e Dupont", city: "Besanc\u{327}on", count: 7),
    Person(name: "山田太郎", city: "東京", count: 42),
    Person(name: "김민준", city: "서울", count: 5),
    Person(name: "🏠 Home Team", city: "Reykjavík", count: 1),
    Person(name: "Ольга Петрова", city: "Москва", count: 8),
    Person(name: "李小龙🐉", city: "香港", count: 99),
    Person(name: "Evil\u{1B}[31mRed\u{07}", city: "Tab\there", count: 0),
]

var arguments = CommandLine.arguments.dropFirst()
var options = NcursesBackend.Options()
var extraRows = 100
var allowCrash = false
while let arg = arguments.popFirst() {
    switch arg {
    case "--no-color": options.colors = .none
    case "--no-mouse": options.mouse = false
    case "--allow-crash": allowCrash = true
    case "--rows": extraRows = Int(arguments.popFirst() ?? "") ?? extraRows
    default:
        printToStandardError("usage: tui-demo [--no-color] [--no-mouse] [--rows N] [--allow-crash]")
        exit(2)
    }
}

let count = people.count + max(0, extraRows)
func person(_ i: Int) -> Person {
    i < people.count ? people[i] : Person(name: "Person \(i + 1)", city: "Città \(i % 7)", count: i * 3)
}

let hints = [KeyHint(key: "↑↓/jk", label: "move"), KeyHint(key: "/", label: "find"), KeyHint(key: "c", label: "choose"),
             KeyHint(key: "d", label: "delete"), KeyHint(key: "?", label: "help"), KeyHint(key: "q", label: "quit")]

/// What the keys go to: the list, or one of the input widgets over it.
enum Mode {
    case browsing
    case finding(LineEditorState)
    case choosing(ChooserState)
    case confirming(ConfirmationPrompt, row: Int)
}

func render(size: Size, state: inout ListState, showHelp: Bool, mode: Mode, message: String) -> Buffer {
    var buffer = Buffer(size: size)
    let notice = TooSmallNotice(minimum: Size(width: 20, height: 6))
    if notice.applies(to: size) {
        notice.render(in: buffer.area, into: &buffer)
        return buffer
    }
    let rows = buffer.area.splitVertically([.fixed(1), .fill, .fixed(1)])
    buffer.write(" tui-demo · wide characters · \(size)", in: rows[0], style: .bold, ellipsis: "…")
    // Colour only as a hint: focus is also the heavy border, selection also reverse + bold.
    let block = Block(title: "Names · 名前", titleRight: "\(count)", focused: true,
                      focusedBorderStyle: Style(fg: .cyan, attributes: .bold))
    block.render(in: rows[1], into: &buffer)
    let list = ListWidget(
        count: count,
        columns: [ListWidget.Column(.flexible(min: 4)), ListWidget.Column(.fixed(10)), ListWidget.Column(.fixed(4), alignment: .right)],
        state: state
    ) { i in
        let p = person(i)
        return ListWidget.Row([p.name, p.city, "\(p.count)"], marker: i == 3 ? "●" : "",
                              style: i == 3 ? Style(fg: .green) : .plain)
    }
    state = list.renderReturningState(in: block.inner(rows[1]), into: &buffer)
    let position = "row \((state.selected ?? 0) + 1)/\(count)"
    StatusBar(hints: hints, message: message.isEmpty ? position : "\(message) · \(position)", messageStyle: Style(fg: .brightBlack),
              keyStyle: Style(fg: .yellow, attributes: .bold)).render(in: rows[2], into: &buffer)
    switch mode {
    case .browsing: break
    case .finding(let editor):
        LineEditor(state: editor, prompt: " Find: ", placeholder: "a name, in any script").render(in: rows[2], into: &buffer)
    case .choosing(let chooser): Chooser(state: chooser).render(in: buffer.area, into: &buffer)
    case .confirming(let prompt, _): prompt.render(in: buffer.area, into: &buffer)
    }
    if showHelp {
        Popup(title: "Help", lines: ["j/k or ↑/↓  move", "g/G  first/last", "q  quit", "漢字 and emoji 🎉 stay aligned"],
              footer: "Esc close").render(in: buffer.area, into: &buffer)
    }
    return buffer
}

let backend: NcursesBackend
do {
    backend = try NcursesBackend(options: options)
} catch {
    printToStandardError("tui-demo: \(error)")
    exit(1)
}

var state = ListState(selected: 0)
var showHelp = false
var running = true
var mode = Mode.browsing
var message = ""

/// The first row whose name contains `text`, ignoring case.
@MainActor func find(_ text: String) -> Int? {
    (0..<count).first { person($0).name.lowercased().contains(text.lowercased()) }
}

/// A key for the input widget that is open.
@MainActor func handleInput(_ key: Key) {
    let screen = Rect(size: backend.size)
    switch mode {
    case .browsing: break
    case .finding(var editor):
        switch editor.handle(key) {
        case .confirmed(let text):
            mode = .browsing
            if let row = find(text) { state.selected = row; message = "found “\(text)”" } else { message = "no name has “\(text)”" }
        case .cancelled: mode = .browsing; message = ""
        case .limitReached: mode = .finding(editor); message = "at most 40 characters"
        case .changed, .moved, .ignored: mode = .finding(editor)
        }
    case .choosing(var chooser):
        switch chooser.handle(key, in: screen) {
        case .chosen(let row): mode = .browsing; state.selected = row; message = "chose \(person(row).name)"
        case .cancelled: mode = .browsing
        case .moved, .filterChanged, .ignored: mode = .choosing(chooser)
        }
    case .confirming(let prompt, let row):
        switch prompt.answer(to: key) {
        case .yes: mode = .browsing; message = "deleted \(person(row).name) (not really)"
        case .no: mode = .browsing; message = "kept \(person(row).name)"
        case .undecided: break
        }
    }
}

while running {
    backend.draw(render(size: backend.size, state: &state, showHelp: showHelp, mode: mode, message: message))
    guard let event = backend.nextEvent(timeout: nil) else { continue }
    let height = max(1, backend.size.height - 4)
    if case .key(let key) = event, key != .ctrl("z") {
        if case .browsing = mode {} else { handleInput(key); continue }
    }
    switch event {
    case .key(.char("q")): running = false
    case .key(.char("?")): showHelp.toggle()
    case .key(.escape): showHelp = false
    case .key(.char("j")), .key(.down): state.move(by: 1, count: count)
    case .key(.char("k")), .key(.up): state.move(by: -1, count: count)
    case .key(.pageDown): state.move(by: height, count: count)
    case .key(.pageUp): state.move(by: -height, count: count)
    case .key(.char("g")), .key(.home): state.selectFirst(count: count)
    case .key(.char("G")), .key(.end): state.selectLast(count: count)
    case .key(.char("/")): mode = .finding(LineEditorState(limit: 40)); message = ""
    case .key(.char("c")):
        mode = .choosing(ChooserState(title: "Choose a name", items: (0..<count).map { ChooserItem(person($0).name, detail: "\(person($0).count)") },
                                      selected: state.selected ?? 0))
    case .key(.char("d")):
        let row = state.selected ?? 0
        mode = .confirming(ConfirmationPrompt(title: "Delete", question: "Delete \(person(row).name) from the list?",
                                              yesLabel: "delete", noLabel: "keep"), row: row)
    case .key(.paste(let text)): message = "a paste (\(text.count) characters) is not a command"
    case .key(.ctrl("z")): backend.suspend()
    case .key(.char("!")) where allowCrash: fatalError("tui-demo: crash on purpose")
    case .key(.mouse(let m)) where m.kind == .press:
        let row = m.y - 2 + state.offset
        if row >= 0 && row < count { state.selected = row }
    case .key(.mouse(let m)) where m.kind == .wheelDown: state.move(by: 3, count: count)
    case .key(.mouse(let m)) where m.kind == .wheelUp: state.move(by: -3, count: count)
    default: break
    }
}
backend.shutdown()
