/// A terminal size in cells.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public static let zero = Size(width: 0, height: 0)
    public var description: String { "\(width)×\(height)" }
}

/// A rectangle of cells on the screen: where a widget draws. Width and height are never negative.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public init(size: Size) { self.init(x: 0, y: 0, width: size.width, height: size.height) }

    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    public var isEmpty: Bool { width == 0 || height == 0 }
    public var size: Size { Size(width: width, height: height) }
    /// One past the last column.
    public var right: Int { x + width }
    /// One past the last row.
    public var bottom: Int { y + height }
    public var area: Int { width * height }
    public var description: String { "Rect(x: \(x), y: \(y), \(width)×\(height))" }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < right && py >= y && py < bottom
    }

    /// The area `margin` cells in from every side (empty when nothing is left).
    public func inset(by margin: Int) -> Rect { inset(horizontal: margin, vertical: margin) }

    public func inset(horizontal: Int, vertical: Int) -> Rect {
        let w = width - 2 * horizontal
        let h = height - 2 * vertical
        guard w > 0, h > 0 else { return Rect(x: x + min(horizontal, width / 2), y: y + min(vertical, height / 2), width: 0, height: 0) }
        return Rect(x: x + horizontal, y: y + vertical, width: w, height: h)
    }

    /// The overlap of two rectangles (empty when they do not overlap).
    public func intersection(_ other: Rect) -> Rect {
        let nx = max(x, other.x), ny = max(y, other.y)
        let nr = min(right, other.right), nb = min(bottom, other.bottom)
        guard nr > nx, nb > ny else { return Rect(x: nx, y: ny, width: 0, height: 0) }
        return Rect(x: nx, y: ny, width: nr - nx, height: nb - ny)
    }

    /// A rectangle of at most `width`×`height` centred in this one.
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(max(0, w), width), ch = min(max(0, h), height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }

    /// The top `n` rows (fewer when the rect is shorter).
    public func top(_ n: Int) -> Rect { Rect(x: x, y: y, width: width, height: min(max(0, n), height)) }
    /// The bottom `n` rows.
    public func bottom(_ n: Int) -> Rect {
        let h = min(max(0, n), height)
        return Rect(x: x, y: bottom - h, width: width, height: h)
    }
    /// The rows below the top `n`.
    public func droppingTop(_ n: Int) -> Rect {
        let k = min(max(0, n), height)
        return Rect(x: x, y: y + k, width: width, height: height - k)
    }
    /// The rows above the bottom `n`.
    public func droppingBottom(_ n: Int) -> Rect {
        Rect(x: x, y: y, width: width, height: height - min(max(0, n), height))
    }

    /// The columns right of the leftmost `n`.
    public func droppingLeft(_ n: Int) -> Rect {
        let k = min(max(0, n), width)
        return Rect(x: x + k, y: y, width: width - k, height: height)
    }
    /// The columns left of the rightmost `n`.
    public func droppingRight(_ n: Int) -> Rect {
        Rect(x: x, y: y, width: width - min(max(0, n), width), height: height)
    }

    /// Splits into areas placed left to right (dividing the width), one per constraint.
    public func splitHorizontally(_ constraints: [Constraint]) -> [Rect] {
        var cursor = x
        return Constraint.solve(constraints, length: width).map { w in
            defer { cursor += w }
            return Rect(x: cursor, y: y, width: w, height: height)
        }
    }

    /// Splits into areas stacked top to bottom (dividing the height), one per constraint.
    public func splitVertically(_ constraints: [Constraint]) -> [Rect] {
        var cursor = y
        return Constraint.solve(constraints, length: height).map { h in
            defer { cursor += h }
            return Rect(x: x, y: cursor, width: width, height: h)
        }
    }
}

/// How much of a split one area takes.
public enum Constraint: Hashable, Sendable {
    /// Exactly this many cells (less only when the whole is too small).
    case fixed(Int)
    /// At least this many cells; shares what is left over with the other flexible areas.
    case min(Int)
    /// `numerator/denominator` of the whole, rounded down; rounding leftovers go to ratio areas
    /// when there is no `.min` or `.fill` area.
    case ratio(Int, Int)
    /// Whatever is left over, shared equally with the other `.min` and `.fill` areas.
    case fill

    public static func percent(_ p: Int) -> Constraint { .ratio(p, 100) }

    /// The lengths for `constraints` along a side of `length` cells. Always sums to at most
    /// `length`; earlier areas keep their share when the whole is too small.
    public static func solve(_ constraints: [Constraint], length: Int) -> [Int] {
        let total = Swift.max(0, length)
        var sizes = constraints.map { c -> Int in
            switch c {
            case .fixed(let n): return Swift.max(0, n)
            case .min(let n): return Swift.max(0, n)
            case .ratio(let n, let d): return d <= 0 ? 0 : Swift.max(0, total * n / d)
            case .fill: return 0
            }
        }
        // Too little room: earlier areas win, later ones shrink to fit.
        var remaining = total
        for i in sizes.indices {
            sizes[i] = Swift.min(sizes[i], remaining)
            remaining -= sizes[i]
        }
        guard remaining > 0 else { return sizes }
        var flexible = constraints.indices.filter {
            switch constraints[$0] { case .min, .fill: return true; default: return false }
        }
        if flexible.isEmpty {
            flexible = constraints.indices.filter {
                if case .ratio = constraints[$0] { return true } else { return false }
            }
        }
        guard !flexible.isEmpty else { return sizes }
        let share = remaining / flexible.count
        var extra = remaining % flexible.count
        for i in flexible {
            sizes[i] += share
            if extra > 0 { sizes[i] += 1; extra -= 1 }
        }
        return sizes
    }
}
