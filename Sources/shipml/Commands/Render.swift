import ArgumentParser
import Foundation
import Renderer
import ShipFiles

/// `shipml render`: print the Kubernetes objects a deploy directory makes.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract:
            "Render a Helm chart as `helm template` does, or a kustomization as `kubectl kustomize` does.",
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
            goldens use v1.20.0).

            Exit codes: 0 rendered; 2 bad input (a missing file, a file outside the
            kustomization's directory, a chart that does not render, a patch that cannot
            apply).

            Examples:
              shipml render deploy/overlays/production
              shipml render deploy/base --output build/manifests
              shipml render charts/web -f prod.yaml --set image.tag=1.2.3
              shipml render charts/web --name web --namespace prod \\
                --show-only templates/service.yaml
              shipml render charts/web --json   (documents as [{"source", "content"}])
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The chart or kustomization directory.")
    var directory: String

    @OptionGroup(title: "Helm charts") var helm: HelmOptions

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
        let root: String
        switch source {
        case .chart(let chartDirectory, _):
            try renderChart(chartDirectory, fileSystem: fileSystem)
            return
        case .kustomization(let directory, _):
            root = directory
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
        options.namespace = helm.namespace
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
            if let name = helm.name {
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
        if global.json {
            if result.error == nil || helm.debug {
                FileHandle.standardOutput.write(
                    Data(HelmDocumentsJSON.encode(result.documents).utf8))
            }
        } else {
            FileHandle.standardOutput.write(Data(result.output.utf8))
        }
        if let error = result.error {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw CommandFailure.silent(.badInput)
        }
    }
}
