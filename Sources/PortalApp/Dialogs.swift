import Foundation
import SparkAPI
import TerminalUI

/// A question the app asks over the screen, which takes every key until it is answered or cancelled: the chooser
/// of `a`, the name of a new or renamed cart, the confirmation of a delete. Built from TerminalUI's widgets'
/// states; the reducer decides what their answers do.
public enum Dialog: Hashable, Sendable {
    case addToCart(AddToCartDialog)
    case cartName(CartNameDialog)
    case confirmDelete(ListingCart, ConfirmationPrompt)
    /// A saved search's new name, or the confirmation of its delete (`SearchDialog`).
    case search(SearchDialog)
}

/// `a`: the carts a listing can be added to (custom carts and the writable portal carts, by the server's names, in
/// the server's order), then "New cart…".
public struct AddToCartDialog: Hashable, Sendable {
    public var listing: Listing
    public var chooser: ChooserState
    /// The carts behind the chooser's items, in order; the item after the last one is "New cart…".
    public var carts: [ListingCart]

    public static let newCartLabel = "New cart…"

    /// The chooser for `listing` among `carts` (those members may change), each with its count or "has it".
    public init(listing: Listing, carts: [ListingCart], holders: Set<String>?) {
        self.listing = listing
        self.carts = carts.filter { !$0.isReadOnlyForMembers }
        let items = self.carts.map { cart in
            ChooserItem(cart.name, detail: holders?.contains(cart.id) == true ? "has it" : cart.listingCount.map(String.init) ?? "")
        } + [ChooserItem(Self.newCartLabel, pinned: true)]
        let first = self.carts.firstIndex { holders?.contains($0.id) != true } ?? self.carts.count
        chooser = ChooserState(title: "Add \(Format.name(of: listing)) to", items: items, selected: first)
    }
}

/// `n`, "New cart…" and `R`: a cart's name in a line editor, with what went wrong with the last try under it (a
/// blank name, a name already taken), so nothing typed is lost.
public struct CartNameDialog: Hashable, Sendable {
    public enum Purpose: Hashable, Sendable {
        /// A new cart holding these listings (none: an empty cart); `holding` names them for the prompt.
        case create(listingIds: [String], holding: String?)
        case rename(ListingCart)
    }

    public var purpose: Purpose
    public var editor: LineEditorState
    /// Why the last Enter did not send (or the server's refusal of the last try), shown under the field.
    public var error: String?

    /// The longest name accepted (the API documents none; a name longer than a pane is no name).
    public static let nameLimit = 80

    public init(purpose: Purpose, text: String? = nil, error: String? = nil) {
        self.purpose = purpose
        let initial: String = switch purpose {
        case .create: text ?? ""
        case .rename(let cart): text ?? cart.name
        }
        editor = LineEditorState(text: initial, limit: Self.nameLimit)
        self.error = error
    }
}

extension AppState {
    /// The carts a new or renamed cart's name must not repeat (the server's rule: ignoring case and surrounding
    /// blanks), other than `except`.
    func cartNamed(_ name: String, except: String? = nil) -> ListingCart? {
        let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
        return carts.value?.first { $0.id != except && $0.name.trimmingCharacters(in: .whitespaces).lowercased() == wanted }
    }
}
