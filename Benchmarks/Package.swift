// swift-tools-version:6.1
// The benchmark suite: a separate package so that `swift test` at the root never builds it.
// Run it with `Benchmarks/run` (see README.md).
import Foundation
import PackageDescription

// A path dependency is known by its directory's name (the checkout may be called anything).
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "spark-portal-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "portal-bench",
            dependencies: [
                .product(name: "SparkAPI", package: root),
                .product(name: "SparkMock", package: root),
                .product(name: "TerminalUI", package: root),
                .product(name: "PortalApp", package: root),
                .product(name: "PortalCLI", package: root),
                .product(name: "PhotoCodec", package: root),
                .product(name: "TerminalPictures", package: root),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
