import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file of private data (the credentials file, a cached workspace): created 0600 in a 0700 directory, always
/// replaced atomically (a temporary file beside it, fsync, rename), and not read when others can read it.
struct PrivateFile: Sendable {
    let path: String
    /// How messages name it: "the credentials file", "the cache file".
    let name: String

    var directory: String { (path as NSString).deletingLastPathComponent }

    /// Why a private file was not read.
    enum ReadError: Error, Equatable {
        /// It could not be opened or read; the system's reason.
        case unreadable(String)
        /// Its mode lets others read (or write) it.
        case othersCanRead(mode: mode_t)
        /// It is larger than the reader takes.
        case tooLarge(bytes: Int)
    }

    /// The file's bytes, or nil when it does not exist. With `checkingMode`, a file that others can read is refused
    /// before a byte of it is read; with `limit`, so is one larger than that.
    func read(checkingMode: Bool = true, limit: Int? = nil) throws(ReadError) -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw .unreadable(String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unreadable(String(cString: strerror(errno))) }
        let mode = info.st_mode & 0o777
        if checkingMode, mode & 0o077 != 0 { throw .othersCanRead(mode: mode) }
        if let limit, Int(info.st_size) > limit { throw .tooLarge(bytes: Int(info.st_size)) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = systemRead(descriptor, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(String(cString: strerror(errno)))
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[0..<count])
            if let limit, data.count > limit { throw .tooLarge(bytes: data.count) }
        }
        return data
    }

    /// Creates the directory 0700, or narrows an existing one to 0700 (it is ours, and it holds private data).
    func ensureDirectory() throws(CLIError) {
        let parent = (directory as NSString).deletingLastPathComponent
        if !parent.isEmpty { try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw CLIError("Cannot create \(directory): \(String(cString: strerror(errno))).", status: .configuration)
        }
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw CLIError("Cannot use \(directory): \(String(cString: strerror(errno))).", status: .configuration)
        }
        if info.st_mode & 0o077 != 0, chmod(directory, 0o700) != 0 {
            throw CLIError("Cannot make \(directory) private (chmod 700): \(String(cString: strerror(errno))).",
                           status: .configuration)
        }
    }

    /// Writes a temporary file (0600, same directory), flushes it to disk, then renames it over the file, so a
    /// reader sees the old file or the new one and never a part. `afterWrite` lets tests fail in between.
    func writeAtomically(_ data: Data, afterWrite: (() throws -> Void)? = nil) throws(CLIError) {
        var template = Array((path + ".tmp-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // mkstemp creates 0600
        guard descriptor >= 0 else {
            throw CLIError("Cannot write \(name) in \(directory): \(String(cString: strerror(errno))).", status: .configuration)
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary) }
        }
        func fail(_ what: String) -> CLIError {
            let reason = String(cString: strerror(errno))
            return CLIError("Cannot write \(name) \(path) (\(what)): \(reason).", status: .configuration)
        }
        do {
            defer { close(descriptor) }
            guard fchmod(descriptor, 0o600) == 0 else { throw fail("chmod") }
            var written = 0
            let bytes = [UInt8](data)
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw fail("write")
                }
                written += count
            }
            guard fsync(descriptor) == 0 else { throw fail("fsync") }
        }
        do { try afterWrite?() } catch {
            throw CLIError("Cannot write \(name) \(path): \(error).", status: .configuration)
        }
        guard rename(temporary, path) == 0 else { throw fail("rename") }
        succeeded = true
        // Make the rename itself durable.
        let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Removes the file; false when there was none.
    @discardableResult
    func remove() throws(CLIError) -> Bool {
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw CLIError("Cannot remove \(path): \(String(cString: strerror(errno))).", status: .configuration)
    }
}

/// `read(2)`, named apart from `PrivateFile.read`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(descriptor, buffer, count)
    #else
    Darwin.read(descriptor, buffer, count)
    #endif
}
