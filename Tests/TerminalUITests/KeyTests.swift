import Foundation
import Testing
@testable import TerminalUI

@Suite("Key decoding")
struct KeyTests {
    static let ok = KeyDecoder.ok
    static let yes = KeyDecoder.keyCodeYes

    /// (status, code) pairs as wget_wch returns them for keys typed in a terminal, with nonl().
    @Test("wget_wch results", arguments: [
        (ok, 0x71, Key.char("q")),
        (ok, 0x4A, .char("J")),
        (ok, 0x20, .char(" ")),
        (ok, 0xE9, .char("é")),
        (ok, 0x4E2D, .char("中")),
        (ok, 0x1F3E0, .char("🏠")),
        (yes, 0o403, .up), (yes, 0o402, .down), (yes, 0o404, .left), (yes, 0o405, .right),
        (yes, 0o406, .home), (yes, 0o550, .end), (yes, 0o523, .pageUp), (yes, 0o522, .pageDown),
        (ok, 9, .tab), (yes, 0o541, .backTab),
        (ok, 13, .enter), (ok, 10, .enter), (yes, 0o527, .enter),
        (ok, 27, .escape),
        (ok, 127, .backspace), (ok, 8, .backspace), (yes, 0o407, .backspace),
        (yes, 0o512, .delete),
        (ok, 1, .ctrl("a")), (ok, 12, .ctrl("l")), (ok, 26, .ctrl("z")), (ok, 0, .ctrl(" ")),
        (ok, 28, .ctrl("\\")), (ok, 31, .ctrl("_")),
        (yes, 0o411, .function(1)), (yes, 0o414, .function(4)), (yes, 0o424, .function(12)),
        (yes, 0o632, .resize),
        (yes, 0o513, .unknown(0o513)),          // KEY_IC: not named
        (ok, 0x85, .unknown(0x85)),             // a C1 control is never a character
    ] as [(Int32, UInt32, Key)])
    func decode(status: Int32, code: UInt32, expected: Key) {
        #expect(KeyDecoder.decode(status: status, code: code) == expected)
    }

    /// Recorded from ncurses 6.4 `wget_wch` (cbreak, noecho, nonl, keypad) in tmux 3.3a
    /// (TERM=screen) for `send-keys j Enter Escape Down BTab 中 é F1 F12 Home End PPage NPage
    /// BSpace DC C-a Tab C-h Up Left Right`.
    @Test("a recorded tmux key sequence")
    func recorded() {
        let recorded: [(Int32, UInt32)] = [
            (0, 106), (0, 13), (0, 27), (256, 258), (256, 353), (0, 20013), (0, 233), (256, 265), (256, 276),
            (256, 262), (256, 360), (256, 339), (256, 338), (256, 263), (256, 330), (0, 1), (0, 9), (0, 8),
            (256, 259), (256, 260), (256, 261),
        ]
        let keys = recorded.map { KeyDecoder.decode(status: $0.0, code: $0.1) }
        #expect(keys == [
            .char("j"), .enter, .escape, .down, .backTab, .char("中"), .char("é"), .function(1), .function(12),
            .home, .end, .pageUp, .pageDown, .backspace, .delete, .ctrl("a"), .tab, .backspace,
            .up, .left, .right,
        ])
    }

    @Test("mouse masks", arguments: [
        (KeyDecoder.button1Pressed, MouseEvent.Kind.press),
        (KeyDecoder.button1Clicked, .press),
        (KeyDecoder.button1Released, .release),
        (KeyDecoder.button4Pressed, .wheelUp),
        (KeyDecoder.button5Pressed, .wheelDown),
    ] as [(UInt32, MouseEvent.Kind)])
    func mouse(mask: UInt32, kind: MouseEvent.Kind) {
        #expect(KeyDecoder.mouseEvent(buttonState: mask, x: 3, y: 4) == MouseEvent(kind: kind, x: 3, y: 4))
    }

    @Test("other mouse events are ignored")
    func mouseIgnored() {
        #expect(KeyDecoder.mouseEvent(buttonState: 0o2 << 5, x: 0, y: 0) == nil)   // button 2
        #expect(KeyDecoder.mouseEvent(buttonState: 0, x: 0, y: 0) == nil)
    }
}

@Suite("Test backend and wake-ups")
struct TestBackendTests {
    @Test("scripted events come back in order, then nil")
    func scripted() {
        let backend = TestBackend(width: 10, height: 3)
        backend.type("jq")
        backend.enqueue(.key(.enter))
        backend.resize(to: Size(width: 5, height: 2))
        #expect(backend.nextEvent(timeout: nil) == .key(.char("j")))
        #expect(backend.nextEvent(timeout: nil) == .key(.char("q")))
        #expect(backend.nextEvent(timeout: nil) == .key(.enter))
        #expect(backend.nextEvent(timeout: nil) == .resize(Size(width: 5, height: 2)))
        #expect(backend.size == Size(width: 5, height: 2))
        #expect(backend.nextEvent(timeout: .zero) == nil)
    }

    @Test("frames are recorded with the number of changed cells")
    func frames() {
        let backend = TestBackend(width: 4, height: 1)
        backend.draw(Buffer(lines: ["abcd"]))
        backend.draw(Buffer(lines: ["abXd"]))
        #expect(backend.framesDrawn == 2)
        #expect(backend.lastChangeCount == 1)
        #expect(backend.lastFrame.lines == ["abXd"])
    }

    @Test("another thread wakes a waiting loop")
    func wake() {
        let backend = TestBackend(width: 4, height: 1)
        let wakeup = backend.wakeup
        // A real thread, not a task: this test blocks its own thread, and under load the cooperative
        // pool (two threads here) may have no other thread free to run a task.
        let waker = Thread { wakeup.wake() }
        waker.start()
        // Returns as soon as the other thread wakes it; the 60 s only stops a broken test hanging.
        let event = backend.nextEvent(timeout: .seconds(60))
        #expect(event == .wake)
    }

    @Test("wake-ups posted before the loop looks coalesce into one event")
    func coalesce() {
        let backend = TestBackend(width: 4, height: 1)
        backend.wakeup.wake()
        backend.wakeup.wake()
        #expect(backend.nextEvent(timeout: .zero) == .wake)
        #expect(backend.nextEvent(timeout: .zero) == nil)
    }

    @Test("a timeout with nothing to do returns nil")
    func timeout() {
        let backend = TestBackend(width: 4, height: 1)
        #expect(backend.nextEvent(timeout: .milliseconds(20)) == nil)
    }
}

@Suite("Bracketed paste")
struct PasteTests {
    /// Decodes a recorded sequence of `wget_wch` results into keys.
    static func keys(_ recorded: [(Int32, UInt32)], start: UInt32 = 512, end: UInt32 = 513) -> [Key] {
        var assembler = PasteAssembler(startCode: start, endCode: end)
        return recorded.compactMap { assembler.decode(status: $0.0, code: $0.1) }
    }

    /// Recorded from ncurses 6.4 `wget_wch` (cbreak, noecho, nonl, keypad, ESC[200~ and ESC[201~ bound with
    /// `define_key` to 512 and 513, ESC[?2004h sent) in tmux 3.3a (TERM=screen) for: `send-keys j`;
    /// `paste-buffer -p` of "Weekend cabins\nnear 湖 é\r\nend\n" (tmux sends each LF as CR); `send-keys
    /// Escape`; `paste-buffer -p -r` of "a ESC[A b ESC]0;x BEL c TAB z"; `send-keys Down Q`.
    static let recorded: [(Int32, UInt32)] = [
        (0, 106), (256, 512), (0, 87), (0, 101), (0, 101), (0, 107), (0, 101), (0, 110), (0, 100), (0, 32), (0, 99),
        (0, 97), (0, 98), (0, 105), (0, 110), (0, 115), (0, 13), (0, 110), (0, 101), (0, 97), (0, 114), (0, 32),
        (0, 28246), (0, 32), (0, 233), (0, 13), (0, 13), (0, 101), (0, 110), (0, 100), (0, 13), (256, 513), (0, 27),
        (256, 512), (0, 97), (0, 27), (0, 91), (0, 65), (0, 98), (0, 27), (0, 93), (0, 48), (0, 59), (0, 120), (0, 7),
        (0, 99), (0, 9), (0, 122), (256, 513), (256, 258), (0, 81),
    ]

    @Test("a recorded tmux session: keys, two pastes each as one key, Esc between them")
    func recordedSession() {
        #expect(Self.keys(Self.recorded) == [
            .char("j"),
            .paste("Weekend cabins\nnear 湖 é\n\nend\n"),
            .escape,
            .paste("a\u{1B}[Ab\u{1B}]0;x\u{07}c\tz"),
            .down,
            .char("Q"),
        ])
    }

    @Test("what a paste holds is never read as keys: q, Enter, Ctrl-C inside it are text")
    func pastedKeysAreText() {
        let keys = Self.keys([(256, 512), (0, 113), (0, 13), (0, 3), (256, 513)])
        #expect(keys == [.paste("q\n\u{03}")])
    }

    @Test("CR LF is one line break; LF alone and CR alone are one each")
    func lineBreaks() {
        #expect(Self.keys([(256, 512), (0, 97), (0, 13), (0, 10), (0, 98), (0, 10), (0, 99), (0, 13), (0, 13), (256, 513)])
                == [.paste("a\nb\nc\n\n")])
    }

    @Test("a function key ncurses found inside the pasted bytes is dropped, not pressed")
    func functionKeysInside() {
        #expect(Self.keys([(256, 512), (0, 120), (256, 259), (256, 0o631), (0, 121), (256, 513)]) == [.paste("xy")])
    }

    @Test("an empty paste, a stray end, a paste that never ends")
    func edges() {
        #expect(Self.keys([(256, 512), (256, 513)]) == [.paste("")])
        #expect(Self.keys([(256, 513), (0, 106)]) == [.char("j")])
        var assembler = PasteAssembler(startCode: 512, endCode: 513)
        _ = assembler.decode(status: 256, code: 512)
        _ = assembler.decode(status: 0, code: 104)
        #expect(assembler.isPasting)
        #expect(assembler.finish() == .paste("h"))
        #expect(!assembler.isPasting)
        #expect(assembler.finish() == nil)
    }

    @Test("a paste keeps at most its limit")
    func limit() {
        var assembler = PasteAssembler(startCode: 512, endCode: 513, limit: 3)
        _ = assembler.decode(status: 256, code: 512)
        for code in 97...102 { _ = assembler.decode(status: 0, code: UInt32(code)) }
        #expect(assembler.decode(status: 256, code: 513) == .paste("abc"))
    }
}
