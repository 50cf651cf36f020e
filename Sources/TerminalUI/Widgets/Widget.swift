/// Something that draws itself into an area of a buffer. Drawing never reaches outside `area`,
/// and any area, empty ones included, is allowed.
public protocol Widget {
    func render(in area: Rect, into buffer: inout Buffer)
}

/// Blanks an area (what goes under a popup).
public struct Clear: Widget, Sendable {
    public var style: Style
    public init(style: Style = .plain) { self.style = style }
    public func render(in area: Rect, into buffer: inout Buffer) { buffer.fill(area, style: style) }
}

extension Buffer {
    /// Draws `widget` into `area` (the whole buffer by default).
    public mutating func render(_ widget: some Widget, in area: Rect? = nil) {
        widget.render(in: area ?? self.area, into: &self)
    }
}
