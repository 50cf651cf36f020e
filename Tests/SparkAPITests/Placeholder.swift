import Testing

@Test func placeholder_SparkAPITests() { #expect(true) }
