/// A kustomization's `buildMetadata`: the top kustomization's list decides what the output
/// carries, as kustomize decides it.
///
/// - `originAnnotations`: `config.kubernetes.io/origin` on each resource: the file it was read
///   from (`path:`), or the kustomization and generator that made it.
/// - `transformerAnnotations`: `alpha.config.kubernetes.io/transformations`: every transformer
///   of every kustomization it went through, in the order they ran, whether or not it changed
///   the resource (kustomize records a run on the whole resource map).
/// - `managedByLabel`: `app.kubernetes.io/managed-by: kustomize-<version>`.
struct BuildMetadata {
    var origins = false
    var transformers = false
    var managedBy = false

    static let originKey = "config.kubernetes.io/origin"
    static let transformationsKey = "alpha.config.kubernetes.io/transformations"
    static let managedByKey = "app.kubernetes.io/managed-by"
    /// What the kustomize inside kubectl reports as its version (an unstamped build).
    static let managedByValue = "kustomize-(devel)"

    /// Whether the build records origins and transformations at all: kustomize does for any
    /// non-empty list, even one of unknown options (which it ignores without a word).
    var isEmpty = true

    init(_ kustomization: KValue) {
        for option in kustomization["buildMetadata"]?.listItems ?? [] {
            isEmpty = false
            switch option.scalarText {
            case "originAnnotations": origins = true
            case "transformerAnnotations": transformers = true
            case "managedByLabel": managedBy = true
            default: continue
            }
        }
    }

    /// Keeps what the top kustomization asked for. The annotations were written while the
    /// build ran (with any option set, kustomize records both, and patches see them), and
    /// the ones not asked for go now, with the annotations map if it is left empty.
    func annotate(_ resources: inout [Resource]) {
        for index in resources.indices {
            var annotations = resources[index].annotations
            let count = annotations.count
            annotations.removeAll {
                (!origins && $0.0 == Self.originKey)
                    || (!transformers && $0.0 == Self.transformationsKey)
            }
            if annotations.count != count, var metadata = resources[index].value["metadata"] {
                metadata["annotations"] = annotations.isEmpty ? nil : .map(annotations)
                resources[index].value["metadata"] = metadata
            }
            if managedBy {
                resources[index].value.setValue(
                    .string(Self.managedByValue), at: ["metadata", "labels", Self.managedByKey])
            }
        }
    }

    static func setOrigin(_ origin: String, on resource: inout Resource) {
        resource.value.setValue(.string(origin), at: ["metadata", "annotations", originKey])
    }

    static func appendTransformations(_ entries: [String], to resource: inout Resource) {
        let path = ["metadata", "annotations", transformationsKey]
        let existing = resource.value.value(at: path)?.stringValue ?? ""
        resource.value.setValue(.string(existing + entries.joined()), at: path)
    }

    /// The origin of a generated resource.
    static func origin(configuredIn: String, kind: String) -> String {
        "configuredIn: \(configuredIn)\nconfiguredBy:\n  apiVersion: builtin\n  kind: \(kind)\n"
    }

    /// One entry of the transformations list.
    static func transformation(
        configuredIn: String, apiVersion: String, kind: String, name: String? = nil
    ) -> String {
        "- configuredIn: \(configuredIn)\n  configuredBy:\n    apiVersion: \(apiVersion)\n"
            + "    kind: \(kind)\n" + (name.map { "    name: \($0)\n" } ?? "")
    }

    /// The transformers one kustomization runs, in kustomize's order, one entry per
    /// transformer it configures.
    static func transformations(
        _ kustomization: KValue, configuredIn: String, origin: String,
        load: (String) throws -> String
    ) throws -> [String] {
        func count(_ field: String) -> Int { kustomization[field]?.listItems?.count ?? 0 }
        func isSet(_ field: String) -> Bool {
            !(kustomization[field]?.scalarText ?? "").isEmpty
        }
        let labelEntries = count("labels")
        let hasCommonLabels = !(kustomization["commonLabels"]?.mapPairs ?? []).isEmpty
        let builtins: [(String, Int)] = [
            ("PatchStrategicMergeTransformer", count("patchesStrategicMerge") > 0 ? 1 : 0),
            ("PatchTransformer", count("patches")),
            ("NamespaceTransformer", isSet("namespace") ? 1 : 0),
            ("PrefixTransformer", isSet("namePrefix") ? 1 : 0),
            ("SuffixTransformer", isSet("nameSuffix") ? 1 : 0),
            // One per `labels` entry, and one for `commonLabels` whenever either is there.
            ("LabelTransformer", labelEntries + (labelEntries > 0 || hasCommonLabels ? 1 : 0)),
            (
                "AnnotationsTransformer",
                (kustomization["commonAnnotations"]?.mapPairs ?? []).isEmpty ? 0 : 1
            ),
            ("PatchJson6902Transformer", count("patchesJson6902")),
            ("ReplicaCountTransformer", count("replicas")),
            ("ImageTagTransformer", count("images") + count("imageTags")),
            ("ReplacementTransformer", count("replacements") > 0 ? 1 : 0),
        ]
        var entries: [String] = []
        for (kind, times) in builtins {
            for _ in 0..<times {
                entries.append(
                    transformation(configuredIn: configuredIn, apiVersion: "builtin", kind: kind))
            }
        }
        for entry in kustomization["transformers"]?.listItems ?? [] {
            let configs: [KValue]
            let file: String
            if let path = entry.scalarText {
                configs = try KValue.documents(try load(path))
                file = join(origin, path)
            } else {
                configs = [entry]
                file = configuredIn
            }
            for config in configs where !config.isNull {
                entries.append(
                    transformation(
                        configuredIn: file,
                        apiVersion: config["apiVersion"]?.scalarText ?? "",
                        kind: config["kind"]?.scalarText ?? "",
                        name: config.value(at: ["metadata", "name"])?.scalarText))
            }
        }
        return entries
    }

    /// Go's `filepath.Join` of relative paths: empty parts dropped, `.` removed, `..` folded
    /// where it can be, leading `..` kept.
    static func join(_ base: String, _ path: String) -> String {
        var parts: [Substring] = []
        for part in (base + "/" + path).split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else {
                    parts.append(part)
                }
            default: parts.append(part)
            }
        }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
