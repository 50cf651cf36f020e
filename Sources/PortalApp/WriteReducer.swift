import Foundation
import SparkAPI
import TerminalUI

// Changing the workspace from the keys: f/x/a/d on a listing, n/R/d on a cart, u, and the dialogs they open.
// Every change is shown pending at once, then as the server answered it; one write per listing (and per cart) is
// in flight at a time, keys pressed meanwhile wait their turn; a failure says what to do and re-reads what it
// touched. Writes go to the server's current workspace, so none is sent while a group switch is on its way, and a
// switch asked for while writes are in flight waits for them (`chooseWorkspace`).

// MARK: - Keys

/// `f`, `x`, `a`, `d` on the highlighted listing (or the one in details).
func listingCommand(_ command: Command, _ state: inout AppState) -> [AppEffect] {
    guard let listing = state.actedOnListing else { return [] }
    switch command {
    case .favorite:
        return request(.toggle(.favorite, listing), &state)
    case .reject:
        return request(.toggle(.reject, listing), &state)
    case .addToCart:
        guard writableWorkspace(&state) != nil else { return [] }
        state.dialog = .addToCart(AddToCartDialog(listing: listing, carts: state.carts.value ?? [],
                                                  holders: state.holders[listing.id]))
        return []
    case .remove:
        guard let view = state.listings else { return [] }
        guard view.source.cartID != nil else {
            state.status = StatusMessage("d takes a listing out of a cart; these are the listings \(Format.quoted(view.name)) matches "
                                         + "(its filter decides them). f, x and a work here.")
            return []
        }
        guard let cart = state.openCart else {
            state.status = StatusMessage("\(Format.quoted(view.name)) is no longer among the workspace's carts. Press r to read them again.",
                                         kind: .error)
            return []
        }
        guard !cart.isReadOnlyForMembers else {
            state.status = StatusMessage("\(cart.name) is kept by your agent and the portal: spark-portal does not take listings out of it.")
            return []
        }
        return request(.write(.remove(listing, from: cart)), &state)
    default:
        return []
    }
}

/// `n`, `R`, `d` in the carts pane. On a portal cart, `R` and `d` say why not.
func cartCommand(_ command: Command, _ state: inout AppState) -> [AppEffect] {
    if command == .newCart {
        guard writableWorkspace(&state) != nil else { return [] }
        state.dialog = .cartName(CartNameDialog(purpose: .create(listingIds: [], holding: nil)))
        return []
    }
    guard let cart = state.highlightedCart else { return [] }
    guard cart.isCustom else {
        let what = command == .rename ? "it keeps its name" : "it cannot be deleted"
        state.status = StatusMessage("\(cart.name) is a portal cart: \(what). Only your own carts can be renamed or deleted; n makes one.")
        return []
    }
    guard let workspace = writableWorkspace(&state) else { return [] }
    switch command {
    case .rename:
        state.dialog = .cartName(CartNameDialog(purpose: .rename(cart)))
    case .delete:
        let whose = workspace == .own ? "your own workspace" : state.displayName(of: workspace)
        state.dialog = .confirmDelete(cart, ConfirmationPrompt(
            title: "Delete cart",
            question: "Delete \(Format.quoted(cart.name)) (\(Format.listings(cart.listingCount))) from \(whose)?",
            yesLabel: "delete", noLabel: "keep"))
    default:
        break
    }
    return []
}

/// `u`: sends the reverse of the last change of this session that is not undone yet, in the workspace it was made
/// in (never another).
func undoLast(_ state: inout AppState) -> [AppEffect] {
    guard let entry = state.writes.undoStack.last else {
        state.status = StatusMessage("Nothing to undo: no change of this session is left that can be undone.")
        return []
    }
    guard entry.workspace == state.currentWorkspace else {
        state.status = StatusMessage("The last change (\(entry.done)) was made in \(state.displayName(of: entry.workspace)); "
                                     + "switch back to it to undo it.")
        return []
    }
    guard writableWorkspace(&state) != nil else { return [] }
    state.writes.undoStack.removeLast()
    return request(.write(entry.inverse), undoing: entry, &state)
}

/// The workspace a write would land in, when it is settled and the server can be reached; otherwise nil, and the
/// status says why nothing was sent. Every write goes through here.
func writableWorkspace(_ state: inout AppState) -> Workspace? {
    // Offline, nothing is sent and nothing is kept to send later (CacheReducer.swift).
    if state.refuseWriteWhileOffline() { return nil }
    if let target = state.switchWaiting ?? state.groupSwitch.map({ $0.queued ?? $0.inFlight }) {
        state.status = StatusMessage("Switching to \(state.displayName(of: target)): changes wait until it is done. Nothing was changed.")
        return nil
    }
    // A refresh (`r`) does not stop writes: the screen's workspace is the server's until an answer says otherwise.
    guard let current = state.currentWorkspace, !state.switchSettling, state.currentGroup.error == nil,
          state.cartsWorkspace == current, state.carts.value != nil else {
        state.status = StatusMessage("The workspace is still loading (or failed to: r reads it again). Nothing was changed.")
        return nil
    }
    return current
}

// MARK: - Dialogs

func handleDialogKey(_ key: Key, _ state: inout AppState) -> [AppEffect] {
    switch state.dialog {
    case .addToCart(var dialog):
        let outcome = dialog.chooser.handle(key, in: Rect(size: state.size)) { label, filter in
            filter.isEmpty || label.localizedStandardContains(filter)
        }
        state.dialog = .addToCart(dialog)
        switch outcome {
        case .chosen(let index):
            state.dialog = nil
            guard index < dialog.carts.count else {
                state.dialog = .cartName(CartNameDialog(purpose: .create(listingIds: [dialog.listing.id],
                                                                         holding: Format.name(of: dialog.listing))))
                return []
            }
            return add(dialog.listing, to: dialog.carts[index], &state)
        case .cancelled:
            state.dialog = nil
        case .moved, .filterChanged, .ignored:
            break
        }
        return []

    case .cartName(var dialog):
        switch dialog.editor.handle(key) {
        case .confirmed(let text):
            return submitName(text, dialog, &state)
        case .cancelled:
            state.dialog = nil
        case .limitReached:
            dialog.error = "A name has at most \(CartNameDialog.nameLimit) characters."
            state.dialog = .cartName(dialog)
        case .changed:
            dialog.error = nil
            state.dialog = .cartName(dialog)
        case .moved, .ignored:
            state.dialog = .cartName(dialog)
        }
        return []

    case .confirmDelete(let cart, let prompt):
        switch prompt.answer(to: key) {
        case .yes:
            state.dialog = nil
            return request(.write(.deleteCart(cart)), &state)
        case .no:
            state.dialog = nil
            state.status = StatusMessage("Kept \(Format.quoted(cart.name)).")
        case .undecided:
            break
        }
        return []

    case .search(let dialog):
        return handleSearchDialogKey(key, dialog, &state)

    case nil:
        return []
    }
}

/// A cart chosen in the `a` chooser. Favorites and Rejects are marks (each takes the listing out of the other).
private func add(_ listing: Listing, to cart: ListingCart, _ state: inout AppState) -> [AppEffect] {
    let marks = state.marks(of: listing.id)
    switch cart.portalCartType {
    case .favorites? where marks?.favorite != true, .rejects? where marks?.reject != true:
        guard let favorites = state.favoritesCart, let rejects = state.rejectsCart else { break }
        let mark: ListingMark = cart.portalCartType == .favorites ? .favorite : .reject
        return request(.write(.mark(listing, mark, favorites: favorites, rejects: rejects)), &state)
    default:
        break
    }
    if state.holders[listing.id]?.contains(cart.id) == true {
        state.status = StatusMessage("\(Format.name(of: listing)) is already in \(Format.quoted(cart.name)).")
        return []
    }
    return request(.write(.add(listing, to: cart)), &state)
}

/// Enter in the name dialog: a blank name or one already taken stays in the dialog with the reason; otherwise the
/// dialog closes and the write goes.
private func submitName(_ text: String, _ dialog: CartNameDialog, _ state: inout AppState) -> [AppEffect] {
    var dialog = dialog
    let name = text.trimmingCharacters(in: .whitespaces)
    let renaming: ListingCart? = if case .rename(let cart) = dialog.purpose { cart } else { nil }
    if name.isEmpty {
        dialog.error = "A cart needs a name."
    } else if let renaming, name == renaming.name {
        state.dialog = nil
        state.status = StatusMessage("\(Format.quoted(name)) keeps its name.")
        return []
    } else if let taken = state.cartNamed(name, except: renaming?.id) {
        dialog.error = "\(Format.quoted(taken.name)) is already a cart here. Choose another name."
    } else {
        state.dialog = nil
        switch dialog.purpose {
        case .create(let listingIds, _): return request(.write(.createCart(name: name, listingIds: listingIds)), &state)
        case .rename(let cart): return request(.write(.renameCart(cart, to: name)), &state)
        }
    }
    state.dialog = .cartName(dialog)
    return []
}

// MARK: - Sending

/// Sends a write for a key press now, or queues it behind the write in flight on the same listing or cart.
func request(_ intent: WriteIntent, undoing: UndoEntry? = nil, _ state: inout AppState) -> [AppEffect] {
    guard let workspace = writableWorkspace(&state) else {
        if let undoing { state.writes.pushUndo(undoing) }
        return []
    }
    if state.writes.isBusy(intent.queueKey) {
        state.writes.enqueue(QueuedWrite(intent: intent, workspace: workspace, undoing: undoing))
        return []
    }
    return send(intent, in: workspace, undoing: undoing, &state)
}

private func send(_ intent: WriteIntent, in workspace: Workspace, undoing: UndoEntry?, _ state: inout AppState) -> [AppEffect] {
    guard let write = resolve(intent, &state) else { return [] }
    var countBefore: Int?, wasMember: Bool?
    switch write {
    case .add(let listing, let cart), .remove(let listing, let cart):
        countBefore = state.carts.value?.first { $0.id == cart.id }?.listingCount
        wasMember = state.holders[listing.id].map { $0.contains(cart.id) }
        if case .add = write, wasMember == true {
            state.status = StatusMessage("\(Format.name(of: listing)) is already in \(Format.quoted(cart.name)).")
            return []
        }
    default:
        break
    }
    let pending = state.writes.begin(write, in: workspace, undoing: undoing, countBefore: countBefore, wasMember: wasMember)
    state.status = StatusMessage(undoing.map { "Undoing \($0.done)…" } ?? WriteWords.progress(write), kind: .progress)
    return [.write(id: pending.id, write)]
}

/// The write a key press means now: a toggle is decided by the listing's marks as they are when its turn comes.
private func resolve(_ intent: WriteIntent, _ state: inout AppState) -> WorkspaceWrite? {
    switch intent {
    case .write(let write):
        return write
    case .toggle(let mark, let listing):
        guard let favorites = state.favoritesCart else {
            state.status = StatusMessage(WorkspaceError.missingCart(.favorites).userMessage, kind: .error)
            return nil
        }
        guard let rejects = state.rejectsCart else {
            state.status = StatusMessage(WorkspaceError.missingCart(.rejects).userMessage, kind: .error)
            return nil
        }
        let marks = state.marks(of: listing.id)
        let has = mark == .favorite ? marks?.favorite == true && marks?.reject != true
                                    : marks?.reject == true && marks?.favorite != true
        return .mark(listing, has ? .none : mark, favorites: favorites, rejects: rejects)
    case .toggleFeed(let feed):
        return resolveFeedToggle(feed, &state)
    }
}

/// The next key press waiting on `key`, if any; presses made for a workspace that is no longer current are dropped,
/// and the status says so.
private func sendNext(_ key: WriteSubject, _ state: inout AppState) -> [AppEffect] {
    while let next = state.writes.dequeue(key) {
        guard next.workspace == state.currentWorkspace, state.cartsWorkspace == next.workspace else {
            state.status = StatusMessage("A change waiting its turn was not sent: the workspace changed meanwhile.", kind: .error)
            continue
        }
        let effects = send(next.intent, in: next.workspace, undoing: next.undoing, &state)
        if !effects.isEmpty { return effects }
    }
    return []
}

// MARK: - Answers

func finishWrite(_ id: Int, _ outcome: WriteOutcome, _ state: inout AppState) -> [AppEffect] {
    guard let pending = state.writes.finish(id) else { return [] }
    // The answer changed the server whatever the screen shows now; it changes the screen's data only when that data
    // is the same workspace's. It never moves the user.
    let here = pending.workspace == state.currentWorkspace && state.cartsWorkspace == pending.workspace
    var effects = apply(outcome, of: pending, here: here, &state)
    if !here, var status = state.status {
        status.text = "In \(state.displayName(of: pending.workspace)): \(status.text)"
        state.status = status
    }
    effects += sendNext(pending.write.queueKey, &state)
    if state.writes.isIdle {
        if state.quitWhenIdle { return effects + [.quit] }
        if let waiting = state.switchWaiting {
            state.switchWaiting = nil
            effects += chooseWorkspace(waiting, &state)
        }
    }
    return effects
}

private func apply(_ outcome: WriteOutcome, of pending: PendingWrite, here: Bool, _ state: inout AppState) -> [AppEffect] {
    let write = pending.write
    switch (outcome, write) {
    case (.marked(let result), .mark(let listing, _, _, _)):
        return applyMark(result, listing: listing, pending, here: here, &state)

    case (.cartChanged(let cart), .add(let listing, let target)), (.cartChanged(let cart), .remove(let listing, let target)):
        let adding = if case .add = write { true } else { false }
        var effects: [AppEffect] = []
        if here {
            updateCount(from: cart, &state)
            if var holders = state.holders[listing.id] {
                if adding { holders.insert(cart.id) } else { holders.remove(cart.id) }
                state.holders[listing.id] = holders
            } else {
                effects += holdersEffect([listing.id], &state)
            }
            syncRow(listing.id, inCart: cart.id, isMember: adding, &state, listing: listing)
        }
        let changed: Bool = if let was = pending.wasMember { was != adding }
            else if let before = pending.countBefore, let after = cart.listingCount { before != after } else { true }
        let name = Format.name(of: listing), count = cart.listingCount.map { " (now \($0))" } ?? ""
        let sentence = switch (adding, changed) {
        case (true, true): "Added \(name) to \(Format.quoted(cart.name))\(count)."
        case (true, false): "\(name) was already in \(Format.quoted(cart.name))."
        case (false, true): "Removed \(name) from \(Format.quoted(cart.name))\(count)."
        case (false, false): "\(name) was not in \(Format.quoted(cart.name)) any more."
        }
        let done = adding ? "adding \(name) to \(Format.quoted(target.name))" : "removing \(name) from \(Format.quoted(target.name))"
        finished(sentence, pending, undo: changed ? UndoEntry(inverse: adding ? .remove(listing, from: target) : .add(listing, to: target),
                                                            workspace: pending.workspace, done: done) : nil,
                 undoHint: adding ? nil : "u puts it back", &state)
        return effects

    case (.created(let creation), .createCart(let name, let listingIds)):
        return applyCreation(creation, name: name, listingIds: listingIds, pending, here: here, &state)

    case (.renamed, .renameCart(let cart, let newName)):
        var renamed = cart
        renamed.name = newName
        if here { updateCount(from: renamed, &state) }
        finished("Renamed \(Format.quoted(cart.name)) to \(Format.quoted(newName)).", pending,
                 undo: UndoEntry(inverse: .renameCart(renamed, to: cart.name), workspace: pending.workspace,
                                 done: "renaming \(Format.quoted(cart.name)) to \(Format.quoted(newName))"), &state)
        return []

    case (.deleted(let deleted), .deleteCart(let cart)):
        if here {
            state.carts = state.carts.replacingValue((state.carts.value ?? []).filter { $0.id != cart.id })
            for id in state.holders.keys { state.holders[id]?.remove(cart.id) }
            state.rebuildCartRows()
        }
        let listingIds = deleted.listingIds ?? []
        finished("Deleted \(Format.quoted(cart.name)) (\(Format.listings(deleted.listingIds?.count ?? deleted.listingCount))).",
                 pending, undo: UndoEntry(inverse: .createCart(name: cart.name, listingIds: listingIds), workspace: pending.workspace,
                                          done: "deleting \(Format.quoted(cart.name))", recreates: cart.id),
                 undoHint: listingIds.isEmpty ? "u re-creates it" : "u re-creates it with its listings", &state)
        return []

    case (_, .searchOrFeed(let write)):
        return applySearchOrFeed(outcome, of: write, pending, &state)

    case (.failed(let failure), _):
        return applyFailure(failure, of: pending, here: here, &state)

    default:
        // An answer of another kind than the write it answers: a bug; re-read so the screen shows the truth.
        state.status = StatusMessage("An unexpected answer came for a change; the carts were re-read.", kind: .error)
        return here ? rereadCarts(&state) : []
    }
}

/// The status after a write that went through, and its undo entry (or, for an undo, what was undone). `undoHint`
/// ("u puts it back") is said when an entry is kept.
func finished(_ sentence: String, _ pending: PendingWrite, undo: UndoEntry?, undoHint: String? = nil,
                      _ state: inout AppState) {
    if let undoing = pending.undoing {
        state.status = StatusMessage("Undid \(undoing.done): \(sentence.prefix(1).lowercased() + sentence.dropFirst())")
        return
    }
    guard let undo else {
        state.status = StatusMessage(sentence)
        return
    }
    state.writes.pushUndo(undo)
    state.status = StatusMessage(undoHint.map { "\(sentence.hasSuffix(".") ? String(sentence.dropLast()) : sentence); \($0)." } ?? sentence)
}

private func applyMark(_ result: MarkResult, listing: Listing, _ pending: PendingWrite, here: Bool,
                       _ state: inout AppState) -> [AppEffect] {
    if here {
        for cart in result.updatedCarts { updateCount(from: cart, &state) }
        state.holders[listing.id] = Set(result.holders.map(\.id))
        for cart in [result.favorites, result.rejects] {
            syncRow(listing.id, inCart: cart.id, isMember: result.holders.contains { $0.id == cart.id }, &state, listing: listing)
        }
    }
    let name = Format.name(of: listing)
    if let error = result.error {
        let place = result.holders.isEmpty ? "It is in no cart now."
            : "It is now in \(result.holders.map { Format.quoted($0.name) }.joined(separator: " and "))."
        state.status = StatusMessage("Couldn't \(WriteWords.verb(result.requested)) \(name): "
                                     + "\(WriteWords.reason(.spark(error), write: pending.write)) \(place)"
                                     + keepUndo(pending, after: .spark(error), &state), kind: .error)
        return here ? rereadCarts(&state) : []
    }
    let sentence = WriteWords.markSentence(result, name: name)
    let previous = previousMark(result)
    let undo = result.changed ? previous.map { previous in
        UndoEntry(inverse: .mark(listing, previous, favorites: result.favorites, rejects: result.rejects),
                  workspace: pending.workspace, done: "\(WriteWords.gerund(result.requested)) \(name)")
    } : nil
    finished(sentence, pending, undo: undo, &state)
    return []
}

/// The listing's mark before a `MarkResult`'s writes (nil when it was in both carts: no mark puts that back).
private func previousMark(_ result: MarkResult) -> ListingMark? {
    func was(_ cart: ListingCart) -> Bool {
        (result.holders.contains { $0.id == cart.id } && result.addedTo?.id != cart.id)
            || result.removedFrom.contains { $0.id == cart.id }
    }
    switch (was(result.favorites), was(result.rejects)) {
    case (true, false): return .favorite
    case (false, true): return .reject
    case (false, false): return ListingMark.none
    case (true, true): return nil
    }
}

private func applyCreation(_ creation: CartCreation, name: String, listingIds: [String], _ pending: PendingWrite, here: Bool,
                           _ state: inout AppState) -> [AppEffect] {
    switch creation {
    case .created(let cart), .createdAnswerLost(let cart, _):
        if here {
            var carts = state.carts.value ?? []
            if !carts.contains(where: { $0.id == cart.id }) { carts.append(cart) }
            state.carts = state.carts.replacingValue(carts)
            state.writes.touch(.cart(cart.id))
            for id in listingIds { state.holders[id]?.insert(cart.id) }
            state.rebuildCartRows()
        }
        let holding = listingIds.isEmpty ? "" : " with \(Format.listings(listingIds.count))"
        var sentence = "Created \(Format.quoted(cart.name))\(holding)."
        if case .createdAnswerLost(_, let lost) = creation {
            let clause = lost.outcomeUnknownClause
            sentence += " \(clause.prefix(1).uppercased() + clause.dropFirst()), but the carts show it was created, once."
        }
        finished(sentence, pending, undo: UndoEntry(inverse: .deleteCart(cart), workspace: pending.workspace,
                                                    done: "creating \(Format.quoted(cart.name))"), &state)
        // A deleted cart re-created: the changes made to it before the delete are undone on it, not on its old Id.
        if let old = pending.undoing?.recreates {
            for index in state.writes.undoStack.indices {
                state.writes.undoStack[index].inverse = state.writes.undoStack[index].inverse.replacingCart(old, with: cart)
            }
        }
        return []

    case .notCreated(let error):
        let checked = error.mayHaveBeenApplied ? " The carts show it was not created; it is safe to try again." : ""
        let reason = WriteWords.reason(.spark(error), write: pending.write)
        state.status = StatusMessage("Couldn't create \(Format.quoted(name)): \(reason)\(checked)", kind: .error)
        if let undoing = pending.undoing {
            state.writes.pushUndo(undoing)
        } else if state.dialog == nil {
            // Nothing typed is lost: the name comes back, with the reason, for another try.
            let shown = [state.details?.listing].compactMap { $0 } + (state.listings?.listings ?? [])
            let listing = listingIds.count == 1 ? shown.first { $0.id == listingIds[0] } : nil
            let holding = listing.map(Format.name(of:)) ?? (listingIds.isEmpty ? nil : Format.listings(listingIds.count))
            state.dialog = .cartName(CartNameDialog(purpose: .create(listingIds: listingIds, holding: holding), text: name,
                                                    error: reason))
        }
        return here && error.mayHaveBeenApplied ? rereadCarts(&state) : []

    case .unknown(let error, let doubt):
        let why = switch doubt {
        case .notThereYet: "it is not among the carts yet, but the server may still be creating it."
        case .rereadFailed(let reread): "reading the carts to check failed too (\(reread.userMessage))."
        case .severalNewCarts(let carts): "\(carts.count) new carts with that name appeared at once (another member may have made one too)."
        }
        state.status = StatusMessage("Couldn't tell whether \(Format.quoted(name)) was created (\(error.userMessage)): \(why) "
                                     + "The carts were re-read; look before trying again.", kind: .error)
        return here ? rereadCarts(&state) : []
    }
}

private func applyFailure(_ failure: WriteFailure, of pending: PendingWrite, here: Bool, _ state: inout AppState) -> [AppEffect] {
    let write = pending.write
    let reason = WriteWords.reason(failure, write: write)
    state.status = StatusMessage("Couldn't \(pending.undoing.map { "undo \($0.done)" } ?? WriteWords.task(write)): \(reason)"
                                 + keepUndo(pending, after: failure, &state), kind: .error)
    if case .renameCart(let cart, let name) = write, pending.undoing == nil, state.dialog == nil,
       let code = failure.sparkError, code.httpStatus == 409 || code.sparkCode == 1050 || code.sparkCode == 1055 {
        state.dialog = .cartName(CartNameDialog(purpose: .rename(cart), text: name, error: reason))
    }
    guard here else { return [] }
    if case .workspace = failure { return [] }
    var effects = rereadCarts(&state)
    if let listing = write.listing { effects += holdersEffect([listing.id], &state) }
    return effects
}

/// A failed undo goes back on the stack, to be tried again (`u`), unless no try can succeed: what it changes is gone
/// (404) or the server refuses it for good (405). Then it is dropped — else it would stay on top and every `u` would
/// send it again, never reaching the changes before it — and the words returned (for the status line) say so.
func keepUndo(_ pending: PendingWrite, after failure: WriteFailure, _ state: inout AppState) -> String {
    guard let undoing = pending.undoing else { return "" }
    if let status = failure.sparkError?.httpStatus, status == 404 || status == 405 {
        return " It cannot be undone any more."
    }
    state.writes.pushUndo(undoing)
    return ""
}

/// A holders read for these listings, in the current workspace.
private func holdersEffect(_ listingIds: [String], _ state: inout AppState) -> [AppEffect] {
    guard let workspace = state.currentWorkspace else { return [] }
    return [.loadHolders(listingIds: listingIds, workspace: workspace, tick: state.writes.tick)]
}

// MARK: - Words

/// How changes read on screen: pending on their row, in progress and done in the status line, and why they failed.
enum WriteWords {
    /// On the row while the write is on its way: "favoriting…".
    static func rowLabel(_ write: WorkspaceWrite) -> String {
        switch write {
        case .mark(_, let mark, _, _): "\(gerund(mark))…"
        case .add(_, let cart): "adding to \(cart.name)…"
        case .remove: "removing…"
        case .createCart: "creating…"
        case .renameCart(_, let name): "renaming to \(name)…"
        case .deleteCart: "deleting…"
        case .searchOrFeed(let write): write.rowLabel
        }
    }

    /// In the status line while the write is on its way: "Favoriting 123 Birch St…".
    static func progress(_ write: WorkspaceWrite) -> String {
        switch write {
        case .mark(let listing, let mark, _, _): "\(gerund(mark).capitalized) \(Format.name(of: listing))…"
        case .add(let listing, let cart): "Adding \(Format.name(of: listing)) to \(Format.quoted(cart.name))…"
        case .remove(let listing, let cart): "Removing \(Format.name(of: listing)) from \(Format.quoted(cart.name))…"
        case .createCart(let name, _): "Creating \(Format.quoted(name))…"
        case .renameCart(let cart, let name): "Renaming \(Format.quoted(cart.name)) to \(Format.quoted(name))…"
        case .deleteCart(let cart): "Deleting \(Format.quoted(cart.name))…"
        case .searchOrFeed(let write): write.progress
        }
    }

    /// "favorite 123 Birch St", "create 'Weekend cabins'": what the write does, after "Couldn't ".
    static func task(_ write: WorkspaceWrite) -> String {
        switch write {
        case .mark(let listing, let mark, _, _): "\(verb(mark)) \(Format.name(of: listing))"
        case .add(let listing, let cart): "add \(Format.name(of: listing)) to \(Format.quoted(cart.name))"
        case .remove(let listing, let cart): "remove \(Format.name(of: listing)) from \(Format.quoted(cart.name))"
        case .createCart(let name, _): "create \(Format.quoted(name))"
        case .renameCart(let cart, let name): "rename \(Format.quoted(cart.name)) to \(Format.quoted(name))"
        case .deleteCart(let cart): "delete \(Format.quoted(cart.name))"
        case .searchOrFeed(let write): write.task
        }
    }

    static func verb(_ mark: ListingMark) -> String {
        switch mark {
        case .favorite: "favorite"
        case .reject: "reject"
        case .none: "unmark"
        }
    }

    static func gerund(_ mark: ListingMark) -> String {
        switch mark {
        case .favorite: "favoriting"
        case .reject: "rejecting"
        case .none: "unmarking"
        }
    }

    /// "Favorited 123 Birch St: in 'Favorites' (now 3), out of 'Rejects' (now 1)."
    static func markSentence(_ result: MarkResult, name: String) -> String {
        let count = { (cart: ListingCart) in cart.listingCount.map { " (now \($0))" } ?? "" }
        guard result.changed else {
            return switch result.requested {
            case .favorite: "\(name) is already a favorite (f again takes it out)."
            case .reject: "\(name) is already rejected (x again takes it out)."
            case .none: "\(name) is in neither Favorites nor Rejects."
            }
        }
        var sentence = switch result.requested {
        case .favorite: "Favorited \(name): in \(Format.quoted(result.favorites.name))\(count(result.favorites))"
        case .reject: "Rejected \(name): in \(Format.quoted(result.rejects.name))\(count(result.rejects))"
        case .none: "Unmarked \(name)"
        }
        let removed = result.removedFrom.map { "\(Format.quoted($0.name))\(count($0))" }
        if !removed.isEmpty { sentence += (result.requested == .none ? ": out of " : ", out of ") + removed.joined(separator: " and ") }
        return sentence + "."
    }

    /// A change the server may have made although no good answer came: what happened, plainly, and that the screen
    /// now shows the server's state: "the server failed (HTTP 500, code 0: …). The saved searches were re-read and show
    /// what the server has."
    static func uncertain(_ error: SparkError, reread records: String) -> String {
        "\(error.outcomeUnknownClause). The \(records) were re-read and show what the server has."
    }

    /// Why a write failed, and what to do about it.
    static func reason(_ failure: WriteFailure, write: WorkspaceWrite) -> String {
        if case .searchOrFeed(let write) = write { return write.reason(failure) }
        let cart: String = switch write {
        case .add(_, let cart), .remove(_, let cart), .renameCart(let cart, _), .deleteCart(let cart): Format.quoted(cart.name)
        case .mark(_, _, let favorites, let rejects): "\(Format.quoted(favorites.name)) or \(Format.quoted(rejects.name))"
        case .createCart(let name, _): Format.quoted(name)
        case .searchOrFeed: ""
        }
        switch failure {
        case .workspace(let error):
            return error.userMessage
        case .notSent(let error):
            if error.httpStatus == 404 { return "\(cart) is not there any more (another member may have deleted it)." }
            return "its listings could not be read first (\(error.userMessage)); nothing was deleted."
        case .spark(let error):
            switch (error.httpStatus, error.sparkCode) {
            case (404, _):
                return "\(cart) is not there any more: another member may have deleted it. The carts were re-read."
            case (405, _):
                return "\(cart) is a portal cart, and the server refused the change."
            case (409, _), (_, 1055?):
                return "a cart with that name already exists in this workspace. Choose another name."
            case (_, 1050?):
                return "the name is blank. Type a name."
            case (_, 1053?):
                return "the server does not know this listing."
            default:
                if error.mayHaveBeenApplied {
                    return uncertain(error, reread: "lists")
                }
                return error.userMessage
            }
        }
    }
}
