// photo-demo: shows JPEG files as character cells on the real ncurses backend, one at a time, fitted to the
// terminal — to look at by eye, and the program the tmux tests of photo colours drive.
//
//   photo-demo [--no-color] [--pair-limit N] FILE.jpg...
//   keys: n / space / → next, p / ← previous, q quit
import PhotoCodec
import TerminalPictures
import TerminalUI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func fail(_ message: String) -> Never {
    let bytes = Array("photo-demo: \(message)\n".utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

var arguments = CommandLine.arguments.dropFirst()
var options = NcursesBackend.Options(mouse: false)
var files: [String] = []
while let arg = arguments.popFirst() {
    switch arg {
    case "--no-color": options.colors = .none
    case "--pair-limit":
        guard let n = arguments.popFirst().flatMap({ Int($0) }), n >= 0 else { fail("--pair-limit takes a number") }
        options.colorPairLimit = n
    case _ where arg.hasPrefix("-"): fail("usage: photo-demo [--no-color] [--pair-limit N] FILE.jpg...")
    default: files.append(arg)
    }
}
guard !files.isEmpty else { fail("usage: photo-demo [--no-color] [--pair-limit N] FILE.jpg...") }

func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n > 0 { bytes += chunk[0..<n] }
        if n < chunk.count { break }
    }
    return bytes
}

let backend: NcursesBackend
do {
    backend = try NcursesBackend(options: options)
} catch {
    fail("\(error)")
}
let display = PhotoDisplay.decide(colors: backend.colorSupport)
let cellAspect = CellGeometry.aspect(of: CellGeometry.current())
let colorName: String = switch backend.colorSupport {
case .direct: "direct colour"
case .indexed256: "256 colours"
case .basic: "16 colours"
case .none: "no colours"
}

/// The content of the picture area for one file at one size.
func content(of path: String, area: Size) -> PictureView.Content {
    guard case .cells(let colors) = display else {
        if case .unavailable(let reason) = display { return .message(reason) }
        return .message("")
    }
    guard let bytes = readFile(path) else { return .message("cannot read \(path)") }
    do {
        let full = try JPEG.size(of: bytes)
        let canvas = PictureRenderer.canvasSize(for: full, fitting: area, cellAspect: cellAspect)
        let image = try JPEG.decode(bytes, covering: PictureRenderer.pixelsNeeded(for: canvas))
        return .picture(PictureRenderer.render(image, fitting: area, colors: colors, cellAspect: cellAspect))
    } catch {
        return .message(PhotoDisplay.reason(for: error) ?? "")
    }
}

var index = 0
var shown: (index: Int, size: Size, content: PictureView.Content)?
var running = true
while running {
    let size = backend.size
    var buffer = Buffer(size: size)
    let rows = buffer.area.splitVertically([.fixed(1), .fill])
    let name = files[index].split(separator: "/").last.map(String.init) ?? files[index]
    buffer.write(" \(index + 1)/\(files.count) · \(colorName) (\(backend.terminalName)) · \(name)",
                 in: rows[0], style: .bold, ellipsis: "…")
    if shown?.index != index || shown?.size != rows[1].size {
        shown = (index, rows[1].size, content(of: files[index], area: rows[1].size))
    }
    PictureView(shown!.content).render(in: rows[1], into: &buffer)
    backend.draw(buffer)
    guard let event = backend.nextEvent(timeout: nil) else { continue }
    switch event {
    case .key(.char("q")): running = false
    case .key(.char("n")), .key(.char(" ")), .key(.right): index = (index + 1) % files.count
    case .key(.char("p")), .key(.left): index = (index + files.count - 1) % files.count
    case .key(.ctrl("z")): backend.suspend()
    default: break
    }
}
backend.shutdown()
