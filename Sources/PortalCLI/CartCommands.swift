import Foundation
import PortalApp
import SparkAPI
import TerminalUI

// `carts`, `listings <cart>` and `cart create|rename|delete|add|remove`. A `<cart>` is an Id or a name of the
// current workspace (`Choice.cart`); each write says in one line what changed, `--json` prints what the server
// answered, and a command over several listings names each failure and keeps what succeeded.
extension CommandContext {
    func carts(json: Bool) async throws {
        let carts = try await every(client.listingCartPages(), of: "carts")
        if json { return try printJSON(carts) }
        guard !carts.isEmpty else { return console.out("No listing carts.") }
        console.out(Output.table(
            [.init("NAME", maxWidth: 40), .init("LISTINGS", .right), .init("TYPE"), .init("CART ID")],
            rows: carts.map { [$0.name, $0.listingCount.map(String.init) ?? "—", $0.portalCartType?.rawValue ?? "", $0.id] },
            color: color))
    }

    func listings(cart text: String, json: Bool) async throws {
        // An Id is read directly (also a cart of another of your groups, which is readable by Id); a name is looked
        // up among the workspace's carts.
        let cartID = Choice.looksLikeAnId(text) ? text : try Choice.cart.resolve(text, among: try await client.listingCarts()).id
        try printListings(try await every(client.listingPages(inCart: cartID), of: "listings"), json: json,
                          none: "No listings in this cart.")
    }

    /// Listings as JSON, or as a table (MLS number, address, city, price, beds, baths, status, and last the Id the listing
    /// commands take); `none` when there are none.
    func printListings(_ listings: [Listing], json: Bool, none: String) throws {
        if json { return try printJSON(listings) }
        guard !listings.isEmpty else { return console.out(none) }
        console.out(Output.table(
            [.init("MLS #", maxWidth: 16), .init("ADDRESS", maxWidth: 36), .init("CITY", maxWidth: 20), .init("PRICE", .right),
             .init("BEDS", .right), .init("BATHS", .right), .init("STATUS"), .init("LISTING ID")],
            rows: listings.map { listing in
                [Format.text(listing.listingNumber), Format.text(listing.address), Format.text(listing.city),
                 Format.price(listing.listPrice), Format.count(listing.bedsTotal), Format.decimal(listing.bathsTotal),
                 Format.text(listing.status), listing.id]
            },
            color: color))
    }

    // MARK: Writes

    func createCart(name: String, listingIds: [String], json: Bool) async throws {
        let name = try Choice.cart.checkedName(name)
        let creation = await client.createCart(named: name, listingIds: listingIds)
        if let cart = creation.cart {
            if json { try printJSON(cart) } else {
                say("Created the cart \(cart.name) with \(Format.listings(cart.listingCount ?? listingIds.count)): id \(cart.id).")
            }
        }
        switch creation {
        case .created:
            break
        case .createdAnswerLost(_, let lost):
            warn("\(lost.outcomeUnknownClause), but the carts show the cart was created, once; "
                 + "the request was not sent again.")
        case .notCreated(let error):
            let checked = error.mayHaveBeenApplied ? " The carts show it was not created; it is safe to try again." : ""
            throw CLIError("Could not create the cart \(name): \(error.userMessage)\(checked)", status: CLIError(error).status)
        case .unknown(let error, let doubt):
            let why = switch doubt {
            case .notThereYet:
                "It is not among the carts yet, but the server may still be creating it: run `spark-portal carts` "
                    + "in a moment before trying again."
            case .rereadFailed(let reread):
                "Reading the carts to check failed too (\(reread.userMessage)): run `spark-portal carts` before trying again."
            case .severalNewCarts(let carts):
                "\(carts.count) new carts with that name appeared at once (\(carts.map(\.id).joined(separator: ", "))); "
                    + "another member may have created one too: check with `spark-portal carts`."
            }
            throw CLIError("Could not tell whether the cart \(name) was created: \(error.userMessage) \(why)",
                           status: CLIError(error).status)
        }
    }

    func renameCart(_ text: String, to newName: String, json: Bool) async throws {
        let newName = try Choice.cart.checkedName(newName)
        let cart = try Choice.cart.resolve(text, among: try await client.listingCarts())
        try cart.checkRenamable("renamed")
        try await client.renameCart(id: cart.id, to: newName)
        let renamed = (try? await client.listingCart(id: cart.id)) ?? ListingCart(
            id: cart.id, resourceUri: cart.resourceUri, name: newName, listingCount: cart.listingCount, portalCartType: cart.portalCartType)
        if json { return try printJSON(renamed) }
        say("Renamed the cart \(cart.name) to \(renamed.name).")
    }

    func deleteCart(_ text: String, yes: Bool, json: Bool) async throws {
        try checkCanConfirm(yes: yes, deleting: "the cart \(text)")
        let cart = try Choice.cart.resolve(text, among: try await client.listingCarts())
        try cart.checkRenamable("deleted")
        if !yes {
            try await confirm("Delete the cart \(cart.name) (\(Format.listings(cart.listingCount))) from \(try await workspaceName())? [y/N] ")
        }
        try await client.deleteCart(id: cart.id)
        if json { return try printJSON(cart) }
        say("Deleted the cart \(cart.name) (\(Format.listings(cart.listingCount))).")
    }

    /// `cart add` and `cart remove`: "Added 2 listings to Weekend cabins (now 5); 1 was already there."
    func change(_ edit: MembershipEdit, _ listingIds: [String], cart text: String, json: Bool) async throws {
        let listingIds = listingIds.uniqued()
        let cart = try await writableCart(text)
        let before = Set(try await client.listingCart(id: cart.id, withListingIds: true).listingIds ?? [])
        let change = switch edit {
        case .add: await client.addListings(listingIds, toCart: cart.id)
        case .remove: await client.removeListings(listingIds, fromCart: cart.id)
        }
        if json, let cart = change.cart { try printJSON(cart) }
        // What the server accepted but did not change: added listings that were there, removed ones that were not.
        let changed = change.succeeded.filter { before.contains($0) == (edit == .remove) }
        let unchanged = change.succeeded.count - changed.count
        if !json, !change.succeeded.isEmpty {
            let count = change.cart?.listingCount.map { " (now \($0))" } ?? ""
            let note = unchanged == 0 ? "" : "; \(unchanged) \(unchanged == 1 ? "was" : "were") \(edit.unchangedWords)"
            say(changed.isEmpty
                ? "Nothing to \(edit): \(unchanged == 1 ? "the listing is" : "the \(unchanged) listings are") \(edit.unchangedPlace) \(cart.name)\(count)."
                : "\(edit.done.capitalized) \(Format.listings(changed.count)) \(edit.preposition) \(cart.name)\(count)\(note).")
        }
        try report(change, edit, cart: cart, total: listingIds.count)
    }

    /// A cart of the workspace whose contents spark-portal changes: not Recommended or Removed.
    private func writableCart(_ text: String) async throws -> ListingCart {
        let cart = try Choice.cart.resolve(text, among: try await client.listingCarts())
        if cart.isReadOnlyForMembers {
            throw CLIError("The cart \(cart.name) (\(cart.portalCartType?.rawValue ?? "")) is kept by your agent and the portal: "
                           + "spark-portal does not change its listings.", status: .api)
        }
        return cart
    }

    /// One line per failed listing, one for a stop; throws the summary when anything failed (for a single listing,
    /// just its failure: one line).
    private func report(_ change: MembershipChange, _ edit: MembershipEdit, cart: ListingCart, total: Int) throws {
        if total == 1, let failure = change.failed.first {
            throw CLIError("Could not \(edit) \(failure.listingId) \(edit.preposition) \(cart.name): " + failure.error.userMessage,
                           status: CLIError(failure.error).status)
        }
        for failure in change.failed {
            warn("could not \(edit) \(failure.listingId): \(failure.error.userMessage)")
        }
        if !change.notSent.isEmpty {
            warn("not sent after that error: \(change.notSent.joined(separator: ", "))")
        }
        guard let first = change.stopped ?? change.failed.first?.error else { return }
        let failed = change.failed.count + change.notSent.count
        let summary = failed == total
            ? (total == 1 ? "The listing was not \(edit.done)." : "None of the \(total) listings was \(edit.done).")
            : "\(failed) of \(total) listings \(failed == 1 ? "was" : "were") not \(edit.done); the other \(total - failed) \(total - failed == 1 ? "was" : "were")."
        throw CLIError(summary, status: CLIError(first).status)
    }

    /// A delete without `--yes` needs a terminal to ask on: without one it is refused before anything is sent.
    func checkCanConfirm(yes: Bool, deleting what: String) throws(CLIError) {
        guard yes || terminal.isInteractive else {
            throw CLIError("Not deleting \(what) without a confirmation, and there is no terminal to ask on: "
                           + "add --yes to delete it.", status: .usage)
        }
    }

    /// Asks a yes/no question on the terminal; anything but `y` or `yes` ends the command: nothing was changed.
    func confirm(_ question: String) async throws {
        let answer = await terminal.ask(sanitize(question))?.trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else {
            throw CLIError("Not deleted.", status: .declined)
        }
    }

    /// Prints one human line on stdout, sanitized (it holds names from the server).
    func say(_ line: String) {
        console.out(sanitize(line))
    }
}

/// The two ways `cart add` and `cart remove` change a cart, in words.
enum MembershipEdit: String, CustomStringConvertible {
    case add, remove

    var description: String { rawValue }
    var done: String { self == .add ? "added" : "removed" }
    var preposition: String { self == .add ? "to" : "from" }
    /// What a listing the server accepted without a change was.
    var unchangedWords: String { self == .add ? "already there" : "not in it" }
    var unchangedPlace: String { self == .add ? "already in" : "not in" }
}

extension Array where Element: Hashable {
    /// The elements in order, each once (a listing named twice on the command line is changed once).
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

extension ListingCart {
    /// Portal carts keep their names and cannot be deleted (the server would answer 405): refused before sending.
    func checkRenamable(_ action: String) throws(CLIError) {
        guard isCustom else {
            throw CLIError("The cart \(name) is a portal cart (\(portalCartType?.rawValue ?? "")): it cannot be \(action).",
                           status: .api)
        }
    }
}
