import SparkAPI
import TerminalUI

// The listing's details and the dialogs, drawn over the panes.

/// A listing's details over the whole body: the address on the border with the listing's place in the view
/// ("3 of 12"), which carts hold it, its facts, its remarks; scrolled; what is loading, what failed and whether
/// there is more below on the bottom border.
func renderDetails(_ details: ListingDetails, _ state: AppState, into buffer: inout Buffer) {
    let layout = state.detailsLayout
    guard !layout.box.isEmpty else { return }
    let view = state.listings
    let place = view.flatMap { view in view.index(of: details.listingId).map { index in
        "\(index + 1) of \(view.totalRows.map { max($0, view.listings.count) } ?? view.listings.count)"
    } }
    let pending = state.writes.inFlight(for: .listing(details.listingId)).map { WriteWords.rowLabel($0.write) }
    let block = Block(title: ListingFacts(details.listing).headline, titleRight: place, focused: true,
                      focusedBorderStyle: Theme.focusedBorder)
    Clear().render(in: layout.box, into: &buffer)
    block.render(in: layout.box, into: &buffer)
    let lines = detailLines(details, holders: state.holders(of: details.listingId), width: layout.text.width)
    Paragraph(lines: lines, scroll: details.scroll).render(in: layout.text, into: &buffer)
    if let place = layout.photo { renderDetailsPhoto(state, in: place, into: &buffer) }

    // The bottom border: what is happening (a change on its way, the full record loading, or why it could not
    // be read), and whether there is more to scroll to.
    let more = details.scroll + layout.text.height < lines.count ? "↓ more" : nil
    var note: (text: String, style: Style)?
    if let pending {
        note = ("\(Spinner().frame(at: state.tick)) \(pending)", Theme.progress)
    } else if details.loading {
        note = ("\(Spinner().frame(at: state.tick)) loading the whole listing…", Theme.progress)
    } else if let error = details.error {
        note = ("✗ \(error.userMessage)", Theme.error)
    }
    let footer = [note?.text, more].compactMap { $0 }.joined(separator: " · ")
    guard !footer.isEmpty, layout.box.width >= 8, layout.box.height >= 3 else { return }
    let text = " " + TextWidth.truncate(footer, to: layout.box.width - 4) + " "
    let width = TextWidth.of(text)
    buffer.write(text, at: layout.box.right - 1 - width, y: layout.box.bottom - 1, maxWidth: width,
                 style: (note?.style ?? Theme.dim).patched(with: Style(attributes: [.bold])))
}

/// A dialog over the screen.
func renderDialog(_ dialog: Dialog, _ state: AppState, in screen: Rect, into buffer: inout Buffer) {
    switch dialog {
    case .addToCart(let dialog):
        Chooser(state: dialog.chooser, emptyText: "no cart matches", highlightStyle: Theme.focusedHighlight)
            .render(in: screen, into: &buffer)
    case .cartName(let dialog):
        renderNameDialog(dialog, state, in: screen, into: &buffer)
    case .confirmDelete(_, let prompt):
        prompt.render(in: screen, into: &buffer)
    case .search(let dialog):
        renderSearchDialog(dialog, state, in: screen, into: &buffer)
    }
}

/// The name of a new or renamed cart: what it is for, the line editor, and the reason the last try was refused.
///
///     ┏ New cart ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
///     ┃ A new cart in Ozzy Owner's group,         ┃
///     ┃ holding 1234 BIRCH.                       ┃
///     ┃                                           ┃
///     ┃ Name: Weekend cabins▮                     ┃
///     ┗━━━━━━━━━━━━━━━━━━━ Enter create · Esc cancel ┛
private func renderNameDialog(_ dialog: CartNameDialog, _ state: AppState, in screen: Rect, into buffer: inout Buffer) {
    let whose = state.currentWorkspace.map { $0 == .own ? "your own workspace" : state.displayName(of: $0) } ?? "this workspace"
    let (title, intro, verb): (String, String, String) = switch dialog.purpose {
    case .create(_, let holding?): ("New cart", "A new cart in \(whose), holding \(holding).", "create")
    case .create: ("New cart", "A new, empty cart in \(whose).", "create")
    case .rename(let cart): ("Rename cart", "A new name for \(Format.quoted(cart.name)) in \(whose).", "rename")
    }
    renderNamePopup(title: title, intro: intro, verb: verb, editor: dialog.editor, error: dialog.error,
                    placeholder: "the cart's name", in: screen, into: &buffer)
}

/// A popup asking for a name: what it is for, the line editor, and the reason the last try was refused.
func renderNamePopup(title: String, intro: String, verb: String, editor: LineEditorState, error: String?, placeholder: String,
                     in screen: Rect, into buffer: inout Buffer) {
    // The editor's row is drawn over a blank line of the popup; the popup is as wide as the longest name allowed.
    let field = String(repeating: " ", count: min(CartNameDialog.nameLimit, 56) + 6)
    var lines: [Paragraph.Line] = [Paragraph.Line(intro), "", Paragraph.Line(field)]
    if let error { lines.append(Paragraph.Line("✗ \(error)", style: Theme.error)) }
    let popup = Popup(title: title, lines: lines, footer: "Enter \(verb) · Esc cancel", maxSize: Size(width: 70, height: 10))
    popup.render(in: screen, into: &buffer)
    let box = popup.area(in: screen)
    let inner = box.inset(by: 1).inset(horizontal: 1, vertical: 0)
    let introRows = Paragraph.wrap(intro, width: inner.width).count
    let row = Rect(x: inner.x, y: inner.y + introRows + 1, width: inner.width, height: 1)
    guard row.y < box.bottom - 1 else { return }
    LineEditor(state: editor, prompt: "Name: ", placeholder: placeholder).render(in: row, into: &buffer)
}
