public import ShipModel

/// The artifact checks of `shipml validate --model DIR`: ``ArtifactChecker``'s findings as
/// checks of the validation report. An error fails; a warning (a file that could not be
/// scanned whole, a field the reference reader ignores) is inconclusive, so it fails unless the
/// policy says `inconclusive: warn`; every file a format check read and found clean passes, so
/// the report shows what was scanned; the manifest passes with the model digest.
public struct ModelArtifactScan: ArtifactChecking {
    public let rules: ArtifactRules

    public init(rules: ArtifactRules = ArtifactRules()) { self.rules = rules }

    public func scan(directory: String, onInconclusive: InconclusiveOutcome) throws
        -> ArtifactScan
    {
        let report: ArtifactReport
        do {
            report = try ArtifactChecker.check(directory: directory, rules: rules)
        } catch {
            throw ValidatorError("\(error)")
        }
        return Self.scan(report, directory: directory, onInconclusive: onInconclusive)
    }

    /// The checks a report makes; pure, for tests.
    public static func scan(
        _ report: ArtifactReport, directory: String, onInconclusive: InconclusiveOutcome
    ) -> ArtifactScan {
        var checks: [CheckResult] = []
        let hex = report.manifest.modelDigest
        let digest = try? Digest(hex.hasPrefix("sha256:") ? hex : "sha256:" + hex)
        checks.append(
            CheckResult(
                name: "manifest", metric: "manifest", condition: .artifact, slice: directory,
                verdict: .passed, onInconclusive: onInconclusive,
                reason:
                    "\(report.manifest.entries.count) files hashed; model digest \(digest?.description ?? hex)"
            ))
        let flagged = Set(report.findings.map(\.file))
        for finding in report.findings {
            let place = finding.location.map { "\($0): " } ?? ""
            checks.append(
                CheckResult(
                    name: "\(finding.check) \(finding.file)", metric: finding.check,
                    condition: .artifact, slice: finding.file,
                    verdict: finding.severity == .error ? .failed : .inconclusive,
                    onInconclusive: onInconclusive, reason: place + finding.message))
        }
        for file in report.scannedFiles.sorted() where !flagged.contains(file) {
            var reason = "scanned, nothing found"
            if let weight = report.weights.first(where: { $0.file == file }) {
                let types = weight.parametersByType.keys.sorted().joined(separator: ", ")
                reason =
                    "\(weight.format) header valid: \(weight.tensorCount) tensors, "
                    + "\(weight.parameterCount) parameters (\(types))"
            } else if let pickle = report.pickles.first(where: { $0.file == file }) {
                reason =
                    pickle.globals.isEmpty
                    ? "pickle scanned: no globals"
                    : "pickle scanned: only allowed globals (\(pickle.globals.joined(separator: ", ")))"
            }
            checks.append(
                CheckResult(
                    name: "format \(file)", metric: "format", condition: .artifact, slice: file,
                    verdict: .passed, onInconclusive: onInconclusive, reason: reason))
        }
        return ArtifactScan(modelDigest: digest, checks: checks)
    }
}
