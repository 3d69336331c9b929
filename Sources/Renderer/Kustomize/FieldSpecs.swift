/// Kustomize's field specs: "this path in resources of this kind", as `configurations` and
/// the builtin transformer configs under `transformers` name them.
struct FieldSpec {
    var group: String?
    var version: String?
    var kind: String?
    var path: [String]
    var create: Bool

    init?(_ value: KValue) {
        guard let path = value["path"]?.scalarText else { return nil }
        group = value["group"]?.scalarText
        version = value["version"]?.scalarText
        kind = value["kind"]?.scalarText
        self.path = path.split(separator: "/").map {
            $0.hasSuffix("[]") ? String($0.dropLast(2)) : String($0)
        }
        create = value["create"] == .bool(true)
    }

    func matches(_ resource: Resource) -> Bool {
        if let group, !group.isEmpty, group != resource.group { return false }
        if let version, !version.isEmpty, version != resource.version { return false }
        if let kind, !kind.isEmpty, kind != resource.kind { return false }
        return true
    }

    static func list(_ value: KValue?) -> [FieldSpec] {
        (value?.listItems ?? []).compactMap(FieldSpec.init)
    }

    /// Changes the field at this spec's path in `resource`.
    func apply(to resource: inout Resource, transform: (KValue?) -> KValue) {
        guard matches(resource) else { return }
        var document = resource.value
        try? FieldPath.set(path[...], in: &document, create: create, transform: transform)
        resource.value = document
    }

    /// Adds `pairs` (as strings) to the mapping at this spec's path.
    func addPairs(_ pairs: [(String, KValue)], to resource: inout Resource) {
        apply(to: &resource) { old in
            var map = old?.mapPairs ?? []
            if let old, !old.isNull, old.mapPairs == nil { return old }
            for (key, value) in pairs {
                let text = KValue.string(value.scalarText ?? "")
                if let position = map.firstIndex(where: { $0.0 == key }) {
                    map[position].1 = text
                } else {
                    map.append((key, text))
                }
            }
            return .map(map)
        }
    }
}

extension Kustomizer {
    /// Runs the builtin transformers configured by the files under `transformers`.
    func runTransformerConfigs(
        _ entries: [KValue], patcher: Patcher, to resources: inout [Resource]
    ) throws {
        for entry in entries {
            var configs: [KValue] = []
            if let path = entry.scalarText {
                configs = try KValue.documents(try patcher.load(path))
            } else {
                configs = [entry]
            }
            for config in configs where !config.isNull {
                let kind = config["kind"]?.stringValue ?? ""
                let specs = FieldSpec.list(config["fieldSpecs"])
                switch kind {
                case "AnnotationsTransformer":
                    let pairs = config["annotations"]?.mapPairs ?? []
                    for index in resources.indices {
                        for spec in specs { spec.addPairs(pairs, to: &resources[index]) }
                    }
                case "LabelTransformer":
                    let pairs = config["labels"]?.mapPairs ?? []
                    for index in resources.indices {
                        for spec in specs { spec.addPairs(pairs, to: &resources[index]) }
                    }
                case "PrefixSuffixTransformer", "PrefixTransformer", "SuffixTransformer":
                    let prefix = config["prefix"]?.scalarText ?? ""
                    let suffix = config["suffix"]?.scalarText ?? ""
                    Transformers.addPrefixSuffix(prefix: prefix, suffix: suffix, to: &resources)
                case "ImageTagTransformer":
                    if let image = config["imageTag"] {
                        Transformers.setImages([image], in: &resources)
                    }
                case "NamespaceTransformer":
                    if let namespace = config.value(at: ["metadata", "namespace"])?.scalarText {
                        Transformers.setNamespace(namespace, in: &resources)
                    }
                default:
                    throw KustomizeError(
                        "transformer kind \(kind) is not supported yet (only builtin "
                            + "AnnotationsTransformer, LabelTransformer, PrefixSuffixTransformer, "
                            + "ImageTagTransformer and NamespaceTransformer)")
                }
            }
        }
    }

    /// The extra image field specs a kustomization's `configurations` files add.
    func imageFieldSpecs(_ kustomization: KValue, patcher: Patcher) throws -> [FieldSpec] {
        var specs: [FieldSpec] = []
        for path in kustomization["configurations"]?.listItems?.compactMap(\.scalarText) ?? [] {
            for document in try KValue.documents(try patcher.load(path)) {
                specs += FieldSpec.list(document["images"])
            }
        }
        return specs
    }
}
