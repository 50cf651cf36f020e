// MARK: - hostile

/// Text a hostile or broken server could send, one kind of trouble per name. Every marker word (`PWNED-…`) sits
/// inside a control sequence, so a test that finds the marker next to a raw ESC (or C1) byte on the tty, in a
/// pane title or in `--json` output has found a leak.
enum HostileText {
    static let esc = "\u{1B}"
    static let bel = "\u{07}"

    /// OSC 0 (set the window and icon title), ended by BEL.
    static let oscTitle = "Olga \(esc)]0;PWNED-OSC-TITLE\(bel)Osc"
    /// OSC 2 (set the window title), ended by ST.
    static let oscTitleST = "Oscar \(esc)]2;PWNED-OSC2-TITLE\(esc)\\Title"
    /// Clear the screen and the scrollback, cursor home.
    static let clearScreen = "Clara \(esc)[2J\(esc)[3J\(esc)[HClear"
    /// Cursor moves: absolute, up, right, save and restore, scroll region.
    static let cursorMoves = "Carl \(esc)[1;1H\(esc)[10A\(esc)[20C\(esc)7\(esc)[5;10r\(esc)8Cursor"
    static let bells = "Bella \(bel)\(bel)\(bel)Bell"
    /// Carriage returns, backspaces and DEL rewrite what was drawn before them.
    static let carriageReturnAndBackspace = "Rita\r\rReturn \u{08}\u{08}\u{08}Back\u{7F}space"
    /// The same attacks in their 8-bit (C1) forms: CSI, OSC, ST, NEL, RI.
    static let c1Controls = "Cecil \u{9B}2J\u{9D}0;PWNED-C1-TITLE\u{9C}\u{85}\u{8D}C1"
    /// Right-to-left override, marks and isolates.
    static let rightToLeft = "\u{202E}Ruth Override\u{202C} \u{200F}Rami RLM\u{200F} \u{2067}Iso\u{2069}"
    /// Emoji joined by ZWJ, with skin tone and variation selectors.
    static let zwjEmoji = "👨‍👩‍👧‍👦 Zed Family 🏳️‍🌈 🧑🏽‍💻"
    /// Tab, NUL, vertical tab and form feed.
    static let otherC0 = "Tabby\tTab\u{00}Nul\u{0B}Vt\u{0C}Feed"
    /// A name of exactly 500 characters.
    static let longName: String = {
        let start = "Lorenzo Longname "
        let end = " 長い名前"
        let filler = String(repeating: "abcdefghij", count: 50)
        return start + filler.prefix(500 - start.count - end.count) + end
    }()
    /// A base character with far more combining marks than a terminal cell holds.
    static let combiningPileUp = "Zalgo Z\u{0336}\u{0337}\u{0338}\u{0339}\u{033A}\u{033B}\u{033C}a\u{0300}\u{0301}\u{0302}\u{0303}\u{0304}\u{0305}"

    /// Member names: sequences that recolour, write the clipboard, query the terminal (which would answer on
    /// stdin), leave the alternate screen, reset the terminal, and start a DCS string.
    static let memberNames = [
        "Mallory \(esc)[31mRed\(esc)[0m",
        "Eve \(esc)]52;c;UFdORUQtQ0xJUEJPQVJE\(bel)Clipboard",
        "Trent \(esc)[6n\(esc)[c Query",
        "Sam \(esc)[?1049l\(esc)[?25h AltOff",
        "Ivy \(esc)c Reset",
        "Dan \(esc)P+q544e\(esc)\\ DCS",
    ]

    static let ownerNames = [oscTitle, oscTitleST, clearScreen, cursorMoves, bells, carriageReturnAndBackspace,
                             c1Controls, rightToLeft, zwjEmoji, otherC0, longName, combiningPileUp]
}

func makeHostileWorld() -> DemoWorld {
    let user = MockMember(id: sparkID(year: 2014, 7), name: "Hal \(HostileText.esc)]0;PWNED-ACCOUNT-TITLE\(HostileText.bel)Hostile",
                          active: true, lastLogin: "2026-11-29T09:00:00Z")
    var world = DemoWorld(defaultUserID: user.id)
    world.addAccount(MockAccount(id: user.id, name: user.name, email: "hal@example.com"),
                     accessToken: DemoCredentials.demoAccessToken, refreshToken: DemoCredentials.demoRefreshToken)
    world.accessTokens[DemoCredentials.seedAccessToken] = user.id

    let cartNames = [
        HostileText.clearScreen, "\(HostileText.esc)]0;PWNED-CART-TITLE\(HostileText.bel)Possibilities",
        HostileText.rightToLeft, HostileText.c1Controls, HostileText.zwjEmoji, HostileText.longName,
    ]
    // Two saved searches per workspace: a hostile name whose filter matches the listings with a hostile city (and a
    // news feed with a hostile name follows it), and a 500-character name with a hostile description.
    func addSearches(ownerID: String, contact: String, name: String) {
        world.addSearch(name, filter: "City Eq \(sparkQLText(HostileText.cursorMoves))", owner: ownerID, contact: contact,
                        feed: (HostileText.memberNames[world.feeds.count % HostileText.memberNames.count], true))
        world.addSearch(HostileText.longName, filter: "MlsStatus Eq 'Active'", owner: ownerID, contact: contact,
                        description: HostileText.oscTitleST)
    }
    var cartNumber = 0
    func addCarts(ownerID: String) {
        for (slot, name) in cartNames.enumerated() {
            cartNumber += 1
            let type = slot < 5 ? ["Favorites", "Possibilities", "Recommended", "Rejects", "Removed"][slot] : "Custom"
            if slot == 0 {
                for (offset, listing) in hostileListings(first: cartNumber * 10).enumerated() {
                    world.listings.overrides[cartNumber * 10 + offset] = listing
                }
            }
            world.addCart(MockCart(id: sparkID(year: 2019, cartNumber), name: name, portalCartType: type, ownerID: ownerID,
                                   listings: listingRange(cartNumber * 10, slot == 0 ? 4 : slot)))
        }
    }

    for (n, ownerName) in HostileText.ownerNames.enumerated() {
        let groupID = sparkID(year: 2018, n + 1)
        let owner = MockMember(id: sparkID(year: 2017, n + 1), name: ownerName)
        let others = HostileText.memberNames.enumerated().map { index, name in
            MockMember(id: sparkID(year: 2016, n * 10 + index), name: name, active: index % 2 == 0)
        }
        world.addGroup(MockGroup(id: groupID, contactID: owner.id, members: LazyList([owner, user] + others)),
                       memberAccountIDs: [user.id])
        addCarts(ownerID: groupID)
        addSearches(ownerID: groupID, contact: owner.id, name: ownerName)
    }
    addCarts(ownerID: user.id)
    addSearches(ownerID: user.id, contact: user.id, name: HostileText.clearScreen)
    world.listings.count = (cartNumber + 1) * 10
    return world
}

/// Listings whose address, city and status carry control sequences.
private func hostileListings(first: Int) -> [MockListing] {
    let texts = [HostileText.clearScreen, HostileText.oscTitle, HostileText.c1Controls, HostileText.zwjEmoji]
    return texts.enumerated().map { offset, text in
        var listing = makeListing(first + offset)
        listing.standardFields = listing.standardFields.map { field in
            switch field.0 {
            case "UnparsedFirstLineAddress": (field.0, .string(text))
            case "City": (field.0, .string(HostileText.cursorMoves))
            case "MlsStatus", "StandardStatus": (field.0, .string(HostileText.bells))
            default: field
            }
        }
        return listing
    }
}
