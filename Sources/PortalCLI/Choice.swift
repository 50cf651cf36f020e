import Foundation
import PortalApp
import SparkAPI

/// A record of the workspace that commands name by Id or by name: a cart, a saved search, a news feed.
protocol NamedRecord: Sendable {
    var id: String { get }
    var name: String { get }
}

extension ListingCart: NamedRecord {}
extension SavedSearch: NamedRecord {}
extension NewsFeed: NamedRecord {}

/// Picks the record a command names (`<cart>`, `<search>`, `<feed>`): by Id, else by name (exact, ignoring case). An
/// unknown or ambiguous name is a usage error that lists the candidates (DESIGN 3), each quoted, as names may hold
/// commas: one rule for all three.
struct Choice: Sendable {
    /// "cart", "saved search", "news feed".
    let noun: String
    let plural: String
    /// The command that lists them, for the error's hint.
    let listCommand: String

    static let cart = Choice(noun: "cart", plural: "carts", listCommand: "spark-portal carts")
    static let search = Choice(noun: "saved search", plural: "saved searches", listCommand: "spark-portal searches")
    static let feed = Choice(noun: "news feed", plural: "news feeds", listCommand: "spark-portal feeds")

    func resolve<Record: NamedRecord>(_ text: String, among records: [Record]) throws(CLIError) -> Record {
        if let record = records.first(where: { $0.id == text }) { return record }
        let key = text.lowercased()
        let named = records.filter { $0.name.lowercased() == key }
        if named.count == 1 { return named[0] }
        if named.count > 1 {
            throw CLIError("The \(noun) name \(text) is ambiguous: " + named.map { "\(Format.quoted($0.name)) (id \($0.id))" }.joined(separator: ", ")
                           + ". Use the Id.", status: .usage)
        }
        let near = records.filter { $0.name.lowercased().contains(key) || key.contains($0.name.lowercased()) }
        let candidates = near.isEmpty ? records : near
        let shown = candidates.prefix(12).map { Format.quoted($0.name) }.joined(separator: ", ")
        let more = candidates.count > 12 ? " and \(candidates.count - 12) more" : ""
        let title = plural.prefix(1).uppercased() + plural.dropFirst()
        let list = records.isEmpty ? "This workspace has no \(plural)."
            : "\(title)\(near.isEmpty ? "" : " with similar names"): \(shown)\(more)."
        throw CLIError("No \(noun) \(text) in this workspace. \(list) Name a \(noun) (any case) or give its Id (`\(listCommand)`).",
                       status: .usage)
    }

    /// A new name as the user typed it, without surrounding blanks; an empty one is refused before anything is sent.
    func checkedName(_ name: String) throws(CLIError) -> String {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw CLIError("A \(noun) name cannot be empty.", status: .usage) }
        return name
    }

    /// Spark Ids are long runs of digits (26 in practice); no name looks like that.
    static func looksLikeAnId(_ text: String) -> Bool {
        text.count >= 10 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
