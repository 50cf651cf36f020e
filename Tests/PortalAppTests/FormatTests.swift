import SparkAPI
import Testing
@testable import PortalApp

@Suite("How numbers read")
struct FormatTests {
    @Test(arguments: [(2.0, "2"), (4.5, "4.5"), (2.75, "2.75"), (3.0300000000000002, "3.03"), (0.229568411386593, "0.23"),
                      (12500.5, "12500.5"), (-1.5, "-1.5")])
    func aDecimalShowsAtMostTwoPlaces(value: Double, shown: String) {
        #expect(Format.decimal(.value(value)) == shown)
    }

    @Test func aLotInAcresReadsAsPeopleWriteIt() {
        #expect(ListingFacts.lot(.value(LotSize(value: 3.0300000000000002, unit: .acres))) == "3.03 acres")
    }
}
