import Foundation
import Testing
import Validator

/// Timings for `scripts/bench/validate-artifacts.sh`, which generates the files, runs this in a
/// release build with `SHIPML_BENCH_DIR` set, and compares with `openssl dgst -sha256`.
/// Skipped unless `SHIPML_BENCH_DIR` names the generated directory.
@Suite("artifact benchmark", .enabled(if: benchDirectory != nil))
struct ArtifactBenchmarkTests {
    @Test func timings() throws {
        let base = try #require(benchDirectory)
        let model = base + "/model"

        // Header validation of the 1 GiB safetensors file: only the header may be read.
        _ = try ArtifactChecker.checkFile("model.safetensors", in: model)
        var best = Double.infinity
        var bytesRead: UInt64 = 0
        for _ in 0..<5 {
            let before = readBytes()
            let start = ContinuousClock.now
            let report = try ArtifactChecker.checkFile("model.safetensors", in: model)
            let elapsed = start.duration(to: .now)
            bytesRead = readBytes() - before
            #expect(report.findings.isEmpty, "\(report.findings)")
            best = min(best, seconds(elapsed))
        }
        print("BENCH header_ms=\(best * 1000) header_bytes_read=\(bytesRead)")

        // The manifest of the whole model directory: the best of 6 runs, as the script takes
        // the best of 6 openssl runs (3 before this test, 3 after) on a shared machine.
        var manifestBest = Double.infinity
        var total: UInt64 = 0
        var digest = ""
        for _ in 0..<6 {
            let start = ContinuousClock.now
            let (manifest, findings) = try ArtifactChecker.manifest(directory: model)
            manifestBest = min(manifestBest, seconds(start.duration(to: .now)))
            #expect(findings.isEmpty)
            total = manifest.entries.reduce(0) { $0 + $1.size }
            digest = manifest.modelDigest
        }
        print("BENCH manifest_digest=\(digest)")
        print("BENCH manifest_seconds=\(manifestBest) manifest_bytes=\(total)")

        // The 100 MB pickle.
        var pickleBest = Double.infinity
        for _ in 0..<3 {
            let start = ContinuousClock.now
            let report = try ArtifactChecker.checkFile("big.pkl", in: base + "/pickle")
            pickleBest = min(pickleBest, seconds(start.duration(to: .now)))
            #expect(report.pickles.count == 1)
            #expect(!report.findings.contains { $0.severity == .error }, "\(report.findings)")
        }
        let size =
            try FileManager.default.attributesOfItem(atPath: base + "/pickle/big.pkl")[
                .size] as? Int ?? 0
        print("BENCH pickle_seconds=\(pickleBest) pickle_bytes=\(size)")
    }
}

private let benchDirectory = ProcessInfo.processInfo.environment["SHIPML_BENCH_DIR"]

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The bytes this process has read through system calls so far (`rchar` in /proc/self/io).
private func readBytes() -> UInt64 {
    guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else {
        return 0
    }
    for line in text.split(separator: "\n") where line.hasPrefix("rchar:") {
        return UInt64(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? 0
    }
    return 0
}
