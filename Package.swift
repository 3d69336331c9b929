// swift-tools-version: 6.0
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// Builder imports two C libraries whose headers include <sys/stat.h>; in a whole-module
// (release) build Clang attributes `struct stat`'s members to whichever C module included it
// first, and MemberImportVisibility then rejects `st_size` in files that import only Glibc.
let builderSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "shipml",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "shipml", targets: ["shipml"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.0.0"),
    ],
    targets: [
        // libgit2 (Debian: libgit2-dev): a module map and shim header, and shim.c, which gives
        // typed wrappers for variadic functions and defers the CA bundle libgit2 parses at
        // start-up until an https remote needs it (see the comment there).
        .target(
            name: "CGit2",
            linkerSettings: [
                .linkedLibrary("git2"), .linkedLibrary("dl", .when(platforms: [.linux])),
            ]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // libarchive (libarchive-dev) and libcurl (libcurl4-openssl-dev) are opened on first
        // use, not linked: their C modules define the functions shipml calls as stubs that
        // forward to the library (CLazyLoad), so commands that never build or talk to a
        // registry do not pay for loading them and their 40 dependencies.
        .target(name: "CLazyLoad", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CArchive", dependencies: ["CLazyLoad"]),
        .target(name: "CCurl", dependencies: ["CLazyLoad"]),

        // Plain Sendable types shared by several modules, and the project file. No C; files are
        // read only through the ShipFiles seam.
        .target(
            name: "ShipModel",
            dependencies: ["ShipFiles", .product(name: "Yams", package: "Yams")],
            swiftSettings: upcoming),
        // The file-system seam: atomic writes on disk, an in-memory twin for tests.
        .target(name: "ShipFiles", swiftSettings: upcoming),
        .target(
            name: "Builder",
            dependencies: [
                "ShipModel", "ShipFiles", "CArchive",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: builderSettings),
        // The OCI distribution client: libcurl is touched only in Sources/Registry/HTTP.
        .target(
            name: "Registry",
            dependencies: [
                "ShipModel", "ShipFiles", "Builder", "CCurl",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming),
        .target(
            name: "Validator",
            dependencies: [
                "ShipModel", "ShipFiles", "CZlib", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming),
        .target(
            name: "Renderer",
            dependencies: [
                // Builder's TarReader unpacks chart archives (`charts/*.tgz`).
                "ShipModel", "ShipFiles", "Builder", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                // AES-CBC and scrypt for Sprig's decryptAES, encryptAES and derivePassword.
                .product(name: "CryptoExtras", package: "swift-crypto"),
                // RSA keys and X.509 certificates for genPrivateKey, genCA and genSignedCert.
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: upcoming),
        // Checks rendered manifests against the practices of serving models on Kubernetes.
        .target(name: "Linter", dependencies: ["Renderer"], swiftSettings: upcoming),
        .target(
            name: "Promoter",
            dependencies: [
                "ShipModel", "ShipFiles", "CGit2", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: upcoming),
        // The application layer: typed requests and results for every job a command does
        // (release, promote, rollback, approve, render for an environment, build, validate,
        // attach), over the stage libraries. No ArgumentParser, no printing.
        .target(
            name: "ShipKit",
            dependencies: [
                "ShipModel", "ShipFiles", "Builder", "Registry", "Validator", "Renderer",
                "Linter", "Promoter",
            ],
            swiftSettings: builderSettings),
        .executableTarget(
            name: "shipml",
            dependencies: [
                "ShipKit", "ShipModel", "ShipFiles", "Builder", "Registry", "Validator",
                "Renderer", "Linter", "Promoter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Rainbow", package: "Rainbow"),
            ],
            swiftSettings: upcoming),

        // Not a product: scratch directories, loopback servers, fixtures shared by the tests.
        .target(name: "ShipMLTestSupport", dependencies: ["ShipFiles"], swiftSettings: upcoming),

        .testTarget(
            name: "ShipModelTests", dependencies: ["ShipModel", "ShipMLTestSupport"],
            swiftSettings: upcoming),
        .testTarget(
            name: "ShipFilesTests", dependencies: ["ShipFiles", "ShipMLTestSupport"],
            swiftSettings: upcoming),
        .testTarget(
            name: "BuilderTests", dependencies: ["Builder", "ShipMLTestSupport"],
            swiftSettings: upcoming),
        .testTarget(
            name: "RegistryTests",
            dependencies: [
                "Registry", "Builder", "ShipModel", "ShipMLTestSupport", "shipml",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming),
        .testTarget(
            name: "ValidatorTests", dependencies: ["Validator", "Builder", "ShipMLTestSupport"],
            swiftSettings: upcoming),
        .testTarget(
            name: "RendererTests", dependencies: ["Renderer", "ShipMLTestSupport"],
            // Read by path from the test's source folder, not bundled.
            exclude: ["Sprig/Fixtures"], swiftSettings: upcoming),
        .testTarget(
            name: "LinterTests", dependencies: ["Linter", "Renderer"], swiftSettings: upcoming),
        .testTarget(
            name: "PromoterTests", dependencies: ["Promoter", "ShipMLTestSupport"],
            swiftSettings: upcoming),
        .testTarget(
            name: "ShipKitTests",
            dependencies: ["ShipKit", "Promoter", "ShipModel", "ShipFiles", "ShipMLTestSupport"],
            swiftSettings: upcoming),
        .testTarget(
            name: "EndToEndTests", dependencies: ["shipml", "ShipMLTestSupport"],
            swiftSettings: upcoming),
    ]
)
