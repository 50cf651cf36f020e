import Foundation
import PhotoCodec
import SparkAPI
import SparkMock
import Testing
import TerminalPictures
import TerminalUI
@testable import PortalCLI

private let listingID = DemoDataSet.demo.unusedListingIDs(limit: 1)[0]
private let photoCount = DemoPhotoCatalog(baseURL: nil).count(forListing: listingID)

/// The terminal `listing` prints on, as a test says it is.
private struct TestTerminal: Sendable {
    var isTerminal = true
    var environment: [String: String] = ["TERM": "xterm-256color"]
    var size: Size? = Size(width: 80, height: 24)
    var cellPixels: PixelSize?

    static let pipe = TestTerminal(isTerminal: false, environment: [:], size: nil)
}

/// The command's clock: the photo's deadline ends when `reached` returns (by default never: the photo comes
/// first and the deadline is cancelled); every other wait ends at once.
private func photoDeadline(_ reached: @escaping @Sendable () async throws -> Void = { try await Task.sleep(for: .seconds(86_400)) })
    -> TestSleeps {
    TestSleeps { duration in if duration == ListingPicture.timeout { try await reached() } }
}

/// `spark-portal listing <id> --endpoint <server>` in process, on `terminal`.
private func runListing(_ server: URL, id: String = listingID, json: Bool = false, photo: Bool = true,
                        terminal: TestTerminal = TestTerminal(), arguments: [String] = [],
                        environment extra: [String: String] = [:], clock: TestSleeps = photoDeadline()) async throws
    -> (status: PortalCLI.ExitStatus, out: String, err: String) {
    let captured = CapturedConsole()
    var environment = terminal.environment.merging(extra) { $1 }
    environment["SPARK_ACCESS_TOKEN"] = DemoCredentials.demoAccessToken
    environment["XDG_CONFIG_HOME"] = environment["XDG_CONFIG_HOME"] ?? "/nonexistent-spark-portal-tests"
    var console = captured.console(environment: environment, terminal: terminal.isTerminal, clock: clock)
    console.terminalSize = terminal.size
    console.cellPixels = terminal.cellPixels
    let options = try GlobalOptions.parse(["--endpoint", server.absoluteString] + arguments)
    let status = await SparkPortalCommand.execute(.listing(id: id, json: json, photo: photo), options: options, console: console)
    return (status, captured.out, captured.err)
}

private func lines(_ text: String) -> [String] { text.components(separatedBy: "\n") }

private func withoutColors(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
}

/// The photo at `url` drawn into `area`, fetched and drawn here, apart from the command: what it should print.
private func expectedPicture(_ url: URL, area: Size, colors: PictureColors, cellAspect: Double) async throws -> [String] {
    let fetcher = PhotoFetcher()
    let store = PictureStore<URL> { url in Array(try await fetcher.fetch(url)) }
    do {
        let cells = try await store.cells(for: url, fitting: area, colors: colors, cellAspect: cellAspect)
        await fetcher.shutdown()
        return cells.ansiLines()
    } catch {
        await fetcher.shutdown()
        throw error
    }
}

/// The listing's request to the API (the last one): whether it asked for photos.
private func listingRequest(_ server: DemoServer, id: String = listingID) async -> RecordedRequest? {
    await server.journal.requests(method: "GET", path: "/v1/listings/\(id)").last
}

@Suite("listing <id>: the photo above the facts", .timeLimit(.minutes(2)))
struct ListingPhotoTests {
    @Test func onA256ColourTerminalThePrimaryPhotoComesAboveTheFacts() async throws {
        try await withStartedDemoServer { server in
            let facts = try await runListing(server.baseURL, terminal: .pipe)
            #expect(facts.status == .success, "\(facts.err)")
            #expect(await server.photoJournal.requests.isEmpty)

            let result = try await runListing(server.baseURL)
            #expect(result.status == .success, "\(result.err)")
            #expect(result.err.isEmpty)
            #expect(await listingRequest(server)?.queryValue("_expand") == "Photos")

            // 80×24: the picture's room is 80 × 16 cells of 10×20 pixels (none reported); a 4:3 photo fitted into
            // 800×320 pixels is 427 wide: Uri640. One request, to the photo host, with nothing of the API's.
            let requests = await server.photoJournal.requests
            #expect(requests.count == 1)
            let request = try #require(requests.first)
            #expect(request.path == "/photos/\(listingID)/1/640.jpg", "the primary photo, at the size that covers the room")
            #expect(request.headers["authorization"] == nil)
            #expect(request.headers["x-sparkapi-user-agent"] == nil)

            let url = try #require(URL(string: server.photoBaseURL.absoluteString + request.path))
            let picture = try await expectedPicture(url, area: Size(width: 80, height: 16), colors: .indexed256, cellAspect: 0.5)
            #expect(picture.count == 16)
            let printed = lines(result.out)
            #expect(Array(printed.prefix(picture.count)) == picture)
            for row in printed.prefix(picture.count) {
                #expect(row.hasPrefix("\u{1B}[0;38;5;") && row.contains(";48;5;"), "palette colours: \(row.debugDescription)")
                let symbols = withoutColors(row)
                #expect(symbols.unicodeScalars.allSatisfy { $0 == " " || (0x2580...0x259F).contains($0.value)
                    || (0x1FB00...0x1FB3B).contains($0.value) }, "block elements and sextants: \(symbols)")
                #expect(TextWidth.of(symbols) <= 80)
            }
            #expect(printed.count > picture.count + 2)
            guard printed.count > picture.count + 2 else { return }
            #expect(printed[picture.count] == "\u{1B}[2m1/\(photoCount) · House\u{1B}[0m")
            #expect(printed[picture.count + 1] == "")
            #expect(Array(printed.dropFirst(picture.count + 2)) == lines(facts.out), "then the facts, as without a picture")
        }
    }

    /// Direct colour where the terminal announces it; the picture's shape follows the cells' reported pixel size.
    @Test func directColourAndTheReportedCellSize() async throws {
        try await withStartedDemoServer { server in
            var terminal = TestTerminal()
            terminal.environment["COLORTERM"] = "truecolor"
            terminal.size = Size(width: 120, height: 45)
            terminal.cellPixels = PixelSize(width: 8, height: 18)
            let result = try await runListing(server.baseURL, terminal: terminal)
            #expect(result.status == .success, "\(result.err)")

            // 120 × 30 cells of 8×18 pixels: 960×540, a 4:3 photo in it 720 wide: Uri800.
            let request = try #require(await server.photoJournal.requests.first)
            #expect(request.path == "/photos/\(listingID)/1/800.jpg")
            let url = try #require(URL(string: server.photoBaseURL.absoluteString + request.path))
            let picture = try await expectedPicture(url, area: Size(width: 120, height: 30), colors: .direct, cellAspect: 8.0 / 18.0)
            #expect(Array(lines(result.out).prefix(picture.count)) == picture)
            #expect(picture.first?.hasPrefix("\u{1B}[0;38;2;") == true)
        }
    }

    enum Skip: String, CaseIterable, Sendable {
        case pipe, noPhotoFlag, photosOff
    }

    /// A pipe, `--no-photo` and `photos = "off"`: the facts alone, nothing asked of the photo host (nor, but for
    /// `--json`, of the API's photo expansion).
    @Test(arguments: Skip.allCases)
    func noPictureWhenNotWanted(_ skip: Skip) async throws {
        let home = try ConfigHome()
        try FileManager.default.createDirectory(atPath: home.path + "/spark-portal", withIntermediateDirectories: true)
        try "photos = \"off\"\n".write(toFile: home.path + "/spark-portal/config.toml", atomically: true, encoding: .utf8)
        try await withStartedDemoServer { server in
            let facts = try await runListing(server.baseURL, terminal: .pipe)
            let result = switch skip {
            case .pipe: facts
            case .noPhotoFlag: try await runListing(server.baseURL, photo: false)
            case .photosOff: try await runListing(server.baseURL, environment: home.environment)
            }
            #expect(result.status == .success, "\(result.err)")
            #expect(result.out == facts.out)
            #expect(!result.out.contains("\u{1B}"))
            #expect(result.err.isEmpty)
            #expect(await server.photoJournal.requests.isEmpty)
            #expect(await listingRequest(server)?.queryValue("_expand") == nil)
        }
    }

    /// Fewer than 256 colours, or colours off: one line says why there is no picture, and no photo is fetched.
    @Test(arguments: [
        (["TERM": "xterm"], [String]()),
        (["TERM": "dumb"], []),
        (["TERM": "xterm-256color", "NO_COLOR": "1"], []),
        (["TERM": "xterm-256color"], ["--no-color"]),
    ])
    func aTerminalWithoutTheColoursSaysSo(environment: [String: String], arguments: [String]) async throws {
        try await withStartedDemoServer { server in
            let facts = try await runListing(server.baseURL, terminal: .pipe)
            let result = try await runListing(server.baseURL, terminal: TestTerminal(environment: environment), arguments: arguments)
            #expect(result.status == .success, "\(result.err)")
            #expect(result.out == "photos need 256 colours\n\n" + facts.out)
            #expect(await server.photoJournal.requests.isEmpty)
        }
    }

    @Test func jsonCarriesThePhotoObjectsAndDrawsNothing() async throws {
        try await withStartedDemoServer { server in
            let result = try await runListing(server.baseURL, json: true)
            #expect(result.status == .success, "\(result.err)")
            let object = try #require(try jsonObject(result.out) as? [String: Any])
            let fields = try #require(object["StandardFields"] as? [String: Any])
            let photos = try #require(fields["Photos"] as? [[String: Any]])
            #expect(photos.count == photoCount)
            #expect(photos.map { $0["Primary"] as? Bool } == [true] + Array(repeating: false, count: photoCount - 1))
            #expect(photos.first?["Name"] as? String == "House")
            for (index, photo) in photos.enumerated() {
                for size in ListingPhoto.Size.allCases {
                    let uri = photo[size.rawValue] as? String
                    #expect(uri?.hasPrefix(server.photoBaseURL.absoluteString + "/photos/\(listingID)/\(index + 1)/") == true,
                            "\(size.rawValue): \(uri ?? "none")")
                }
            }
            #expect(object["ListingCarts"] is [Any])
            #expect(await server.photoJournal.requests.isEmpty, "--json fetches no photo")
        }
    }

    /// A photo that fails is one line in the picture's place; the facts follow and the command succeeds.
    @Test(arguments: [
        ("404", "HTTP 404"),
        ("damaged", "damaged JPEG ("),
        ("not-jpeg", "not a JPEG"),
        ("huge", "photo too large (over 10 MB)"),
        ("slow:60", "photo host did not answer in time"),
        ("stall-body:60", "photo host did not answer in time"),
    ])
    func aPhotoThatFailsIsOneLineAndTheFactsStillCome(fault: String, reason: String) async throws {
        var configuration = DemoServerConfiguration()
        configuration.photoFaults = [try PhotoFault.parse(fault)]
        try await withStartedDemoServer(configuration) { server in
            let facts = try await runListing(server.baseURL, terminal: .pipe)
            // The deadline passes once the photo host has the request (it holds its answer for a minute).
            let deadline = photoDeadline { _ = await server.photoJournal.waitForRequest(timeout: .seconds(60)) { _ in true } }
            let holds = fault.hasPrefix("slow") || fault.hasPrefix("stall")
            let clock = holds ? deadline : photoDeadline()
            let result = try await runListing(server.baseURL, clock: clock)
            #expect(clock.recorded == [ListingPicture.timeout], "the photo's deadline is on the command's clock")
            #expect(result.status == .success, "\(result.err)")
            #expect(result.err.isEmpty)
            let printed = lines(result.out)
            let first = try #require(printed.first)
            #expect(first.hasPrefix("\u{1B}[2m") && first.hasSuffix("\u{1B}[0m"))
            #expect(withoutColors(first).hasPrefix("photo not shown: " + reason), "\(fault): \(first)")
            #expect(!withoutColors(first).unicodeScalars.contains { $0.properties.generalCategory == .control })
            #expect(Array(printed.dropFirst()) == [""] + lines(facts.out))
            #expect(await server.photoJournal.requests.count == 1)
        }
    }

    /// A listing without photos: no picture and no word about one, on any terminal.
    @Test func aListingWithoutPhotosPrintsItsFactsOnly() async throws {
        let id = "20240101000000000000000001"
        try await ScriptedServer.with({ target, _ in
            if target.hasPrefix("/v1/listings/") {
                return .json(200, #"{"D":{"Success":true,"Results":[{"Id":"\#(id)","StandardFields":{"ListingKey":"\#(id)","City":"Hayden","Photos":[]}}]}}"#)
            }
            return .json(200, #"{"D":{"Success":true,"Results":[]}}"#)
        }) { server in
            let facts = try await runListing(server.baseURL, id: id, terminal: .pipe)
            #expect(facts.status == .success, "\(facts.err)")
            #expect(lines(facts.out).first?.hasSuffix("Hayden") == true)
            for terminal in [TestTerminal(), TestTerminal(environment: ["TERM": "xterm"])] {
                let result = try await runListing(server.baseURL, id: id, terminal: terminal)
                #expect(result.status == .success, "\(result.err)")
                #expect(result.out == facts.out)
            }
        }
    }

    /// The caption comes from the server: its control characters never reach the terminal.
    @Test func aHostileCaptionIsSanitized() async throws {
        let id = "20240101000000000000000002"
        let name = "Front\u{1B}]0;owned\u{07} porch\u{1B}[2J\u{9B}31m"
        try await withStartedDemoServer { demo in
            let photo = demo.photoBaseURL.absoluteString + "/photos/\(listingID)/1/640.jpg"
            let listing = """
                {"D":{"Success":true,"Results":[{"Id":"\(id)","StandardFields":{"ListingKey":"\(id)","City":"Hayden",\
                "Photos":[{"Id":"P1","Name":\(String(decoding: try JSONEncoder().encode(name), as: UTF8.self)),\
                "Primary":true,"Uri640":"\(photo)"}]}}]}}
                """
            try await ScriptedServer.with({ target, _ in
                target.hasPrefix("/v1/listings/") ? .json(200, listing) : .json(200, #"{"D":{"Success":true,"Results":[]}}"#)
            }) { server in
                let result = try await runListing(server.baseURL, id: id)
                #expect(result.status == .success, "\(result.err)")
                let printed = lines(result.out)
                let caption = try #require(printed.first { withoutColors($0).hasPrefix("1/1 · ") })
                #expect(caption == "\u{1B}[2m1/1 · \(sanitize(name))\u{1B}[0m")
                #expect(withoutColors(caption).contains("Front") && withoutColors(caption).contains("porch"))
                #expect(!withoutColors(caption).unicodeScalars.contains { $0.properties.generalCategory == .control })
                #expect(await demo.photoJournal.requests.map(\.path) == ["/photos/\(listingID)/1/640.jpg"])
            }
        }
    }

    @Test func thePicturesRoomFollowsTheTerminal() {
        #expect(ListingPicture.area(for: nil) == Size(width: 80, height: 16))
        #expect(ListingPicture.area(for: Size(width: 200, height: 50)) == Size(width: 200, height: 33))
        #expect(ListingPicture.area(for: Size(width: 40, height: 10)) == Size(width: 40, height: 8))
    }
}

@Suite("The photos setting")
struct PhotosSettingTests {
    @Test(arguments: [("cells", PhotoMode.cells), ("auto", .auto), ("off", .off)])
    func readsEachValue(word: String, mode: PhotoMode) throws {
        let file = try ConfigFile.parse("photos = \"\(word)\"", path: "c")
        #expect(file.photos == mode)
        let settings = try Settings.resolve(GlobalOptions.parse([]), environment: [:], file: file, outputIsTerminal: true)
        #expect(settings.photos == mode)
    }

    @Test func autoByDefault() throws {
        #expect(try Settings.resolve(GlobalOptions.parse([]), environment: [:], file: ConfigFile(), outputIsTerminal: true).photos == .auto)
    }

    @Test(arguments: [
        ("photos = \"kitty\"", #"photos must be "cells", "auto" or "off" (not "kitty")"#),
        ("photos = \"Cells\"", #"photos must be "cells", "auto" or "off" (not "Cells")"#),
        ("photos = off", #"photos must be "cells", "auto" or "off", in double quotes (not off)"#),
        ("photos = false", #"photos must be "cells", "auto" or "off""#),
        ("photos = [\"cells\"]", #"photos must be "cells", "auto" or "off""#),
    ])
    func aWrongValueNamesTheFileAndLine(text: String, message: String) {
        #expect {
            _ = try ConfigFile.parse("color = true\n" + text, path: "/home/u/.config/spark-portal/config.toml")
        } throws: { error in
            (error as? ConfigError)?.description == "/home/u/.config/spark-portal/config.toml:2: " + message
        }
    }

    /// The command meets the mistake before it sends anything: exit 78, one line naming the file and line.
    @Test func aWrongValueStopsTheCommand() async throws {
        let home = try ConfigHome()
        let path = home.path + "/spark-portal/config.toml"
        try FileManager.default.createDirectory(atPath: home.path + "/spark-portal", withIntermediateDirectories: true)
        try "# mine\nphotos = \"sixel\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        try await withStartedDemoServer { server in
            let result = try await runListing(server.baseURL, environment: home.environment)
            #expect(result.status == .configuration)
            #expect(result.err == #"spark-portal: Configuration error: \#(path):2: photos must be "cells", "auto" or "off" (not "sixel")"#)
            #expect(result.out.isEmpty)
            #expect(await server.journal.requests.isEmpty)
        }
    }
}
