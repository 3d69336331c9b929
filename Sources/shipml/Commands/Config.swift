import ArgumentParser
import Foundation
import ShipFiles
import ShipKit
import ShipModel

/// `shipml config`: work with the project file.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with the project file (shipml.yaml).",
        discussion: """
            Examples:
              shipml config check
              shipml config check --json
            """,
        subcommands: [Check.self]
    )

    /// `shipml config check`: validate the file and print the resolved configuration.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check shipml.yaml and print the resolved configuration.",
            usage: "shipml config check [<options>]",
            discussion: """
                Reports every problem in the file with its line, column and field path, and
                checks what the file points at (the model directory, the metrics and policy
                files, the chart or kustomization, values files). Files a CI job makes before
                the release (the model, the metrics) are warnings when missing; --strict makes
                them errors.

                Exit codes: 0 valid, 2 invalid (or, with --strict, warnings).

                Examples:
                  shipml config check
                  shipml config check --config deploy/shipml.yaml --strict
                  shipml config check --json | jq .project.environments
                """
        )

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Treat warnings as errors.")
        var strict = false

        func run() throws {
            Console.configure(global)
            let fileSystem = LocalFileSystem()
            let loaded: LoadedProject
            do {
                loaded = try ProjectLoader.load(global.config, fileSystem: fileSystem)
            } catch let error as ProjectFileError {
                finish(project: nil, diagnostics: error.diagnostics)
                throw CommandFailure.silent(.badInput)
            }
            Console.info("read \(loaded.file); paths resolve against \(loaded.directory)")
            let diagnostics = ProjectLoader.checkReferences(loaded, fileSystem: fileSystem)
            let project = loaded.project
            Console.info(
                "model \(project.model.name) \(project.model.version), "
                    + "\(project.environments.count) environments "
                    + "(\(project.environments.map(\.name).joined(separator: " → "))), "
                    + "\(project.evaluation?.policy?.thresholds.count ?? 0) inline thresholds")
            let failed = diagnostics.contains { $0.severity == .error || strict }
            finish(project: failed ? nil : loaded.project, diagnostics: diagnostics)
            if failed { throw CommandFailure.silent(.badInput) }
        }

        private func finish(project: Project?, diagnostics: [Diagnostic]) {
            if global.json {
                let report = CheckReport(
                    file: global.config, valid: project != nil, diagnostics: diagnostics,
                    project: project)
                Console.data(JSONOutput.encode(report))
                return
            }
            Console.report(diagnostics)
            guard let project else { return }
            do {
                Console.output(try YAMLOutput.encode(project))
            } catch {
                Console.error("cannot print the configuration: \(error)")
            }
        }
    }
}

/// What `config check --json` prints.
struct CheckReport: Encodable {
    var file: String
    var valid: Bool
    var diagnostics: [Diagnostic]
    var project: Project?
}
