import Foundation
import ShipFiles
public import ShipModel
public import Validator

/// `shipml validate`: judge a candidate's metrics (and its files) against the policy, and
/// write the reports and the blessing.
public enum ValidationService {
    /// What a validation is asked; what is left nil comes from the project file.
    public struct Request: Sendable {
        public var metrics: String?
        public var policy: String?
        public var baseline: String?
        public var model: String?
        public var junit: String?
        public var sarif: String?
        public var markdown: String?
        public var blessing: String?

        public init() {}

        /// The report files asked for, each once.
        public var outputs: [String] { [junit, sarif, markdown, blessing].compactMap { $0 } }
    }

    public struct Outcome: Sendable {
        public var report: ValidationReport
        public var blessing: Digest
        /// The files written.
        public var written: [String]
    }

    /// Validates and writes the report files. Whether an unblessed model is a failure is the
    /// caller's to say: `report.evaluation.blessed`.
    /// - Parameter config: The project file, read only when the metrics or the policy is not
    ///   given.
    public static func run(_ request: Request, config: String, log: ShipKitLog = .silent) throws
        -> Outcome
    {
        if Set(request.outputs).count != request.outputs.count {
            throw ShipKitError.badInput("two reports cannot be written to the same file")
        }
        let fileSystem = LocalFileSystem()
        let validation = try makeRequest(request, config: config, fileSystem, log: log)
        let outcome: ValidationOutcome
        do {
            outcome = try Validation.run(
                validation, fileSystem: fileSystem, artifactChecker: ModelArtifactScan())
        } catch {
            throw ShipKitError.wrapping(error)
        }
        var report = outcome.report
        report.blessing?.path = request.blessing
        let written = try write(
            request, report: report, blessing: outcome.blessing, fileSystem, log)
        return Outcome(report: report, blessing: outcome.blessing.digest, written: written)
    }

    /// The request from the flags, with what they leave out taken from shipml.yaml.
    private static func makeRequest(
        _ request: Request, config: String, _ fileSystem: LocalFileSystem, log: ShipKitLog
    ) throws -> ValidationRequest {
        var project: LoadedProject?
        if request.metrics == nil || request.policy == nil {
            project = try ProjectAccess.load(config)
        }
        let evaluation = project?.project.evaluation
        if project != nil, evaluation == nil {
            throw ShipKitError.badInput(
                "\(config) has no \"evaluation\" section; add one or pass --metrics and --policy")
        }
        guard
            let metricsPath = request.metrics
                ?? evaluation.map({ project?.resolve($0.metrics) ?? $0.metrics })
        else {
            throw ShipKitError.badInput("no metrics file: pass --metrics FILE")
        }
        let policySource: PolicySource
        if let policy = request.policy {
            policySource = .file(policy)
        } else if let file = evaluation?.policyFile {
            policySource = .file(project?.resolve(file) ?? file)
        } else if let inline = evaluation?.policy, let project {
            policySource = .inline(inline, projectFile: project.file)
        } else {
            throw ShipKitError.badInput("no policy: pass --policy FILE")
        }
        let baselineSource: BaselineSource
        if let baseline = request.baseline {
            baselineSource = .file(baseline)
        } else {
            switch evaluation?.baseline {
            case .file(let file)?: baselineSource = .file(project?.resolve(file) ?? file)
            case .environment(let name)?: baselineSource = .environment(name)
            case nil: baselineSource = .none
            }
        }
        let policyName: String
        switch policySource {
        case .file(let path): policyName = path
        case .inline(let inline, let file):
            policyName = "\(inline.thresholds.count) thresholds in \(file)"
        }
        let baselineName: String
        switch baselineSource {
        case .none: baselineName = "none"
        case .file(let path): baselineName = path
        case .environment(let name): baselineName = "the release in \(name)"
        }
        // The project's model directory is scanned too when it is there (a job that validates
        // before the model exists says so in --verbose).
        var modelDirectory = request.model
        if modelDirectory == nil, let project {
            let path = project.resolve(project.project.model.path)
            if fileSystem.isDirectory(path) {
                modelDirectory = path
            } else {
                log.info("model \(path) is not there: its files are not scanned")
            }
        }
        log.info(
            "metrics \(metricsPath), policy \(policyName), baseline \(baselineName)"
                + (modelDirectory.map { ", model \($0)" } ?? ""))
        return ValidationRequest(
            metrics: metricsPath, policy: policySource, baseline: baselineSource,
            model: modelDirectory)
    }

    private static func write(
        _ request: Request, report: ValidationReport, blessing made: Blessing,
        _ fileSystem: LocalFileSystem, _ log: ShipKitLog
    ) throws -> [String] {
        var files: [(String, Data)] = []
        if let junit = request.junit { files.append((junit, report.junit())) }
        if let markdown = request.markdown {
            files.append((markdown, Data(report.markdown().utf8)))
        }
        if let sarif = request.sarif {
            do {
                files.append((sarif, try report.sarif(toolVersion: ShipKitVersion.current)))
            } catch {
                throw ShipKitError.environment("cannot encode the SARIF report: \(error)")
            }
        }
        if let blessing = request.blessing { files.append((blessing, made.bytes)) }
        for (path, data) in files {
            do {
                let parent = (path as NSString).deletingLastPathComponent
                if !parent.isEmpty, !fileSystem.isDirectory(parent) {
                    try fileSystem.createDirectory(at: parent)
                }
                try fileSystem.writeFile(at: path, contents: data)
                log.info("wrote \(path)")
            } catch {
                throw ShipKitError.environment("cannot write \(path): \(error)")
            }
        }
        return files.map(\.0)
    }
}
