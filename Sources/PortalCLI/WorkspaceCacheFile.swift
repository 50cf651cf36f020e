import Foundation
import PortalApp
import SparkAPI
import Synchronization

/// The last-known workspace of one account at one endpoint (issue #18, DESIGN 4.2): a private file in
/// `$XDG_CACHE_HOME/spark-portal/` (or `~/.cache/spark-portal/`), 0600 in a 0700 directory, replaced atomically.
/// Its name is a digest (`WorkspaceCacheFile.name(endpoint:login:)`, `name(endpoint:token:)`): it reveals neither the
/// token nor the endpoint. It holds what the screen showed (never a token or a secret), in a versioned document:
///
/// ```json
/// {"format": "spark-portal workspace cache", "version": 1, "saved_at": "2026-12-04T10:42:07Z", "workspace": {…}}
/// ```
///
/// A file that is missing, damaged, cut short, too large or of another version is not used (and logged); the next
/// good load replaces it. One that others can read is not used either, and the user is told.
public final class WorkspaceCacheFile: WorkspaceCacheStore {
    public static let formatName = "spark-portal workspace cache"
    public static let formatVersion = 1
    /// The largest file read: a cache must be quicker to read than the server is to ask (about 50 ms per MiB).
    public static let sizeLimit = 4 << 20
    /// Cache files not written for this long are removed when another is saved (a token's cache is orphaned when
    /// the token changes).
    public static let unusedLifetime: TimeInterval = 30 * 24 * 3600

    public var path: String { file.path }
    let file: PrivateFile
    private let log: @Sendable (String) -> Void
    /// Old files are pruned once per process.
    private let pruned = Mutex(false)

    /// The file `name` in `directory`; `log` receives what went wrong (the session's log file).
    public init(directory: String, name: String, log: @escaping @Sendable (String) -> Void = { _ in }) {
        file = PrivateFile(path: directory + "/" + name, name: "the cache file")
        self.log = log
    }

    /// `$XDG_CACHE_HOME/spark-portal`, else `~/.cache/spark-portal`; nil when neither variable is set.
    public static func directory(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/spark-portal" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/spark-portal" }
        return nil
    }

    /// The file name of a stored login's cache: a digest of the endpoint and the login's account name.
    public static func name(endpoint: URL, login account: String) -> String {
        digestName("login", endpoint, account)
    }

    /// The file name of the cache of a token given in the environment: a digest of the endpoint and the token.
    public static func name(endpoint: URL, token: String) -> String {
        digestName("token", endpoint, token)
    }

    private static func digestName(_ kind: String, _ endpoint: URL, _ value: String) -> String {
        String(SHA256.hex("spark-portal cache\n\(endpointKey(endpoint))\n\(kind)\n\(value)").prefix(32)) + ".json"
    }

    // MARK: The document

    private struct Document: Codable {
        var format = WorkspaceCacheFile.formatName
        var version = WorkspaceCacheFile.formatVersion
        var savedAt: Date
        var workspace: WorkspaceSnapshot

        enum CodingKeys: String, CodingKey { case format, version, savedAt = "saved_at", workspace }
    }

    private struct Header: Decodable {
        var format: String?
        var version: Int?
    }

    /// The document's bytes.
    static func encode(_ snapshot: WorkspaceSnapshot, savedAt: Date) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(Document(savedAt: savedAt, workspace: snapshot))
    }

    /// What a document holds, or why it cannot be used.
    static func decode(_ data: Data) -> Result<(WorkspaceSnapshot, Date), DecodeFailure> {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let header = try? decoder.decode(Header.self, from: data), header.format == formatName else {
            return .failure(.damaged)
        }
        guard header.version == formatVersion else { return .failure(.otherVersion(header.version)) }
        guard let document = try? decoder.decode(Document.self, from: data) else { return .failure(.damaged) }
        return .success((document.workspace, document.savedAt))
    }

    enum DecodeFailure: Error, Equatable {
        /// Not JSON, cut short, or not this format.
        case damaged
        case otherVersion(Int?)
    }

    // MARK: WorkspaceCacheStore

    public func load() -> CacheLoad {
        let data: Data?
        do throws(PrivateFile.ReadError) {
            data = try file.read(limit: Self.sizeLimit)
        } catch {
            switch error {
            case .othersCanRead(let mode):
                log("cache not used: \(path) can be read by others (mode \(String(mode, radix: 8)))")
                // The point first, the path last: an 80-column status bar cuts the end.
                return .refused(notice: "Cache not used: others could read it; the next save makes it private (mode "
                                + "\(String(mode, radix: 8)), \(path))")
            case .unreadable(let reason):
                log("cache not used: cannot read \(path): \(reason)")
                return .empty
            case .tooLarge(let bytes):
                log("cache not used: \(path) is \(bytes) bytes, more than \(Self.sizeLimit)")
                return .empty
            }
        }
        guard let data else { return .empty }
        switch Self.decode(data) {
        case .success(let (snapshot, savedAt)):
            return .found(snapshot, savedAt: savedAt)
        case .failure(.otherVersion(let version)):
            log("cache not used: \(path) is version \(version.map(String.init) ?? "none"), not \(Self.formatVersion)")
            return .empty
        case .failure(.damaged):
            log("cache not used: \(path) is damaged (not a whole cache document)")
            return .empty
        }
    }

    public func save(_ snapshot: WorkspaceSnapshot, at date: Date) async -> Bool {
        return await onOwnThread { [self] in
            do {
                let data = try Self.encode(snapshot, savedAt: date)
                guard data.count <= Self.sizeLimit else {
                    // Too large to be read quickly: the old file would be wrong, so it goes.
                    try file.remove()
                    log("cache not saved: the workspace is \(data.count) bytes, more than \(Self.sizeLimit)")
                    return false
                }
                try file.ensureDirectory()
                try file.writeAtomically(data)
                pruneOnce()
                return true
            } catch {
                log("cache not saved: \(error)")
                return false
            }
        }
    }

    // MARK: Housekeeping

    /// Removes the file (`spark-portal logout`); false when there was none.
    @discardableResult
    public func delete() throws(CLIError) -> Bool {
        try file.remove()
    }

    /// Once per process, after a save: cache files of this directory not written for `unusedLifetime`, and temporary
    /// files older than an hour (a save cut off by a crash), are removed.
    private func pruneOnce() {
        let first = pruned.withLock { pruned -> Bool in
            defer { pruned = true }
            return !pruned
        }
        guard first else { return }
        Self.prune(directory: file.directory, now: Date(), keeping: file.path)
    }

    static func prune(directory: String, now: Date, keeping: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names {
            let path = directory + "/" + name
            guard path != keeping,
                  let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            else { continue }
            let age = now.timeIntervalSince(modified)
            let isCache = name.hasSuffix(".json") && name.count == 37 && name.prefix(32).allSatisfy(\.isHexDigit)
            let isTemporary = name.contains(".json.tmp-")
            if (isCache && age > unusedLifetime) || (isTemporary && age > 3600) { unlink(path) }
        }
    }
}
