// TEMPORARY stand-in for the TerminalUI surface PortalApp's reducer needs.
public struct Size: Hashable, Sendable { public var width: Int; public var height: Int; public init(width: Int, height: Int) { self.width = width; self.height = height } }
public struct MouseEvent: Hashable, Sendable { public enum Kind: Hashable, Sendable { case press, release, wheelUp, wheelDown }; public var kind: Kind; public var x: Int; public var y: Int }
public enum Key: Hashable, Sendable { case char(Character), up, down, left, right, home, end, pageUp, pageDown, tab, backTab, enter, escape, backspace, delete, ctrl(Character), function(Int), mouse(MouseEvent), resize, unknown(Int32) }
public struct Rect: Hashable, Sendable { public var x: Int; public var y: Int; public var width: Int; public var height: Int; public init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }
  public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < x + width && py >= y && py < y + height } }
public enum ListViewport { public static func offset(selected: Int, previousOffset: Int, height: Int, count: Int) -> Int { 0 } }
public enum TerminalEvent: Sendable { case key(Key), resize(Size), wake }
public final class Wakeup: Sendable { public func wake() {} }
public protocol TerminalBackend: AnyObject {
  var size: Size { get }
  func draw(_ buffer: Buffer)
  func nextEvent(timeout: Duration?) -> TerminalEvent?
  var wakeup: Wakeup { get }
  func suspend()
  func shutdown()
}
public struct Buffer: Sendable, Equatable { public init(size: Size) {} ; public var lines: [String] { [] } }
