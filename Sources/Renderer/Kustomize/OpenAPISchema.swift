/// A kustomization's `openapi: {path: FILE}`: a Kubernetes-style OpenAPI v2 document whose
/// `definitions` tell kustomize how lists of custom resources merge
/// (`x-kubernetes-patch-merge-key`, `x-kubernetes-patch-strategy`), found through each
/// definition's `x-kubernetes-group-version-kind`.
struct OpenAPISchema {
    private var definitions: [String: KValue] = [:]
    /// "group/version/kind" → definition name.
    private var kinds: [String: String] = [:]

    /// - Throws: ``KustomizeError`` when the file is not a schema document.
    init(_ text: String, file: String) throws {
        let document: KValue
        do {
            document = try KValue.parse(text)
        } catch {
            throw KustomizeError("unable to parse the OpenAPI schema \(file): \(error)")
        }
        guard let pairs = document["definitions"]?.mapPairs else {
            throw KustomizeError(
                "the OpenAPI schema \(file) has no 'definitions' map; expected a Kubernetes "
                    + "OpenAPI v2 document")
        }
        for (name, definition) in pairs {
            definitions[name] = definition
            for gvk in definition["x-kubernetes-group-version-kind"]?.listItems ?? [] {
                let group = gvk["group"]?.scalarText ?? ""
                let version = gvk["version"]?.scalarText ?? ""
                let kind = gvk["kind"]?.scalarText ?? ""
                kinds["\(group)/\(version)/\(kind)"] = name
            }
        }
    }

    /// The list rules for one resource, or nil when the schema does not describe its kind.
    func listRules(for resource: Resource) -> StrategicMerge.RuleLookup? {
        guard let name = kinds["\(resource.group)/\(resource.version)/\(resource.kind)"],
            let root = definitions[name]
        else { return nil }
        return { path, field in
            guard let list = self.node(at: path + [field], from: root) else { return nil }
            let strategy = list["x-kubernetes-patch-strategy"]?.scalarText ?? ""
            guard strategy.split(separator: ",").contains("merge") else { return .replace }
            if let key = list["x-kubernetes-patch-merge-key"]?.scalarText {
                return .mergeKey(key)
            }
            return .mergeScalars
        }
    }

    /// Walks `properties` (and an array's `items`) along a path of field names.
    private func node(at path: [String], from root: KValue) -> KValue? {
        var current = resolve(root)
        for (offset, key) in path.enumerated() {
            if current["items"] != nil, current["properties"] == nil {
                current = resolve(current["items"] ?? .null)
            }
            guard let next = current["properties"]?[key] else { return nil }
            current = resolve(next)
            if offset == path.count - 1 { return current }
        }
        return nil
    }

    /// Follows `$ref: '#/definitions/NAME'` (a few times at most: a cycle ends the walk).
    private func resolve(_ node: KValue) -> KValue {
        var current = node
        for _ in 0..<8 {
            guard let reference = current["$ref"]?.scalarText else { return current }
            let prefix = "#/definitions/"
            guard reference.hasPrefix(prefix),
                let target = definitions[String(reference.dropFirst(prefix.count))]
            else { return .map([]) }
            current = target
        }
        return current
    }
}
