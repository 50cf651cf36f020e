import Foundation
import SparkAPI
import TerminalUI

/// A listing's facts in words, the same in the TUI's details and the CLI's `listing`: each a label and a value,
/// restricted values as `restricted`, missing ones as `—`.
public struct ListingFacts: Sendable {
    public let listing: Listing

    public init(_ listing: Listing) {
        self.listing = listing
    }

    /// Where it is: the street line, city, state and postal code.
    public var place: [(label: String, value: String)] {
        [("Address", Format.text(listing.streetAddress)), ("City", Format.text(listing.city)),
         ("State", Format.text(listing.stateOrProvince)), ("Postal code", Format.text(listing.postalCode))]
    }

    /// What it is: price, status, rooms, sizes, year, type, MLS number, list office.
    public var facts: [(label: String, value: String)] {
        [("Price", Format.price(listing.listPrice)),
         ("Status", Format.text(listing.status)),
         ("Beds", Format.count(listing.bedsTotal)),
         ("Baths", Format.decimal(listing.bathsTotal)),
         ("Area", Self.squareFeet(listing.buildingAreaTotal)),
         ("Lot", Self.lot(listing.lotSize)),
         ("Year built", Format.count(listing.yearBuilt)),
         ("Type", propertyType),
         ("MLS #", Format.text(listing.listingNumber)),
         ("List office", Format.text(listing.listOfficeName))]
    }

    /// "2036 Albee Street, Eureka, CA 95501".
    public var headline: String {
        let place = [listing.stateOrProvince.value, listing.postalCode.value].compactMap { $0 }.joined(separator: " ")
        let parts = [Format.text(listing.streetAddress), listing.city.value, place.isEmpty ? nil : place]
        return parts.compactMap { $0 }.joined(separator: ", ")
    }

    /// "Residential (A)": the type in words with the MLS's code, or whichever the server sent.
    public var propertyType: String {
        switch (listing.propertyTypeName.value, listing.propertyType.value) {
        case (let name?, let code?): "\(name) (\(code))"
        case (let name?, nil): name
        case (nil, _): Format.text(listing.propertyType)
        }
    }

    public static func squareFeet(_ value: SparkValue<Double>) -> String {
        value.value.map { grouped($0) + " sq ft" } ?? Format.text(value.map { String($0) })
    }

    public static func lot(_ value: SparkValue<LotSize>) -> String {
        guard let lot = value.value else { return Format.text(value.map { _ in "" }) }
        switch lot.unit {
        case .acres: return "\(Format.decimal(.value(lot.value))) acres"
        case .squareFeet: return grouped(lot.value) + " sq ft"
        case .other(let unit): return grouped(lot.value) + (unit.map { " \($0)" } ?? "")
        }
    }

    /// 1933 → "1,933".
    public static func grouped(_ number: Double) -> String {
        number.formatted(.number.precision(.fractionLength(0...2)).locale(Locale(identifier: "en_US")))
    }
}
