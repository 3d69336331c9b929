public import Builder
import Foundation
import Promoter
import ShipFiles
import ShipModel
public import Validator

/// `shipml release`: the CI job, from a trained model to its first environment, as typed
/// steps over the stage libraries: validate, build, attach, promote.
public enum ReleasePipeline {
    /// What the job is asked.
    public struct Request: Sendable {
        public var config = "shipml.yaml"
        /// Where the reports go.
        public var output = ".shipml/release"
        public var reason: String?
        public var registry: RegistrySettings
        /// `--state` and `--cache`, as for promote.
        public var state: String?
        public var cache: String?
        public var durability: Durability?
        public var noCache = false
        /// Validate, build and plan; write no artifact, attach nothing, commit nothing.
        public var dryRun = false
        /// Move the version's tag even when it names other bytes.
        public var force = false
        public var ci: CIEnvironment

        public init(
            registry: RegistrySettings = RegistrySettings(), ci: CIEnvironment = CIEnvironment()
        ) {
            self.registry = registry
            self.ci = ci
        }

        /// The report files the validation writes, by kind.
        public var reports: [String: String] {
            [
                "blessing": joinPath(output, "blessing.intoto.json"),
                "junit": joinPath(output, "junit.xml"), "sarif": joinPath(output, "report.sarif"),
                "markdown": joinPath(output, "report.md"),
            ]
        }
    }

    /// One step's line in the summary.
    public struct Step: Encodable, Sendable, Equatable {
        public var name: String
        /// passed, skipped, built, unchanged, attached, committed, planned, failed.
        public var status: String
        public var detail: String
        public var seconds: Double
    }

    /// The whole run. Every key is always present in `--json` (null when not known).
    public struct Summary: Encodable, Sendable {
        public var schemaVersion = 1
        public var model: String
        public var version: String
        public var released: Bool
        public var changed: Bool
        public var dryRun: Bool
        public var artifact: String?
        public var environment: String?
        public var commit: String?
        public var reports: [String: String]
        public var steps: [Step]
        /// Why the run stopped; nil when it did not.
        public var failure: String?

        /// The validation's report, when it ran (not encoded: its files are in `reports`).
        public var validation: ValidationReport?
        /// The failure as an error, for the exit code.
        public var error: ShipKitError?

        enum CodingKeys: String, CodingKey {
            case schemaVersion, model, version, released, changed, dryRun, artifact,
                environment, commit, reports, steps, failure
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(schemaVersion, forKey: .schemaVersion)
            try container.encode(model, forKey: .model)
            try container.encode(version, forKey: .version)
            try container.encode(released, forKey: .released)
            try container.encode(changed, forKey: .changed)
            try container.encode(dryRun, forKey: .dryRun)
            try container.encode(artifact, forKey: .artifact)
            try container.encode(environment, forKey: .environment)
            try container.encode(commit, forKey: .commit)
            try container.encode(reports, forKey: .reports)
            try container.encode(steps, forKey: .steps)
            try container.encode(failure, forKey: .failure)
        }

        /// The step summary GitHub shows for the job, in Markdown.
        public func markdown(report: String?) -> String {
            var text = "### shipml release: \(model) \(version)\n\n"
            text += "| step | status | time | detail |\n| --- | --- | --- | --- |\n"
            for step in steps {
                text +=
                    "| \(step.name) | \(step.status) | \(String(format: "%.2f", step.seconds)) s | \(step.detail.replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
            if let failure { text += "\n**Failed:** \(failure)\n" }
            if let report { text += "\n" + report }
            return text
        }
    }

    /// Runs the steps in order, stopping at the first failure, which the summary holds
    /// (`error`); what is wrong before any step runs (the project file) is thrown.
    /// - Parameters:
    ///   - onStep: Called as each step ends.
    ///   - progress: The build's progress.
    ///   - transfer: The push's progress.
    public static func run(
        _ request: Request, log: ShipKitLog = .silent,
        onStep: (Step) -> Void = { _ in },
        progress: @escaping (BuildProgress) -> Void = { _ in },
        transfer: (any TransferObserver)? = nil
    ) throws -> Summary {
        let loaded = try ProjectAccess.load(request.config)
        let project = loaded.project
        guard let first = project.environments.first else {
            throw ShipKitError.badInput("\(request.config): no environments to release into")
        }
        let reports = request.reports
        var summary = Summary(
            model: project.model.name, version: project.model.version, released: false,
            changed: false, dryRun: request.dryRun, reports: reports, steps: [])

        /// Runs one step; nil when it failed (the summary then says why).
        func step<T>(_ name: String, _ body: () throws -> (T, String, String)) -> T? {
            let started = Date()
            func seconds() -> Double { (Date().timeIntervalSince(started) * 1000).rounded() / 1000 }
            do {
                let (value, status, detail) = try body()
                summary.steps.append(
                    Step(name: name, status: status, detail: detail, seconds: seconds()))
                onStep(summary.steps[summary.steps.count - 1])
                return value
            } catch {
                let failure = ShipKitError.wrapping(error)
                let detail = failure.description.isEmpty ? "failed" : failure.description
                summary.steps.append(
                    Step(name: name, status: "failed", detail: detail, seconds: seconds()))
                onStep(summary.steps[summary.steps.count - 1])
                summary.failure = "\(name): \(detail)"
                summary.error = failure
                return nil
            }
        }

        // validate
        var blessing: String?
        if project.evaluation != nil {
            var validation = ValidationService.Request()
            validation.blessing = reports["blessing"]
            validation.junit = reports["junit"]
            validation.sarif = reports["sarif"]
            validation.markdown = reports["markdown"]
            let validated = step("validate") { () throws -> (Bool, String, String) in
                let outcome = try ValidationService.run(
                    validation, config: request.config, log: log)
                summary.validation = outcome.report
                guard outcome.report.evaluation.blessed else {
                    throw ShipKitError.checkFailed(outcome.report.headline)
                }
                return (
                    true, "passed",
                    "\(outcome.report.headline); blessing \(outcome.blessing.encoded.prefix(12))"
                )
            }
            guard validated != nil else { return finish(summary, request) }
            blessing = reports["blessing"]
        } else {
            summary.steps.append(
                Step(
                    name: "validate", status: "skipped", detail: "no evaluation section", seconds: 0
                ))
            onStep(summary.steps[summary.steps.count - 1])
        }

        // build
        var build = BuildService.Request(registry: request.registry)
        build.durability = request.durability
        build.noCache = request.noCache
        build.dryRun = request.dryRun
        build.immutableTag = !request.force
        let built = step("build") { () throws -> (BuildService.Outcome, String, String) in
            let outcome = try BuildService.run(
                build, project: loaded, log: log, progress: progress, transfer: transfer)
            let cached = outcome.result.layers.filter(\.cached).count
            var status = cached == outcome.result.layers.count ? "unchanged" : "built"
            let digest = outcome.result.manifestDescriptor.digest
            var detail =
                "\(outcome.pinned ?? digest.description)  \(cached) of \(outcome.result.layers.count) layers from the cache"
            if let pushed = outcome.pushed {
                detail +=
                    "; \(pushed.transferred) of \(pushed.blobs) blobs uploaded (\(ByteCount(pushed.transferredBytes)))"
                if pushed.transferred > 0 { status = "built" }
            }
            if request.dryRun { status = "planned" }
            return (outcome, status, detail)
        }
        guard let built else { return finish(summary, request) }
        let digest = built.result.manifestDescriptor.digest
        let pinned =
            built.pinned
            ?? "\(project.image.repository.description.split(separator: "@").first ?? "")@\(digest)"
        summary.artifact = pinned

        // attach
        if let blessing, let reference = built.reference {
            let attached = step("attach") { () throws -> (Bool, String, String) in
                var digests: [String] = []
                for (file, type) in [
                    (blessing, "application/vnd.in-toto+json"),
                    (reports["sarif"] ?? "", "application/sarif+json"),
                ] {
                    var attach = AttachService.Request(
                        subject: reference, files: [file], artifactType: type,
                        registry: request.registry)
                    attach.mediaType = type
                    digests.append(
                        String(try AttachService.run(attach).referrer.digest.encoded.prefix(12)))
                }
                return (true, "attached", "blessing \(digests[0]), report \(digests[1])")
            }
            guard attached != nil else { return finish(summary, request) }
        } else if request.dryRun {
            summary.steps.append(
                Step(name: "attach", status: "skipped", detail: "dry run", seconds: 0))
            onStep(summary.steps[summary.steps.count - 1])
        }

        // promote into the first environment
        let promoted = step("promote") {
            () throws -> (PromotionService.PromoteOutcome, String, String) in
            let service = try PromotionService.open(
                config: request.config, state: request.state, cache: request.cache,
                ci: request.ci, log: log)
            var promote = PromotionService.PromoteRequest(to: first.name)
            promote.artifact = pinned
            promote.blessing = blessing
            promote.reason = request.reason
            promote.dryRun = request.dryRun
            let outcome = try service.promote(promote)
            if let refusal = outcome.plan.refusal {
                throw ShipKitError.checkFailed(refusal.description)
            }
            if let commit = outcome.commit {
                return (outcome, "committed", "\(first.name): \(commit.prefix(12))")
            }
            if request.dryRun {
                return (
                    outcome, "planned",
                    outcome.plan.changed
                        ? "\(first.name): would commit" : "\(first.name) already runs this release"
                )
            }
            return (outcome, "unchanged", "\(first.name) already runs this release: no commit")
        }
        guard let promoted else { return finish(summary, request) }
        summary.environment = first.name
        summary.commit = promoted.commit
        summary.released = !request.dryRun
        summary.changed =
            promoted.commit != nil
            || summary.steps.contains { $0.name == "build" && $0.status == "built" }
        return finish(summary, request)
    }

    /// Tells the CI system: GitHub's step summary.
    private static func finish(_ summary: Summary, _ request: Request) -> Summary {
        if request.ci.stepSummaryFile != nil {
            let report = summary.reports["markdown"].flatMap {
                try? String(contentsOfFile: $0, encoding: .utf8)
            }
            request.ci.appendStepSummary(summary.markdown(report: report))
        }
        return summary
    }
}

/// `1.5 GiB`, `320 KiB`, `12 B`.
public struct ByteCount: CustomStringConvertible, Sendable {
    public var bytes: Int64
    public init(_ bytes: Int64) { self.bytes = bytes }
    public var description: String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f ", value) + units[unit]
    }
}
