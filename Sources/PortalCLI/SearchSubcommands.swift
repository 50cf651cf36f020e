import ArgumentParser
import Foundation

// The argument parsing of `searches`, `search rename|delete`, `feeds` and `feed pause|resume` (registered in
// SparkPortalCommand; what they do is in SearchCommands.swift).

private let searchHelp = ArgumentHelp("The saved search: its Id, or its name (exact, any case).")
private let feedHelp = ArgumentHelp("The news feed: its Id, or its name (exact, any case).")

/// A `<cart>`, `<search>` or `<feed>` argument: not empty (a name may hold anything else; it is looked up in the
/// workspace).
func checkNamed(_ text: String, _ choice: Choice) throws {
    guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw ValidationError("Name a \(choice.noun): its Id or its name (see `\(choice.listCommand)`).")
    }
}

extension SparkPortalCommand {
    struct Searches: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the saved searches of the current group's workspace.",
            discussion: """
                ◆ marks a search your agent provided (read only). Its listings: spark-portal listings --search <search>.
                Example: spark-portal searches --json | jq '.[] | {Name, Filter}'
                """)
        @OptionGroup var options: GlobalOptions
        @Flag(help: jsonHelp) var json = false
        func run() async throws { try await SparkPortalCommand.execute(.searches(json: json), options) }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename or delete a saved search.",
            discussion: """
                A <search> is a saved search's Id or its name (exact, any case). Searches your agent provided cannot \
                be renamed or deleted. Deleting a search also ends the news feeds that follow it.
                """,
            subcommands: [Rename.self, Delete.self])

        struct Rename: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Rename a saved search.",
                discussion: "Example: spark-portal search rename \"Lake towns, 2+ baths\" \"Lake towns\"")
            @OptionGroup var options: GlobalOptions
            @Argument(help: searchHelp) var search: String
            @Argument(help: "Its new name.") var newName: String
            @Flag(help: jsonPrintsServer) var json = false
            func validate() throws { try checkNamed(search, .search) }
            func run() async throws {
                try await SparkPortalCommand.execute(.renameSearch(search: search, newName: newName, json: json), options)
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Delete a saved search (asks first on a terminal; without one, --yes is required).",
                discussion: "Example: spark-portal search delete \"Lake towns\" --yes")
            @OptionGroup var options: GlobalOptions
            @Argument(help: searchHelp) var search: String
            @Flag(help: "Delete without asking.") var yes = false
            @Flag(help: jsonPrintsServer) var json = false
            func validate() throws { try checkNamed(search, .search) }
            func run() async throws {
                try await SparkPortalCommand.execute(.deleteSearch(search: search, yes: yes, json: json), options)
            }
        }
    }

    struct Feeds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the news feeds of the current group's workspace.",
            discussion: """
                News feeds need a privileged API key: with another key this says so in one line and exits 3.
                Example: spark-portal feeds --json | jq '.[] | select(.Active) | .Name'
                """)
        @OptionGroup var options: GlobalOptions
        @Flag(help: jsonHelp) var json = false
        func run() async throws { try await SparkPortalCommand.execute(.feeds(json: json), options) }
    }

    struct Feed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pause or resume a news feed.",
            discussion: "A <feed> is a news feed's Id or its name (exact, any case).",
            subcommands: [Pause.self, Resume.self])

        struct Pause: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Pause a news feed: no events until it is resumed.",
                discussion: "Example: spark-portal feed pause \"Lake towns\"")
            @OptionGroup var options: GlobalOptions
            @Argument(help: feedHelp) var feed: String
            @Flag(help: jsonPrintsServer) var json = false
            func validate() throws { try checkNamed(feed, .feed) }
            func run() async throws { try await SparkPortalCommand.execute(.setFeed(feed: feed, active: false, json: json), options) }
        }

        struct Resume: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Resume a paused news feed.",
                discussion: "Example: spark-portal feed resume \"Lake towns\"")
            @OptionGroup var options: GlobalOptions
            @Argument(help: feedHelp) var feed: String
            @Flag(help: jsonPrintsServer) var json = false
            func validate() throws { try checkNamed(feed, .feed) }
            func run() async throws { try await SparkPortalCommand.execute(.setFeed(feed: feed, active: true, json: json), options) }
        }
    }
}
