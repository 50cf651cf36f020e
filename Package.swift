// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "spark-portal",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "spark-portal", targets: ["spark-portal"]),
        .executable(name: "spark-mock", targets: ["spark-mock"]),
        .library(name: "SparkAPI", targets: ["SparkAPI"]),
        .library(name: "SparkMock", targets: ["SparkMock"]),
        .library(name: "TerminalUI", targets: ["TerminalUI"]),
        .library(name: "PortalApp", targets: ["PortalApp"]),
        // For the benchmarks (Benchmarks/): the workspace cache file as the app reads and writes it.
        .library(name: "PortalCLI", targets: ["PortalCLI"]),
        .library(name: "PhotoCodec", targets: ["PhotoCodec"]),
        .library(name: "TerminalPictures", targets: ["TerminalPictures"]),
        .executable(name: "tui-demo", targets: ["tui-demo"]),
        .executable(name: "photo-demo", targets: ["photo-demo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Already in the graph through Hummingbird: named for SparkMock's graceful stop (DemoServer.stop).
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Already in the graph through AsyncHTTPClient and Hummingbird: named here for TLS settings (SparkAPI)
        // and for the https redirect test's certificate (SparkAPITests only).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // The only place that knows the shape of ncurses' C API.
        .systemLibrary(
            name: "CNcursesw",
            path: "Modules/CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // Photos: libjpeg-turbo's TurboJPEG API decodes (and, for the demo server and tests, encodes) JPEG;
        // chafa turns pixels into character cells. Each is known only to one Swift file.
        .systemLibrary(
            name: "CTurboJPEG",
            path: "Modules/CTurboJPEG",
            pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]
        ),
        .systemLibrary(
            name: "CChafa",
            path: "Modules/CChafa",
            pkgConfig: "chafa",
            providers: [.apt(["libchafa-dev", "libglib2.0-dev"])]
        ),
        .target(
            name: "SparkAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "SparkMock",
            dependencies: [
                "PhotoCodec",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Plain POSIX C for TerminalUI, no ncurses: the async-signal-safe terminal restore for
        // signals and crashes (a signal handler cannot be written safely in Swift), tty size, wcwidth.
        .target(
            name: "CTerminal",
            path: "Sources/CTerminal"
        ),
        .target(
            name: "TerminalUI",
            dependencies: ["CNcursesw", "CTerminal"]
        ),
        // A tiny program on the real ncurses backend: a bordered list with wide characters.
        // The tmux end-to-end test of TerminalUI runs it.
        .executableTarget(
            name: "tui-demo",
            dependencies: ["TerminalUI"]
        ),
        // JPEG in and out (TurboJPEG) and plain RGB pixels: no terminal, no glib. The demo server encodes with it.
        .target(
            name: "PhotoCodec",
            dependencies: ["CTurboJPEG"]
        ),
        // Pictures in the terminal: pixels -> character cells (chafa) in TerminalUI's Buffer, the photo cache.
        // Knows nothing of Spark; its own target so TerminalUI (and tui-demo) do not link chafa and glib.
        .target(
            name: "TerminalPictures",
            dependencies: ["PhotoCodec", "CChafa", "TerminalUI"]
        ),
        // Shows JPEG files on the real ncurses backend, to look at by eye and for the tmux colour tests.
        .executableTarget(
            name: "photo-demo",
            dependencies: ["TerminalPictures", "PhotoCodec", "TerminalUI"]
        ),
        // The TUI. Listing details draw photos as cells (TerminalPictures; PixelSize from PhotoCodec).
        .target(
            name: "PortalApp",
            dependencies: ["SparkAPI", "TerminalUI", "TerminalPictures", "PhotoCodec"]
        ),
        // The command line: parsing, configuration, output, logging, wiring. A library so tests reach it all.
        // `listing <id>` prints the listing's photo (TerminalPictures, PhotoCodec) sized to the terminal (CTerminal).
        .target(
            name: "PortalCLI",
            dependencies: [
                "PortalApp", "SparkAPI", "SparkMock", "TerminalUI", "TerminalPictures", "PhotoCodec", "CTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "spark-portal",
            dependencies: ["PortalCLI"]
        ),
        .executableTarget(
            name: "spark-mock",
            dependencies: [
                "SparkMock",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "SparkAPITests",
            dependencies: [
                "TestSupport",
                "SparkAPI", "SparkMock",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "SparkMockTests",
            dependencies: [
                "SparkMock", "PhotoCodec", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "TerminalUITests",
            dependencies: ["TerminalUI", "TestSupport", "tui-demo"]
        ),
        // The screen driver of the scenarios (the app in process on a test clock, or a real program in tmux), the
        // test clock, and helpers that run processes off the cooperative pool.
        .target(
            name: "TestSupport",
            dependencies: ["TerminalUI", "PortalApp", "SparkAPI", "SparkMock", "TerminalPictures"],
            path: "Tests/TestSupport"
        ),
        // Scenarios: the app in process against the demo server, and the real binaries in tmux.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "TerminalUI", "PortalApp", "PortalCLI", "SparkAPI", "SparkMock", "spark-portal", "spark-mock"]
        ),
        .testTarget(
            name: "PortalCLITests",
            // The executables too: ConcurrentProcessTests runs the built spark-portal against the built spark-mock.
            // Hummingbird (already built for SparkMock) for ScriptedServer: answers the demo server does not give.
            dependencies: ["PortalCLI", "PortalApp", "SparkAPI", "SparkMock", "TerminalUI", "TerminalPictures", "PhotoCodec",
                           "TestSupport", "spark-portal", "spark-mock",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "TerminalPicturesTests",
            dependencies: ["TerminalPictures", "PhotoCodec", "TerminalUI", "SparkAPI", "SparkMock", "TestSupport", "photo-demo"]
        ),
        .testTarget(
            name: "PortalAppTests",
            dependencies: ["PortalApp", "SparkAPI", "TerminalUI", "TerminalPictures", "PhotoCodec", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
