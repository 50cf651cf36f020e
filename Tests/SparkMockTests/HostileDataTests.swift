import Foundation
import Testing
@testable import SparkMock

/// The `hostile` data set serves control sequences inside valid JSON: the bytes on the wire are escaped, and
/// the decoded strings are exactly the hostile names.
@Suite("Hostile data set")
struct HostileDataTests {
    @Test func groupsCarryTheHostileNamesIntactInValidJSON() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .hostile)) { api throws in
            let reply = try await api.get("/v1/portal/groups?_limit=25", token: DemoCredentials.demoAccessToken)
            #expect(reply.status == 200)
            // JSON escapes every C0 control; nothing below 0x20 is on the wire.
            #expect(!reply.text.utf8.contains { $0 < 0x20 })
            let owners = reply.results.compactMap { group -> String? in
                let users = group["Users"] as? [[String: Any]] ?? []
                return users.first { $0["Id"] as? String == group["ContactId"] as? String }?["Name"] as? String
            }
            #expect(owners == HostileText.ownerNames)
            let members = (reply.results.first?["Users"] as? [[String: Any]] ?? []).compactMap { $0["Name"] as? String }
            #expect(members.suffix(HostileText.memberNames.count) == HostileText.memberNames[...])
        }
    }

    @Test func namesAreAsLongAndAsStrangeAsPromised() {
        #expect(HostileText.longName.count == 500)
        #expect(HostileText.oscTitle.contains("\u{1B}]0;"))
        #expect(HostileText.c1Controls.unicodeScalars.contains { (0x80...0x9F).contains($0.value) })
        #expect(HostileText.zwjEmoji.unicodeScalars.contains("\u{200D}"))
    }

    @Test func cartsAndListingsAreHostileToo() async throws {
        try await withRouter(DemoServerConfiguration(dataSet: .hostile)) { api throws in
            let token = DemoCredentials.demoAccessToken
            let carts = try await api.get("/v1/listingcarts", token: token)
            let names = carts.results.compactMap { $0["Name"] as? String }
            #expect(names.first == HostileText.clearScreen)
            #expect(names.contains(HostileText.longName))
            let cartID = try #require(carts.results.first?["Id"] as? String)
            let listings = try await api.get("/v1/listingcarts/\(cartID)/listings", token: token)
            let addresses = listings.results.compactMap { ($0["StandardFields"] as? [String: Any])?["UnparsedFirstLineAddress"] as? String }
            #expect(addresses.first == HostileText.clearScreen)
            let account = try await api.get("/v1/my/account", token: token)
            #expect((account.results.first?["Name"] as? String)?.contains("\u{1B}]0;PWNED-ACCOUNT-TITLE") == true)
        }
    }
}
