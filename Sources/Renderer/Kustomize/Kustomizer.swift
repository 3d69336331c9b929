public import ShipFiles

/// What a build gives: the YAML `kubectl kustomize` prints, and the warnings it prints on stderr.
public struct KustomizeOutput: Sendable {
    /// The resources, in output order.
    public var resources: [KValue]
    /// Warnings, one line each, as kustomize words them.
    public var warnings: [String]

    /// The whole YAML stream.
    public var yaml: String { YAMLWriter.documents(resources) }

    /// The files `kubectl kustomize -o DIR` writes: one per object, named
    /// `[namespace_]group_version_kind_name.yaml` in lower case (empty parts left out; the
    /// namespace only when the objects span more than one).
    public var files: [(name: String, text: String)] {
        let namespaces = Set(
            resources.compactMap { resource -> String? in
                let kind = resource["kind"]?.stringValue ?? ""
                guard !Resource.clusterScopedKinds.contains(kind) else { return nil }
                return Self.effectiveNamespace(resource)
            })
        return resources.map { resource in
            var name = Self.fileName(for: resource)
            let kind = resource["kind"]?.stringValue ?? ""
            if namespaces.count > 1, !Resource.clusterScopedKinds.contains(kind) {
                name = Self.effectiveNamespace(resource).lowercased() + "_" + name
            }
            return (name, YAMLWriter.document(resource))
        }
    }

    /// A namespaced object's namespace, `default` when it names none.
    static func effectiveNamespace(_ resource: KValue) -> String {
        let namespace = resource.value(at: ["metadata", "namespace"])?.stringValue ?? ""
        return namespace.isEmpty ? "default" : namespace
    }

    /// `group_version_kind_name.yaml`, lower case, empty parts left out.
    public static func fileName(for resource: KValue) -> String {
        let apiVersion = resource["apiVersion"]?.stringValue ?? ""
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        let group = parts.count == 2 ? parts[0] : ""
        let version = parts.count == 2 ? parts[1] : apiVersion
        let kind = resource["kind"]?.stringValue ?? ""
        let name = resource.value(at: ["metadata", "name"])?.stringValue ?? ""
        let gvk = [group, version, kind].filter { !$0.isEmpty }.joined(separator: "_")
        return (gvk + "_" + name + ".yaml").lowercased()
    }
}

/// Builds a kustomization directory as `kubectl kustomize` (kustomize v5.5.0) does.
public struct Kustomizer {
    let fileSystem: any FileSystem
    var warnings: [String] = []
    var visiting: [String] = []
    var vars: [KValue] = []
    var crdReferences: [String: [NameReferences.Reference]] = [:]
    /// The custom schema an `openapi: {path:}` named; like kustomize's, one for the whole build.
    var openAPI: OpenAPISchema?
    var restrictToRoot = true

    public init(fileSystem: any FileSystem) {
        self.fileSystem = fileSystem
    }

    /// Builds the kustomization in `directory`.
    /// - Throws: ``KustomizeError`` with kustomize's wording where it can.
    /// - Parameter restrictToRoot: kustomize's `LoadRestrictionsRootOnly` (the default): files
    ///   a kustomization reads must lie in or below its directory. `false` is
    ///   `--load-restrictor LoadRestrictionsNone`.
    public static func build(
        _ directory: String, fileSystem: any FileSystem, restrictToRoot: Bool = true
    ) throws -> KustomizeOutput {
        var kustomizer = Kustomizer(fileSystem: fileSystem)
        kustomizer.restrictToRoot = restrictToRoot
        let root = normalizePath(directory)
        let kustomization = try kustomizer.loadKustomization(root)
        let metadata = BuildMetadata(kustomization)
        var resources = try kustomizer.accumulate(
            root, kustomization: kustomization, origin: metadata.isEmpty ? nil : "")
        try kustomizer.addHashes(&resources)
        NameReferences.fix(&resources, extra: kustomizer.crdReferences)
        try Vars.resolve(kustomizer.vars, in: &resources)
        let sortOrder = kustomization.value(at: ["sortOptions", "order"])?.stringValue ?? "legacy"
        if sortOrder == "legacy" {
            let legacy = kustomization.value(at: ["sortOptions", "legacySortOptions"])
            let first = legacy?["orderFirst"]?.listItems?.compactMap(\.scalarText)
            let last = legacy?["orderLast"]?.listItems?.compactMap(\.scalarText)
            resources = LegacyOrder.sort(
                resources, first: first ?? LegacyOrder.first, last: last ?? LegacyOrder.last)
        } else if sortOrder != "fifo" {
            throw KustomizeError("the field 'sortOptions.order' must be one of [fifo, legacy]")
        }
        metadata.annotate(&resources)
        return KustomizeOutput(resources: resources.map(\.value), warnings: kustomizer.warnings)
    }

    // MARK: - Loading

    func kustomizationFile(in directory: String) -> String? {
        for name in RenderSource.kustomizationFileNames
        where fileSystem.isFile(joinPath(directory, name)) {
            return joinPath(directory, name)
        }
        return nil
    }

    func loadKustomization(_ directory: String) throws -> KValue {
        guard let file = kustomizationFile(in: directory) else {
            throw KustomizeError(
                "unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
                    + "'Kustomization' in directory '\(directory)'")
        }
        let text = try readText(file)
        let value: KValue
        do {
            value = try KValue.parse(text, yaml11: true)
        } catch {
            throw KustomizeError("invalid Kustomization: \(error)")
        }
        try KustomizationFields.check(value)
        if value.isNull { return .map([]) }
        guard case .map(let pairs) = value else {
            throw KustomizeError("invalid Kustomization: \(file) is not a mapping")
        }
        // kustomize reads the file with Go's encoding/json, which matches field names without
        // regard to case (`patchesJSON6902` is `patchesJson6902`).
        return .map(
            pairs.map { pair in
                let lower = pair.0.lowercased()
                let known = Self.fieldNames.first { $0.lowercased() == lower }
                return (known ?? pair.0, pair.1)
            })
    }

    static let fieldNames = [
        "apiVersion", "kind", "metadata", "resources", "bases", "components", "namespace",
        "namePrefix", "nameSuffix", "commonLabels", "labels", "commonAnnotations", "images",
        "replicas", "patches", "patchesStrategicMerge", "patchesJson6902", "configMapGenerator",
        "secretGenerator", "generatorOptions", "sortOptions", "vars", "replacements", "crds",
        "openapi", "configurations", "transformers", "generators", "validators",
        "buildMetadata", "helmCharts", "helmGlobals", "imageTags",
    ]

    func readText(_ path: String) throws -> String {
        do {
            return try fileSystem.readText(at: path)
        } catch {
            throw KustomizeError("\(error)")
        }
    }

    /// Reads a file the kustomization names, refusing files outside `root` as kustomize's
    /// `LoadRestrictionsRootOnly` does.
    func readRestricted(_ relative: String, root: String) throws -> String {
        let path = normalizePath(joinPath(root, relative))
        guard
            !restrictToRoot || path == root
                || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
        else {
            throw KustomizeError(
                "security; file '\(path)' is not in or below '\(root)'")
        }
        guard fileSystem.isFile(path) else {
            throw KustomizeError(
                "evalsymlink failure on '\(path)' : lstat \(path): "
                    + "no such file or directory")
        }
        return try readText(path)
    }

    /// Builds one kustomization (or component) directory into its resources.
    /// kustomize's order: resources, then generators, then components (each a build of its
    /// own over what is there so far), then transformers.
    /// - Parameter origin: with `buildMetadata`, this directory relative to the top
    ///   kustomization's (kustomize's `Origin.Path`); nil without.
    mutating func accumulate(
        _ directory: String, kustomization: KValue, base: [Resource] = [], origin: String? = nil
    ) throws -> [Resource] {
        if visiting.contains(directory) {
            throw KustomizeError(
                "cycle detected: candidate root '\(directory)' contains visited root "
                    + "'\(directory)'")
        }
        visiting.append(directory)
        defer { visiting.removeLast() }
        var resources = base
        try warnDeprecated(kustomization)
        vars += kustomization["vars"]?.listItems ?? []
        if let schemaPath = kustomization.value(at: ["openapi", "path"])?.scalarText {
            openAPI = try OpenAPISchema(
                try readRestricted(schemaPath, root: directory), file: schemaPath)
        }
        for path in kustomization["crds"]?.listItems?.compactMap(\.scalarText) ?? [] {
            let text = try readRestricted(path, root: directory)
            for (kind, references) in try CRDs.references(text) {
                crdReferences[kind, default: []] += references
            }
        }
        var entries = kustomization["resources"]?.listItems?.compactMap(\.scalarText) ?? []
        entries += kustomization["bases"]?.listItems?.compactMap(\.scalarText) ?? []
        for entry in entries {
            try addResources(from: entry, in: directory, to: &resources, origin: origin)
        }
        let fileName = kustomizationFile(in: directory)?.split(separator: "/").last
        let configuredIn = origin.map { BuildMetadata.join($0, fileName.map(String.init) ?? "") }
        let generators = Generators(
            directory: directory, fileSystem: fileSystem,
            options: kustomization["generatorOptions"], restrictToRoot: restrictToRoot)
        let kinds: [(String, String, (KValue) throws -> Resource)] = [
            ("configMapGenerator", "ConfigMapGenerator", generators.configMap),
            ("secretGenerator", "SecretGenerator", generators.secret),
        ]
        for (field, kind, generate) in kinds {
            for spec in kustomization[field]?.listItems ?? [] {
                var generated = try generate(spec)
                if let configuredIn {
                    BuildMetadata.setOrigin(
                        BuildMetadata.origin(configuredIn: configuredIn, kind: kind),
                        on: &generated)
                }
                try generators.merge(generated, into: &resources)
            }
        }
        let components = kustomization["components"]?.listItems?.compactMap(\.scalarText) ?? []
        for component in components {
            let path = normalizePath(joinPath(directory, component))
            guard fileSystem.isDirectory(path) else {
                throw KustomizeError(
                    "accumulating components: accumulateDirectory: \"couldn't make target for "
                        + "path '\(path)'\"")
            }
            let componentKustomization = try loadKustomization(path)
            resources = try accumulate(
                path, kustomization: componentKustomization, base: resources,
                origin: origin.map { BuildMetadata.join($0, component) })
        }
        var transformed = try transform(kustomization, in: directory, resources)
        if let configuredIn {
            let entries = try BuildMetadata.transformations(
                kustomization, configuredIn: configuredIn, origin: origin ?? "",
                load: { try Patcher(directory: directory, kustomizer: self).load($0) })
            for index in transformed.indices {
                BuildMetadata.appendTransformations(entries, to: &transformed[index])
            }
        }
        return transformed
    }

    mutating func warnDeprecated(_ kustomization: KValue) throws {
        // kustomize's order.
        let messages: [(String, String)] = [
            ("bases", "'bases' is deprecated. Please use 'resources' instead."),
            ("commonLabels", "'commonLabels' is deprecated. Please use 'labels' instead."),
            ("imageTags", "'imageTags' is deprecated. Please use 'images' instead."),
            ("patchesJson6902", "'patchesJson6902' is deprecated. Please use 'patches' instead."),
            (
                "patchesStrategicMerge",
                "'patchesStrategicMerge' is deprecated. Please use 'patches' instead."
            ),
            (
                "vars",
                "'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL]"
            ),
        ].map { field, text in
            (
                field,
                "# Warning: \(text) Run 'kustomize edit fix' to update your Kustomization "
                    + "automatically."
            )
        }
        for (field, message) in messages where kustomization[field] != nil {
            warnings.append(message)
        }
    }

    mutating func addResources(
        from entry: String, in directory: String, to resources: inout [Resource],
        origin: String? = nil
    ) throws {
        if entry.contains("://") || entry.hasPrefix("git::") || entry.hasPrefix("github.com/") {
            throw KustomizeError("remote resources are not supported yet: '\(entry)'")
        }
        let path = normalizePath(joinPath(directory, entry))
        let loaded: [Resource]
        if fileSystem.isDirectory(path) {
            let sub = try loadKustomization(path)
            if sub["kind"]?.stringValue == "Component" {
                throw KustomizeError(
                    "accumulating resources: expected kind 'Kustomization' for path '\(path)' "
                        + "but got 'Component'")
            }
            if visiting.contains(path) {
                throw KustomizeError(
                    "accumulating resources: accumulation err='accumulating resources from "
                        + "'\(entry)': '\(path)' must resolve to a file': cycle detected: "
                        + "candidate root '\(path)' contains visited root '\(path)'")
            }
            do {
                loaded = try accumulate(
                    path, kustomization: sub, origin: origin.map { BuildMetadata.join($0, entry) })
            } catch let error as KustomizeError {
                throw KustomizeError(
                    "accumulating resources: accumulation err='accumulating resources from "
                        + "'\(entry)': '\(path)' must resolve to a file': recursed accumulation "
                        + "of path '\(path)': \(error.description)")
            }
        } else if fileSystem.isFile(path) {
            let root = directory.hasSuffix("/") ? directory : directory + "/"
            guard !restrictToRoot || path.hasPrefix(root) else {
                throw KustomizeError(
                    "accumulating resources: accumulation err='accumulating resources from "
                        + "'\(entry)': security; file '\(path)' is not in or below "
                        + "'\(directory)'': must build at directory: '\(path)': file is not "
                        + "directory")
            }
            loaded = try parseResources(try readText(path), source: entry).map {
                var resource = $0
                if let origin {
                    BuildMetadata.setOrigin(
                        "path: \(BuildMetadata.join(origin, entry))\n", on: &resource)
                }
                return resource
            }
        } else {
            throw KustomizeError(
                "accumulating resources: accumulation err='accumulating resources from "
                    + "'\(entry)': evalsymlink failure on '\(path)' : lstat \(path): no such "
                    + "file or directory': must build at "
                    + "directory: not a valid directory: evalsymlink failure on '\(path)' : "
                    + "lstat \(path): no such file or directory")
        }
        var known = Set(resources.map(\.idKey))
        for resource in loaded {
            if !known.insert(resource.idKey).inserted {
                let registered =
                    "may not add resource with an already registered id: "
                    + Patcher.describeId(resource.value)
                if fileSystem.isDirectory(path) {
                    throw KustomizeError(
                        "accumulating resources: accumulation err='merging resources from "
                            + "'\(entry)': \(registered)'")
                }
                throw KustomizeError(
                    "accumulating resources: accumulation err='merging resources from "
                        + "'\(entry)': \(registered)': must build at directory: '\(path)': "
                        + "file is not directory")
            }
            resources.append(resource)
        }
    }

    func parseResources(_ text: String, source: String) throws -> [Resource] {
        let documents: [KValue]
        do {
            documents = try KValue.documents(text)
        } catch {
            throw KustomizeError("accumulating resources from '\(source)': \(error)")
        }
        var resources: [Resource] = []
        for document in documents where !document.isNull {
            if case .map(let pairs) = document, pairs.isEmpty { continue }
            if document["kind"]?.stringValue?.hasSuffix("List") == true,
                let items = document["items"]?.listItems
            {
                resources += items.map { Resource($0) }
                continue
            }
            guard document.value(at: ["metadata", "name"]) != nil else {
                throw KustomizeError(
                    "accumulating resources from '\(source)': missing metadata.name in object")
            }
            resources.append(Resource(document))
        }
        return resources
    }

    func sameId(_ a: Resource, _ b: Resource) -> Bool {
        a.kind == b.kind && a.group == b.group && a.name == b.name && a.namespace == b.namespace
    }

    // MARK: - Generators and transformers

    /// Runs a kustomization's transformers over `resources`.
    mutating func transform(
        _ kustomization: KValue, in directory: String, _ input: [Resource]
    ) throws -> [Resource] {
        var resources = input
        let patcher = Patcher(directory: directory, kustomizer: self)
        for entry in kustomization["patchesStrategicMerge"]?.listItems ?? [] {
            try patcher.applyLegacyStrategicMerge(entry, to: &resources)
        }
        for entry in kustomization["patches"]?.listItems ?? [] {
            try patcher.applyPatch(entry, to: &resources)
        }
        if let namespace = kustomization["namespace"]?.scalarText, !namespace.isEmpty {
            Transformers.setNamespace(namespace, in: &resources)
        }
        let prefix = kustomization["namePrefix"]?.scalarText ?? ""
        let suffix = kustomization["nameSuffix"]?.scalarText ?? ""
        if !prefix.isEmpty || !suffix.isEmpty {
            Transformers.addPrefixSuffix(prefix: prefix, suffix: suffix, to: &resources)
        }
        if let labels = kustomization["commonLabels"]?.mapPairs, !labels.isEmpty {
            Transformers.addLabels(labels, selectors: true, templates: true, to: &resources)
        }
        for entry in kustomization["labels"]?.listItems ?? [] {
            let pairs = entry["pairs"]?.mapPairs ?? []
            let selectors = entry["includeSelectors"] == .bool(true)
            let templates = entry["includeTemplates"] == .bool(true)
            Transformers.addLabels(
                pairs, selectors: selectors, templates: templates || selectors, to: &resources)
        }
        if let annotations = kustomization["commonAnnotations"]?.mapPairs, !annotations.isEmpty {
            Transformers.addAnnotations(annotations, to: &resources)
        }
        for entry in kustomization["patchesJson6902"]?.listItems ?? [] {
            try patcher.applyLegacyJSON6902(entry, to: &resources)
        }
        for entry in kustomization["replicas"]?.listItems ?? [] {
            Transformers.setReplicas(entry, in: &resources)
        }
        let images =
            (kustomization["images"]?.listItems ?? [])
            + (kustomization["imageTags"]?.listItems ?? [])
        if !images.isEmpty {
            Transformers.setImages(images, in: &resources)
            let specs = try imageFieldSpecs(kustomization, patcher: patcher)
            for index in resources.indices {
                for spec in specs {
                    spec.apply(to: &resources[index]) { old in
                        guard let text = old?.stringValue else { return old ?? .null }
                        return .string(Transformers.newImage(text, images: images))
                    }
                }
            }
        }
        let replacements = Replacements(patcher: patcher)
        for entry in kustomization["replacements"]?.listItems ?? [] {
            try replacements.apply(entry, to: &resources)
        }
        try runTransformerConfigs(
            kustomization["transformers"]?.listItems ?? [], patcher: patcher, to: &resources)
        return resources
    }

    /// Appends each generated ConfigMap's and Secret's content hash to its name.
    func addHashes(_ resources: inout [Resource]) throws {
        for index in resources.indices where resources[index].needsHash {
            let hash = ContentHash.suffix(for: resources[index].value)
            resources[index].rename(resources[index].name + "-" + hash)
            resources[index].needsHash = false
        }
    }
}

/// Collapses `.` and `..` in a path, as kustomize's loader does.
func normalizePath(_ path: String) -> String {
    let absolute = path.hasPrefix("/")
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
        if part == "." || part.isEmpty { continue }
        if part == "..", let last = parts.last, last != ".." {
            parts.removeLast()
        } else if part == ".." && absolute {
            continue
        } else {
            parts.append(part)
        }
    }
    let joined = parts.joined(separator: "/")
    if absolute { return "/" + joined }
    return joined.isEmpty ? "." : joined
}
