import Foundation
import PhotoCodec
import SparkAPI
import TerminalPictures
import TerminalUI

/// What `listing <id>` prints above the facts: the listing's primary photo as lines of coloured character cells
/// (with "1/6 · House" under it), or one line saying why there is no picture, or nothing.
///
/// The photo is decoration and the facts are the answer: nothing here throws. The photo is fetched by
/// `PhotoFetcher` (no token, no API headers, a size cap, no redirects) under a deadline of its own on the command's
/// clock (`timeout`, `Console.sleep`), so a dead photo host costs a line, not the command.
enum ListingPicture {
    /// What the photo's place will hold, decided before the listing is read (it says whether to ask for photos).
    enum Plan: Equatable, Sendable {
        /// Nothing, and no photos asked for: not a terminal (a pipe), `--no-photo`, `photos = "off"`, `--json`.
        case skip
        /// This line instead of a picture (a terminal without 256 colours, or colours off), when the listing has
        /// photos.
        case say(String)
        /// The primary photo in these colours, fitted into `area` cells of `cellPixels` each.
        case draw(PictureColors, area: Size, cellPixels: PixelSize)

        var wantsPhotos: Bool { self != .skip }
    }

    /// How long the photo may take, fetched and drawn.
    static let timeout: Duration = .seconds(5)
    /// The terminal assumed when it does not say its size.
    static let fallbackTerminal = Size(width: 80, height: 24)

    /// The plan for a console: a picture only on a terminal with 256 colours or more, colours not turned off
    /// (`colorsOff`: `--no-color`, `NO_COLOR`, `color = false`) and the photo wanted (`wanted`: no `--no-photo`;
    /// `mode`: the `photos` setting).
    static func plan(wanted: Bool, mode: PhotoMode, console: Console, colorsOff: Bool) -> Plan {
        guard wanted, mode != .off, console.stdoutIsTerminal else { return .skip }
        let colors = PhotoDisplay.printingColors(environment: console.environment, isTerminal: true, colorsOff: colorsOff)
        switch PhotoDisplay.decide(colors: colors, mode: mode) {
        case .cells(let colors):
            return .draw(colors, area: area(for: console.terminalSize), cellPixels: console.cellPixels ?? CellGeometry.fallback)
        case .unavailable(let reason):
            return .say(reason)
        }
    }

    /// The room for the picture: the terminal's width, and two thirds of its height (at least 8 rows), so the
    /// picture, the address and the first facts show on one screen. The picture keeps its proportions inside it.
    static func area(for terminal: Size?) -> Size {
        let terminal = terminal ?? fallbackTerminal
        return Size(width: max(1, terminal.width), height: max(8, terminal.height * 2 / 3))
    }

    /// The lines to print above the facts (a blank line closes them); none for a listing without photos.
    static func lines(for listing: Listing, plan: Plan, console: Console) async -> [String] {
        let photos = listing.photos
        guard let index = listing.primaryPhotoIndex else { return [] }
        switch plan {
        case .skip:
            return []
        case .say(let line):
            return [sanitize(line), ""]
        case .draw(let colors, let area, let cellPixels):
            let photo = photos[index]
            guard let url = photo.uri(coveringWidth: area.width * cellPixels.width, height: area.height * cellPixels.height)
            else { return [] }  // a ListingPhoto always has a URI
            let drawn = await cells(of: url, fitting: area, colors: colors, cellAspect: CellGeometry.aspect(of: cellPixels),
                                    console: console)
            switch drawn {
            case .success(let cells):
                let caption = "\(index + 1)/\(photos.count)" + (photo.label.map { " · " + sanitize($0) } ?? "")
                // The cells are chafa's block and sextant characters and our own colour sequences: nothing from the
                // server reaches the terminal but the caption, sanitized.
                return cells.ansiLines() + [dim(TextWidth.truncate(caption, to: area.width)), ""]
            case .failure(let error):
                guard let reason = PhotoDisplay.reason(for: error) else { return [] }  // cancelled: the command is ending
                return [dim(TextWidth.truncate("photo not shown: " + sanitize(reason), to: area.width)), ""]
            }
        }
    }

    /// The photo fetched, decoded and drawn, or why not; the fetch is cancelled when `timeout` passes first on the
    /// console's clock ("photo host did not answer in time").
    static func cells(of url: URL, fitting area: Size, colors: PictureColors, cellAspect: Double,
                      console: Console) async -> Result<PictureCells, any Error> {
        // The fetcher's own deadline is only a backstop: the command's deadline, on its clock, comes first.
        let fetcher = PhotoFetcher(configuration: PhotoFetcher.Configuration(timeout: .seconds(30), environment: console.environment))
        // The same fetch → decode at the scale the cells need → render path the TUI's photos take, for one photo.
        let store = PictureStore<URL> { url in Array(try await fetcher.fetch(url)) }
        let sleep = console.sleep
        let result = await withTaskGroup(of: Result<PictureCells, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await store.cells(for: url, fitting: area, colors: colors, cellAspect: cellAspect)) }
                catch { return .failure(error) }
            }
            group.addTask {
                do { try await sleep(timeout) } catch { return nil }  // cancelled: the photo came first
                return .failure(PhotoFetchError.timedOut)
            }
            for await outcome in group {
                guard let outcome else { continue }
                group.cancelAll()
                return outcome
            }
            return .failure(CancellationError())
        }
        await fetcher.shutdown()
        return result
    }

    /// Faint text (SGR 2): the lines around the picture are not facts. Only used where colours are on.
    private static func dim(_ text: String) -> String {
        "\u{1B}[2m" + text + "\u{1B}[0m"
    }
}
