// The only Swift file that talks to chafa.
import CChafa
import PhotoCodec
import TerminalUI

/// Which colours a picture's cells carry.
public enum PictureColors: Sendable, Hashable {
    /// Palette colours 16...255 (`Color.indexed`): the cube and the greys, the same in every 256-colour
    /// terminal (0...15 are left out: themes change them).
    case indexed256
    /// 24-bit colours (`Color.rgb`), for terminals with direct colour.
    case direct
}

/// Turns pixels into character cells with chafa: each cell is a block element (▀ ▌ ▗ …, U+2580–U+259F) or a
/// sextant (U+1FB00–U+1FB3B) with a foreground and a background colour, chosen by chafa to look most like
/// the pixels under the cell (its colour extraction, colour space and dithering).
public enum PictureRenderer {
    /// How wide a cell is for its height when the terminal does not say (most fonts: 1:2).
    public static let defaultCellAspect = 0.5

    /// The cells a picture of `image` size takes when fitted into `area` cells, keeping its proportions on a
    /// terminal whose cells are `cellAspect` (width / height) wide.
    public static func canvasSize(for image: PixelSize, fitting area: Size, cellAspect: Double = defaultCellAspect) -> Size {
        guard area.width > 0, area.height > 0, image.width > 0, image.height > 0 else { return Size(width: 0, height: 0) }
        var width = Int32(area.width), height = Int32(area.height)
        chafa_calc_canvas_geometry(Int32(image.width), Int32(image.height), &width, &height, Float(cellAspect), 1, 0)
        return Size(width: max(1, min(area.width, Int(width))), height: max(1, min(area.height, Int(height))))
    }

    /// The smallest picture chafa uses in full for a canvas of `cells` (it works on 8×8 pixels per cell):
    /// what a JPEG needs to be decoded at, at least.
    public static func pixelsNeeded(for cells: Size) -> PixelSize {
        PixelSize(width: cells.width * Int(CHAFA_SYMBOL_WIDTH_PIXELS), height: cells.height * Int(CHAFA_SYMBOL_HEIGHT_PIXELS))
    }

    /// Renders `image` fitted into `area` cells (see `canvasSize`).
    public static func render(_ image: RGBImage, fitting area: Size, colors: PictureColors,
                              cellAspect: Double = defaultCellAspect) -> PictureCells {
        let size = canvasSize(for: PixelSize(width: image.width, height: image.height), fitting: area, cellAspect: cellAspect)
        guard size.width > 0, size.height > 0 else { return PictureCells(size: size, colors: colors, cells: []) }

        let symbols = chafa_symbol_map_new()
        defer { chafa_symbol_map_unref(symbols) }
        chafa_symbol_map_add_by_tags(symbols, ChafaSymbolTags(rawValue: CHAFA_SYMBOL_TAG_BLOCK.rawValue
            | CHAFA_SYMBOL_TAG_SEXTANT.rawValue | CHAFA_SYMBOL_TAG_SPACE.rawValue | CHAFA_SYMBOL_TAG_SOLID.rawValue))
        // Block elements chafa marks as wide or as drawn badly by common fonts stay out.
        chafa_symbol_map_remove_by_tags(symbols, ChafaSymbolTags(rawValue: CHAFA_SYMBOL_TAG_WIDE.rawValue
            | CHAFA_SYMBOL_TAG_UGLY.rawValue))

        let config = chafa_canvas_config_new()
        defer { chafa_canvas_config_unref(config) }
        chafa_canvas_config_set_geometry(config, Int32(size.width), Int32(size.height))
        chafa_canvas_config_set_symbol_map(config, symbols)
        switch colors {
        case .direct:
            chafa_canvas_config_set_canvas_mode(config, CHAFA_CANVAS_MODE_TRUECOLOR)
            chafa_canvas_config_set_dither_mode(config, CHAFA_DITHER_MODE_NONE)
        case .indexed256:
            // 240 colours are coarse: ordered dithering (chafa's choice for its 256-colour output) hides the
            // banding in skies and walls.
            chafa_canvas_config_set_canvas_mode(config, CHAFA_CANVAS_MODE_INDEXED_240)
            chafa_canvas_config_set_dither_mode(config, CHAFA_DITHER_MODE_ORDERED)
        }
        chafa_canvas_config_set_color_space(config, CHAFA_COLOR_SPACE_RGB)

        let canvas = chafa_canvas_new(config)
        defer { chafa_canvas_unref(canvas) }
        image.pixels.withUnsafeBufferPointer { pixels in
            chafa_canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGB8, pixels.baseAddress,
                                         Int32(image.width), Int32(image.height), Int32(image.width * 3))
        }

        var cells: [Cell] = []
        cells.reserveCapacity(size.width * size.height)
        var foreground: Int32 = 0, background: Int32 = 0
        for y in 0..<Int32(size.height) {
            for x in 0..<Int32(size.width) {
                let symbol = chafa_canvas_get_char_at(canvas, x, y)
                chafa_canvas_get_raw_colors_at(canvas, x, y, &foreground, &background)
                let style = Style(fg: color(foreground, colors), bg: color(background, colors))
                let text = Unicode.Scalar(symbol).map { String(Character($0)) } ?? " "
                cells.append(Cell(text, width: 1, style: style))
            }
        }
        return PictureCells(size: size, colors: colors, cells: cells)
    }

    /// chafa's raw colour: packed 0xRRGGBB in truecolor mode, a palette index in the indexed modes, -1 for
    /// none (transparent: never here, the pixels have no alpha).
    private static func color(_ raw: Int32, _ colors: PictureColors) -> Color {
        guard raw >= 0 else { return .default }
        switch colors {
        case .direct: return .rgb(UInt8(truncatingIfNeeded: raw >> 16), UInt8(truncatingIfNeeded: raw >> 8), UInt8(truncatingIfNeeded: raw))
        case .indexed256: return .indexed(UInt8(truncatingIfNeeded: raw))
        }
    }
}

/// The size of the terminal's character cells in pixels.
public enum CellGeometry {
    /// What most terminals' fonts come to when the terminal does not say (10 × 20).
    public static let fallback = PixelSize(width: 10, height: 20)

    /// The cell size the terminal on `fd` reports (TIOCGWINSZ's pixel size divided by its rows and columns),
    /// or nil when it reports none (tmux, many terminals, not a terminal).
    public static func reported(fd: Int32 = 1) -> PixelSize? {
        var xpixel: Int32 = 0, ypixel: Int32 = 0, cols: Int32 = 0, rows: Int32 = 0
        guard cchafa_window_pixels(fd, &xpixel, &ypixel, &cols, &rows) == 0 else { return nil }
        let size = PixelSize(width: Int(xpixel / cols), height: Int(ypixel / rows))
        return size.width > 0 && size.height > 0 ? size : nil
    }

    /// The reported cell size, else `fallback`.
    public static func current(fd: Int32 = 1) -> PixelSize { reported(fd: fd) ?? fallback }

    /// A cell's width for its height (chafa's font ratio).
    public static func aspect(of cell: PixelSize) -> Double {
        cell.height > 0 ? Double(cell.width) / Double(cell.height) : PictureRenderer.defaultCellAspect
    }
}
