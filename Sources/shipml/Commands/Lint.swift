import ArgumentParser
import Foundation
import Linter
import Promoter
import Renderer
import ShipFiles
import ShipKit
import ShipModel

/// `shipml lint`: check rendered manifests against the practices of serving models.
struct Lint: ParsableCommand {
    /// The rule list, wrapped when the help is built because it is not written out by hand.
    private static let rules = HelpText.paragraph(
        "Rules: " + Linter.ruleIDs.joined(separator: ", ") + ".")

    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check Kubernetes manifests against the practices of serving models.",
        usage: "shipml lint [<options>] [<paths> ...]",
        discussion: """
            Reads manifests from files (a YAML stream, as `helm template` or
            `kubectl kustomize` prints it; `-` is standard input) or renders a chart (with
            its own values) or a kustomization directory, and reports each finding with the
            object, the field and the fix.
            \(rules)

            --env ENV lints what promotion would commit to ENV when no path is named, or
            when the path is the project's own chart or kustomization: rendered with the
            environment's values and the release (as shipml render --env ENV), the objects
            the requireLint gate weighs. Other paths are read as they are.

            --env ENV also takes the environment's weights from shipml.yaml: in a
            production environment (production: true, or a name like prod) a single
            replica, a missing PodDisruptionBudget and images named by tag are errors.
            lint.severity and each environment's lint map set a rule to error, warning,
            info or off.

            Exit codes: 0 no error-level finding; 1 at least one; 2 bad input.

            Examples:
              shipml lint rendered.yaml
              kubectl kustomize deploy/overlays/prod | shipml lint - --production
              shipml lint deploy/overlays/prod --env prod --json
              shipml lint --env prod              (what promotion commits to prod)
              shipml render deploy/chart -f values-prod.yaml | shipml lint - --env prod
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Manifest files, `-` for standard input, chart or kustomization directories.")
    var paths: [String] = []

    @Option(
        help: "Weigh findings as this environment of shipml.yaml does.",
        completion: Completions.environments)
    var env: String?

    @Flag(help: "Weigh findings as in production (without --env).")
    var production = false

    @Option(
        name: .customLong("severity"),
        help: ArgumentHelp(
            "Set a rule's severity: RULE=error|warning|info|off (repeatable).",
            valueName: "rule=level"))
    var severityOverrides: [String] = []

    @Option(
        help: ArgumentHelp(
            "With --env and no paths (or the project's own chart or kustomization): the release to render, by digest.",
            valueName: "reference@sha256:digest"))
    var artifact: String?

    func validate() throws {
        if paths.isEmpty && env == nil {
            throw ValidationError(
                "name at least one file or directory, or an environment with --env")
        }
        if artifact != nil && env == nil {
            throw ValidationError("--artifact picks the release --env renders; give --env ENV too")
        }
    }

    func run() throws {
        Console.configure(global)
        let options = try lintOptions()
        var manifests: [Manifest] = []
        let environmentPaths = try projectDeployPaths()
        if paths.isEmpty, let env {
            manifests += try renderEnvironment(env)
        }
        for path in paths {
            if let env, environmentPaths.contains(standardized(path)) {
                // The project's own chart or kustomization: linted as promotion renders it
                // for the environment, with its values, not the chart's defaults.
                manifests += try renderEnvironment(env)
            } else {
                manifests += try read(path)
            }
        }
        let findings = Linter.lint(manifests, options: options)
        report(findings, objects: manifests.count)
        let errors = findings.filter { $0.severity == .error }.count
        if errors > 0 {
            throw CommandFailure.silent(.checkFailed, summary: "lint: \(count(errors, "error"))")
        }
    }

    func lintOptions() throws -> Linter.Options {
        var options = Linter.Options(production: production)
        if let env {
            let loaded = try loadProject(global.config)
            guard let environment = loaded.project.environment(named: env) else {
                let names = loaded.project.environments.map(\.name)
                throw CommandFailure.badInput(
                    "\(global.config): no environment \"\(env)\" (there are \(names.joined(separator: ", ")))"
                )
            }
            options = Linter.Options(project: loaded.project, environment: environment)
            options.production = production || environment.production
            for rule in options.severities.keys {
                try checkRule(rule, from: "\(global.config): lint")
            }
        }
        for text in severityOverrides {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let level = Severity(rawValue: parts[1]) else {
                throw CommandFailure.badInput(
                    "--severity \(text): expected RULE=error, RULE=warning, RULE=info or RULE=off")
            }
            try checkRule(parts[0], from: "--severity")
            options.severities[parts[0]] = level
        }
        return options
    }

    func checkRule(_ rule: String, from place: String) throws {
        guard Linter.ruleIDs.contains(rule) else {
            throw CommandFailure.badInput(
                "\(place): no lint rule \"\(rule)\"\(Suggestions.hint(for: rule, in: Linter.ruleIDs)); the rules are \(Linter.ruleIDs.joined(separator: ", "))"
            )
        }
    }

    /// The directories the project renders `--env`'s environment from, standardized: its
    /// overlay, else the deploy's chart or kustomization.
    func projectDeployPaths() throws -> Set<String> {
        guard let env, !paths.isEmpty else { return [] }
        let loaded = try loadProject(global.config)
        guard let environment = loaded.project.environment(named: env) else { return [] }
        switch EnvironmentRenderer(loaded: loaded).source(for: environment) {
        case .none: return []
        case .chart(let path), .kustomization(let path):
            return [standardized(absolutePath(loaded.resolve(path)))]
        }
    }

    func standardized(_ path: String) -> String {
        var text = (absolutePath(path) as NSString).standardizingPath
        while text.count > 1, text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// What promotion would commit for `env`, as objects to lint.
    func renderEnvironment(_ env: String) throws -> [Manifest] {
        var request = EnvironmentRendering.Request(environment: env)
        request.config = global.config
        request.artifact = artifact
        let result = try EnvironmentRendering.run(request, log: Console.log)
        var manifests: [Manifest] = []
        for file in result.files {
            do {
                manifests += try Manifest.parseStream(file.text, file: "\(env)/\(file.name)")
            } catch {
                throw CommandFailure.badInput("\(error)")
            }
        }
        return manifests
    }

    func read(_ path: String) throws -> [Manifest] {
        let fileSystem = LocalFileSystem()
        if path != "-", fileSystem.isDirectory(path) {
            let source: RenderSource
            do {
                source = try RenderSource.detect(path, fileSystem: fileSystem)
            } catch {
                throw CommandFailure.badInput("\(error)")
            }
            if case .chart(let directory, _) = source {
                // The chart with its own values; other values: shipml render ... | shipml lint -
                let result = HelmTemplate(engine: HelmLibrary.engine).run(
                    chartPath: directory, values: HelmValueOptions(),
                    options: HelmTemplateOptions(), fileSystem: fileSystem)
                if let error = result.error {
                    throw CommandFailure.badInput("\(path): \(error)")
                }
                do {
                    return try Manifest.parseStream(result.output, file: path)
                } catch {
                    throw CommandFailure.badInput("\(error)")
                }
            }
            guard case .kustomization(let root, _) = source else {
                throw CommandFailure.badInput("\(path): neither a chart nor a kustomization")
            }
            do {
                let output = try Kustomizer.build(absolutePath(root), fileSystem: fileSystem)
                return output.resources.map { Manifest($0, source: path) }
            } catch {
                throw CommandFailure.badInput("\(error)")
            }
        }
        let text: String
        if path == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            do {
                text = try fileSystem.readText(at: path)
            } catch {
                throw CommandFailure.badInput("\(error)")
            }
        }
        do {
            return try Manifest.parseStream(text, file: path == "-" ? "<stdin>" : path)
        } catch {
            throw CommandFailure.badInput("\(error)")
        }
    }

    func report(_ findings: [Finding], objects: Int) {
        let counts = Dictionary(grouping: findings, by: \.severity).mapValues(\.count)
        if global.json {
            struct Output: Encodable {
                var objects: Int
                var errors: Int
                var warnings: Int
                var infos: Int
                var findings: [Finding]
            }
            Console.data(
                JSONOutput.encode(
                    Output(
                        objects: objects, errors: counts[.error] ?? 0,
                        warnings: counts[.warning] ?? 0, infos: counts[.info] ?? 0,
                        findings: findings)))
            return
        }
        for finding in findings {
            let source = finding.source.map { "  (\($0))" } ?? ""
            Console.output(
                "\(finding.severity.rawValue)[\(finding.rule)] \(finding.resource) \(finding.field): \(finding.message)\(source)\n  fix: \(finding.fix)"
            )
        }
        Console.output(
            "\(count(objects, "object")): \(count(counts[.error] ?? 0, "error")), \(count(counts[.warning] ?? 0, "warning")), \(count(counts[.info] ?? 0, "info"))"
        )
    }
}

/// `1 error`, `2 errors`.
func count(_ number: Int, _ noun: String) -> String {
    "\(number) \(noun)\(number == 1 ? "" : "s")"
}
