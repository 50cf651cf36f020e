import ArgumentParser
import Foundation
import SparkMock

/// The built-in demo server as an endpoint (`--demo`): started for one command or one TUI session, on a free
/// loopback port, signed in as one of the data set's users. Hands back the URL and the token to use, and stops
/// with `stop()`. Commands, the TUI and `login --demo` all start it here.
struct DemoEndpoint: Sendable {
    let server: DemoServer
    /// Who the token signs in as (the data set's default user unless another was asked for).
    let user: DemoUser

    var url: URL { server.baseURL }
    var token: String { user.accessToken }
    var dataSet: DemoDataSet { server.configuration.dataSet }

    /// Starts a fresh demo server with `dataSet`, signed in as `user` (one of `dataSet.users`; default: the first).
    static func start(_ dataSet: DemoDataSet, as user: DemoUser? = nil) async throws -> DemoEndpoint {
        let server = try await DemoServer.start(DemoServerConfiguration(dataSet: dataSet))
        return DemoEndpoint(server: server, user: user ?? dataSet.defaultUser)
    }

    func stop() async {
        await server.stop()
    }

    /// `--demo-data`'s value: a data set by name, or a usage error listing the names.
    static func dataSet(named name: String) throws -> DemoDataSet {
        guard let dataSet = DemoDataSet(rawValue: name.lowercased()) else {
            throw ValidationError("Unknown demo data set '\(name)': use one of "
                                  + DemoDataSet.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        return dataSet
    }
}
