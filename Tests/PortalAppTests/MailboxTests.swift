import Foundation
import Synchronization
import Testing
import TerminalUI

@testable import PortalApp

@Suite("Mailbox")
struct MailboxTests {
    @Test func actionsComeOutInTheOrderTheyWerePostedAndOnlyOnce() {
        let mailbox = Mailbox()
        mailbox.post(.tick)
        mailbox.post(.keyPressed(.enter))
        mailbox.post(.resized(Size(width: 10, height: 3)))
        let drained = mailbox.drain()
        #expect(drained.count == 3)
        guard drained.count == 3 else { return }
        if case .tick = drained[0] {} else { Issue.record("first: \(drained[0])") }
        if case .keyPressed(.enter) = drained[1] {} else { Issue.record("second: \(drained[1])") }
        if case .resized(Size(width: 10, height: 3)) = drained[2] {} else { Issue.record("third: \(drained[2])") }
        #expect(mailbox.drain().isEmpty)
    }

    /// Every post calls the wake-up once, and calling it costs the same on the 10,000th post as on the first.
    /// (The wake-up used to sit in a tuple inside the generic `Mutex`, and each locked access wrapped it in one more
    /// reabstraction thunk: a long session built a chain of ~17 thunks per group switch, each wake-up ran the whole
    /// chain, and freeing it at exit overflowed the stack.)
    @Test func theWakeUpStaysTheSameClosureHoweverOftenItIsUsed() {
        let mailbox = Mailbox()
        let depths = Mutex<[Int]>([])
        mailbox.setWake { depths.withLock { $0.append(Thread.callStackReturnAddresses.count) } }
        for _ in 0..<10_000 { mailbox.post(.tick) }
        let seen = depths.withLock { $0 }
        #expect(seen.count == 10_000)
        #expect(seen.first == seen.last, "stack depth at the first wake-up \(seen.first ?? -1), at the last \(seen.last ?? -1)")
    }
}
