import ArgumentParser
import Foundation
import ShipKit
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
        var request = ValidationService.Request()
        request.metrics = metrics
        request.policy = policy
        request.baseline = baseline
        request.model = model
        request.junit = junit
        request.sarif = sarif
        request.markdown = markdown
        request.blessing = blessing
        let outcome = try ValidationService.run(request, config: global.config, log: Console.log)
        let report = outcome.report
        if global.json {
            do {
                Console.data(String(decoding: try report.json(), as: UTF8.self))
            } catch {
                throw CommandFailure.environment("cannot encode the report as JSON: \(error)")
            }
        } else {
            Console.output(report.table())
            if let path = blessing {
                Console.output("blessing \(outcome.blessing) written to \(path)")
            }
        }
        if !report.evaluation.blessed {
            throw CommandFailure.silent(.checkFailed, summary: "not blessed: \(report.headline)")
        }
    }
}
