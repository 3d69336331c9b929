import Foundation
public import Linter
public import Promoter
public import Renderer
import ShipFiles
public import ShipModel

/// The one place that renders a project's chart or kustomization for an environment: the
/// deploy's values, then the environment's, then the release. `shipml render --env`,
/// `shipml lint --env`, the `requireLint` gate, `status` and every promotion and rollback
/// render through it, so what is shown and linted is what is committed.
public struct EnvironmentRenderer: ManifestRenderer, Sendable {
    public var loaded: LoadedProject
    /// Helm's `--show-only`: only these templates of a chart (for `render --env`; promotion
    /// renders them all).
    public var showOnly: [String] = []

    public init(loaded: LoadedProject) {
        self.loaded = loaded
    }

    /// What renders an environment: its own `overlay`, else the project's deploy directory.
    public enum Source: Equatable, Sendable {
        case none
        case kustomization(String)
        case chart(String)
    }

    /// What `environment` is rendered from.
    public func source(for environment: EnvironmentSpec) -> Source {
        if let overlay = environment.overlay { return .kustomization(overlay) }
        switch loaded.project.deploy?.source {
        case nil: return .none
        case .kustomize(let path): return .kustomization(path)
        case .chart(let path): return .chart(path)
        }
    }

    /// The manifests promotion commits for `release` in `environment`, one file each, in a
    /// stable order; empty when the project deploys nothing.
    public func render(environment: EnvironmentSpec, release: ReleaseRecord) throws
        -> [ManifestFile]
    {
        switch source(for: environment) {
        case .none: return []
        case .chart(let path):
            return try renderChart(path, environment: environment, release: release)
        case .kustomization(let directory):
            return try renderKustomization(directory, environment: environment, release: release)
        }
    }

    func renderKustomization(
        _ directory: String, environment: EnvironmentSpec, release: ReleaseRecord
    ) throws -> [ManifestFile] {
        let absolute = absolutePath(loaded.resolve(directory))
        var output: KustomizeOutput
        do {
            output = try Kustomizer.build(
                absolute, fileSystem: LocalFileSystem(), restrictToRoot: true)
        } catch {
            let field =
                environment.overlay != nil ? "environments.\(environment.name).overlay" : "deploy"
            throw ShipKitError.badInput("\(field) \(directory): \(error)")
        }
        let image = loaded.project.deploy?.image
        if let override = Self.imageOverride(image: image, artifact: release.artifact.reference),
            output.setImages([override]) == 0, let image
        {
            throw ShipKitError.badInput(
                "deploy.image \(image): no container, init container or image volume in \(directory) "
                    + "(rendered for \(environment.name)) names this image; expected the name "
                    + "the overlay's resources use for the model artifact")
        }
        return output.files.map { ManifestFile(name: $0.name, text: $0.text) }
    }

    /// What pins the release in kustomize output: the image named `image` (or, without one, the
    /// artifact's own repository) set to the artifact by digest. An artifact in an OCI layout
    /// has no name a cluster can pull, so only its digest is set, and only under `image`.
    public static func imageOverride(image: String?, artifact reference: String) -> ImageOverride? {
        let (repository, _, digest) = ImageOverride.parts(of: reference)
        guard let digest else { return nil }
        if reference.hasPrefix("oci:") {
            return image.map { ImageOverride(name: $0, digest: digest) }
        }
        return ImageOverride(name: image ?? repository, newName: repository, digest: digest)
    }

    /// The values and options a chart is rendered with for `environment`: the deploy's and
    /// then the environment's values files and values, and the release itself as
    /// `model.name`, `model.version`, `model.reference` (the artifact by digest) and
    /// `model.digest`; the release name from `deploy.releaseName` (else the model's name), the
    /// namespace from the environment (else its name).
    public func chartInputs(environment: EnvironmentSpec, release: ReleaseRecord) throws -> (
        values: HelmValueOptions, options: HelmTemplateOptions
    ) {
        let deploy = loaded.project.deploy
        var values = HelmValueOptions()
        values.valueFiles = ((deploy?.valuesFiles ?? []) + environment.valuesFiles).map {
            absolutePath(loaded.resolve($0))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json(_ value: some Encodable) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        for case .map(let pairs) in [deploy?.values, environment.values].compactMap({ $0 }) {
            for pair in pairs { values.jsonValues.append("\(pair.key)=\(try json(pair.value))") }
        }
        for (key, value) in [
            ("model.name", release.model.name), ("model.version", release.model.version),
            ("model.reference", release.artifact.reference),
            ("model.digest", release.artifact.digest.description),
        ] {
            values.jsonValues.append("\(key)=\(try json(value))")
        }
        var options = HelmTemplateOptions()
        options.releaseName = deploy?.releaseName ?? release.model.name
        options.namespace = environment.namespace ?? environment.name
        options.showOnly = showOnly
        return (values, options)
    }

    /// The chart rendered as `helm template` renders it with ``chartInputs(environment:release:)``:
    /// one file per template.
    func renderChart(_ path: String, environment: EnvironmentSpec, release: ReleaseRecord) throws
        -> [ManifestFile]
    {
        let (values, options) = try chartInputs(environment: environment, release: release)
        let result = HelmTemplate(engine: HelmLibrary.engine).run(
            chartPath: absolutePath(loaded.resolve(path)), values: values, options: options,
            fileSystem: LocalFileSystem())
        if let error = result.error {
            throw ShipKitError.badInput("deploy.chart \(path) for \(environment.name): \(error)")
        }
        return Self.filesByTemplate(result.documents)
    }

    /// Helm's documents grouped into one file per template (`templates_deployment.yaml`), in
    /// Helm's order: what promotion commits and `--output DIR` writes.
    public static func filesByTemplate(_ documents: [HelmDocument]) -> [ManifestFile] {
        var order: [String] = []
        var texts: [String: [String]] = [:]
        for document in documents {
            let name = document.source.replacingOccurrences(of: "/", with: "_")
            if texts[name] == nil { order.append(name) }
            var content = document.content
            if !content.hasSuffix("\n") { content += "\n" }
            texts[name, default: []].append(content)
        }
        return order.map {
            ManifestFile(name: $0, text: (texts[$0] ?? []).joined(separator: "---\n"))
        }
    }

    /// The lint options an environment gives: production or not, and the project's
    /// `lint.severity` under the environment's own `lint` map.
    public func lintOptions(environment: EnvironmentSpec) -> Linter.Options {
        Linter.Options(project: loaded.project, environment: environment)
    }

    /// `shipml lint` over rendered files, weighed as the environment says.
    public func lint(environment: EnvironmentSpec, manifests: [ManifestFile]) throws -> [Finding] {
        var parsed: [Manifest] = []
        for file in manifests {
            do {
                parsed += try Manifest.parseStream(file.text, file: file.name)
            } catch {
                throw ShipKitError.badInput("\(environment.name): \(error)")
            }
        }
        return Linter.lint(parsed, options: lintOptions(environment: environment))
    }

    /// The error-level findings, one line each, for the `requireLint` gate.
    public func lintErrors(environment: EnvironmentSpec, manifests: [ManifestFile]) throws
        -> [String]?
    {
        try lint(environment: environment, manifests: manifests).filter { $0.severity == .error }
            .map { "\($0.rule): \($0.resource) \($0.field): \($0.message)" }
    }
}

extension Linter.Options {
    /// The weights an environment gives lint: production or not, and the project's
    /// `lint.severity` under the environment's own `lint` map. Rule ids are not checked here.
    public init(project: Project, environment: EnvironmentSpec) {
        self.init(production: environment.production)
        for (rule, level) in project.lint.severity.merging(
            environment.lint, uniquingKeysWith: { $1 })
        {
            severities[rule] = Severity(rawValue: level.rawValue)
        }
    }
}

extension ManifestFile {
    /// Files as one YAML stream, as `kubectl kustomize` and `helm template` print them.
    public static func stream(_ files: [ManifestFile]) -> String {
        files.map(\.text).joined(separator: "---\n")
    }
}
