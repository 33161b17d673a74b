// swift-tools-version:6.0
import PackageDescription

// Placer's libFuzzer driver, a package of its own so the main build never sees the fuzzer's flags:
// scripts/fuzz.sh builds it with `-sanitize=fuzzer,address` (coverage and AddressSanitizer in
// every Swift module it links, Placer's parsers included) into fuzz/.build. The targets
// themselves live in the main package's FuzzTargets module, which the regression tests share.
let package = Package(
    name: "placer-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        // libFuzzer's driver function, declared for Swift.
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "placer-fuzz", dependencies: [
            "CFuzzerDriver",
            // A path dependency's identity is its folder's name, whatever the checkout is called.
            .product(name: "FuzzTargets", package: Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "placer"),
        ]),
    ]
)
