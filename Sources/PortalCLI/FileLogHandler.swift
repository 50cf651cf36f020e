import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A swift-log handler that appends lines to a file (`--log-file`, `SPARK_PORTAL_LOG`). Never the terminal:
/// under the TUI anything written to stdout or stderr would land on the screen.
public struct FileLogHandler: LogHandler {
    /// One open file shared by every logger that writes to it.
    public final class Sink: Sendable {
        private let handle: Mutex<FileHandle?>
        /// Strings that must never reach the file (the access token), replaced before writing.
        private let secrets: Mutex<[String]>

        /// Opens `path` for appending, creating it (mode 0600) when missing. Throws `OpenError` saying what is wrong.
        public init(path: String) throws(OpenError) {
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw OpenError(path: path, errno: errno) }
            self.handle = Mutex(FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
            self.secrets = Mutex([])
        }

        /// Why a log file could not be opened, in words that name the problem.
        public struct OpenError: Error, CustomStringConvertible {
            public var path: String
            public var errno: Int32

            public var description: String {
                let folder = (path as NSString).deletingLastPathComponent
                switch errno {
                case ENOENT: return "the folder \(folder.isEmpty ? "." : folder) does not exist"
                case ENOTDIR: return "\(folder) is not a folder"
                case EISDIR: return "it is a folder"
                case EACCES, EPERM: return "permission denied"
                default: return String(cString: strerror(errno)).lowercased()
                }
            }
        }

        /// Registers a secret to redact from every line.
        public func redact(_ secret: String) {
            guard secret.count >= 4 else { return }
            secrets.withLock { $0.append(secret) }
        }

        func write(_ line: String) {
            var line = line
            for secret in secrets.withLock({ $0 }) {
                line = line.replacingOccurrences(of: secret, with: "[REDACTED]")
            }
            handle.withLock { handle in
                try? handle?.write(contentsOf: Data((line + "\n").utf8))
            }
        }

        public func close() {
            handle.withLock { handle in
                try? handle?.close()
                handle = nil
            }
        }
    }

    private let sink: Sink
    private let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(label: String, sink: Sink) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let timestamp = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        sink.write("\(timestamp) \(event.level) \(label): \(event.message)\(fields.isEmpty ? "" : " " + fields)")
    }
}
