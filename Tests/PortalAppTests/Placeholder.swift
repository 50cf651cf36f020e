import Testing

@Test func placeholder_PortalAppTests() { #expect(true) }
