public import ArgumentParser
import Foundation
import ShipFiles
import ShipKit
public import ShipModel

extension ProjectTemplate.Deploy: ExpressibleByArgument {}

/// `shipml init`: write an example project.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write an example project that passes `shipml config check`.",
        usage: "shipml init [<options>] [<directory>]",
        discussion: """
            Writes a commented shipml.yaml, a model/ directory, example evaluation metrics
            and the deploy files: the built-in model-serving chart with values per
            environment (--deploy chart, the default), or the built-in kustomize base with
            an overlay per environment (--deploy kustomize). Existing files other than
            shipml.yaml are never overwritten; shipml.yaml only with --force.

            Examples:
              shipml init
              shipml init my-model --name sentiment-bert
              shipml init --deploy kustomize
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The project directory (created if missing).")
    var directory: String = "."

    @Option(help: "The model's name, a DNS label (default: from the directory's name).")
    var name: String?

    @Flag(help: "Overwrite an existing shipml.yaml.")
    var force = false

    @Option(
        help: "chart (the built-in model-serving chart), kustomize (a base and overlays) or none.")
    var deploy: ProjectTemplate.Deploy = .chart

    func validate() throws {
        if let name, ProjectTemplate.modelName(fromDirectoryName: name) != name {
            throw ValidationError(
                "--name must be a lowercase DNS label (a-z, 0-9, -, at most 63 characters), got \"\(name)\""
            )
        }
    }

    /// The built-in chart or kustomize tree, placed under deploy/; each overlay's namespace is
    /// the environment's.
    func deployFiles(_ modelName: String) -> [(path: String, contents: String)] {
        let prefix: String
        let target: String
        switch deploy {
        case .chart: (prefix, target) = ("model-serving/", "deploy/chart/")
        case .kustomize: (prefix, target) = ("kustomize/", "deploy/kustomize/")
        case .none: return []
        }
        return EmbeddedTemplates.files.filter { $0.path.hasPrefix(prefix) }.map { file in
            var contents = file.contents
            for environment in ProjectTemplate.environments {
                contents = contents.replacingOccurrences(
                    of: "namespace: ml-\(environment)\n",
                    with: "namespace: \(ProjectTemplate.namespace(modelName, environment))\n")
            }
            return (target + file.path.dropFirst(prefix.count), contents)
        }
    }

    func run() throws {
        Console.configure(global)
        let fileSystem = LocalFileSystem()
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        let modelName =
            name
            ?? ProjectTemplate.modelName(
                fromDirectoryName: (absolute as NSString).lastPathComponent)
        let projectFile = joinPath(directory, "shipml.yaml")
        if fileSystem.fileKind(at: projectFile) != nil, !force {
            throw CommandFailure.badInput(
                "\(projectFile) already exists; use --force to replace it")
        }
        var written: [String] = []
        do {
            try fileSystem.createDirectory(at: directory)
            for (path, contents) in ProjectTemplate.files(name: modelName, deploy: deploy)
                + deployFiles(modelName)
            {
                let target = joinPath(directory, path)
                if path != "shipml.yaml", fileSystem.fileKind(at: target) != nil {
                    Console.info("kept existing \(target)")
                    continue
                }
                try fileSystem.createDirectory(at: (target as NSString).deletingLastPathComponent)
                try fileSystem.writeText(at: target, contents)
                written.append(target)
            }
        } catch let error as FileSystemError {
            throw CommandFailure.environment("cannot write the project: \(error)")
        }
        if global.json {
            struct Report: Encodable {
                var model: String
                var written: [String]
            }
            Console.data(JSONOutput.encode(Report(model: modelName, written: written)))
            return
        }
        for path in written { Console.output("wrote \(path)") }
        let configFlag = directory == "." ? "" : " --config \(projectFile)"
        Console.output("next: shipml config check\(configFlag)")
    }
}
