import ArgumentParser
import Foundation
import Renderer
import ShipFiles

/// `shipml render`: print the Kubernetes objects a deploy directory makes.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a kustomization directory as `kubectl kustomize` does.",
        discussion: """
            A directory with kustomization.yaml (or kustomization.yml, or Kustomization) is
            built as kustomize v5.5.0 builds it: the same objects, order and YAML text.
            Deprecation warnings go to standard error, as kustomize prints them. Helm charts
            (Chart.yaml) are not rendered yet.

            Exit codes: 0 rendered; 2 bad input (a missing file, a file outside the
            kustomization's directory, a chart, a patch that cannot apply).

            Examples:
              shipml render deploy/overlays/production
              shipml render deploy/base --output build/manifests
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The kustomization directory.")
    var directory: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write one file per object (group_version_kind_name.yaml) into this directory.",
            valueName: "dir"))
    var output: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "LoadRestrictionsRootOnly (the default: files must lie in or below the "
                + "kustomization's directory) or LoadRestrictionsNone.",
            valueName: "restriction"))
    var loadRestrictor = "LoadRestrictionsRootOnly"

    func validate() throws {
        let known = ["LoadRestrictionsRootOnly", "LoadRestrictionsNone"]
        guard known.contains(loadRestrictor) else {
            throw ValidationError(
                "--load-restrictor must be LoadRestrictionsRootOnly or LoadRestrictionsNone")
        }
    }

    func run() throws {
        Console.configure(global)
        let fileSystem = LocalFileSystem()
        let source: RenderSource
        do {
            source = try RenderSource.detect(directory, fileSystem: fileSystem)
        } catch {
            throw CommandFailure.badInput("\(error)")
        }
        guard case .kustomization(let root, _) = source else {
            throw CommandFailure.badInput("\(directory): Helm charts are not rendered yet")
        }
        let absolute =
            root.hasPrefix("/")
            ? root : FileManager.default.currentDirectoryPath + "/" + root
        let result: KustomizeOutput
        do {
            result = try Kustomizer.build(
                absolute, fileSystem: fileSystem,
                restrictToRoot: loadRestrictor != "LoadRestrictionsNone")
        } catch {
            throw CommandFailure.badInput("\(error)")
        }
        for warning in result.warnings {
            FileHandle.standardError.write(Data((warning + "\n").utf8))
        }
        guard let output else {
            FileHandle.standardOutput.write(Data(result.yaml.utf8))
            return
        }
        do {
            try fileSystem.createDirectory(at: output)
            for file in result.files {
                try fileSystem.writeText(at: joinPath(output, file.name), file.text)
            }
        } catch {
            throw CommandFailure.environment("\(error)")
        }
    }
}
