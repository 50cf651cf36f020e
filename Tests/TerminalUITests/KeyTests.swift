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
