import Foundation
import Testing
import TerminalUI
@testable import PortalApp
@testable import PortalCLI

@Suite struct ConfigFileTests {
    @Test func readsEverySetting() throws {
        let config = try ConfigFile.parse("""
            # spark-portal settings
            endpoint = "https://sparkapi.com"   # the default
            user_agent = 'my-portal'
            color = false
            mouse = true

            [keys]
            quit = "Q"
            down = ["j", "ctrl-n", "down"]
            """, path: "config.toml")
        #expect(config.endpoint == "https://sparkapi.com")
        #expect(config.userAgent == "my-portal")
        #expect(config.color == false)
        #expect(config.mouse == true)
        #expect(config.keys.map(\.command) == [.quit, .moveDown])
        #expect(config.keys.last?.keys == [.char("j"), .ctrl("n"), .down])
    }

    @Test(arguments: [
        ("endpoint https://x", 1, "expected '=' after endpoint"),
        ("\n\ncolour = true", 3, "unknown setting 'colour'"),
        ("color = yes", 1, "color must be true or false"),
        ("color = TRUE", 1, "color must be true or false, in lower case (not TRUE)"),
        ("endpoint = https://sparkapi.com", 1, "put text in double quotes, like endpoint = \"https://sparkapi.com\""),
        ("\nendpoint = \"http://example.com\"", 2, "Refusing to send credentials over plain http"),
        ("endpoint = \"https://sparkapi.com:70000\"", 1, "port 70000 is out of range"),
        ("user_agent = \"\"", 1, "user_agent: the Spark API requires a user agent"),
        ("user_agent = \"a\\tb\"", 1, "user_agent: a user agent cannot hold control characters"),
        ("color = \"yes\"", 1, "color must be true or false"),
        ("endpoint = \"https://x", 1, "a string is not closed"),
        ("[keys]\nfly = \"f\"", 2, "unknown command 'fly'"),
        ("[keys]\nquit = \"ctrl-\"", 2, "'ctrl-' is not a key name"),
        ("[colors]", 1, "unknown table [colors]"),
        ("mouse = true\nmouse = false", 2, "mouse is set twice"),
    ])
    func badFilesNameTheLine(text: String, line: Int, message: String) {
        #expect {
            _ = try ConfigFile.parse(text, path: "/home/u/.config/spark-portal/config.toml")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.line == line && error.message.contains(message)
                && error.description.hasPrefix("/home/u/.config/spark-portal/config.toml:\(line): ")
        }
    }

    /// A key that would run two commands in one place is a mistake: the line of the override that made the clash,
    /// both commands, where they clash, and the two ways out.
    @Test(arguments: [
        ("[keys]\nquit = \"j\"", 2, #""j" would be the key of both quit and down everywhere"#),
        ("[keys]\nhelp = \"?\"\nfilter = \"?\"", 3, #""?" would be the key of both filter and help in the groups pane, the members pane, the carts pane, the listings"#),
        ("[keys]\n\ndown = [\"n\", \"ctrl-n\"]", 3, #""n" would be the key of both down and new-cart in the carts pane"#),
        ("[keys]\nremove = \"x\"", 2, #""x" would be the key of both remove and reject in the listings"#),
    ])
    func aKeyForTwoCommandsInOnePlaceNamesTheLine(text: String, line: Int, message: String) {
        #expect {
            _ = try ConfigFile.parse(text, path: "/c.toml")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.line == line && error.message.hasPrefix(message)
                && error.message.contains("a key does one thing in one place")
        }
    }

    @Test func aKeyMayDoDifferentThingsInDifferentPlaces() throws {
        // d: remove in the listings, delete in the carts; x may delete a cart while it rejects a listing.
        let config = try ConfigFile.parse("[keys]\ndelete = \"x\"\nquit = \"j\"\ndown = [\"down\", \"ctrl-n\"]", path: "c")
        #expect(config.keys.map(\.command) == [.delete, .quit, .moveDown])
        #expect(config.keys.map(\.line) == [2, 3, 4])
    }

    @Test func theClashMessageSuggestsTheOtherCommandsRemainingKeys() {
        #expect {
            _ = try ConfigFile.parse("[keys]\nquit = \"j\"", path: "/c.toml")
        } throws: { error in
            (error as? ConfigError)?.description == #"/c.toml:2: "j" would be the key of both quit and down everywhere: "#
                + #"a key does one thing in one place. Choose another key for quit, or give down other keys too "#
                + #"(e.g. down = ["down"])."#
        }
    }

    @Test func pathFollowsXDGThenHome() {
        #expect(ConfigFile.path(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x/spark-portal/config.toml")
        #expect(ConfigFile.path(environment: ["HOME": "/h"]) == "/h/.config/spark-portal/config.toml")
        #expect(ConfigFile.path(environment: [:]) == nil)
    }

    @Test func aMissingFileIsAnEmptyConfiguration() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sp-\(UUID())").path
        #expect(try ConfigFile.load(environment: ["XDG_CONFIG_HOME": directory]) == ConfigFile())
    }

    @Test(arguments: [("x", Key.char("x")), ("ctrl-n", .ctrl("n")), ("^N", .ctrl("n")), ("pgdn", .pageDown),
                      ("Shift-Tab", .backTab), ("f2", .function(2)), ("space", .char(" ")), ("é", .char("é"))])
    func keyNames(spec: String, key: Key) {
        #expect(KeySpec.parse(spec) == key)
    }
}

@Suite struct SettingsPrecedenceTests {
    func options(_ arguments: [String]) throws -> GlobalOptions { try GlobalOptions.parse(arguments) }

    @Test func flagsBeatEnvironmentBeatFileBeatDefaults() throws {
        var file = ConfigFile()
        file.endpoint = "https://file.example.com"
        file.userAgent = "from-file"
        let environment = ["SPARK_API_ENDPOINT": "https://env.example.com", "SPARK_USER_AGENT": "from-env"]

        let defaults = try Settings.resolve(options([]), environment: [:], file: ConfigFile(), outputIsTerminal: true)
        #expect(defaults.endpoint.absoluteString == "https://sparkapi.com")
        #expect(defaults.userAgent == "spark-portal/\(sparkPortalVersion)")
        #expect(defaults.color)

        let fromFile = try Settings.resolve(options([]), environment: [:], file: file, outputIsTerminal: true)
        #expect(fromFile.endpoint.absoluteString == "https://file.example.com")
        #expect(fromFile.userAgent == "from-file")

        let fromEnvironment = try Settings.resolve(options([]), environment: environment, file: file, outputIsTerminal: true)
        #expect(fromEnvironment.endpoint.absoluteString == "https://env.example.com")
        #expect(fromEnvironment.userAgent == "from-env")

        let fromFlags = try Settings.resolve(options(["--endpoint", "https://flag.example.com", "--user-agent", "from-flag"]),
                                             environment: environment, file: file, outputIsTerminal: true)
        #expect(fromFlags.endpoint.absoluteString == "https://flag.example.com")
        #expect(fromFlags.userAgent == "from-flag")
    }

    @Test func colourIsOffWithNoColorTheFlagTheFileOrNoTerminal() throws {
        var file = ConfigFile()
        #expect(try Settings.resolve(options([]), environment: [:], file: file, outputIsTerminal: true).color)
        #expect(try !Settings.resolve(options([]), environment: ["NO_COLOR": "1"], file: file, outputIsTerminal: true).color)
        #expect(try !Settings.resolve(options(["--no-color"]), environment: [:], file: file, outputIsTerminal: true).color)
        #expect(try !Settings.resolve(options([]), environment: [:], file: file, outputIsTerminal: false).color)
        file.color = false
        #expect(try !Settings.resolve(options([]), environment: [:], file: file, outputIsTerminal: true).color)
    }

    @Test func keyOverridesFromTheFileReachTheKeyMap() throws {
        let file = try ConfigFile.parse("[keys]\nquit = \"Q\"", path: "c")
        let settings = try Settings.resolve(options([]), environment: [:], file: file, outputIsTerminal: true)
        for context in KeyContext.allCases {
            #expect(settings.keyMap.command(for: .char("Q"), in: context) == .quit)
            #expect(settings.keyMap.command(for: .char("q"), in: context) == nil)
        }
    }

    @Test(arguments: ["http://example.com", "http://10.0.0.1:8080", "ftp://sparkapi.com", "sparkapi.com", "https://"])
    func refusedEndpoints(endpoint: String) throws {
        #expect(throws: CLIError.self) {
            _ = try Settings.resolve(options(["--endpoint", endpoint]), environment: [:], file: ConfigFile(), outputIsTerminal: false)
        }
    }

    @Test(arguments: ["http://127.0.0.1:8080", "http://localhost:9000", "http://[::1]:8080", "https://sparkapi.com"])
    func acceptedEndpoints(endpoint: String) throws {
        let settings = try Settings.resolve(options(["--endpoint", endpoint]), environment: [:], file: ConfigFile(), outputIsTerminal: false)
        #expect(settings.endpoint.absoluteString == endpoint)
    }

    @Test func plainHTTPToARemoteHostIsAUsageError() throws {
        do {
            _ = try Settings.resolve(options(["--endpoint", "http://sparkapi.com"]), environment: [:], file: ConfigFile(), outputIsTerminal: false)
            Issue.record("accepted http:// to a remote host")
        } catch let error as CLIError {
            #expect(error.status == .usage)
            #expect(error.message.contains("https://"))
        }
    }
}

/// `--refresh-interval` / `SPARK_PORTAL_REFRESH_INTERVAL` / `refresh_interval` (#16): seconds, fractions allowed, 0 off.
@Suite struct RefreshIntervalSettingTests {
    func settings(file: String = "") throws -> Settings {
        try Settings.resolve(try GlobalOptions.parse([]), environment: [:], file: try ConfigFile.parse(file, path: "c.toml"),
                             outputIsTerminal: true)
    }

    @Test func theFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTwentySeconds() throws {
        #expect(try settings().refreshInterval == .seconds(20))
        let file = try settings(file: "refresh_interval = 60")
        #expect(file.refreshInterval == .seconds(60))
        #expect(try settings(file: "refresh_interval = 0.5").refreshInterval == .milliseconds(500))
        #expect(try settings(file: "refresh_interval = 0").refreshInterval == nil)
        let environment = ["SPARK_PORTAL_REFRESH_INTERVAL": "2.5"]
        #expect(try file.withRefreshInterval(flag: nil, environment: environment).refreshInterval == .milliseconds(2500))
        #expect(try file.withRefreshInterval(flag: "0", environment: environment).refreshInterval == nil)
        #expect(try file.withRefreshInterval(flag: nil, environment: ["SPARK_PORTAL_REFRESH_INTERVAL": ""]).refreshInterval
                == .seconds(60), "an empty variable is no setting")
    }

    @Test(arguments: ["-1", "0.01", "abc", "nan", "inf", "90000", ""])
    func aBadValueIsAUsageErrorNamingWhereItCameFrom(value: String) throws {
        let base = try settings()
        #expect {
            _ = try base.withRefreshInterval(flag: value, environment: [:])
        } throws: { error in
            guard let error = error as? CLIError else { return false }
            return error.status == .usage && error.message.hasPrefix("Invalid --refresh-interval '\(value)': expected the seconds")
        }
        if !value.isEmpty {
            #expect {
                _ = try base.withRefreshInterval(flag: nil, environment: ["SPARK_PORTAL_REFRESH_INTERVAL": value])
            } throws: { error in
                (error as? CLIError)?.message.hasPrefix("Invalid SPARK_PORTAL_REFRESH_INTERVAL") == true
            }
        }
    }

    @Test(arguments: ["refresh_interval = \"20\"", "refresh_interval = -3", "refresh_interval = true", "refresh_interval = 0.01"])
    func aBadFileValueNamesTheLine(text: String) {
        #expect {
            _ = try ConfigFile.parse(text, path: "c.toml")
        } throws: { error in
            (error as? ConfigError)?.message.hasPrefix("refresh_interval: expected the seconds") == true
        }
    }
}
