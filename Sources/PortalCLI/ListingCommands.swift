import Foundation
import PortalApp
import SparkAPI
import TerminalUI

// `listing <id>` (its photo on a terminal, its facts and the carts holding it) and `favorite`/`reject` (one mark per
// listing, exclusive of the other: SparkClient.mark).
extension CommandContext {
    /// `photo`: draw the primary photo above the facts where the console can (ListingPicture); `--json` carries the
    /// photo objects instead (`StandardFields.Photos`, with their URIs).
    func listing(id: String, json: Bool, photo: Bool) async throws {
        let picture: ListingPicture.Plan = json ? .skip
            : ListingPicture.plan(wanted: photo, mode: session.settings.photos, console: console, colorsOff: !color)
        async let holders = client.carts(holding: [id])
        let record = try await client.listing(id: id, expand: json || picture.wantsPhotos ? ["Photos"] : [])
        // The photo loads while the carts are read.
        async let pictureLines = ListingPicture.lines(for: record, plan: picture, console: console)
        let carts = try await holders
        if json { return try printJSON(Output.ListingJSON(listing: record, carts: carts)) }
        let facts = ListingSheet(listing: record, carts: carts).lines.map(sanitize)
        console.out((await pictureLines + facts).joined(separator: "\n"))
    }

    func mark(_ listingIds: [String], as mark: ListingMark, json: Bool) async throws {
        let listingIds = listingIds.uniqued()
        let carts = try await client.listingCarts()
        var results: [MarkResult] = []
        var failures: [(id: String, error: SparkError)] = []
        for id in listingIds {
            let result: MarkResult
            do {
                result = try await client.mark(id, as: mark, workspaceCarts: carts)
            } catch let error as SparkError {
                // Nothing was written for this listing (or the truth could not be read back): say so, go on.
                failures.append((id, error))
                if listingIds.count > 1 { warn("could not mark \(id) as \(mark.words): \(error.userMessage)") }
                continue
            }
            results.append(result)
            if let error = result.error {
                failures.append((id, error))
                let place = result.holders.isEmpty ? "It is in no cart."
                    : "It is now in: \(result.holders.map { Format.quoted($0.name) }.joined(separator: ", "))."
                if listingIds.count > 1 { warn("could not mark \(id) as \(mark.words): \(error.userMessage) \(place)") }
                else { throw CLIError("Could not mark \(id) as \(mark.words): \(error.userMessage) \(place)", status: CLIError(error).status) }
            } else if !json {
                say(Self.markLine(result))
            }
        }
        if json { try printJSON(results.map(Output.MarkJSON.init)) }
        guard let first = failures.first else { return }
        if listingIds.count == 1 {
            throw CLIError("Could not mark \(first.id) as \(mark.words): \(first.error.userMessage)", status: CLIError(first.error).status)
        }
        throw CLIError("\(failures.count) of \(listingIds.count) listings could not be marked as \(mark.words); the others were.",
                       status: CLIError(first.error).status)
    }

    /// "Marked 2006… as a favorite (Favorites now 3); took it out of Rejects (now 0)."
    static func markLine(_ result: MarkResult) -> String {
        let mark = result.requested
        let chosen = mark == .reject ? result.rejects : result.favorites
        guard let added = result.addedTo else {
            if result.removedFrom.isEmpty {
                return "\(result.listingId) is already \(mark.words) (\(chosen.name): \(Format.listings(chosen.listingCount)))."
            }
            let removed = result.removedFrom.map { "\($0.name) (now \($0.listingCount.map(String.init) ?? "?"))" }
            return "Took \(result.listingId) out of \(removed.joined(separator: " and "))."
        }
        var line = "Marked \(result.listingId) as \(mark.words) (\(added.name) now \(added.listingCount.map(String.init) ?? "?"))"
        for other in result.removedFrom {
            line += "; took it out of \(other.name) (now \(other.listingCount.map(String.init) ?? "?"))"
        }
        return line + "."
    }
}

extension ListingMark {
    /// "a favorite", "rejected", "unmarked".
    var words: String {
        switch self {
        case .favorite: "a favorite"
        case .reject: "rejected"
        case .none: "unmarked"
        }
    }
}

/// A listing for people: an address line, then its facts, the carts holding it, and the remarks wrapped.
struct ListingSheet {
    let listing: Listing
    let carts: [ListingCart]

    var lines: [String] {
        let facts = ListingFacts(listing)
        var lines = [facts.headline]
        let rows = facts.facts + [
            ("Listing Id", listing.id),
            ("In carts", carts.isEmpty ? "none in this workspace" : carts.map(\.name).joined(separator: ", ")),
        ]
        let width = rows.map { TextWidth.of($0.0) }.max() ?? 0
        lines += rows.map { "  " + TextWidth.pad($0.0, to: width, alignment: .left) + "  " + $0.1 }
        switch listing.publicRemarks {
        case .value(let remarks): lines += [""] + Self.wrap(remarks, width: 76).map { "  " + $0 }
        case .restricted: lines += ["", "  Remarks: \(Format.restricted)"]
        case .absent: break
        }
        return lines
    }

    /// Words joined into lines of at most `width` columns (a longer word gets a line of its own).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                let candidate = line.isEmpty ? String(word) : line + " " + word
                if TextWidth.of(candidate) > width, !line.isEmpty {
                    lines.append(line)
                    line = String(word)
                } else {
                    line = candidate
                }
            }
            lines.append(line)
        }
        return lines
    }
}

extension Output {
    /// `listing --json`: the Spark listing object plus `"ListingCarts"`, the workspace's carts holding it.
    public struct ListingJSON: Encodable {
        public var listing: Listing
        public var carts: [ListingCart]

        public func encode(to encoder: any Encoder) throws {
            try listing.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(carts, forKey: .carts)
        }

        enum Key: String, CodingKey { case carts = "ListingCarts" }
    }

    /// `favorite --json` / `reject --json`, one per listing: its Id, its marks, and the carts holding it now.
    public struct MarkJSON: Encodable {
        public var result: MarkResult

        public init(_ result: MarkResult) { self.result = result }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(result.listingId, forKey: .listingId)
            try container.encode(result.isFavorite, forKey: .favorite)
            try container.encode(result.isRejected, forKey: .rejected)
            try container.encode(result.holders, forKey: .carts)
            try container.encodeIfPresent(result.error?.userMessage, forKey: .error)
        }

        enum Key: String, CodingKey {
            case listingId = "ListingId", favorite = "Favorite", rejected = "Rejected", carts = "ListingCarts", error = "Error"
        }
    }
}
