import Foundation
import SparkAPI

/// How Spark values read on screen and in the CLI's tables: the same words in both places.
public enum Format {
    public static let restricted = "restricted"
    public static let missing = "—"

    public static func text(_ value: SparkValue<String>) -> String {
        switch value {
        case .value(let text): text
        case .restricted: restricted
        case .absent: missing
        }
    }

    /// `$1,250,000`; cents only when there are any.
    public static func price(_ value: SparkValue<Double>) -> String {
        switch value {
        case .value(let price):
            let digits = price.rounded() == price ? 0 : 2
            return "$" + price.formatted(.number.precision(.fractionLength(digits)).locale(Locale(identifier: "en_US")))
        case .restricted: return restricted
        case .absent: return missing
        }
    }

    public static func count(_ value: SparkValue<Int>) -> String {
        switch value {
        case .value(let number): String(number)
        case .restricted: restricted
        case .absent: missing
        }
    }

    /// `2`, `2.5`, `0.23`: baths and acres come as decimals; at most two places are shown (a lot of
    /// `3.0300000000000002` or `0.229568411386593` acres reads `3.03`, `0.23`).
    public static func decimal(_ value: SparkValue<Double>) -> String {
        switch value {
        case .value(let number):
            number.rounded() == number && abs(number) < 1e15
                ? String(Int(number))
                : number.formatted(.number.precision(.fractionLength(0...2)).grouping(.never).locale(Locale(identifier: "en_US")))
        case .restricted: restricted
        case .absent: missing
        }
    }

    /// What a listing is called in messages: its address, else its MLS number, else its Id.
    public static func name(of listing: Listing) -> String {
        if case .value(let address) = listing.address, !address.isEmpty { return address }
        if case .value(let number) = listing.listingNumber, !number.isEmpty { return "MLS # \(number)" }
        return "listing \(listing.id)"
    }

    /// A name in quotes, as messages about carts write it: 'Weekend cabins'.
    public static func quoted(_ name: String) -> String { "'\(name)'" }

    /// "1 listing", "3 listings", "? listings".
    public static func listings(_ count: Int?) -> String {
        guard let count else { return "? listings" }
        return count == 1 ? "1 listing" : "\(count) listings"
    }

    /// `3 bd 2 ba`, with `?` standing in for what is restricted or missing.
    public static func bedsAndBaths(_ listing: Listing) -> String {
        func short(_ text: String) -> String { text == restricted || text == missing ? "?" : text }
        return "\(short(count(listing.bedsTotal))) bd \(short(decimal(listing.bathsTotal))) ba"
    }

    /// A member's role in a group: `owner`, `agent` for an MLS member (Spark's `UserType` "Member": the word
    /// would read as "member of the group", which every row is), other non-contact types in lower case, and
    /// nothing for a contact (most rows).
    public static func role(of user: PortalUser, owner ownerID: String?) -> String {
        if user.id == ownerID { return "owner" }
        switch user.userType {
        case nil, "Contact": return ""
        case "Member": return "agent"
        case let type?: return type.lowercased()
        }
    }

    /// A cart's kind where its name does not say it: `custom` for a cart a member made, `agent` for one
    /// without a portal type, a type we do not know as the server spells it; nothing for the system carts
    /// (Favorites, Rejects…: their names are their kinds).
    public static func kind(of cart: ListingCart) -> String {
        switch cart.portalCartType {
        case .custom?: "custom"
        case .other(let type)?: type.lowercased()
        case nil: "agent"
        default: ""
        }
    }

    /// `2014-06-06`: a day is what a member list needs.
    public static func day(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day())
    }

    /// `rate limited — retrying GET /v1/listingcarts in 1.0s (attempt 2)`: the TUI's status line and the
    /// CLI's stderr say a wait the same way. The path loses its query.
    public static func retry(_ notice: RetryNotice) -> String {
        let path = notice.path.split(separator: "?").first.map(String.init) ?? notice.path
        let seconds = String(format: "%.1f", Double(milliseconds(notice.delay)) / 1000)
        return "\(notice.reason) — retrying \(notice.method) \(path) in \(seconds)s (attempt \(notice.attempt))"
    }

    /// Whole milliseconds of a duration, for request logs.
    public static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
