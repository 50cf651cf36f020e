import Foundation

// The write side of a portal-group workspace (DESIGN 2.1): carts created, renamed, deleted, filled and emptied,
// and the Favorites/Rejects marks. Every write lands in the current group owner's workspace, which every member
// sees; each one is re-sent only when that cannot apply it twice (`ResendRule`), membership changes go listing by
// listing (never a PUT of `ListingIds`), and after a failed write the client tells what the server has.

/// A rule of the workspace the client checks before asking the server.
public enum WorkspaceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The workspace has no cart of this type: an agent's own workspace, for one, has no portal carts.
    case missingCart(PortalCartType)

    public var userMessage: String {
        switch self {
        case .missingCart(let type):
            "This workspace has no \(type.rawValue) cart (only portal workspaces have one). Choose a portal group."
        }
    }

    public var description: String {
        switch self {
        case .missingCart(let type): "no cart of type \(type.rawValue) in the workspace"
        }
    }
}

/// What became of `SparkClient.createCart`. Creating is the one write that must not be sent twice, so when its
/// answer is lost the client looks for the cart instead of sending it again, and says what it found.
public enum CartCreation: Sendable, Hashable {
    /// Created; the cart as the server describes it (under AutoName its name may differ from the one asked for).
    case created(ListingCart)
    /// The answer never came (timeout, dropped connection, 5xx), but the carts re-read afterwards show exactly one
    /// new cart of that name holding the listings asked for: it was created, once.
    case createdAnswerLost(ListingCart, SparkError)
    /// Not created: the server refused it (409 name taken, 400 blank name, 405, ...), it failed before the request
    /// was sent, or the server answered with an error of its own and the carts re-read show no such cart.
    case notCreated(SparkError)
    /// The answer was lost and the carts cannot tell: look (`spark-portal carts`) before trying again.
    case unknown(SparkError, CreationDoubt)

    /// The cart, when it was created.
    public var cart: ListingCart? {
        switch self {
        case .created(let cart), .createdAnswerLost(let cart, _): cart
        case .notCreated, .unknown: nil
        }
    }

    /// What went wrong, when anything did (also when the cart was created but its answer was lost).
    public var error: SparkError? {
        switch self {
        case .created: nil
        case .createdAnswerLost(_, let error), .notCreated(let error), .unknown(let error, _): error
        }
    }
}

/// Why a create with a lost answer could be neither confirmed nor ruled out.
public enum CreationDoubt: Sendable, Hashable {
    /// The request timed out or its connection dropped, and no new cart of that name is there yet: the server
    /// may still be working on it, so "not there" is not yet "not created".
    case notThereYet
    /// Re-reading the carts failed too.
    case rereadFailed(SparkError)
    /// Several new carts of that name appeared at once (another member created one too).
    case severalNewCarts([ListingCart])
}

/// One listing a cart change could not apply, and why.
public struct ListingFailure: Sendable, Hashable {
    public var listingId: String
    public var error: SparkError

    public init(listingId: String, error: SparkError) {
        self.listingId = listingId
        self.error = error
    }
}

/// The outcome of adding or removing several listings: what the server accepted, what it refused (each named),
/// and where a failure that concerns the whole cart stopped the run. What succeeded stays done.
public struct MembershipChange: Sendable, Hashable {
    public var cartId: String
    /// The cart as the server's last successful answer showed it (its new `ListingCount`); nil when none succeeded.
    public var cart: ListingCart?
    /// The listings the server accepted, in the order given.
    public var succeeded: [String] = []
    /// The listings that failed, each with its error (a refused listing, or the request a stop happened on).
    public var failed: [ListingFailure] = []
    /// The failure that ended the run for the whole cart (the cart is gone, the network is down, ...).
    public var stopped: SparkError?
    /// The listings not sent because of `stopped`.
    public var notSent: [String] = []

    public init(cartId: String) {
        self.cartId = cartId
    }

    public var allSucceeded: Bool { failed.isEmpty && stopped == nil }
}

/// The mark a listing can carry in a workspace: in Favorites, in Rejects, or neither. The two exclude each other.
public enum ListingMark: String, Sendable, Hashable, CaseIterable {
    case favorite, reject, none

    /// The cart a mark puts the listing in.
    public var cartType: PortalCartType? {
        switch self {
        case .favorite: .favorites
        case .reject: .rejects
        case .none: nil
        }
    }
}

/// The outcome of `SparkClient.mark`: where the listing is now, the carts' new counts, and what failed.
public struct MarkResult: Sendable, Hashable {
    public var listingId: String
    /// The mark that was asked for.
    public var requested: ListingMark
    /// The workspace's Favorites cart, with the `ListingCount` the server last reported during the operation (or
    /// as passed in, when nothing touched or re-read it).
    public var favorites: ListingCart
    /// The workspace's Rejects cart, likewise.
    public var rejects: ListingCart
    /// Every cart of the workspace that holds the listing now, as the server says. After a failure they were
    /// re-read, so this is the server's truth, not the plan.
    public var holders: [ListingCart]
    /// The cart the listing was added to, when that write was accepted.
    public var addedTo: ListingCart?
    /// The carts the listing was taken out of, as their accepted writes answered (with their new counts).
    public var removedFrom: [ListingCart]
    /// The write that failed, when one did; writes before it stay done, and `holders` says where that leaves the
    /// listing (possibly in both carts, or in neither).
    public var error: SparkError?

    public init(
        listingId: String, requested: ListingMark, favorites: ListingCart, rejects: ListingCart, holders: [ListingCart],
        addedTo: ListingCart? = nil, removedFrom: [ListingCart] = [], error: SparkError? = nil
    ) {
        self.listingId = listingId
        self.requested = requested
        self.favorites = favorites
        self.rejects = rejects
        self.holders = holders
        self.addedTo = addedTo
        self.removedFrom = removedFrom
        self.error = error
    }

    /// Whether the server accepted at least one write (false when the listing already had the mark).
    public var changed: Bool { addedTo != nil || !removedFrom.isEmpty }

    public var isFavorite: Bool { holders.contains { $0.id == favorites.id } }
    public var isRejected: Bool { holders.contains { $0.id == rejects.id } }

    /// The listing's mark now; nil when it is in both Favorites and Rejects (a failure half way).
    public var mark: ListingMark? {
        switch (isFavorite, isRejected) {
        case (true, false): .favorite
        case (false, true): .reject
        case (false, false): ListingMark.none
        case (true, true): nil
        }
    }

    /// Favorites, Rejects and the other holders with their counts as this operation last saw them: what a screen
    /// updates its counts from.
    public var updatedCarts: [ListingCart] {
        var carts = [favorites, rejects]
        for holder in holders where holder.id != favorites.id && holder.id != rejects.id { carts.append(holder) }
        return carts
    }
}

extension SparkClient {
    // MARK: Reading

    /// The workspace's carts holding any of these listings (`/listingcarts/for/`), each cart once, in server order.
    /// Long lists go in several requests of at most `Endpoints.maxListingIdsPerRequest` Ids.
    public func carts(holding listingIds: [String], withListingIds: Bool = false) async throws -> [ListingCart] {
        var carts: [ListingCart] = []
        var seen: Set<String> = []
        for chunk in listingIds.chunked(Endpoints.maxListingIdsPerRequest) {
            let found = try await allPages { Endpoints.cartsHolding(listingIds: chunk, page: $0, limit: $1, withListingIds: withListingIds) }
            for cart in found where seen.insert(cart.id).inserted { carts.append(cart) }
        }
        return carts
    }

    /// One listing (`GET /v1/listings/<Id>`), every standard field kept; `expand` names expansions (`Photos`).
    public func listing(id: String, expand: [String] = []) async throws -> Listing {
        try await first(Endpoints.listing(id: id, expand: expand))
    }

    // MARK: Carts

    /// Creates a custom cart in the current workspace, holding `listingIds`. With `autoName`, the server picks a
    /// free name when the one asked for is taken.
    ///
    /// The request is never re-sent after a failure that may have created the cart. Instead the carts are read
    /// before the POST and again after such a failure; the cart counts as created when exactly one cart that was
    /// not there before now carries the name (or, under AutoName, a name starting with it) and holds every listing
    /// asked for. See `CartCreation` for each outcome; this function does not throw.
    public func createCart(named name: String, listingIds: [String] = [], autoName: Bool = false) async -> CartCreation {
        // The carts before, so that a cart found after a lost answer is known to be new, not an older namesake.
        let before: Set<String>
        do {
            before = Set(try await listingCarts().map(\.id))
        } catch {
            return .notCreated(SparkError.from(error))
        }
        let id: String
        do {
            id = try await send(Endpoints.createCart(name: name, listingIds: listingIds, autoName: autoName))
        } catch {
            let error = SparkError.from(error)
            guard error.mayHaveBeenApplied else { return .notCreated(error) }
            return await lookForCreatedCart(name: name, listingIds: listingIds, autoName: autoName, before: before, error: error)
        }
        // Read it back: the server's name (AutoName), its count. It exists whatever this read says.
        if let cart = try? await listingCart(id: id) { return .created(cart) }
        return .created(ListingCart(id: id, resourceUri: "/v1/listingcarts/\(id)", name: name, listingCount: nil,
                                    portalCartType: .custom))
    }

    private func lookForCreatedCart(
        name: String, listingIds: [String], autoName: Bool, before: Set<String>, error lost: SparkError
    ) async -> CartCreation {
        do {
            var candidates = try await listingCarts().filter { cart in
                !before.contains(cart.id) && (cart.name == name || (autoName && cart.name.hasPrefix(name)))
            }
            if !listingIds.isEmpty {
                var holding: [ListingCart] = []
                for candidate in candidates {
                    let cart = try await listingCart(id: candidate.id, withListingIds: true)
                    if Set(cart.listingIds ?? []).isSuperset(of: listingIds) { holding.append(cart) }
                }
                candidates = holding
            }
            switch candidates.count {
            case 1:
                return .createdAnswerLost(candidates[0], lost)
            case 0:
                // An error envelope with a 5xx is the server's own answer: it is done, and did not create it. A
                // timeout, a dropped connection or a proxy's bare 5xx say nothing about whether it is still at work.
                if case .api = lost { return .notCreated(lost) }
                return .unknown(lost, .notThereYet)
            default:
                return .unknown(lost, .severalNewCarts(candidates))
            }
        } catch {
            return .unknown(lost, .rereadFailed(SparkError.from(error)))
        }
    }

    /// Renames a custom cart (`PUT` of its `Name` only).
    public func renameCart(id: String, to name: String) async throws {
        try await send(Endpoints.renameCart(id: id, to: name))
    }

    /// Deletes a custom cart. A 404 after a try that may have deleted it (a timeout, a 5xx, then a retry) counts
    /// as deleted; a 404 at the first try means the cart was not there (another member deleted it).
    public func deleteCart(id: String) async throws {
        try await delete(Endpoints.deleteCart(id: id))
    }

    /// Sends a DELETE; a 404 after a try that may have applied it (a timeout, a 5xx, then a re-send) is success.
    func delete(_ request: Request<Void>) async throws {
        var resent = false
        do {
            try await send(request, resentAfterPossibleApply: &resent)
        } catch let error as SparkError where resent && error.httpStatus == 404 {
            return
        }
    }

    // MARK: Membership, listing by listing

    /// Adds one listing; returns the cart with its new `ListingCount`. Adding a listing already in the cart
    /// changes nothing.
    public func addListing(_ listingId: String, toCart cartId: String) async throws -> ListingCart {
        try await cartAnswer(Endpoints.addListings([listingId], toCart: cartId), cartId: cartId)
    }

    /// Removes one listing; returns the cart with its new `ListingCount`.
    public func removeListing(_ listingId: String, fromCart cartId: String) async throws -> ListingCart {
        try await cartAnswer(Endpoints.removeListing(listingId, fromCart: cartId), cartId: cartId)
    }

    /// Adds several listings, keeping what succeeds: one request per `Endpoints.maxListingIdsPerRequest`
    /// listings; when the server refuses one of those (a listing it does not know), its listings are sent one by
    /// one, so each refusal is named and the others land. A failure of the whole cart stops the run.
    public func addListings(_ listingIds: [String], toCart cartId: String) async -> MembershipChange {
        var change = MembershipChange(cartId: cartId)
        let chunks = listingIds.chunked(Endpoints.maxListingIdsPerRequest)
        for (index, chunk) in chunks.enumerated() {
            do {
                change.cart = try await cartAnswer(Endpoints.addListings(chunk, toCart: cartId), cartId: cartId)
                change.succeeded += chunk
            } catch {
                let error = SparkError.from(error)
                if chunk.count > 1, error.refusesListings {
                    change = await oneByOne(chunk, into: change) { try await self.addListing($0, toCart: cartId) }
                } else {
                    change.failed += chunk.map { ListingFailure(listingId: $0, error: error) }
                    if !error.refusesListings { change.stopped = error }
                }
                if change.stopped != nil {
                    change.notSent += chunks[(index + 1)...].flatMap { $0 }
                    return change
                }
            }
        }
        return change
    }

    /// Removes several listings, one request each (the API removes one listing per call), keeping what succeeds.
    public func removeListings(_ listingIds: [String], fromCart cartId: String) async -> MembershipChange {
        await oneByOne(listingIds, into: MembershipChange(cartId: cartId)) { try await self.removeListing($0, fromCart: cartId) }
    }

    private func oneByOne(
        _ listingIds: [String], into change: MembershipChange, _ write: (String) async throws -> ListingCart
    ) async -> MembershipChange {
        var change = change
        for (index, listingId) in listingIds.enumerated() {
            do {
                change.cart = try await write(listingId)
                change.succeeded.append(listingId)
            } catch {
                let error = SparkError.from(error)
                change.failed.append(ListingFailure(listingId: listingId, error: error))
                if !error.refusesListings {
                    change.stopped = error
                    change.notSent = Array(listingIds[(index + 1)...])
                    return change
                }
            }
        }
        return change
    }

    /// The cart a membership write answers with; read back when the answer holds none.
    private func cartAnswer(_ request: Request<Page<ListingCart>>, cartId: String) async throws -> ListingCart {
        if let cart = try await send(request).items.first { return cart }
        return try await listingCart(id: cartId)
    }

    /// The one record a single-record call answers; an empty `Results` is a 404.
    func first<Item>(_ request: Request<Page<Item>>) async throws -> Item {
        guard let item = try await send(request).items.first else {
            throw SparkError.http(status: 404, context: RequestContext(method: request.method, path: request.pathAndQuery))
        }
        return item
    }

    // MARK: Favorites and Rejects

    /// Marks a listing as a favorite, a reject, or neither, as one operation: finds Favorites and Rejects by
    /// `PortalCartType` (never by name) among `workspaceCarts` (read when nil), reads which carts hold the
    /// listing, adds it to the chosen cart, then takes it out of the other where it is. Adding first means a
    /// failure half way leaves both marks rather than none: nothing the user had is lost.
    ///
    /// After a failed write the holders (and the two carts' counts) are re-read, and the result carries the
    /// server's truth with the error. Throws when nothing was written (the carts or the holders could not be
    /// read: `SparkError`; no Favorites or Rejects cart: `WorkspaceError`), or when a write failed and the
    /// re-read failed too (the write's `SparkError`).
    public func mark(_ listingId: String, as mark: ListingMark, workspaceCarts: [ListingCart]? = nil) async throws -> MarkResult {
        let carts: [ListingCart]
        if let workspaceCarts { carts = workspaceCarts } else { carts = try await listingCarts() }
        guard var favorites = carts.first(where: { $0.portalCartType == .favorites }) else {
            throw WorkspaceError.missingCart(.favorites)
        }
        guard var rejects = carts.first(where: { $0.portalCartType == .rejects }) else {
            throw WorkspaceError.missingCart(.rejects)
        }
        var holders = try await self.carts(holding: [listingId])
        func refresh(_ cart: ListingCart) {
            if cart.id == favorites.id { favorites = cart }
            if cart.id == rejects.id { rejects = cart }
            if let index = holders.firstIndex(where: { $0.id == cart.id }) { holders[index] = cart }
        }
        holders.forEach(refresh)

        let holds = { (cart: ListingCart) in holders.contains { $0.id == cart.id } }
        let target = mark == .favorite ? favorites : mark == .reject ? rejects : nil
        let others = [favorites, rejects].filter { $0.id != target?.id && holds($0) }
        var addedTo: ListingCart?
        var removedFrom: [ListingCart] = []
        do {
            if let target, !holds(target) {
                let cart = try await addListing(listingId, toCart: target.id)
                holders.append(cart)
                refresh(cart)
                addedTo = cart
            }
            for other in others {
                let cart = try await removeListing(listingId, fromCart: other.id)
                holders.removeAll { $0.id == cart.id }
                refresh(cart)
                removedFrom.append(cart)
            }
        } catch {
            let failure = SparkError.from(error)
            // The truth after a failure: who holds the listing, and the two carts' counts.
            do {
                holders = try await self.carts(holding: [listingId])
            } catch {
                throw failure
            }
            holders.forEach(refresh)
            for cart in [favorites, rejects] where !holds(cart) {
                if let fresh = try? await listingCart(id: cart.id) { refresh(fresh) }
            }
            return MarkResult(listingId: listingId, requested: mark, favorites: favorites, rejects: rejects, holders: holders,
                              addedTo: addedTo, removedFrom: removedFrom, error: failure)
        }
        return MarkResult(listingId: listingId, requested: mark, favorites: favorites, rejects: rejects, holders: holders,
                          addedTo: addedTo, removedFrom: removedFrom, error: nil)
    }
}

extension SparkError {
    /// Anything a client call threw, as a `SparkError` (the client throws only those, bar a bare cancellation).
    static func from(_ error: any Error) -> SparkError {
        (error as? SparkError) ?? .cancelled(context: nil)
    }

    /// The server refused particular listings (400: one it does not know, 1053), rather than the whole cart or
    /// the request: the other listings are worth sending.
    var refusesListings: Bool {
        if case .api(400, let code, _, _) = self { return code == nil || code == 1053 }
        return false
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: Swift.max(size, 1)).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
