import ArgumentParser
import Builder
import Foundation
import Promoter
import Registry
import ShipFiles
import ShipModel
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
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Where the reports go.", valueName: "dir"))
    var output = ".shipml/release"

    @Option(help: "Why; recorded in the state and the commit.")
    var reason: String?

    @Flag(help: "Talk plain HTTP to the registry (a loopback registry, say).")
    var plainHTTP = false

    @Flag(help: "Do not verify the registry's TLS certificate.")
    var insecure = false

    @Flag(help: "Show progress lines even when standard error is not a terminal.")
    var progress = false

    /// One step's line in the summary.
    struct Step: Encodable {
        var name: String
        var status: String
        var detail: String
        var seconds: Double
    }

    /// The whole run, as `--json` prints it.
    struct Summary: Encodable {
        var model: String
        var version: String
        var released: Bool
        var changed: Bool
        var artifact: String?
        var environment: String?
        var commit: String?
        var reports: [String: String]
        var steps: [Step]
    }

    func run() throws {
        Console.configure(global)
        let project = try loadProject(global.config).project
        guard let first = project.environments.first else {
            throw CommandFailure.badInput("\(global.config): no environments to release into")
        }
        // The steps print nothing of their own; quiet only silences their progress lines and
        // warnings, as it does release's.
        let common =
            ["--config", global.config] + (global.quiet || global.json ? ["--quiet"] : [])
            + (global.noColor ? ["--no-color"] : [])
        let registryFlags = (plainHTTP ? ["--plain-http"] : []) + (insecure ? ["--insecure"] : [])
        let reports = [
            "blessing": joinPath(output, "blessing.intoto.json"),
            "junit": joinPath(output, "junit.xml"), "sarif": joinPath(output, "report.sarif"),
            "markdown": joinPath(output, "report.md"),
        ]
        var summary = Summary(
            model: project.model.name, version: project.model.version, released: false,
            changed: false, reports: reports, steps: [])

        func step<T>(_ name: String, _ body: () throws -> (T, String, String)) throws -> T {
            let started = Date()
            do {
                let (value, status, detail) = try body()
                summary.steps.append(
                    Step(
                        name: name, status: status, detail: detail,
                        seconds: (Date().timeIntervalSince(started) * 1000).rounded() / 1000))
                if !global.json, !global.quiet { printStep(summary.steps[summary.steps.count - 1]) }
                return value
            } catch let failure as CommandFailure {
                let detail = failure.message.isEmpty ? "failed" : failure.message
                summary.steps.append(
                    Step(
                        name: name, status: "failed", detail: detail,
                        seconds: (Date().timeIntervalSince(started) * 1000).rounded() / 1000))
                if !global.json { printStep(summary.steps[summary.steps.count - 1]) }
                finish(summary, failure: "\(name): \(detail)")
                throw failure.message.isEmpty
                    ? failure : CommandFailure.silent(failure.status)
            }
        }

        // validate
        var blessing: String?
        if project.evaluation != nil {
            let validated = try step("validate") {
                () throws -> (ValidationReport, String, String) in
                let command = try Validate.parse(
                    common + [
                        "--blessing", reports["blessing"] ?? "", "--junit", reports["junit"] ?? "",
                        "--sarif", reports["sarif"] ?? "", "--markdown", reports["markdown"] ?? "",
                    ])
                let (report, digest) = try command.perform()
                guard report.evaluation.blessed else {
                    if !global.json { Console.output(report.table()) }
                    throw CommandFailure(status: .checkFailed, message: report.headline)
                }
                return (
                    report, "passed", "\(report.headline); blessing \(digest.encoded.prefix(12))"
                )
            }
            _ = validated
            blessing = reports["blessing"]
        } else {
            summary.steps.append(
                Step(
                    name: "validate", status: "skipped", detail: "no evaluation section", seconds: 0
                ))
        }

        // build
        let built = try step("build") { () throws -> (Build.Outcome, String, String) in
            let command = try Build.parse(
                common + registryFlags + (progress ? ["--progress"] : []))
            let outcome = try command.perform()
            let cached = outcome.result.layers.filter(\.cached).count
            var status = cached == outcome.result.layers.count ? "unchanged" : "built"
            var detail =
                "\(outcome.pinned ?? "?")  \(cached) of \(outcome.result.layers.count) layers from the cache"
            if let pushed = outcome.pushed {
                detail +=
                    "; \(pushed.transferred) of \(pushed.blobs) blobs uploaded (\(formatBytes(pushed.transferredBytes)))"
                if pushed.transferred > 0 { status = "built" }
            }
            return (outcome, status, detail)
        }
        guard let reference = built.reference, let pinned = built.pinned else {
            throw CommandFailure.environment("the build wrote nothing")
        }
        summary.artifact = pinned

        // attach
        if let blessing {
            try step("attach") { () throws -> (Void, String, String) in
                var digests: [String] = []
                for (file, type) in [
                    (blessing, "application/vnd.in-toto+json"),
                    (reports["sarif"] ?? "", "application/sarif+json"),
                ] {
                    let command = try Attach.parse(
                        common + registryFlags + [
                            reference, file, "--artifact-type", type, "--media-type", type,
                        ])
                    digests.append(String(try command.perform().referrer.digest.encoded.prefix(12)))
                }
                return ((), "attached", "blessing \(digests[0]), report \(digests[1])")
            }
        }

        // promote into the first environment
        let promoted = try step("promote") { () throws -> (Promote.Outcome, String, String) in
            var arguments = common + ["--to", first.name, "--artifact", pinned]
            if let blessing { arguments += ["--blessing", blessing] }
            if let reason { arguments += ["--reason", reason] }
            let outcome = try Promote.parse(arguments).perform()
            if let refusal = outcome.plan.refusal {
                throw CommandFailure(status: .checkFailed, message: refusal.description)
            }
            if let commit = outcome.commit {
                return (outcome, "committed", "\(first.name): \(commit.prefix(12))")
            }
            return (outcome, "unchanged", "\(first.name) already runs this release: no commit")
        }
        summary.environment = first.name
        summary.commit = promoted.commit
        summary.released = true
        summary.changed =
            promoted.commit != nil
            || summary.steps.contains { $0.name == "build" && $0.status == "built" }
        finish(summary, failure: nil)
    }

    func printStep(_ step: Step) {
        let name = step.name.padding(toLength: 9, withPad: " ", startingAt: 0)
        let status = step.status.padding(toLength: 10, withPad: " ", startingAt: 0)
        Console.output(
            "  \(name) \(status) \(String(format: "%6.2f s", step.seconds))  \(step.detail)")
    }

    /// Prints the outcome, and tells the CI system.
    func finish(_ summary: Summary, failure: String?) {
        let environment = ProcessInfo.processInfo.environment
        if global.json {
            Console.data(JSONOutput.encode(summary))
        } else if failure == nil {
            Console.output(
                summary.changed
                    ? "released \(summary.model) \(summary.version) to \(summary.environment ?? "?")"
                    : "nothing new: \(summary.model) \(summary.version) is built, attached and recorded already"
            )
        }
        if let failure, environment["GITHUB_ACTIONS"] == "true" {
            let escaped = failure.replacingOccurrences(of: "%", with: "%25")
                .replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(
                    of: "\n", with: "%0A")
            print("::error title=shipml release::\(escaped)")
        }
        if let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
            var text = "### shipml release: \(summary.model) \(summary.version)\n\n"
            text += "| step | status | time | detail |\n| --- | --- | --- | --- |\n"
            for step in summary.steps {
                text +=
                    "| \(step.name) | \(step.status) | \(String(format: "%.2f", step.seconds)) s | \(step.detail.replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
            if let failure { text += "\n**Failed:** \(failure)\n" }
            if let markdown = summary.reports["markdown"],
                let report = try? String(contentsOfFile: markdown, encoding: .utf8)
            {
                text += "\n" + report
            }
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
            }
            if let handle = FileHandle(forWritingAtPath: path) {
                handle.seekToEndOfFile()
                handle.write(Data((text + "\n").utf8))
                try? handle.close()
            }
        }
        if environment["GITLAB_CI"] == "true", let junit = summary.reports["junit"],
            FileManager.default.fileExists(atPath: junit)
        {
            Console.writeError("junit report: \(junit) (artifacts:reports:junit)")
        }
    }
}
