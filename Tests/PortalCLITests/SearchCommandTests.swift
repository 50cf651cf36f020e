import ArgumentParser
import Foundation
import SparkAPI
import SparkMock
import Testing
@testable import PortalCLI

private let johnny = "DEMO_ACCESS_TOKEN_JOHNNY"
private let ozzysSearches = ["Sandpoint under $600k", "Lake towns, 2+ baths", "Newer homes near Coeur d'Alene"]

extension Workspace {
    /// Makes the group owned by `owner` Betty's current group (its Id read with `groups --json`).
    func use(groupOwnedBy owner: String) async throws {
        let groups = try #require(try jsonObject(try await run(.groups(json: true)).out) as? [[String: Any]])
        let group = try #require(groups.first { group in
            (group["Users"] as? [[String: Any]])?.first { $0["Id"] as? String == group["ContactId"] as? String }?["Name"] as? String == owner
        })
        let use = try await run(.use(groupID: try #require(group["Id"] as? String)))
        try #require(use.status == .success, "\(use.err)")
    }

    /// The workspace's saved searches, read back with `searches --json`.
    func searches(token: String = johnny) async throws -> [[String: Any]] {
        let result = try await run(.searches(json: true), token: token)
        try #require(result.status == .success, "\(result.err)")
        return try #require(try jsonObject(result.out) as? [[String: Any]])
    }

    /// The workspace's news feeds, read back with `feeds --json`.
    func feeds(token: String = johnny) async throws -> [[String: Any]] {
        let result = try await run(.feeds(json: true), token: token)
        try #require(result.status == .success, "\(result.err)")
        return try #require(try jsonObject(result.out) as? [[String: Any]])
    }

    /// The listing Ids a search matches, read back with `listings --search <search> --json`.
    func listings(search: String, token: String = johnny) async throws -> [String] {
        let result = try await run(.searchListings(search: search, json: true), token: token)
        try #require(result.status == .success, "\(result.err)")
        return try #require(try jsonObject(result.out) as? [[String: Any]]).compactMap { $0["Id"] as? String }
    }
}

private func names(_ records: [[String: Any]]) -> [String] { records.compactMap { $0["Name"] as? String } }

@Suite("searches and listings --search")
struct SearchListCommandTests {
    @Test func searchesForPeopleAreAlignedColumns() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.searches(json: false))
            #expect(result.status == .success, "\(result.err)")
            let lines = result.out.split(separator: "\n").map(String.init)
            try #require(lines.count == 4, "a heading and three searches:\n\(result.out)")
            #expect(lines[0].hasPrefix("  NAME") && lines[0].contains("FILTER") && lines[0].hasSuffix("SEARCH ID"))
            for (line, name) in zip(lines.dropFirst(), ozzysSearches) { #expect(line.hasPrefix("  " + name), "\(line)") }
            #expect(lines[1].contains("City Eq 'Sandpoint' And ListPrice Le 600000.0") && lines[1].contains("2026-"))
            // Every Id starts in the heading's column.
            let idColumn = try #require(lines[0].range(of: "SEARCH ID")).lowerBound.utf16Offset(in: lines[0])
            for line in lines.dropFirst() { #expect(line.utf16.count - 26 == idColumn, "\(line)") }
            #expect(!result.out.contains("◆") && !result.out.contains("\u{1B}"))
        }
    }

    @Test func searchesJSONIsTheServersObjects() async throws {
        try await Workspace.with { workspace in
            let searches = try await workspace.searches()
            #expect(names(searches) == ozzysSearches)
            let first = try #require(searches.first)
            #expect(first["Filter"] as? String == "City Eq 'Sandpoint' And ListPrice Le 600000.0")
            #expect(first["Description"] as? String == "Close to the lake and the schools")
            #expect(first["OwnerId"] as? String == "20130919194721820379000000" && first["Provided"] as? Bool == false)
            #expect(first["ResourceUri"] as? String == "/v1/savedsearches/\(first["Id"] as? String ?? "")")
            #expect(first["ContactIds"] as? [String] == ["20130919194721358470000000"] && first["Tags"] as? [String] == [])
            #expect((first["ModificationTimestamp"] as? String)?.hasPrefix("2026-") == true)
        }
    }

    @Test func aSearchYourAgentProvidedIsMarked() async throws {
        try await Workspace.with { workspace in
            try await workspace.use(groupOwnedBy: "José Núñez")
            let result = try await workspace.run(.searches(json: false))
            let lines = result.out.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("◆ Casas cerca de la escuela") })
            #expect(lines.contains { $0.hasPrefix("  Jardín grande") })
            #expect(lines.last == "◆ = provided by your agent: read only")
        }
    }

    @Test func aWorkspaceWithoutSearches() async throws {
        try await Workspace.with { workspace in
            try await workspace.use(groupOwnedBy: "Carl Contact")
            let result = try await workspace.run(.searches(json: false))
            #expect(result.status == .success && result.out == "No saved searches.")
            let json = try await workspace.run(.searches(json: true))
            let searches = try jsonObject(json.out) as? [Any]
            #expect(json.status == .success && searches?.isEmpty == true)
        }
    }

    @Test func listingsOfASearchByNameInAnyCaseOrByIdEveryPage() async throws {
        try await Workspace.with { workspace in
            let byName = try await workspace.listings(search: "LAKE TOWNS, 2+ BATHS")
            #expect(byName.count > 25, "more than one page")
            let id = try #require(try await workspace.searches().first { $0["Name"] as? String == "Lake towns, 2+ baths" }?["Id"] as? String)
            #expect(try await workspace.listings(search: id) == byName)

            let table = try await workspace.run(.searchListings(search: "lake towns, 2+ baths", json: false))
            let lines = table.out.split(separator: "\n")
            #expect(lines.first?.contains("ADDRESS") == true && lines.count == byName.count + 1)
            // The MLS number people know comes first ("16-1082"); the 26-digit Id the commands take is last.
            #expect(lines.first?.hasPrefix("  MLS #") == true && lines.first?.hasSuffix("LISTING ID") == true, "\(lines.first ?? "")")
            #expect(lines.dropFirst().allSatisfy { line in
                line.range(of: #"^  \d+-\d+ .* \d{26}$"#, options: .regularExpression) != nil
            }, "\(lines.prefix(3))")
            let cities = ["Sandpoint", "Priest River", "Bonners Ferry"]
            #expect(lines.dropFirst().allSatisfy { line in cities.contains { line.contains($0) } })
        }
    }

    @Test func aProvidedSearchIsReadPermissively() async throws {
        try await Workspace.with { workspace in
            try await workspace.use(groupOwnedBy: "José Núñez")
            await workspace.server.journal.removeAll()
            let listings = try await workspace.listings(search: "casas cerca de la escuela", token: DemoCredentials.demoAccessToken)
            #expect(!listings.isEmpty)
            let reads = await workspace.server.journal.requests(method: "GET", path: "/v1/listings")
            #expect(!reads.isEmpty && reads.allSatisfy { $0.query?.contains("RequestMode=permissive") == true })
        }
    }

    @Test func anUnknownSearchIsAUsageErrorNamingTheCandidates() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.searchListings(search: "Lake", json: false))
            #expect(result.status == .usage && result.out.isEmpty)
            #expect(result.err == "spark-portal: No saved search Lake in this workspace. Saved searches with similar names: "
                + "'Lake towns, 2+ baths'. Name a saved search (any case) or give its Id (`spark-portal searches`).")
            #expect(await workspace.requests("GET").allSatisfy { $0.path != "/v1/listings" }, "nothing asked of the listings")
            // Nothing like it: every search, each quoted, so a comma in a name does not run two names together.
            let none = try await workspace.run(.renameSearch(search: "Moscow", newName: "Idaho", json: false))
            #expect(none.status == .usage && none.err == "spark-portal: No saved search Moscow in this workspace. Saved searches: "
                + "'Sandpoint under $600k', 'Lake towns, 2+ baths', 'Newer homes near Coeur d'Alene'. "
                + "Name a saved search (any case) or give its Id (`spark-portal searches`).")
        }
    }

    @Test func aSearchOfAnotherWorkspaceIsNotAvailable() async throws {
        try await Workspace.with { workspace in
            _ = try await workspace.run(.leave)
            let own = try #require(try await workspace.searches(token: DemoCredentials.demoAccessToken).first?["Id"] as? String)
            let result = try await workspace.run(.searchListings(search: own, json: false), token: johnny)
            #expect(result.status == .api && result.out.isEmpty)
            #expect(result.err.contains("not available to you any more") && !result.err.contains("\n"))
        }
    }
}

@Suite("search rename and search delete")
struct SearchWriteCommandTests {
    @Test func aRenameIsWhatTheOtherMemberSees() async throws {
        try await Workspace.with { workspace in
            let before = try await workspace.searches()
            let result = try await workspace.run(.renameSearch(search: "lake towns, 2+ BATHS", newName: "  Lake towns ", json: false))
            #expect(result.status == .success, "\(result.err)")
            #expect(result.out == "Renamed the saved search Lake towns, 2+ baths to Lake towns.")
            let after = try await workspace.searches(token: johnny)
            #expect(names(after) == ["Sandpoint under $600k", "Lake towns", "Newer homes near Coeur d'Alene"])
            #expect(after[1]["Id"] as? String == before[1]["Id"] as? String)

            let json = try await workspace.run(.renameSearch(search: "Lake towns", newName: "Lake towns, 2+ baths", json: true))
            let search = try #require(try jsonObject(json.out) as? [String: Any])
            #expect(search["Name"] as? String == "Lake towns, 2+ baths" && search["Id"] as? String == before[1]["Id"] as? String)
            #expect(search["Filter"] as? String == before[1]["Filter"] as? String)
        }
    }

    @Test func badNamesAreRefusedInOneLine() async throws {
        try await Workspace.with { workspace in
            let empty = try await workspace.run(.renameSearch(search: "Lake towns, 2+ baths", newName: " ", json: false))
            #expect(empty.status == .usage && empty.err == "spark-portal: A saved search name cannot be empty.")
            #expect(await workspace.requests("PUT").isEmpty)
            let taken = try await workspace.run(.renameSearch(search: "Lake towns, 2+ baths", newName: "sandpoint under $600K", json: false))
            #expect(taken.status == .api && taken.err.contains("1055") && !taken.err.contains("\n"))
            #expect(names(try await workspace.searches()) == ozzysSearches)
        }
    }

    @Test func aSearchYourAgentProvidedIsNeitherRenamedNorDeletedAndNothingIsSent() async throws {
        try await Workspace.with { workspace in
            try await workspace.use(groupOwnedBy: "José Núñez")
            await workspace.server.journal.removeAll()
            let rename = try await workspace.run(.renameSearch(search: "Casas cerca de la escuela", newName: "Mine", json: false))
            let delete = try await workspace.run(.deleteSearch(search: "Casas cerca de la escuela", yes: true, json: false))
            #expect(rename.status == .api && delete.status == .api)
            #expect(rename.err == "spark-portal: The saved search Casas cerca de la escuela was provided by your agent: it cannot be renamed.")
            #expect(delete.err == "spark-portal: The saved search Casas cerca de la escuela was provided by your agent: it cannot be deleted.")
            let puts = await workspace.requests("PUT"), deletes = await workspace.requests("DELETE")
            #expect(puts.isEmpty && deletes.isEmpty)
        }
    }

    @Test func deleteWithoutATerminalNeedsYesThenTheSearchAndItsFeedAreGone() async throws {
        try await Workspace.with { workspace in
            let refused = try await workspace.run(.deleteSearch(search: "Sandpoint under $600k", yes: false, json: false))
            #expect(refused.status == .usage && refused.err.contains("--yes"))
            #expect(await workspace.server.journal.requests.isEmpty, "checked before anything is sent")

            let deleted = try await workspace.run(.deleteSearch(search: "sandpoint under $600k", yes: true, json: false))
            #expect(deleted.status == .success && deleted.out == "Deleted the saved search Sandpoint under $600k and the news feed "
                    + "'Sandpoint under $600k: new and reduced' that followed it.")
            #expect(names(try await workspace.searches()) == Array(ozzysSearches.dropFirst()))
            #expect(names(try await workspace.feeds()) == ["Lake towns"], "the feed that followed it went with it")
        }
    }

    @Test func deleteAsksOnATerminalNamingTheFeedThatFollowsIt() async throws {
        try await Workspace.with { workspace in
            let no = ScriptedAnswer("no")
            let kept = try await workspace.run(.deleteSearch(search: "Sandpoint under $600k", yes: false, json: false), terminal: no.terminal)
            #expect(kept.status == .declined && kept.err == "spark-portal: Not deleted.")
            #expect(no.asked == ["Delete the saved search Sandpoint under $600k and the news feed 'Sandpoint under $600k: new and reduced' that follows it "
                                 + "from Ozzy Owner's workspace? [y/N] "])
            #expect(names(try await workspace.searches()) == ozzysSearches)

            let yes = ScriptedAnswer("y")
            let deleted = try await workspace.run(.deleteSearch(search: "Newer homes near Coeur d'Alene", yes: false, json: true),
                                                  terminal: yes.terminal)
            #expect(yes.asked == ["Delete the saved search Newer homes near Coeur d'Alene from Ozzy Owner's workspace? [y/N] "])
            #expect(deleted.status == .success)
            #expect((try jsonObject(deleted.out) as? [String: Any])?["Name"] as? String == "Newer homes near Coeur d'Alene")
            #expect(names(try await workspace.searches()) == Array(ozzysSearches.prefix(2)))
        }
    }
}

@Suite("feeds and feed pause|resume")
struct FeedCommandTests {
    @Test func feedsForPeopleSayStateSearchAndLastEvent() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.feeds(json: false))
            #expect(result.status == .success, "\(result.err)")
            let lines = result.out.split(separator: "\n").map(String.init)
            try #require(lines.count == 3)
            #expect(lines[0].contains("NAME") && lines[0].contains("STATE") && lines[0].contains("FOLLOWS") && lines[0].contains("LAST EVENT"))
            #expect(lines[1].hasPrefix("  Sandpoint under $600k: new and reduced  active  Sandpoint under $600k"))
            #expect(lines[2].hasPrefix("  Lake towns") && lines[2].contains(" paused ") && lines[2].contains(" never "))
            let id = try #require(try await workspace.feeds().first?["Id"] as? String)
            #expect(lines[1].contains("2027-") && lines[1].hasSuffix(id))
        }
    }

    @Test func pauseAndResumeAreWhatTheOtherMemberSees() async throws {
        try await Workspace.with { workspace in
            let paused = try await workspace.run(.setFeed(feed: "Sandpoint under $600k: new and reduced", active: false, json: false))
            #expect(paused.status == .success, "\(paused.err)")
            #expect(paused.out == "Paused the news feed Sandpoint under $600k: new and reduced (it follows Sandpoint under $600k).")
            #expect(try await workspace.feeds().compactMap { $0["Active"] as? Bool } == [false, false])

            let resumed = try await workspace.run(.setFeed(feed: "lake TOWNS", active: true, json: true), token: johnny)
            let feed = try #require(try jsonObject(resumed.out) as? [String: Any])
            #expect(feed["Name"] as? String == "Lake towns" && feed["Active"] as? Bool == true)
            #expect((feed["Subscription"] as? [String: Any])?["Name"] as? String == "Lake towns, 2+ baths")
            #expect(try await workspace.feeds(token: DemoCredentials.demoAccessToken).compactMap { $0["Active"] as? Bool } == [false, true])
        }
    }

    @Test func aFeedAlreadyInThatStateIsLeftAlone() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.setFeed(feed: "Lake towns", active: false, json: false))
            #expect(result.status == .success && result.out == "Nothing to do: the news feed Lake towns is already paused.")
            #expect(await workspace.requests("PUT").isEmpty)
        }
    }

    @Test func anUnknownFeedIsAUsageError() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(.setFeed(feed: "Moscow", active: false, json: false))
            #expect(result.status == .usage)
            #expect(result.err.hasPrefix("spark-portal: No news feed Moscow in this workspace. News feeds: "
                                         + "'Sandpoint under $600k: new and reduced', 'Lake towns'."), "\(result.err)")
        }
    }
}

@Suite("A key without the news-feed privilege")
struct NewsFeedPrivilegeCommandTests {
    static let line = "spark-portal: News feeds need a privileged API key, and this key is not one. Ask your Spark key administrator."

    @Test(arguments: [PortalCommand.feeds(json: false), .feeds(json: true), .setFeed(feed: "Lake towns", active: true, json: false)])
    func isOneLineAndExitThreeWithNothingOnStdout(_ command: PortalCommand) async throws {
        try await Workspace.with(newsFeedPrivilege: false) { workspace in
            let result = try await workspace.run(command)
            #expect(result.status == .notAvailable && result.status.rawValue == 3)
            #expect(result.out.isEmpty && result.err == Self.line)
            #expect(await workspace.requests("GET").filter { $0.path == "/v1/newsfeeds" }.count == 1, "asked once, never retried")
            #expect(await workspace.requests("PUT").isEmpty)
        }
    }

    @Test func searchesStillWork() async throws {
        try await Workspace.with(newsFeedPrivilege: false) { workspace in
            #expect(names(try await workspace.searches()) == ozzysSearches)
            // Deleting asks without mentioning feeds it cannot see.
            let no = ScriptedAnswer("n")
            _ = try await workspace.run(.deleteSearch(search: "Sandpoint under $600k", yes: false, json: false), terminal: no.terminal)
            #expect(no.asked == ["Delete the saved search Sandpoint under $600k from Ozzy Owner's workspace? [y/N] "])
            let deleted = try await workspace.run(.deleteSearch(search: "Sandpoint under $600k", yes: true, json: false))
            #expect(deleted.status == .success && deleted.out == "Deleted the saved search Sandpoint under $600k.")
        }
    }
}

@Suite("Parsing the search and feed commands")
struct SearchParsingTests {
    @Test(arguments: [["listings"], ["listings", "Favorites", "--search", "Lake towns"], ["listings", "--search", " "],
                      ["search", "rename", "", "New"], ["feed", "pause", "  "], ["search", "delete"]])
    func badArgumentsAreUsageErrors(_ arguments: [String]) {
        let error = #expect(throws: (any Error).self) { try SparkPortalCommand.parseAsRoot(arguments) }
        #expect(error.map { SparkPortalCommand.exitCode(for: $0).rawValue } == 64)
    }

    @Test func theNewCommandsParse() throws {
        let listings = try #require(try SparkPortalCommand.parseAsRoot(["listings", "--search", "Lake towns", "--json"])
            as? SparkPortalCommand.Listings)
        #expect(listings.search == "Lake towns" && listings.cart == nil && listings.json)
        let rename = try #require(try SparkPortalCommand.parseAsRoot(["search", "rename", "Lake", "Lakes"]) as? SparkPortalCommand.Search.Rename)
        #expect(rename.search == "Lake" && rename.newName == "Lakes")
        let resume = try #require(try SparkPortalCommand.parseAsRoot(["feed", "resume", "Lake towns", "--json"]) as? SparkPortalCommand.Feed.Resume)
        #expect(resume.feed == "Lake towns" && resume.json)
        #expect(try SparkPortalCommand.parseAsRoot(["searches"]) is SparkPortalCommand.Searches)
        #expect(try SparkPortalCommand.parseAsRoot(["feeds", "--json"]) is SparkPortalCommand.Feeds)
    }
}

@Suite("Hostile names in searches and feeds")
struct HostileSearchCommandTests {
    @Test(arguments: [PortalCommand.searches(json: false), .feeds(json: false)])
    func humanOutputIsSanitizedAndJSONKeepsTheNames(_ command: PortalCommand) async throws {
        let human = try await run(command, ["--demo", "--demo-data", "hostile"])
        #expect(human.status == .success, "\(human.err)")
        let rows = command == .searches(json: false) ? 2 : 1  // two searches, one followed by a feed
        #expect(human.out.split(separator: "\n").count == 1 + rows, "a heading and the rows:\n\(human.out)")
        #expect(!human.out.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) },
                "no control character reaches the terminal")

        let json = command == .searches(json: false) ? PortalCommand.searches(json: true) : .feeds(json: true)
        let result = try await run(json, ["--demo", "--demo-data", "hostile"])
        #expect(!result.out.contains("\u{1B}"), "escaped in JSON")
        let records = try #require(try jsonObject(result.out) as? [[String: Any]])
        #expect(records.contains { ($0["Name"] as? String)?.contains("\u{1B}") == true }, "the names decode back whole")
    }
}
