import Foundation
@testable import SparkMock
import Testing

@Suite("JSON writing")
struct JSONValueTests {
    @Test(arguments: ["plain", "", "quote \" and backslash \\", "line\nbreak\ttab\r", "bell \u{07} esc \u{1B}[31m",
                      "山田 花子", "Zoë Ångström", "🏡 Dream homes", "\u{7F}del"])
    func stringsRoundTrip(text: String) throws {
        let bytes = JSONValue.object([("Name", .string(text))]).serialized()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String])
        #expect(object["Name"] == text)
    }

    @Test func objectsKeepKeyOrderAndTypes() {
        let value = JSONValue.object([
            ("ResourceUri", .string("/v1/x")), ("Count", .int(3)), ("Price", .double(50000)), ("Ok", .bool(true)),
            ("Missing", .null), ("List", .array([.int(1), .raw(Array("{\"a\":2}".utf8))])),
        ])
        #expect(String(decoding: value.serialized(), as: UTF8.self)
            == #"{"ResourceUri":"/v1/x","Count":3,"Price":50000.0,"Ok":true,"Missing":null,"List":[1,{"a":2}]}"#)
    }
}
