import Foundation
import PortalApp
import SparkAPI
import Synchronization
import Testing
@testable import PortalCLI

/// A cache directory of its own, removed afterwards; the lines the cache logged.
final class CacheHome: Sendable {
    let path: String
    private let logged = Mutex<[String]>([])

    init() throws {
        path = NSTemporaryDirectory() + "spark-portal-cache-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var directory: String { path + "/spark-portal" }
    var environment: [String: String] { ["XDG_CACHE_HOME": path, "XDG_CONFIG_HOME": path + "/config"] }
    var log: [String] { logged.withLock { $0 } }

    func file(_ name: String = "0123456789abcdef0123456789abcdef.json") -> WorkspaceCacheFile {
        WorkspaceCacheFile(directory: directory, name: name) { line in self.logged.withLock { $0.append(line) } }
    }

    func mode(of path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }
}

enum CacheSample {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    /// A workspace as the server sends it: names in several scripts and one with control characters, a member with
    /// no last login, a restricted price, a number given as a string, an agent's cart without a type.
    static func snapshot() throws -> WorkspaceSnapshot {
        let group = try decode(PortalGroup.self, """
            {"Id":"G1","ResourceUri":"/v1/portal/groups/G1","ContactId":"C1","Users":[
             {"Id":"C1","Name":"山田 花子","UserType":"Contact","Enabled":true,"Active":true,"LastLogin":"2026-11-28T23:05:41Z"},
             {"Id":"C2","Name":"Evil\\u001b]2;pwned\\u0007 Name","UserType":"Member","Office":"Lakeshore Realty"},
             {"Id":"C3","Name":"Zoë Ångström","Enabled":false,"LastLogin":null}]}
            """)
        let carts = try decode([ListingCart].self, """
            [{"Id":"K1","Name":"Favorites","ListingCount":2,"PortalCartType":"Favorites","ModificationTimestamp":"2026-11-30T10:00:00Z"},
             {"Id":"K2","Name":"🏡 Dream homes","ListingCount":"3","PortalCartType":"Custom"},
             {"Id":"K3","Name":"From the agent","ListingCount":1}]
            """)
        let listing = try decode(Listing.self, """
            {"Id":"L1","StandardFields":{"ListingKey":"L1","UnparsedAddress":"12 Birch St","City":"Bonners Ferry",
             "ListPrice":"********","BedsTotal":"3","BathsTotal":2.5,"MlsStatus":"Active"}}
            """)
        let account = try decode(Account.self, #"{"Id":"C9","Name":"Betty Buyer","Emails":[{"Address":"b@example.com","Primary":true}]}"#)
        return WorkspaceSnapshot(account: account, groups: [group], groupPages: 2, currentGroup: group, carts: carts, cartPages: 1,
                                 openCart: CachedCartPage(cartID: "K1", listings: [listing], totalRows: 2))
    }

    /// A whole second, as the file keeps it.
    static let savedAt = Date(timeIntervalSince1970: 1_796_380_927)
}

@Suite("The workspace cache file")
struct WorkspaceCacheFileTests {
    @Test func savedPrivatelyAndReadBackWhole() async throws {
        let home = try CacheHome()
        let cache = home.file()
        let snapshot = try CacheSample.snapshot()
        #expect(cache.load() == .empty, "nothing kept yet")
        #expect(await cache.save(snapshot, at: CacheSample.savedAt))
        #expect(cache.load() == .found(snapshot, savedAt: CacheSample.savedAt))
        #expect(home.mode(of: cache.path) == 0o600)
        #expect(home.mode(of: home.directory) == 0o700)
        let text = try String(contentsOfFile: cache.path, encoding: .utf8)
        #expect(text.contains(#""format":"spark-portal workspace cache""#) && text.contains(#""version":1"#))
        #expect(text.contains(#""saved_at":"2026-12-04T10:42:07Z""#))
        #expect(!text.contains("\u{1b}"), "control characters are escaped in the JSON")
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.directory) == [(cache.path as NSString).lastPathComponent],
                "no temporary file left")
        #expect(home.log.isEmpty)
    }

    /// A directory others can read (made by hand) is narrowed to 0700 by the next save.
    @Test func anOpenDirectoryIsMadePrivate() async throws {
        let home = try CacheHome()
        try FileManager.default.createDirectory(atPath: home.directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        #expect(await home.file().save(try CacheSample.snapshot(), at: CacheSample.savedAt))
        #expect(home.mode(of: home.directory) == 0o700)
    }

    /// Damaged in each way a file can be: not used, logged (without its content), never fatal; the next save
    /// replaces it and it is read again.
    @Test(arguments: ["garbage", "truncated", "empty", "old version", "newer version", "another format", "wrong shape"])
    func aDamagedFileIsIgnoredLoggedAndReplaced(damage: String) async throws {
        let home = try CacheHome()
        let cache = home.file()
        let snapshot = try CacheSample.snapshot()
        #expect(await cache.save(snapshot, at: CacheSample.savedAt))
        let whole = try Data(contentsOf: URL(fileURLWithPath: cache.path))
        let text = String(decoding: whole, as: UTF8.self)
        let damaged: Data = switch damage {
        case "garbage": Data("<html>502 Bad Gateway</html>".utf8)
        case "truncated": whole.prefix(whole.count / 2)
        case "empty": Data()
        case "old version": Data(text.replacingOccurrences(of: #""version":1"#, with: #""version":0"#).utf8)
        case "newer version": Data(text.replacingOccurrences(of: #""version":1"#, with: #""version":2"#).utf8)
        case "another format": Data(text.replacingOccurrences(of: "spark-portal workspace cache", with: "something else").utf8)
        default: Data(text.replacingOccurrences(of: #""group_pages":2"#, with: #""group_pages":"two""#).utf8)
        }
        try damaged.write(to: URL(fileURLWithPath: cache.path))
        #expect(cache.load() == .empty)
        let line = try #require(home.log.last)
        #expect(line.hasPrefix("cache not used: \(cache.path)"), "\(line)")
        #expect(line.contains(damage.hasSuffix("version") ? "version" : "damaged"), "\(line)")
        // After the path (a temporary folder, whose random name may hold any digits): never the content.
        let said = line.dropFirst("cache not used: \(cache.path)".count)
        #expect(!said.contains("Dream homes") && !said.contains("502"), "the log never shows the content: \(line)")
        #expect(await cache.save(snapshot, at: CacheSample.savedAt))
        #expect(cache.load() == .found(snapshot, savedAt: CacheSample.savedAt))
    }

    /// A file others can read is not used, and the user is told so, and that it mends itself; the next save replaces it, private.
    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func aFileOthersCanReadIsNotUsed(mode: Int) async throws {
        let home = try CacheHome()
        let cache = home.file()
        #expect(await cache.save(try CacheSample.snapshot(), at: CacheSample.savedAt))
        chmod(cache.path, mode_t(mode))
        guard case .refused(let notice) = cache.load() else {
            Issue.record("a file of mode \(String(mode, radix: 8)) was used")
            return
        }
        // What it means for the user first (an 80-column status bar cuts the end), the mode and the path after.
        #expect(notice == "Cache not used: others could read it; the next save makes it private (mode \(String(mode, radix: 8)), "
                + "\(cache.path))")
        #expect(!notice.contains("Betty") && !notice.contains("Dream homes"))
        #expect(home.log.last?.contains("can be read by others") == true)
        #expect(await cache.save(try CacheSample.snapshot(), at: CacheSample.savedAt))
        #expect(home.mode(of: cache.path) == 0o600)
        #expect(cache.load() == .found(try CacheSample.snapshot(), savedAt: CacheSample.savedAt))
    }

    @Test func aFileTooLargeToReadQuicklyIsNotRead() throws {
        let home = try CacheHome()
        let cache = home.file()
        try FileManager.default.createDirectory(atPath: home.directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        FileManager.default.createFile(atPath: cache.path, contents: Data(count: WorkspaceCacheFile.sizeLimit + 1),
                                       attributes: [.posixPermissions: 0o600])
        #expect(cache.load() == .empty)
        #expect(home.log.last?.contains("more than \(WorkspaceCacheFile.sizeLimit)") == true)
    }

    /// A save that cannot be written (the cache's place is a file) fails quietly: false, and a line in the log.
    @Test func aFailedSaveIsLoggedNotThrown() async throws {
        let home = try CacheHome()
        FileManager.default.createFile(atPath: home.directory, contents: Data("not a directory".utf8))
        let cache = home.file()
        #expect(await cache.save(try CacheSample.snapshot(), at: CacheSample.savedAt) == false)
        #expect(home.log.last?.hasPrefix("cache not saved:") == true, "\(home.log)")
        #expect(cache.load() == .empty)
    }

    /// The name says nothing of what it belongs to, yet each login, token and endpoint has its own.
    @Test func fileNamesRevealNoTokenAccountOrEndpoint() throws {
        let sparkapi = URL(string: "https://sparkapi.com")!
        let token = "secret-access-token-0123456789"
        let names = [
            WorkspaceCacheFile.name(endpoint: sparkapi, login: "default"),
            WorkspaceCacheFile.name(endpoint: sparkapi, login: "work"),
            WorkspaceCacheFile.name(endpoint: URL(string: "http://127.0.0.1:8080")!, login: "default"),
            WorkspaceCacheFile.name(endpoint: sparkapi, token: token),
            WorkspaceCacheFile.name(endpoint: sparkapi, token: token + "x"),
            WorkspaceCacheFile.name(endpoint: sparkapi, token: "default"),
        ]
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(name.count == 37 && name.hasSuffix(".json") && name.dropLast(5).allSatisfy(\.isHexDigit), "\(name)")
            #expect(!name.contains("secret") && !name.contains("default") && !name.contains("sparkapi"))
        }
        #expect(WorkspaceCacheFile.name(endpoint: URL(string: "https://SparkAPI.com/")!, login: "default") == names[0],
                "the same endpoint however it is written")
    }

    @Test func sha256MatchesTheStandardsVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        #expect(SHA256.hex(String(repeating: "a", count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    /// Cache files unused for 30 days (a token's, once the token changed) and temporary files a crash left behind go
    /// when another is saved; what is recent, and what is not ours, stays.
    @Test func oldCachesAndLeftoversArePruned() async throws {
        let home = try CacheHome()
        let cache = home.file()
        #expect(await cache.save(try CacheSample.snapshot(), at: CacheSample.savedAt))
        let old = Date().addingTimeInterval(-31 * 24 * 3600)
        func make(_ name: String, modified: Date) {
            let path = home.directory + "/" + name
            FileManager.default.createFile(atPath: path, contents: Data("{}".utf8))
            try? FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
        }
        make("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json", modified: old)
        make("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.json", modified: Date().addingTimeInterval(-24 * 3600))
        make("cccccccccccccccccccccccccccccccc.json.tmp-Ab12Cd", modified: Date().addingTimeInterval(-7200))
        make("notes.txt", modified: old)
        WorkspaceCacheFile.prune(directory: home.directory, now: Date(), keeping: cache.path)
        let left = try FileManager.default.contentsOfDirectory(atPath: home.directory).sorted()
        #expect(left == ["0123456789abcdef0123456789abcdef.json", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.json", "notes.txt"])
    }
}

@Suite("The cache and the command line")
struct CacheSettingsTests {
    @Test func theCacheIsOnUnlessTheFlagOrTheFileSaysOff() throws {
        #expect(try SparkPortalCommand.parse([]).noCache == false)
        #expect(try SparkPortalCommand.parse(["--no-cache"]).noCache == true)
        #expect(try ConfigFile.parse("cache = false", path: "c").cache == false)
        #expect(try ConfigFile.parse("cache = true", path: "c").cache == true)
        #expect(throws: ConfigError(path: "c", line: 1, message: "cache must be true or false")) {
            try ConfigFile.parse("cache = \"no\"", path: "c")
        }
        var file = ConfigFile()
        #expect(try Settings.resolve(GlobalOptions.parse([]), environment: [:], file: file, outputIsTerminal: false).cache)
        file.cache = false
        #expect(try !Settings.resolve(GlobalOptions.parse([]), environment: [:], file: file, outputIsTerminal: false).cache)
    }

    /// Where the cache lives, and which file a session uses: one per login or token and endpoint; none for the demo.
    @Test func eachSessionHasItsOwnCacheFileAndTheDemoNone() async throws {
        #expect(WorkspaceCacheFile.directory(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/x/spark-portal")
        #expect(WorkspaceCacheFile.directory(environment: ["HOME": "/h"]) == "/h/.cache/spark-portal")
        #expect(WorkspaceCacheFile.directory(environment: [:]) == nil)

        let home = try ConfigHome()
        try home.file.update(account: "work", to: sampleLogin("1", endpoint: "http://127.0.0.1:9"))
        let console = CapturedConsole()
        func session(_ arguments: [String], _ environment: [String: String]) async throws -> Session {
            let settings = try SparkPortalCommand.resolveSettings(GlobalOptions.parse(arguments),
                                                                  console: console.console(environment: environment))
            return try await Session.open(settings, environment: environment)
        }
        let stored = try await session(["--account", "work"], home.environment)
        #expect(stored.cacheName == WorkspaceCacheFile.name(endpoint: URL(string: "http://127.0.0.1:9")!, login: "work"))
        await stored.close()
        let token = try await session(["--endpoint", "http://127.0.0.1:9"], ["SPARK_ACCESS_TOKEN": "tok-123456"])
        #expect(token.cacheName == WorkspaceCacheFile.name(endpoint: URL(string: "http://127.0.0.1:9")!, token: "tok-123456"))
        // The TUI's cache is that file in the cache folder, unless it is turned off or there is no folder for it.
        var settings = token.settings
        let tui = TUILauncher.workspaceCache(settings, session: token, environment: ["HOME": "/h"])
        #expect(tui?.path == "/h/.cache/spark-portal/" + (token.cacheName ?? ""))
        #expect(TUILauncher.workspaceCache(settings, session: token, environment: [:]) == nil)
        settings.cache = false
        #expect(TUILauncher.workspaceCache(settings, session: token, environment: ["HOME": "/h"]) == nil)
        await token.close()
        let demo = try await session(["--demo"], [:])
        #expect(demo.cacheName == nil)
        #expect(TUILauncher.workspaceCache(demo.settings, session: demo, environment: ["HOME": "/h"]) == nil)
        await demo.close()
    }

    /// `logout` deletes that account's cache, and only that one.
    @Test func logoutDeletesThatAccountsCache() async throws {
        let home = try ConfigHome()
        let endpoint = "https://sparkapi.com"
        try home.file.update(account: "default", to: sampleLogin("1", endpoint: endpoint))
        try home.file.update(account: "work", to: sampleLogin("2", endpoint: endpoint))
        var environment = home.environment
        environment["XDG_CACHE_HOME"] = home.path + "/cache"
        let directory = try #require(WorkspaceCacheFile.directory(environment: environment))
        func cache(_ account: String) -> WorkspaceCacheFile {
            WorkspaceCacheFile(directory: directory, name: WorkspaceCacheFile.name(endpoint: URL(string: endpoint)!, login: account))
        }
        for account in ["default", "work"] { #expect(await cache(account).save(try CacheSample.snapshot(), at: CacheSample.savedAt)) }

        let captured = CapturedConsole()
        let status = Login.logout(options: try GlobalOptions.parse(["--account", "work"]), console: captured.console(environment: environment))
        #expect(status == .success)
        #expect(!FileManager.default.fileExists(atPath: cache("work").path))
        #expect(captured.out.contains("Removed its cached workspace, \(cache("work").path)."), "\(captured.out)")
        #expect(cache("default").load() == .found(try CacheSample.snapshot(), savedAt: CacheSample.savedAt))
    }
}
