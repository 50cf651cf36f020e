import TerminalUI

/// Where each part of the screen goes at a given terminal size. Pure: the reducer uses it for scrolling
/// and mouse hits, the views for drawing, so both always agree.
public struct AppLayout: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        /// Three panes side by side.
        case wide
        /// The picker on the left; members over carts on the right.
        case medium
        /// One pane at a time under a tab strip.
        case tabbed
        /// Too small to draw anything useful: a notice instead.
        case tooSmall
    }

    public static let minimum = Size(width: 20, height: 6)
    public static let wideWidth = 100
    public static let mediumWidth = 60

    public let size: Size
    public let mode: Mode
    public let titleBar: Rect
    public let statusBar: Rect
    /// The tab strip (tabbed mode only).
    public let tabs: Rect?
    /// The panes that are visible, with their outer (bordered) rectangles.
    public let panes: [Pane: Rect]

    public init(size: Size, focus: Pane) {
        self.size = size
        let width = max(size.width, 0), height = max(size.height, 0)
        titleBar = Rect(x: 0, y: 0, width: width, height: min(1, height))
        statusBar = Rect(x: 0, y: max(height - 1, 0), width: width, height: height >= 2 ? 1 : 0)
        let body = Rect(x: 0, y: 1, width: width, height: max(height - 2, 0))

        if width >= Self.wideWidth, height >= 8 {
            mode = .wide
            tabs = nil
            // The carts pane gets the most room: listings have the most columns.
            let groupsWidth = max(26, width / 4)
            let membersWidth = max(30, width / 3)
            let cartsWidth = width - groupsWidth - membersWidth
            panes = [
                .groups: Rect(x: 0, y: body.y, width: groupsWidth, height: body.height),
                .members: Rect(x: groupsWidth, y: body.y, width: membersWidth, height: body.height),
                .carts: Rect(x: groupsWidth + membersWidth, y: body.y, width: cartsWidth, height: body.height),
            ]
        } else if width >= Self.mediumWidth, height >= 14 {
            mode = .medium
            tabs = nil
            let leftWidth = width * 2 / 5
            let membersHeight = max(5, body.height * 2 / 5)
            panes = [
                .groups: Rect(x: 0, y: body.y, width: leftWidth, height: body.height),
                .members: Rect(x: leftWidth, y: body.y, width: width - leftWidth, height: membersHeight),
                .carts: Rect(x: leftWidth, y: body.y + membersHeight, width: width - leftWidth,
                             height: body.height - membersHeight),
            ]
        } else if width >= Self.minimum.width, height >= Self.minimum.height {
            mode = .tabbed
            tabs = Rect(x: 0, y: body.y, width: width, height: 1)
            panes = [focus: Rect(x: 0, y: body.y + 1, width: width, height: body.height - 1)]
        } else {
            mode = .tooSmall
            tabs = nil
            panes = [:]
        }
    }

    /// The rows a list has for its items inside its pane's border (below its column headers).
    public func listHeight(for list: ListID) -> Int {
        let pane: Pane = switch list {
        case .groups: .groups
        case .members: .members
        case .carts, .listings, .searches, .feeds: .carts
        }
        // A hidden pane (tabbed mode) scrolls as if it had the visible pane's height.
        let inner = max((panes[pane] ?? panes.values.first)?.height ?? 2, 2) - 2
        let footer = list == .searches ? Self.searchFooterRows(inner: inner) : 0
        return max(inner - Self.headerRows(inner: inner) - footer, 1)
    }

    /// The first item row of a pane's list on screen.
    public func firstRowY(of pane: Pane) -> Int? {
        panes[pane].map { $0.y + 1 + Self.headerRows(inner: $0.height - 2) }
    }

    /// Column headers take the first row inside a pane that has room for a row under them.
    private static func headerRows(inner: Int) -> Int { inner >= 2 ? 1 : 0 }

    /// The pane under a screen position, if any.
    public func pane(atX x: Int, y: Int) -> Pane? {
        panes.first { $0.value.contains(x: x, y: y) }?.key
    }

    /// The tab under a screen position in tabbed mode.
    public func tab(atX x: Int, y: Int) -> Pane? {
        guard let tabs, tabs.contains(x: x, y: y), tabs.width > 0 else { return nil }
        let index = x * Pane.allCases.count / tabs.width
        return Pane(rawValue: min(index, Pane.allCases.count - 1))
    }
}
