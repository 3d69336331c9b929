import ArgumentParser
import Foundation
import ShipFiles
import ShipModel
import Validator

/// `shipml validate`: decide whether a candidate may be released, and say why.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Bless a model only when its evaluation meets the policy.",
        discussion: """
            Judges the candidate's metrics against the policy's thresholds (min/max, change
            against a baseline, slices, confidence bounds). Every check is passed, failed
            or inconclusive (a metric or slice missing, a slice too small, a file not
            scanned); inconclusive fails unless the policy says "inconclusive: warn". The
            blessing is an in-toto test-result statement whose SHA-256 later stages record.

            Defaults come from shipml.yaml (evaluation.metrics, evaluation.policy or the
            inline thresholds, evaluation.baseline, and model.path for the artifact checks
            when the directory is there); the file is read only when --metrics or --policy
            is missing. Flags win. Metrics files: a flat map, {overall, slices}, or a model
            card's model-index (README.md). See docs/validate.md.

            Exit codes: 0 blessed, 1 not blessed, 2 bad input (flags, policy or metrics
            files), 3 a report could not be written.

            Examples:
              shipml validate
              shipml validate --metrics eval/metrics.json --policy policy.yaml
              shipml validate --baseline eval/prod.json --junit build/validate.xml
              shipml validate --json --blessing build/blessing.intoto.json
              shipml validate --metrics README.md --policy policy.yaml \\
                --markdown comment.md
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The candidate's metrics file.", valueName: "file"))
    var metrics: String?

    @Option(help: ArgumentHelp("A policy file (instead of shipml.yaml's).", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("The baseline's metrics file.", valueName: "file"))
    var baseline: String?

    @Option(help: ArgumentHelp("The model directory, for the artifact checks.", valueName: "dir"))
    var model: String?

    @Option(help: ArgumentHelp("Write a JUnit XML report.", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Write a SARIF 2.1.0 report.", valueName: "file"))
    var sarif: String?

    @Option(help: ArgumentHelp("Write a Markdown report.", valueName: "file"))
    var markdown: String?

    @Option(help: ArgumentHelp("Write the blessing (an in-toto statement).", valueName: "file"))
    var blessing: String?

    func validate() throws {
        for (name, value) in [
            ("--metrics", metrics), ("--policy", policy), ("--baseline", baseline),
            ("--model", model), ("--junit", junit), ("--sarif", sarif),
            ("--markdown", markdown), ("--blessing", blessing),
        ] where value?.isEmpty == true {
            throw ValidationError("\(name) needs a file name")
        }
        let outputs = [junit, sarif, markdown, blessing].compactMap { $0 }
        if Set(outputs).count != outputs.count {
            throw ValidationError("two reports cannot be written to the same file")
        }
    }

    func run() throws {
        Console.configure(global)
        let (report, blessingDigest) = try perform()
        if global.json {
            do {
                Console.data(String(decoding: try report.json(), as: UTF8.self))
            } catch {
                throw CommandFailure.environment("cannot encode the report as JSON: \(error)")
            }
        } else {
            Console.output(report.table())
            if let path = blessing {
                Console.output("blessing \(blessingDigest) written to \(path)")
            }
        }
        if !report.evaluation.blessed { throw CommandFailure.silent(.checkFailed) }
    }

    /// Validates and writes the report files; prints nothing. The caller decides what an
    /// unblessed model means.
    func perform() throws -> (report: ValidationReport, blessing: Digest) {
        let fileSystem = LocalFileSystem()
        let request = try makeRequest(fileSystem)
        let outcome: ValidationOutcome
        do {
            outcome = try Validation.run(
                request, fileSystem: fileSystem, artifactChecker: ArtifactCheckers.installed)
        } catch let error as ProjectFileError {
            Console.report(error.diagnostics)
            throw CommandFailure.silent(.badInput)
        } catch let error as ValidatorError {
            throw CommandFailure.badInput(error.description)
        }
        var report = outcome.report
        report.blessing?.path = blessing
        try write(report: report, blessing: outcome.blessing, fileSystem)
        return (report, outcome.blessing.digest)
    }

    /// The request from the flags, with what they leave out taken from shipml.yaml.
    private func makeRequest(_ fileSystem: LocalFileSystem) throws -> ValidationRequest {
        var project: LoadedProject?
        if metrics == nil || policy == nil {
            project = try loadProject(global.config)
        }
        let evaluation = project?.project.evaluation
        if project != nil, evaluation == nil {
            throw CommandFailure.badInput(
                "\(global.config) has no \"evaluation\" section; add one or pass --metrics and --policy"
            )
        }
        guard
            let metricsPath = metrics
                ?? evaluation.map({ project?.resolve($0.metrics) ?? $0.metrics })
        else {
            throw CommandFailure.badInput("no metrics file: pass --metrics FILE")
        }
        let policySource: PolicySource
        if let policy {
            policySource = .file(policy)
        } else if let file = evaluation?.policyFile {
            policySource = .file(project?.resolve(file) ?? file)
        } else if let inline = evaluation?.policy, let project {
            policySource = .inline(inline, projectFile: project.file)
        } else {
            throw CommandFailure.badInput("no policy: pass --policy FILE")
        }
        let baselineSource: BaselineSource
        if let baseline {
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
        var modelDirectory = model
        if modelDirectory == nil, let project {
            let path = project.resolve(project.project.model.path)
            if fileSystem.isDirectory(path) {
                modelDirectory = path
            } else {
                Console.info("model \(path) is not there: its files are not scanned")
            }
        }
        Console.info(
            "metrics \(metricsPath), policy \(policyName), baseline \(baselineName)"
                + (modelDirectory.map { ", model \($0)" } ?? ""))
        return ValidationRequest(
            metrics: metricsPath, policy: policySource, baseline: baselineSource,
            model: modelDirectory)
    }

    private func write(
        report: ValidationReport, blessing made: Blessing, _ fileSystem: LocalFileSystem
    )
        throws
    {
        var files: [(String, Data)] = []
        if let junit { files.append((junit, report.junit())) }
        if let markdown { files.append((markdown, Data(report.markdown().utf8))) }
        if let sarif {
            do {
                files.append((sarif, try report.sarif(toolVersion: ShipMLVersion.current)))
            } catch {
                throw CommandFailure.environment("cannot encode the SARIF report: \(error)")
            }
        }
        if let blessing { files.append((blessing, made.bytes)) }
        for (path, data) in files {
            do {
                let parent = (path as NSString).deletingLastPathComponent
                if !parent.isEmpty, !fileSystem.isDirectory(parent) {
                    try fileSystem.createDirectory(at: parent)
                }
                try fileSystem.writeFile(at: path, contents: data)
                Console.info("wrote \(path)")
            } catch {
                throw CommandFailure.environment("cannot write \(path): \(error)")
            }
        }
    }
}

/// The artifact checks `--model` runs: the manifest and model digest, weight headers, pickle
/// opcodes, ONNX external data (``ModelArtifactScan``).
enum ArtifactCheckers {
    static let installed: (any ArtifactChecking)? = ModelArtifactScan()
}
