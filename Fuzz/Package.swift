// swift-tools-version:6.0
// libFuzzer targets for the WeChat protocol core (each target's main hands over to
// LLVMFuzzerRunDriver, since SwiftPM executables bring their own main). Not part of the main package or of CI: run
// `bash Fuzz/fuzz.sh [seconds]` from the repository root. `Sources/Shared` is a symlink to
// ../Sources/Shared/Protocol (the code under test, compiled here as module `Shared`), `Sources/CLibXML2`
// one to ../Sources/CLibXML2 (the libxml2 module map the XML reader uses), and each target
// links the test fixtures file to write its seed corpus.
import PackageDescription

let fuzzFlags: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"])]

let package = Package(
    name: "wechat-relay-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0"),
        .target(
            name: "Shared",
            dependencies: [
                "CLibXML2",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: fuzzFlags
        ),
        .target(name: "CLibFuzzer"),
        .executableTarget(
            name: "FuzzXML",
            dependencies: ["Shared", "CLibFuzzer"],
            swiftSettings: fuzzFlags,
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]
        ),
        .executableTarget(
            name: "FuzzDecrypt",
            dependencies: ["Shared", "CLibFuzzer"],
            swiftSettings: fuzzFlags,
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]
        ),
    ]
)
