import Foundation
import PortalApp
import SparkAPI
import TerminalPictures
import TerminalUI

/// Starts the interactive interface: settings, session (and demo server), then the program loop on a
/// thread of its own that owns ncurses, and everything stopped and restored afterwards.
enum TUILauncher {
    static func run(options: GlobalOptions, refreshInterval: String? = nil, noCache: Bool = false, noPhoto: Bool = false,
                    console: Console) async -> ExitStatus {
        do {
            var resolved = try SparkPortalCommand.resolveSettings(options, console: console)
                .withRefreshInterval(flag: refreshInterval, environment: console.environment)
            if noCache { resolved.cache = false }
            if noPhoto { resolved.photos = .off }
            let settings = resolved
            guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
                throw CLIError("The interactive interface needs a terminal; in scripts use a subcommand, "
                               + "e.g. `spark-portal groups --json`.", status: .usage)
            }
            let mailbox = Mailbox()
            // One deadline per call, twice one try's: a stalled server costs two tries, not four, and quick failures are
            // still retried inside it; meanwhile the status line says the attempt and the time, r asks again, Esc gives up.
            let session = try await Session.open(
                settings, environment: console.environment,
                onEvent: { mailbox.post(.requestFinished($0)) },
                onRetry: { mailbox.post(.retryScheduled($0)) },
                callTimeout: settings.requestTimeout * 2)
            let host = settings.demo != nil ? "demo server" : (settings.endpoint.host ?? settings.endpoint.absoluteString)
            let cache = workspaceCache(settings, session: session, environment: console.environment)
            let crashForTests = isCrashTestRequested(console.environment)
            // Photos for the listing details: one store (a bounded cache) for the session, fed by the photo path (no
            // token, no API headers, a size cap, no redirects). The fetcher connects only when a photo is asked for.
            let fetcher = PhotoFetcher(configuration: PhotoFetcher.Configuration(environment: console.environment))
            let photos = PictureStore<URL> { url in Array(try await fetcher.fetch(url)) }
            // The loop blocks its thread (ncurses input); a large stack, as a main thread would have.
            let outcome = await onOwnThread(stackSize: 8 << 20) { Result { () throws -> Void in
                let backend = try NcursesBackend(options: .init(colors: settings.color ? .auto : .none, mouse: settings.mouse))
                defer { backend.shutdown() }
                var state = AppState(size: backend.size, endpointHost: host, keyMap: settings.keyMap,
                                     mouseEnabled: settings.mouse)
                state.live.interval = settings.refreshInterval
                state.feedback.tokenFromEnvironment = session.tokenKind == .environment
                // The last-known workspace, read here on the loop's thread: the first frame shows it.
                if let cache { state.useCache(cache.load(), now: Date()) }
                // What the details do with photos: the setting, on this terminal's colours; cells shaped like its own.
                state.detailsPhoto = DetailsPhotoState(
                    mode: DetailsPhotoMode.decide(setting: settings.photos, colors: backend.colorSupport),
                    cellPixels: CellGeometry.current(fd: STDOUT_FILENO))
                let program = Program(backend: backend, client: session.client, mailbox: mailbox, state: state, cache: cache,
                                      photos: state.detailsPhoto.mode.drawsPictures ? photos : nil, members: session.demoMembers)
                if crashForTests { program.crashAfterFirstFrame = true }
                program.run()
            } }
            await fetcher.shutdown()
            await session.close()
            try outcome.get()
            return .success
        } catch {
            return CLIError.report(error, to: console)
        }
    }

    /// The session's workspace cache, unless it is turned off (`--no-cache`, `cache = false`), the session is the demo
    /// server's, or there is no home to keep it in. What goes wrong with it goes to the log file, never the screen.
    static func workspaceCache(_ settings: Settings, session: Session, environment: [String: String]) -> WorkspaceCacheFile? {
        guard settings.cache, let name = session.cacheName,
              let directory = WorkspaceCacheFile.directory(environment: environment) else { return nil }
        return WorkspaceCacheFile(directory: directory, name: name) { session.note($0) }
    }

    /// The test-only crash trigger (`SPARK_PORTAL_TEST_CRASH=1`), read only in debug builds, proves the
    /// terminal is restored after a trap.
    private static func isCrashTestRequested(_ environment: [String: String]) -> Bool {
        #if DEBUG
        return environment["SPARK_PORTAL_TEST_CRASH"] == "1"
        #else
        return false
        #endif
    }
}
