import Testing
@testable import PortalCLI

/// `SPARK_PORTAL_REQUEST_TIMEOUT`: the per-try request timeout, in seconds (the reliability tests shorten it).
@Suite struct RequestTimeoutTests {
    private func settings(_ environment: [String: String]) throws -> Settings {
        try Settings.resolve(try GlobalOptions.parse([]), environment: environment, file: ConfigFile(), outputIsTerminal: false)
    }

    @Test func defaultIsTheClientsDefault() throws {
        #expect(try settings([:]).requestTimeout == .seconds(20))
    }

    @Test func secondsFromTheEnvironment() throws {
        #expect(try settings(["SPARK_PORTAL_REQUEST_TIMEOUT": "1.5"]).requestTimeout == .milliseconds(1500))
        #expect(try settings(["SPARK_PORTAL_REQUEST_TIMEOUT": "90"]).requestTimeout == .seconds(90))
    }

    @Test(arguments: ["0", "-1", "soon", "7200", "nan"])
    func nonsenseIsAUsageError(_ text: String) throws {
        #expect {
            _ = try settings(["SPARK_PORTAL_REQUEST_TIMEOUT": text])
        } throws: { error in
            (error as? CLIError)?.status == .usage && (error as? CLIError)?.message.contains("SPARK_PORTAL_REQUEST_TIMEOUT") == true
        }
    }
}
