public import Foundation
public import ShipFiles

/// What `helm template` is told besides the chart: the release, the cluster it pretends to
/// talk to, and what to print.
public struct HelmTemplateOptions: Sendable {
    /// The kube version a released Helm (v4.2.3) reports when not told: its client-go minor
    /// version plus one.
    public static let releasedKubeVersion = "v1.36.0"
    /// The kube version Helm's own test binary reports, which its goldens show.
    public static let testKubeVersion = "v1.20.0"

    public var releaseName = "release-name"
    public var namespace = "default"
    /// `--kube-version`, or the default above.
    public var kubeVersion = HelmTemplateOptions.releasedKubeVersion
    /// `--api-versions`, added to the built-in list.
    public var apiVersions: [String] = []
    public var includeCRDs = false
    public var skipTests = false
    /// `--show-only` patterns (`templates/x.yaml`, globs).
    public var showOnly: [String] = []
    /// `--debug`: print the rendered manifest even when it does not parse.
    public var debug = false
    /// `--skip-schema-validation`: do not check the values against `values.schema.json`.
    public var skipSchemaValidation = false

    public init() {}
}

/// The values a user gives: `-f` files, then `--set-json`, `--set`, `--set-string`,
/// `--set-file`, `--set-literal`, merged in Helm's order.
public struct HelmValueOptions: Sendable {
    public var valueFiles: [String] = []
    public var jsonValues: [String] = []
    public var values: [String] = []
    public var stringValues: [String] = []
    public var fileValues: [String] = []
    public var literalValues: [String] = []

    public init() {}

    /// `values.Options.MergeValues`.
    public func merged(fileSystem: any FileSystem) throws -> [String: Value] {
        var base: [String: Value] = [:]
        for path in valueFiles {
            let text: String
            do {
                text = String(decoding: try fileSystem.readFile(at: path), as: UTF8.self)
            } catch {
                throw HelmError("open \(path): no such file or directory")
            }
            do {
                base = mergeMaps(base, try HelmYAML.map(text))
            } catch {
                throw HelmError("failed to parse \(path): \(error)")
            }
        }
        for value in jsonValues {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix("{") {
                guard case .map(let map) = try? JSONReader.document(trimmed) else {
                    throw HelmError("failed parsing --set-json data JSON: \(value)")
                }
                base = mergeMaps(base, map)
            } else {
                do {
                    try StrVals.parse(value, into: &base, mode: .json)
                } catch {
                    throw HelmError("failed parsing --set-json data \(value)")
                }
            }
        }
        for value in values {
            do {
                try StrVals.parse(value, into: &base, mode: .typed)
            } catch {
                throw HelmError("failed parsing --set data: \(error)")
            }
        }
        for value in stringValues {
            do {
                try StrVals.parse(value, into: &base, mode: .string)
            } catch {
                throw HelmError("failed parsing --set-string data: \(error)")
            }
        }
        for value in fileValues {
            do {
                try StrVals.parse(
                    value, into: &base,
                    mode: .file({ path in
                        do {
                            return String(
                                decoding: try fileSystem.readFile(at: path), as: UTF8.self)
                        } catch {
                            throw HelmError("open \(path): no such file or directory")
                        }
                    }))
            } catch {
                throw HelmError("failed parsing --set-file data: \(error)")
            }
        }
        for value in literalValues {
            do {
                try StrVals.parseLiteral(value, into: &base)
            } catch {
                throw HelmError("failed parsing --set-literal data: \(error)")
            }
        }
        return base
    }
}

/// One document of the output, for `--json`.
public struct HelmDocument: Sendable, Equatable {
    /// The template it came from (`chart/templates/x.yaml`).
    public var source: String
    public var content: String

    public init(source: String, content: String) {
        self.source = source
        self.content = content
    }
}

/// What `helm template` printed: standard output, and the error it ended with, if any.
public struct HelmTemplateResult: Sendable {
    public var output: String
    public var error: HelmError?
    /// The documents of `output`, in order.
    public var documents: [HelmDocument]
    /// Warnings Helm logs while coalescing values.
    public var warnings: [String]
}

/// `helm template`: Helm's client-only dry-run install, then its printing.
public struct HelmTemplate {
    public var engine: HelmEngine

    public init(engine: HelmEngine = HelmEngine()) {
        self.engine = engine
    }

    /// Renders the chart at `chartPath` as `helm template NAME CHART` with the given values
    /// and options.
    public func run(
        chartPath: String, values valueOptions: HelmValueOptions, options: HelmTemplateOptions,
        fileSystem: any FileSystem
    ) -> HelmTemplateResult {
        var result = HelmTemplateResult(output: "", error: nil, documents: [], warnings: [])
        do {
            let chart = try ChartLoader.load(chartPath, fileSystem: fileSystem)
            let values = try valueOptions.merged(fileSystem: fileSystem)
            let rendered = try install(chart, values: values, options: options, result: &result)
            result.output = try printed(rendered, options: options, documents: &result.documents)
        } catch let error as RenderFailure {
            if options.debug {
                result.output =
                    error.manifest.trimmingCharacters(in: .whitespacesAndNewlines)
                    + "\n"
            }
            let suffix = options.debug ? "" : "\n\nUse --debug flag to render out invalid YAML"
            result.error = HelmError(error.error.description + suffix)
        } catch let error as HelmError {
            result.error = error
        } catch {
            result.error = HelmError("\(error)")
        }
        return result
    }

    /// A render that failed after the release was made: Helm still has the manifest.
    struct RenderFailure: Error {
        var error: HelmError
        var manifest: String
    }

    struct Rendered {
        var manifest: String
        var hooks: [SortedManifest]
    }

    func install(
        _ loaded: Chart, values: [String: Value], options: HelmTemplateOptions,
        result: inout HelmTemplateResult
    ) throws -> Rendered {
        if loaded.metadata.type != "" && loaded.metadata.type != "application" {
            throw HelmError("\(loaded.metadata.type) charts are not installable")
        }
        let present = Set(loaded.dependencies.map(\.name))
        let missing = loaded.metadata.dependencies.map(\.name).filter { !present.contains($0) }
        if !missing.isEmpty {
            throw HelmError(
                "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: "
                    + missing.joined(separator: ", "))
        }
        try Self.validateReleaseName(options.releaseName)
        var coalescer = Coalescer()
        let chart = try DependencyProcessor.process(loaded, values: values, coalescer: &coalescer)
        let capabilities = try Capabilities(
            kubeVersion: options.kubeVersion, extraAPIVersions: options.apiVersions)
        let coalesced = try coalescer.coalesceValues(chart, values)
        result.warnings = coalescer.warnings
        if !options.skipSchemaValidation {
            try ValuesSchema.validate(chart, values: coalesced)
        }
        if !chart.metadata.kubeVersion.isEmpty,
            !SemanticVersion.satisfies(capabilities.version, constraint: chart.metadata.kubeVersion)
        {
            throw HelmError(
                "chart requires kubeVersion: \(chart.metadata.kubeVersion) which is incompatible with Kubernetes \(capabilities.version)"
            )
        }
        let top: [String: Value] = [
            "Values": .map(coalesced),
            "Release": .map([
                "Name": .string(options.releaseName), "Namespace": .string(options.namespace),
                "Revision": .int(1), "Service": .string("Helm"), "IsUpgrade": .bool(false),
                "IsInstall": .bool(true),
            ]),
            "Capabilities": capabilities.value,
        ]
        var files = try engine.render(chart, top: top)
        for name in files.keys where name.hasSuffix("NOTES.txt") {
            files.removeValue(forKey: name)
        }
        let sorted: (hooks: [SortedManifest], manifests: [SortedManifest])
        do {
            sorted = try ManifestSorter.sort(files)
        } catch let error as HelmError {
            var manifest = ""
            for name in files.keys.sorted() {
                guard let content = files[name],
                    !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                else { continue }
                manifest += "---\n# Source: \(name)\n\(content)\n"
            }
            throw RenderFailure(error: error, manifest: manifest)
        }
        var manifest = ""
        if options.includeCRDs {
            for crd in Self.crdObjects(chart, path: chart.name) {
                manifest +=
                    "---\n# Source: \(crd.name)\n\(String(decoding: crd.data, as: UTF8.self))\n"
            }
        }
        for item in sorted.manifests {
            manifest += "---\n# Source: \(item.path)\n\(item.content)\n"
        }
        return Rendered(manifest: manifest, hooks: sorted.hooks)
    }

    /// `Chart.CRDObjects`: `crds/*.yaml|yml|json` of the chart, then of each subchart.
    static func crdObjects(_ chart: Chart, path: String) -> [ChartFile] {
        var out: [ChartFile] = []
        for file in chart.files where file.name.hasPrefix("crds/") {
            if file.name.hasSuffix(".yaml") || file.name.hasSuffix(".yml")
                || file.name.hasSuffix(".json")
            {
                out.append(ChartFile(name: path + "/" + file.name, data: file.data))
            }
        }
        for child in chart.dependencies {
            out += crdObjects(child, path: path + "/charts/" + child.name)
        }
        return out
    }

    /// `chartutil.ValidateReleaseName`.
    static func validateReleaseName(_ name: String) throws {
        let label = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
        let pattern = "^\(label)(\\.\(label))*$"
        if name.isEmpty || name.count > 53
            || name.range(of: pattern, options: .regularExpression) == nil
        {
            throw HelmError(
                "release name \(GoFormat.quote(name)): invalid release name, must match regex \(pattern) and the length must not be longer than 53"
            )
        }
    }

    /// `pkg/cmd/template.go`: the manifest, the hooks after it, and `--show-only`.
    func printed(
        _ rendered: Rendered, options: HelmTemplateOptions, documents: inout [HelmDocument]
    ) throws -> String {
        var all = rendered.manifest.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
        for hook in rendered.hooks {
            if options.skipTests && hook.isTest { continue }
            all += "---\n# Source: \(hook.path)\n\(hook.content)\n"
        }
        let split = ManifestSorter.split(all)
        if options.showOnly.isEmpty {
            documents = split.compactMap(Self.document)
            return all
        }
        var chosen: [String] = []
        for pattern in options.showOnly {
            var found = false
            for item in split {
                guard let document = Self.document(item) else { continue }
                let path = String(document.source.drop { $0 != "/" }.dropFirst())
                if GlobPattern(pattern, filepathMatch: true).matches(path) {
                    chosen.append(item)
                    documents.append(document)
                    found = true
                }
            }
            if !found {
                throw HelmError("could not find template \(pattern) in chart")
            }
        }
        return chosen.map { "---\n\($0)\n" }.joined()
    }

    static func document(_ text: String) -> HelmDocument? {
        guard text.hasPrefix("# Source: ") else { return nil }
        let firstLine = text.prefix { $0 != "\n" }
        let source = String(firstLine.dropFirst("# Source: ".count))
        guard source.contains("/") else { return nil }
        let content = String(text.dropFirst(firstLine.count).dropFirst())
        return HelmDocument(source: source, content: content)
    }
}
