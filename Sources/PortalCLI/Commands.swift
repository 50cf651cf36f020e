import ArgumentParser
import Foundation
import PortalApp
import SparkAPI
import TerminalUI

/// Where command output goes; tests capture it, the executable uses the process's streams.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    public var environment: [String: String]
    public var stdoutIsTerminal: Bool
    public var stderrIsTerminal: Bool

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void,
                environment: [String: String], stdoutIsTerminal: Bool, stderrIsTerminal: Bool) {
        self.out = out
        self.err = err
        self.environment = environment
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
    }

    /// The real process: stdout, stderr, environment, isatty.
    public static var process: Console {
        Console(
            out: { text in try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8)) },  // a closed pipe (| head) is not a crash
            err: { text in try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8)) },
            environment: ProcessInfo.processInfo.environment,
            stdoutIsTerminal: isatty(STDOUT_FILENO) == 1, stderrIsTerminal: isatty(STDERR_FILENO) == 1)
    }
}

/// What one subcommand does, given an open session. Kept apart from argument parsing so tests can run
/// every command in-process against the demo server.
public enum PortalCommand: Sendable, Equatable {
    case groups(json: Bool)
    case current(json: Bool)
    case use(groupID: String)
    case leave
    case carts(json: Bool)
    case listings(cartID: String, json: Bool)
    case whoami(json: Bool)

    /// Runs the command, writing results to `console.out`. Throws `CLIError`s and `SparkError`s.
    public func run(in session: Session, console: Console) async throws {
        let client = session.client
        let color = session.settings.color
        switch self {
        case .groups(let json):
            async let groups = client.groups()
            async let current = client.currentGroup()
            let (all, now) = try await (groups, current)
            if json {
                console.out(try Output.json(all.map { Output.GroupJSON(group: $0, current: $0.id == now?.id) }))
                return
            }
            guard !all.isEmpty else {
                console.out("You are in no portal groups.")
                return
            }
            let rows = all.map { [$0.ownerName, String($0.users.count), $0.id] }
            let markers = all.map { $0.id == now?.id ? "●" : " " }
            let currentRows = Set(all.indices.filter { all[$0].id == now?.id })
            console.out(Output.table([.init("OWNER", maxWidth: 40), .init("MEMBERS", .right), .init("GROUP ID")],
                                     rows: rows, markers: markers, boldRows: currentRows, color: color))
            console.out(now == nil ? "● none: acting for your own workspace" : "● = current group")

        case .current(let json):
            let group = try await client.currentGroup()
            if json {
                console.out(try group.map { try Output.json($0) } ?? "null")
            } else if let group {
                console.out("Acting for \(sanitize(group.ownerName))'s group (\(group.users.count) members), id \(group.id).")
            } else {
                console.out("No current group: acting for your own workspace.")
            }

        case .use(let id):
            try await client.chooseGroup(id: id)
            let group = try await client.currentGroup()
            if let group, group.id == id {
                console.out("Now acting for \(sanitize(group.ownerName))'s group.")
            } else {
                throw CLIError("The server accepted the switch to \(sanitize(id)) but reports \(group.map { "group \($0.id)" } ?? "no group") as current.",
                               status: .api)
            }

        case .leave:
            try await client.leaveGroup()
            console.out("Left the group: acting for your own workspace.")

        case .carts(let json):
            let carts = try await client.listingCarts()
            if json {
                console.out(try Output.json(carts))
                return
            }
            guard !carts.isEmpty else {
                console.out("No listing carts.")
                return
            }
            console.out(Output.table(
                [.init("NAME", maxWidth: 40), .init("LISTINGS", .right), .init("TYPE"), .init("CART ID")],
                rows: carts.map { [$0.name, $0.listingCount.map(String.init) ?? "—", $0.portalCartType?.rawValue ?? "", $0.id] },
                color: color))

        case .listings(let cartID, let json):
            let listings = try await client.listings(inCart: cartID)
            if json {
                console.out(try Output.json(listings))
                return
            }
            guard !listings.isEmpty else {
                console.out("No listings in this cart.")
                return
            }
            console.out(Output.table(
                [.init("ADDRESS", maxWidth: 36), .init("CITY", maxWidth: 20), .init("PRICE", .right), .init("BEDS", .right),
                 .init("BATHS", .right), .init("STATUS"), .init("LISTING ID")],
                rows: listings.map { listing in
                    [Format.text(listing.address), Format.text(listing.city), Format.price(listing.listPrice),
                     Format.count(listing.bedsTotal), Format.decimal(listing.bathsTotal), Format.text(listing.status), listing.id]
                },
                color: color))

        case .whoami(let json):
            let account = try await client.myAccount()
            let endpoint = session.settings.demo == nil ? session.endpoint.absoluteString : "demo server (--demo)"
            let login = await session.storedLogin?.current
            if json {
                console.out(try Output.json(Output.WhoamiJSON(
                    account: account, endpoint: session.endpoint.absoluteString, tokenSource: session.tokenKind.rawValue,
                    loginAccount: session.storedLogin?.account, tokenExpires: login?.expiresAt)))
            } else {
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
        }
    }
}
