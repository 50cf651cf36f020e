/// A yes/no question in a popup, answered No unless the user types `y`: for anything that cannot be taken
/// back. The question names what will happen ("Delete 'Weekend cabins' (3 listings) from Ozzy Owner's
/// group?"); the labels say what each answer does. Plain data: the app keeps it in its state while it asks,
/// passes keys to `answer(to:)`, and acts on the answer.
///
///     ┏ Delete cart ━━━━━━━━━━━━━━━━━━━━━━━━┓
///     ┃ Delete 'Weekend cabins' (3 listings) ┃
///     ┃ from Ozzy Owner's group? y/N         ┃
///     ┗━━━━━━━━━━━━━━━━━━ y delete · N keep ━┛
///
///     // In the reducer, while `state.confirming` is set:
///     switch state.confirming.answer(to: key) {
///     case .yes: state.confirming = nil; return [.deleteCart(id)]
///     case .no: state.confirming = nil
///     case .undecided: break   // any other key: the question stays
///     }
public struct ConfirmationPrompt: Widget, Hashable, Sendable {
    public var title: String
    public var question: String
    /// What `y` does, in a word or two ("delete").
    public var yesLabel: String
    /// What every other answer does ("keep").
    public var noLabel: String
    public var style: Style
    public var borderStyle: Style
    /// The widest the popup gets (it is narrower when the question is short, and never wider than the screen).
    public var maxWidth: Int

    public enum Answer: Hashable, Sendable {
        case yes
        /// `n`, Esc or Enter (No is the default).
        case no
        /// Any other key: still asking.
        case undecided
    }

    public init(title: String, question: String, yesLabel: String = "yes", noLabel: String = "no",
                style: Style = .plain, borderStyle: Style = .bold, maxWidth: Int = 60) {
        self.title = title
        self.question = question
        self.yesLabel = yesLabel
        self.noLabel = noLabel
        self.style = style
        self.borderStyle = borderStyle
        self.maxWidth = maxWidth
    }

    /// `y` or `Y` is yes; `n`, `N`, Esc and Enter are no; anything else leaves the question open.
    public func answer(to key: Key) -> Answer {
        switch key {
        case .char("y"), .char("Y"): .yes
        case .char("n"), .char("N"), .escape, .enter: .no
        default: .undecided
        }
    }

    /// The popup this draws: the question and `y/N`, the answers on the bottom border.
    var popup: Popup {
        Popup(title: title, lines: [Paragraph.Line("\(question) y/N")], footer: "y \(yesLabel) · N \(noLabel)",
              style: style, borderStyle: borderStyle, maxSize: Size(width: maxWidth, height: 12))
    }

    /// Where the popup goes inside `screen`.
    public func area(in screen: Rect) -> Rect { popup.area(in: screen) }

    public func render(in screen: Rect, into buffer: inout Buffer) {
        popup.render(in: screen, into: &buffer)
    }
}
