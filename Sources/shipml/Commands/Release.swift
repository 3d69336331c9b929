import ArgumentParser
import Builder
import Foundation
import ShipKit
import Validator

/// `shipml release`: the CI job, from a trained model to its first environment.
struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract:
            "Validate, build, attach the blessing, and record the release in its first environment.",
        usage: "shipml release [<options>]",
        discussion: """
            Reads shipml.yaml and runs, stopping at the first failure:
              validate  the metrics against the policy (stops with the report if not
                        blessed)
              build     the artifact or image, to image.repository (an OCI layout or a
                        registry)
              attach    the blessing and the SARIF report to the release as OCI referrers
              promote   into the first environment: render its manifests, commit and push
                        to the state repository
            Running it again on the same inputs builds from the cache, uploads nothing,
            makes no commit, and says so. Reports go to --output (default .shipml/release).

            In GitHub Actions the summary is appended to $GITHUB_STEP_SUMMARY and a failure
            is an ::error annotation; in GitLab CI the JUnit report's path is printed for
            artifacts:reports:junit.

            Exit codes: 0 released (or nothing new); 1 the model is not blessed or a gate
            refused; 2 bad input; 3 the disk, the registry or the state repository failed.

            Examples:
              shipml release
              SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) shipml release --json
              shipml release --reason "weekly retrain" --plain-http
              shipml release --dry-run --json
              echo "$TOKEN" | shipml release --username ci --password-stdin --jobs 8
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup(title: "Registry") var registry: RegistryOptions
    @OptionGroup var transfer: TransferOptions
    @OptionGroup var layoutOptions: LayoutOptions

    @Option(help: ArgumentHelp("Where the reports go.", valueName: "dir"))
    var output = ".shipml/release"

    @Option(help: "Why; recorded in the state and the commit.")
    var reason: String?

    @OptionGroup var stateLocation: StateLocationOptions

    @Flag(help: "Read every model file again instead of reusing cached layers.")
    var noCache = false

    @Flag(
        help: "Validate, compute the artifact's digest and plan the promotion; write nothing.")
    var dryRun = false

    @Flag(
        help:
            "Move the version's tag to this build even when it names other bytes (by default that is refused, as an immutable tag would)."
    )
    var force = false

    @Flag(help: "Show progress lines even when standard error is not a terminal.")
    var progress = false

    func run() throws {
        Console.configure(global)
        var request = ReleasePipeline.Request(
            registry: try registry.settings(global: global, transfer: transfer))
        request.config = global.config
        request.output = output
        request.reason = reason
        request.state = stateLocation.state
        request.cache = stateLocation.cache
        request.durability = layoutOptions.durability
        request.noCache = noCache
        request.dryRun = dryRun
        request.force = force
        let line = ProgressLine(requested: progress, quiet: global.quiet, json: global.json)
        let display = TransferProgress(verb: "pushing", requested: progress, global: global)
        let summary = try ReleasePipeline.run(
            request, log: Console.log,
            onStep: { step in
                line.finish()
                if !global.json { printStep(step) }
            },
            progress: { step in
                line.update(
                    "layer \(step.layer)/\(step.layers)  \(formatBytes(step.bytesDone)) / \(formatBytes(step.bytesTotal))"
                )
            }, transfer: display)
        line.finish()
        if let report = summary.validation, !report.evaluation.blessed, !global.json {
            Console.output(report.table())
        }
        if global.json {
            Console.data(JSONOutput.encode(summary))
        } else if summary.error == nil {
            Console.output(
                dryRun
                    ? "would release \(summary.model) \(summary.version) to \(summary.environment ?? "?")"
                    : summary.changed
                        ? "released \(summary.model) \(summary.version) to \(summary.environment ?? "?")"
                        : "nothing new: \(summary.model) \(summary.version) is built, attached and recorded already"
            )
        }
        let ci = request.ci
        if let failure = summary.failure,
            let annotation = ci.errorAnnotation(title: "shipml release", failure)
        {
            print(annotation)
        }
        if ci.system == .gitlab, let junit = summary.reports["junit"],
            FileManager.default.fileExists(atPath: junit)
        {
            Console.writeError("junit report: \(junit) (artifacts:reports:junit)")
        }
        if let error = summary.error {
            // The failed step's line said why; --quiet keeps that line too.
            throw CommandFailure.silent(ExitStatus(error.category), summary: summary.failure)
        }
    }

    func printStep(_ step: ReleasePipeline.Step) {
        let name = step.name.padding(toLength: 9, withPad: " ", startingAt: 0)
        let status = step.status.padding(toLength: 10, withPad: " ", startingAt: 0)
        Console.output(
            "  \(name) \(status) \(String(format: "%6.2f s", step.seconds))  \(step.detail)")
    }
}
