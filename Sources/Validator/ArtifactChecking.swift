public import ShipModel

/// The seam where checks of a model's files plug into `shipml validate --model DIR`.
///
/// An implementation scans the directory (a manifest of every file, safetensors and GGUF
/// headers, pickle opcodes, required files), computes the model digest and returns one
/// ``CheckResult`` per finding with ``Condition/artifact``, the rule in ``CheckResult/metric``
/// and the file in ``CheckResult/slice``. The evaluation of metrics does not depend on it.
public protocol ArtifactChecking: Sendable {
    /// Scans `directory`.
    /// - Parameter onInconclusive: what a check that cannot be decided counts as.
    /// - Throws: when the directory cannot be read at all.
    func scan(directory: String, onInconclusive: InconclusiveOutcome) throws -> ArtifactScan
}

/// What an artifact scan found.
public struct ArtifactScan: Sendable, Equatable {
    /// The model digest (SHA-256 over the per-file digests in sorted path order), when computed.
    public var modelDigest: Digest?
    public var checks: [CheckResult]

    public init(modelDigest: Digest?, checks: [CheckResult]) {
        self.modelDigest = modelDigest
        self.checks = checks
    }

    /// The scan when no artifact checker is available: one inconclusive check, so a requested
    /// scan that did not happen is never mistaken for a clean one.
    public static func notScanned(directory: String, onInconclusive: InconclusiveOutcome)
        -> ArtifactScan
    {
        ArtifactScan(
            modelDigest: nil,
            checks: [
                CheckResult(
                    name: "artifact scan", metric: "artifact-scan", condition: .artifact,
                    slice: directory, verdict: .inconclusive, onInconclusive: onInconclusive,
                    reason:
                        "the files in \(directory) were not scanned: artifact checks are not available in this build"
                )
            ])
    }
}
