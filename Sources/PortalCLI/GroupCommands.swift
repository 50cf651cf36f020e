import Foundation
import SparkAPI
import TerminalUI

// `groups`, `current`, `use`, `leave`, `whoami`: who you are and which workspace you act for.
extension CommandContext {
    func groups(json: Bool) async throws {
        async let groups = every(client.groupPages(), of: "groups")
        async let current = client.currentGroup()
        let (all, now) = try await (groups, current)
        if json { return try printJSON(all.map { Output.GroupJSON(group: $0, current: $0.id == now?.id) }) }
        guard !all.isEmpty else { return console.out("You are in no portal groups.") }
        let rows = all.map { [$0.ownerName, String($0.users.count), $0.id] }
        let markers = all.map { $0.id == now?.id ? "●" : " " }
        let currentRows = Set(all.indices.filter { all[$0].id == now?.id })
        console.out(Output.table([.init("OWNER", maxWidth: 40), .init("MEMBERS", .right), .init("GROUP ID")],
                                 rows: rows, markers: markers, boldRows: currentRows, color: color))
        console.out(now == nil ? "● none: acting for your own workspace" : "● = current group")
    }

    func current(json: Bool) async throws {
        let group = try await client.currentGroup()
        if json { return console.out(try group.map { try Output.json($0) } ?? "null") }
        if let group {
            console.out("Acting for \(sanitize(group.ownerName))'s group (\(group.users.count) members), id \(group.id).")
        } else {
            console.out("No current group: acting for your own workspace.")
        }
    }

    func use(groupID id: String) async throws {
        do {
            try await client.chooseGroup(id: id)
        } catch let error as SparkError where error.isRefusalOfTheRequest {
            // A mistyped id and a group that is no longer valid may get the same answer (1025): the groups tell them
            // apart. When they cannot be read, the server's own answer is the one to show.
            if let groups = try? await client.groups(), !groups.contains(where: { $0.id == id }) {
                throw CLIError("No group \(id) among yours; see `spark-portal groups`.", status: .usage)
            }
            throw error
        }
        let group = try await client.currentGroup()
        guard let group, group.id == id else {
            throw CLIError("The server accepted the switch to \(sanitize(id)) but reports \(group.map { "group \($0.id)" } ?? "no group") as current.",
                           status: .api)
        }
        console.out("Now acting for \(sanitize(group.ownerName))'s group.")
    }

    func leave() async throws {
        let group: PortalGroup?
        do {
            group = try await client.currentGroup()
        } catch let error as SparkError where error.sparkCode == SparkError.codeGroupNotValid {
            // The current group is no longer valid (the user was removed from it): leaving is the way out.
            try await client.leaveGroup()
            return console.out("Left the group, which was no longer available: acting for your own workspace.")
        }
        guard let group else { return console.out("No current group to leave: you already act for your own workspace.") }
        try await client.leaveGroup()
        console.out("Left \(sanitize(group.ownerName))'s group: acting for your own workspace.")
    }

    func whoami(json: Bool) async throws {
        let account = try await client.myAccount()
        let login = await session.storedLogin?.current
        if json {
            return try printJSON(Output.WhoamiJSON(
                account: account, endpoint: session.endpoint.absoluteString, tokenSource: session.tokenKind.rawValue,
                loginAccount: session.storedLogin?.account, tokenExpires: login?.expiresAt))
        }
        let endpoint = session.demo == nil ? session.endpoint.absoluteString : "demo server (--demo)"
        var lines = [
            "\(sanitize(account.name)) (\(account.id))",
            "endpoint: \(endpoint)",
            "token from: \(sanitize(session.tokenSource))",
        ]
        if let login {
            lines.append("account: \(sanitize(session.storedLogin?.account ?? ""))")
            lines.append("token expires: \(Output.expiry(login.expiresAt, now: Date()))")
        }
        console.out(lines.joined(separator: "\n"))
    }

    /// Whose workspace writes go to now, in words: "Ozzy Owner's workspace" or "your own workspace".
    func workspaceName() async throws -> String {
        guard let group = try await client.currentGroup() else { return "your own workspace" }
        return "\(group.ownerName)'s workspace"
    }
}

private extension SparkError {
    /// The server refused this request as such (a 4xx), not the token and not the rate.
    var isRefusalOfTheRequest: Bool {
        guard let status = httpStatus, (400..<500).contains(status) else { return false }
        switch self {
        case .api, .http: return !needsLogin && !isRateLimited
        default: return false
        }
    }
}
