import Foundation

/// Why a model directory could not be checked at all.
public struct ArtifactError: Error, CustomStringConvertible {
    public var description: String
}

/// Checks the files of a model directory: a manifest with digests, the headers of weight
/// files, the pickles and their globals, ONNX external data, and required files.
public enum ArtifactChecker {
    /// File extensions scanned as plain pickles.
    static let pickleExtensions: Set<String> = ["pkl", "pickle", "joblib"]
    /// File extensions that hold PyTorch checkpoints: zip archives of pickles, or legacy
    /// pickle streams.
    static let torchExtensions: Set<String> = ["pt", "pth", "bin", "ckpt"]

    /// Checks every file of the model directory at `directory`.
    ///
    /// - Parameters:
    ///   - directory: the model directory.
    ///   - rules: what to demand; the default scans pickles strictly and demands no file.
    /// - Returns: the manifest, the findings and the per-format summaries. Bad files become
    ///   findings; nothing in a file makes this throw.
    /// - Throws: ``ArtifactError`` when the directory does not exist or is not a directory.
    public static func check(
        directory: String, rules: ArtifactRules = ArtifactRules()
    ) throws(ArtifactError) -> ArtifactReport {
        let root = try resolveRoot(directory)
        let listing = hashFiles(root: root)
        var findings = listing.findings
        var weights: [WeightSummary] = []
        var pickles: [PickleSummary] = []
        var scanned: [String] = []
        for file in listing.hashed {
            let outcome = checkFormat(file: file, root: root, rules: rules)
            findings += outcome.findings
            weights += outcome.weights
            pickles += outcome.pickles
            if outcome.scanned { scanned.append(file.path) }
        }
        findings += RequiredFiles.check(rules.requiredFiles, files: listing.files)
        return ArtifactReport(
            manifest: listing.manifest, findings: findings, weights: weights, pickles: pickles,
            scannedFiles: scanned)
    }

    /// Lists and hashes every file of the model directory, without checking formats.
    ///
    /// - Parameter directory: the model directory.
    /// - Returns: the manifest, and findings for files that could not be listed or read.
    /// - Throws: ``ArtifactError`` when the directory does not exist or is not a directory.
    public static func manifest(
        directory: String
    ) throws(ArtifactError) -> (manifest: FileManifest, findings: [ArtifactFinding]) {
        let listing = hashFiles(root: try resolveRoot(directory))
        return (listing.manifest, listing.findings)
    }

    /// Walks the directory at the real path `root` and hashes every file; `hashed` are the
    /// files that could be read, in manifest order.
    private static func hashFiles(root: String) -> (
        files: [ModelDirectoryFile], hashed: [ModelDirectoryFile], manifest: FileManifest,
        findings: [ArtifactFinding]
    ) {
        var walk = ModelDirectoryWalk(root: root)
        walk.walk()
        var findings = walk.findings
        var entries: [ManifestEntry] = []
        var digests: [[UInt8]] = []
        var hashed: [ModelDirectoryFile] = []
        for file in walk.files {
            do {
                let (digest, size) = try FileHasher.sha256(of: file.realPath)
                entries.append(
                    ManifestEntry(path: file.path, size: size, sha256: FileHasher.hex(digest)))
                digests.append(digest)
                hashed.append(file)
            } catch {
                findings.append(
                    ArtifactFinding(file: file.path, check: "manifest", message: error.description))
            }
        }
        let manifest = FileManifest(
            entries: entries, modelDigest: FileHasher.modelDigest(of: digests))
        return (walk.files, hashed, manifest, findings)
    }

    /// Checks one file's format by its extension (safetensors, GGUF, ONNX, pickles and
    /// PyTorch checkpoints), without hashing it.
    ///
    /// - Parameters:
    ///   - path: the file, relative to `directory`.
    ///   - directory: the model directory, which ONNX external data must stay inside.
    ///   - rules: the pickle policy and zip limits.
    /// - Returns: a report whose manifest is empty.
    /// - Throws: ``ArtifactError`` when the directory does not exist, or `path` resolves to a
    ///   file outside it.
    public static func checkFile(
        _ path: String, in directory: String, rules: ArtifactRules = ArtifactRules()
    ) throws(ArtifactError) -> ArtifactReport {
        let root = try resolveRoot(directory)
        let joined = root + "/" + path
        if let real = resolvedPath(joined), !isInside(real, root: root) {
            throw ArtifactError(
                description: "'\(path)' leads outside the model directory '\(directory)'")
        }
        let file = ModelDirectoryFile(path: path, realPath: joined)
        let outcome = checkFormat(file: file, root: root, rules: rules)
        return ArtifactReport(
            manifest: FileManifest(entries: [], modelDigest: FileHasher.modelDigest(of: [])),
            findings: outcome.findings, weights: outcome.weights, pickles: outcome.pickles,
            scannedFiles: outcome.scanned ? [path] : [])
    }

    private static func resolveRoot(_ directory: String) throws(ArtifactError) -> String {
        guard let root = resolvedPath(directory) else {
            throw ArtifactError(
                description: "model directory '\(directory)' does not exist or cannot be resolved")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw ArtifactError(description: "'\(directory)' is not a directory")
        }
        return root
    }

    /// The file's extension, lowercased.
    static func fileExtension(_ path: String) -> String {
        guard let name = path.split(separator: "/").last, let dot = name.lastIndex(of: ".") else {
            return ""
        }
        return name[name.index(after: dot)...].lowercased()
    }

    struct FormatOutcome {
        var findings: [ArtifactFinding] = []
        var weights: [WeightSummary] = []
        var pickles: [PickleSummary] = []
        var scanned = false
    }

    static func checkFormat(
        file: ModelDirectoryFile, root: String, rules: ArtifactRules
    ) -> FormatOutcome {
        var outcome = FormatOutcome()
        let kind = fileExtension(file.path)
        let known =
            ["safetensors", "gguf", "onnx"].contains(kind) || pickleExtensions.contains(kind)
            || torchExtensions.contains(kind)
        guard known else { return outcome }
        let handle: ArtifactFile
        do {
            handle = try ArtifactFile(path: file.realPath)
        } catch {
            outcome.findings.append(
                ArtifactFinding(file: file.path, check: "manifest", message: error.description))
            return outcome
        }
        outcome.scanned = true
        switch kind {
        case "safetensors":
            let (findings, summary) = SafetensorsCheck.check(file: handle, path: file.path)
            outcome.findings = findings
            if let summary { outcome.weights.append(summary) }
        case "gguf":
            let (findings, summary) = GGUFCheck.check(file: handle, path: file.path)
            outcome.findings = findings
            if let summary { outcome.weights.append(summary) }
        case "onnx":
            withMapped(file, &outcome) { bytes in
                ONNXCheck.check(bytes: bytes, path: file.path, modelRoot: root)
            }
        default:
            if torchExtensions.contains(kind) && ZipArchive.looksLikeZip(handle) {
                checkTorchZip(handle, path: file.path, rules: rules, into: &outcome)
                return outcome
            }
            if torchExtensions.contains(kind) {
                let first = try? handle.read(at: 0, count: 1)
                guard first == [0x80] else {
                    outcome.scanned = false
                    if kind != "bin" {
                        outcome.findings.append(
                            ArtifactFinding(
                                file: file.path, severity: .warning, check: "pickle",
                                message: "is neither a zip archive nor a pickle, so it was not "
                                    + "scanned"))
                    }
                    return outcome
                }
            }
            var globals: [String] = []
            withMapped(file, &outcome) { bytes in
                let result = PickleScanner.scan(bytes, file: file.path, rules: rules)
                globals = result.globals
                return result.findings
            }
            outcome.pickles.append(PickleSummary(file: file.path, globals: globals))
        }
        return outcome
    }

    /// Maps the file into memory for a scan that needs all of it.
    private static func withMapped(
        _ file: ModelDirectoryFile, _ outcome: inout FormatOutcome,
        _ body: (UnsafeRawBufferPointer) -> [ArtifactFinding]
    ) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file.realPath), options: .alwaysMapped)
        } catch {
            outcome.findings.append(
                ArtifactFinding(
                    file: file.path, check: "manifest",
                    message: "cannot be read: \(error.localizedDescription)"))
            return
        }
        outcome.findings += data.withUnsafeBytes { body($0) }
    }

    static func checkTorchZip(
        _ file: ArtifactFile, path: String, rules: ArtifactRules, into outcome: inout FormatOutcome
    ) {
        func report(_ member: String?, _ message: String, _ severity: ArtifactSeverity = .error) {
            outcome.findings.append(
                ArtifactFinding(
                    file: member.map { "\(path):\($0)" } ?? path, severity: severity, check: "zip",
                    message: message))
        }
        let members: [ZipMember]
        do {
            members = try ZipArchive.members(of: file)
        } catch {
            report(nil, "is not a readable zip archive: \(error.message)")
            return
        }
        var pickleCount = 0
        for member in members {
            let isPickle = member.name.lowercased().hasSuffix(".pkl")
            if member.uncompressedSize > rules.maxDecompressedBytes {
                report(
                    member.name,
                    "declares \(member.uncompressedSize) bytes uncompressed, more than the limit "
                        + "of \(rules.maxDecompressedBytes) (a zip bomb?)")
                continue
            }
            if member.uncompressedSize > 1 << 20,
                member.uncompressedSize / max(member.compressedSize, 1) > rules.maxCompressionRatio
            {
                report(
                    member.name,
                    "declares \(member.uncompressedSize) bytes from \(member.compressedSize) "
                        + "compressed, a ratio above \(rules.maxCompressionRatio) (a zip bomb?)")
                continue
            }
            guard isPickle else { continue }
            pickleCount += 1
            guard member.flags & 1 == 0 else {
                report(member.name, "is encrypted, so it cannot be scanned")
                continue
            }
            let bytes: [UInt8]
            switch member.method {
            case 0:
                guard member.compressedSize <= rules.maxDecompressedBytes else {
                    report(member.name, "is larger than the limit of \(rules.maxDecompressedBytes)")
                    continue
                }
                do {
                    bytes = try file.read(
                        at: member.dataOffset, count: Int(member.compressedSize))
                } catch {
                    report(member.name, error.description)
                    continue
                }
            case 8:
                do {
                    bytes = try Inflater.inflate(
                        file: file, offset: member.dataOffset,
                        compressedSize: member.compressedSize, limit: rules.maxDecompressedBytes,
                        ratio: rules.maxCompressionRatio)
                } catch {
                    switch error {
                    case .corrupt(let message):
                        report(member.name, "cannot be inflated: \(message)")
                    case .tooLarge(let produced):
                        report(
                            member.name,
                            "inflates past \(produced) bytes, more than the limit of "
                                + "\(rules.maxDecompressedBytes) (a zip bomb); not scanned")
                    case .ratio(let produced, let consumed):
                        report(
                            member.name,
                            "inflates to \(produced) bytes from \(consumed) compressed, a ratio "
                                + "above \(rules.maxCompressionRatio) (a zip bomb); not scanned")
                    }
                    continue
                }
            default:
                report(
                    member.name,
                    "uses compression method \(member.method); expected stored (0) or deflated "
                        + "(8), so it was not scanned")
                continue
            }
            let name = "\(path):\(member.name)"
            let result = bytes.withUnsafeBytes {
                PickleScanner.scan($0, file: name, rules: rules)
            }
            outcome.findings += result.findings
            outcome.pickles.append(PickleSummary(file: name, globals: result.globals))
        }
        if pickleCount == 0 {
            report(nil, "is a zip archive with no .pkl member; expected a PyTorch checkpoint")
        }
    }
}
