import ArgumentParser
import Foundation
import Promoter
import Renderer
import ShipFiles
import ShipKit

/// `shipml render`: print the Kubernetes objects a deploy directory makes.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract:
            "Render a Helm chart as `helm template` does, or a kustomization as `kubectl kustomize` does.",
        usage: """
            shipml render [<options>] [NAME] <directory>
              shipml render --env <env> [<options>]
            """,
        discussion: """
            A directory with kustomization.yaml (or kustomization.yml, or Kustomization) is
            built as kustomize v5.5.0 builds it: the same objects, order and YAML text.
            Deprecation warnings go to standard error, as kustomize prints them.

            A directory with Chart.yaml is rendered as `helm template release-name DIR`
            (Helm v4) renders it: values layered from values.yaml, each -f, then
            --set-json, --set, --set-string, --set-file and --set-literal; subcharts; hooks
            after the manifests; documents in Helm's install order with `# Source:`
            headers. On failure the error goes to standard error after `Error: `, as Helm
            prints it. .Capabilities reports Kubernetes v1.36.0 unless --kube-version says
            otherwise (SHIPML_HELM_KUBE_VERSION changes that default; Helm's own test
            goldens use v1.20.0). As with helm, the release name may come first:
            `shipml render web charts/web`; `shipml template` is the same command.

            --env ENV renders what `shipml promote --to ENV` would commit: the project's
            chart or kustomization (or the environment's overlay) with the deploy's values,
            then the environment's, then the release: the one ENV's source environment
            runs (else the one ENV runs), or --artifact. Helm's value flags do not apply
            there: the values are shipml.yaml's.

            Flags that do not apply to what is rendered are refused (exit 2): Helm's flags
            on a kustomization, --load-restrictor on a chart.

            Exit codes: 0 rendered; 2 bad input (a missing file, a file outside the
            kustomization's directory, a chart that does not render, a patch that cannot
            apply, a flag that does not apply).

            Examples:
              shipml render deploy/overlays/production
              shipml render deploy/base --output build/manifests
              shipml render charts/web -f prod.yaml --set image.tag=1.2.3
              shipml render web charts/web --namespace prod \\
                --show-only templates/service.yaml
              shipml render charts/web --output out/   (one file per template)
              shipml render --env prod                 (what promotion commits to prod)
              shipml render --env prod --output out/ --json
              shipml render charts/web --json   (documents as [{"source", "content"}])
            """,
        aliases: ["template"]
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The release name (charts only, as helm's NAME CHART), then the directory.")
    var arguments: [String] = []

    @OptionGroup(title: "Helm charts") var helm: HelmOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write one file per object (a kustomization: group_version_kind_name.yaml) or per template (a chart, as helm template --output-dir) into this directory.",
            valueName: "dir"))
    var output: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "LoadRestrictionsRootOnly (the default: files must lie in or below the "
                + "kustomization's directory) or LoadRestrictionsNone.",
            valueName: "restriction"))
    var loadRestrictor: String?

    @Option(
        help: "Render what promotion would commit to this environment of shipml.yaml.",
        completion: Completions.environments)
    var env: String?

    @Option(
        help: ArgumentHelp(
            "With --env: the release to render, by digest (default: the release the environment would take).",
            valueName: "reference@sha256:digest"))
    var artifact: String?

    @Option(
        help: ArgumentHelp(
            "With --env: the state repository (default: state.repository).",
            valueName: "path|url"))
    var state: String?

    @Option(
        help: ArgumentHelp(
            "With --env: where remote state is cached (default: .shipml/cache).",
            valueName: "dir"))
    var cache: String?

    func validate() throws {
        let known = ["LoadRestrictionsRootOnly", "LoadRestrictionsNone"]
        if let loadRestrictor, !known.contains(loadRestrictor) {
            throw ValidationError(
                "--load-restrictor must be LoadRestrictionsRootOnly or LoadRestrictionsNone")
        }
        if env == nil {
            if arguments.isEmpty {
                throw ValidationError(
                    "name the chart or kustomization directory, or an environment with --env")
            }
            if arguments.count > 2 {
                throw ValidationError(
                    "expected [NAME] DIRECTORY, got \(arguments.count) arguments")
            }
            for (flag, value) in [("--artifact", artifact), ("--state", state), ("--cache", cache)]
            where value != nil {
                throw ValidationError("\(flag) picks the release for --env; give --env ENV too")
            }
        } else {
            if !arguments.isEmpty {
                throw ValidationError(
                    "--env renders the project's own chart or kustomization; name no directory")
            }
            if let flag = helm.given.first(where: { $0 != "--show-only" }) {
                throw ValidationError(
                    "\(flag) does not apply with --env: an environment is rendered with the values shipml.yaml gives it (deploy.values, then the environment's)"
                )
            }
            if loadRestrictor != nil {
                throw ValidationError(
                    "--load-restrictor does not apply with --env: promotion renders with files restricted to the kustomization's directory"
                )
            }
        }
    }

    func run() throws {
        Console.configure(global)
        if let env {
            try renderEnvironment(env)
            return
        }
        let directory = arguments[arguments.count - 1]
        let fileSystem = LocalFileSystem()
        let source: RenderSource
        do {
            source = try RenderSource.detect(directory, fileSystem: fileSystem)
        } catch {
            throw CommandFailure.badInput("\(error)")
        }
        switch source {
        case .chart(let chartDirectory, _):
            if loadRestrictor != nil {
                throw CommandFailure.badInput(
                    "--load-restrictor applies to kustomizations; \(directory) is a Helm chart")
            }
            if arguments.count == 2, helm.name != nil || helm.nameTemplate != nil {
                throw CommandFailure.badInput(
                    "the release is named twice: \(arguments[0]) and \(helm.name != nil ? "--name" : "--name-template")"
                )
            }
            try renderChart(chartDirectory, fileSystem: fileSystem)
        case .kustomization(let root, _):
            if let flag = helm.given.first {
                throw CommandFailure.badInput(
                    "\(flag) applies to Helm charts; \(directory) is a kustomization (change it in its kustomization.yaml, a patch or an overlay)"
                )
            }
            if arguments.count == 2 {
                throw CommandFailure.badInput(
                    "a release name (\(arguments[0])) applies to Helm charts; \(directory) is a kustomization"
                )
            }
            try renderKustomization(root, fileSystem: fileSystem)
        }
    }

    func renderKustomization(_ root: String, fileSystem: LocalFileSystem) throws {
        let result: KustomizeOutput
        do {
            result = try Kustomizer.build(
                absolutePath(root), fileSystem: fileSystem,
                restrictToRoot: loadRestrictor != "LoadRestrictionsNone")
        } catch {
            throw CommandFailure.badInput("\(error)")
        }
        for warning in result.warnings {
            Console.writeError(warning)
        }
        let files = result.files.map { ManifestFile(name: $0.name, text: $0.text) }
        if let output {
            try write(files, to: output)
        }
        if global.json {
            printDocuments(files.map { HelmDocument(source: $0.name, content: $0.text) })
        } else if output == nil {
            FileHandle.standardOutput.write(Data(result.yaml.utf8))
        }
    }

    /// What promotion would commit for `name`.
    func renderEnvironment(_ name: String) throws {
        var request = EnvironmentRendering.Request(environment: name)
        request.config = global.config
        request.artifact = artifact
        request.state = state
        request.cache = cache
        request.showOnly = helm.showOnly
        let result = try EnvironmentRendering.run(request, log: Console.log)
        Console.info(
            "\(name): \(result.release.model.name) \(result.release.model.version) \(result.release.artifact.reference) (from \(result.releaseFrom))"
        )
        if let output {
            try write(result.files, to: output)
        }
        if global.json {
            printDocuments(result.files.map { HelmDocument(source: $0.name, content: $0.text) })
        } else if output == nil {
            FileHandle.standardOutput.write(Data(ManifestFile.stream(result.files).utf8))
        }
    }

    func printDocuments(_ documents: [HelmDocument]) {
        FileHandle.standardOutput.write(Data(HelmDocumentsJSON.encode(documents).utf8))
    }

    /// Writes each file into `directory` (made if need be), atomically, refusing a name
    /// that would land outside it.
    func write(_ files: [ManifestFile], to directory: String) throws {
        let fileSystem = LocalFileSystem()
        do {
            try fileSystem.createDirectory(at: directory)
            for file in files {
                let parts = file.name.split(separator: "/")
                guard !file.name.hasPrefix("/"), !parts.contains(where: { $0 == ".." || $0 == "." })
                else {
                    throw CommandFailure.badInput(
                        "\(file.name): refusing to write outside \(directory)")
                }
                let path = joinPath(directory, file.name)
                let parent = (path as NSString).deletingLastPathComponent
                if !fileSystem.isDirectory(parent) { try fileSystem.createDirectory(at: parent) }
                try fileSystem.writeText(at: path, file.text)
            }
        } catch let error as ShipKitError {
            throw error
        } catch {
            throw CommandFailure.environment("\(error)")
        }
    }
}

extension Render {
    /// `helm template`: prints what Helm prints; on failure `Error: ` and Helm's message on
    /// standard error, exit 2.
    func renderChart(_ chartDirectory: String, fileSystem: LocalFileSystem) throws {
        var values = HelmValueOptions()
        values.valueFiles = helm.values
        values.values = helm.set
        values.stringValues = helm.setString
        values.fileValues = helm.setFile
        values.jsonValues = helm.setJson
        values.literalValues = helm.setLiteral
        var options = HelmTemplateOptions()
        options.namespace = helm.namespace ?? "default"
        options.showOnly = helm.showOnly
        options.skipTests = helm.skipTests
        options.skipSchemaValidation = helm.skipSchemaValidation
        options.includeCRDs = helm.includeCrds
        options.apiVersions = helm.apiVersions
        options.debug = helm.debug
        let environment = ProcessInfo.processInfo.environment
        if let kubeVersion = helm.kubeVersion ?? environment["SHIPML_HELM_KUBE_VERSION"] {
            options.kubeVersion = kubeVersion
        }
        let template = HelmTemplate(engine: HelmLibrary.engine)
        do {
            if arguments.count == 2 {
                options.releaseName = arguments[0]
            } else if let name = helm.name {
                options.releaseName = name
            } else if let nameTemplate = helm.nameTemplate {
                options.releaseName = try template.releaseName(fromTemplate: nameTemplate)
            }
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw CommandFailure.silent(.badInput)
        }
        let result = template.run(
            chartPath: chartDirectory, values: values, options: options, fileSystem: fileSystem)
        for warning in result.warnings {
            FileHandle.standardError.write(Data((warning + "\n").utf8))
        }
        if let output, result.error == nil {
            // As helm template --output-dir: DIR/<chart>/templates/<file>, each document
            // with its `---` and `# Source:` lines.
            var texts: [String: String] = [:]
            var order: [String] = []
            for document in result.documents {
                if texts[document.source] == nil { order.append(document.source) }
                texts[document.source, default: ""] +=
                    "---\n# Source: \(document.source)\n\(document.content)\n"
            }
            try write(order.map { ManifestFile(name: $0, text: texts[$0] ?? "") }, to: output)
            if !global.json {
                for name in order { Console.output("wrote \(joinPath(output, name))") }
            }
        }
        if global.json {
            if result.error == nil || helm.debug {
                printDocuments(result.documents)
            }
        } else if output == nil {
            FileHandle.standardOutput.write(Data(result.output.utf8))
        }
        if let error = result.error {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw CommandFailure.silent(.badInput)
        }
    }
}
