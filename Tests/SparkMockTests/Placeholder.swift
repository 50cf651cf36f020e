import Testing

@Test func placeholder_SparkMockTests() { #expect(true) }
