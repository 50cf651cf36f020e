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

    private func subcommand(_ path: String) throws -> ParsableCommand.Type {
        var command: ParsableCommand.Type = SparkPortalCommand.self
        for name in path.split(separator: " ") {
            command = try #require(command.configuration.subcommands.first { $0._commandName == name })
        }
        return command
    }
}
