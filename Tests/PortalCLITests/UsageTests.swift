import ArgumentParser
import Testing
@testable import PortalCLI

/// What `--help` (and the manual page, generated from the same parser) calls each command's arguments.
@Suite("Usage lines")
struct UsageTests {
    @Test(arguments: ["favorite", "reject", "cart create", "cart add", "cart remove"])
    func listingIdsAreCalledListingIds(command: String) throws {
        let help = SparkPortalCommand.helpMessage(for: try subcommand(command), columns: 400)
        let usage = try #require(help.split(separator: "\n").first { $0.hasPrefix("USAGE:") })
        #expect(usage.contains("<listing-id> ..."), "\(usage)")
        #expect(!help.contains("listing-i-ds"), "\(help)")
    }

    @Test func theOverviewSaysWhatTheTUIShowsAndDoes() {
        let help = SparkPortalCommand.helpMessage(columns: 400)
        #expect(help.contains("listing carts, saved searches, news feeds"), "\(help)")
        #expect(help.contains("read and change by keys") && help.contains("kept live (re-read every --refresh-interval seconds)"), "\(help)")
        #expect(!help.contains("group's listing carts. Enter"), "\(help)")
    }

    private func subcommand(_ path: String) throws -> ParsableCommand.Type {
        var command: ParsableCommand.Type = SparkPortalCommand.self
        for name in path.split(separator: " ") {
            command = try #require(command.configuration.subcommands.first { $0._commandName == name })
        }
        return command
    }
}
