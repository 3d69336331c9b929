import Foundation

/// `patches`, `patchesStrategicMerge` and `patchesJson6902`.
struct Patcher {
    var directory: String
    var kustomizer: Kustomizer

    func load(_ path: String) throws -> String {
        try kustomizer.readRestricted(path, root: normalizePath(directory))
    }

    /// A `patches` entry: a file or inline text, strategic merge or JSON 6902, with a target.
    func applyPatch(_ entry: KValue, to resources: inout [Resource]) throws {
        var text: String
        if let path = entry["path"]?.scalarText {
            do {
                text = try load(path)
            } catch let error as KustomizeError {
                // kustomize's words: the entry as YAML, then why its file cannot be read.
                throw KustomizeError(
                    "trouble configuring builtin PatchTransformer with config: `\n"
                        + YAMLWriter.document(entry)
                        + "`: failed to get the patch file from path(\(path)): \(error.description)"
                )
            }
        } else if let inline = entry["patch"]?.scalarText {
            text = inline
        } else {
            throw KustomizeError("must specify one of patch and path in \(entry)")
        }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return }
        let documents = try KValue.documents(text)
        let target = entry["target"]
        if let first = documents.first, case .list(let operations) = first {
            guard let target else {
                throw KustomizeError("must specify a target for JSON patch \(text)")
            }
            try applyJSON6902(operations, target: target, to: &resources)
            return
        }
        for patch in documents where !patch.isNull {
            if let target {
                let indices = try select(target, in: resources)
                for index in indices {
                    var targeted = patch
                    targeted.setValue(
                        .string(resources[index].name), at: ["metadata", "name"], create: true)
                    if let kind = resources[index].value["kind"] { targeted["kind"] = kind }
                    try mergeInto(index, patch: targeted, resources: &resources)
                }
            } else {
                try applyStrategicMerge(patch, to: &resources)
            }
        }
        resources.removeAll { $0.value.isNull }
    }

    func applyLegacyStrategicMerge(_ entry: KValue, to resources: inout [Resource]) throws {
        guard let reference = entry.scalarText else { return }
        let text: String
        if reference.contains("\n") || reference.contains("kind:") {
            text = reference
        } else {
            text = try load(reference)
        }
        for patch in try KValue.documents(text) where !patch.isNull {
            try applyStrategicMerge(patch, to: &resources)
        }
        resources.removeAll { $0.value.isNull }
    }

    func applyLegacyJSON6902(_ entry: KValue, to resources: inout [Resource]) throws {
        guard let target = entry["target"] else {
            throw KustomizeError("patchesJson6902 entries need a target")
        }
        let text: String
        if let path = entry["path"]?.scalarText {
            text = try load(path)
        } else if let inline = entry["patch"]?.scalarText {
            text = inline
        } else {
            throw KustomizeError("must specify one of patch and path in \(entry)")
        }
        let parsed = try KValue.parse(text)
        guard case .list(let operations) = parsed else {
            throw KustomizeError("unable to parse JSON patch: \(text)")
        }
        try applyJSON6902(operations, target: target, to: &resources)
    }

    func applyStrategicMerge(_ patch: KValue, to resources: inout [Resource]) throws {
        let kind = patch["kind"]?.stringValue ?? ""
        let name = patch.value(at: ["metadata", "name"])?.stringValue ?? ""
        let namespace = patch.value(at: ["metadata", "namespace"])?.stringValue
        var matches = resources.indices.filter {
            resources[$0].kind == kind && resources[$0].allNames.contains(name)
        }
        if let namespace {
            matches = matches.filter {
                resources[$0].namespace == namespace
                    || resources[$0].originalNamespace == namespace
            }
        }
        guard let index = matches.first else {
            let id = Self.describeId(patch)
            throw KustomizeError(
                "no resource matches strategic merge patch \"\(id)\": no matches for Id \(id); "
                    + "failed to find unique target for patch \(id)")
        }
        if matches.count > 1 {
            throw KustomizeError(
                "multiple matches for strategic merge patch \"\(kind).\(name)\"")
        }
        try mergeInto(index, patch: patch, resources: &resources)
    }

    /// kustomize's id text: `Kind.version.[noGrp]/name.[noNs]`.
    static func describeId(_ value: KValue) -> String {
        let apiVersion = value["apiVersion"]?.stringValue ?? ""
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        let group = parts.count == 2 ? parts[0] : "[noGrp]"
        let version = parts.count == 2 ? parts[1] : (apiVersion.isEmpty ? "[noVer]" : apiVersion)
        let kind = value["kind"]?.stringValue ?? "[noKind]"
        let name = value.value(at: ["metadata", "name"])?.stringValue ?? "[noName]"
        let namespace = value.value(at: ["metadata", "namespace"])?.stringValue ?? "[noNs]"
        return "\(kind).\(version).\(group)/\(name).\(namespace)"
    }

    func mergeInto(_ index: Int, patch: KValue, resources: inout [Resource]) throws {
        var patch = patch
        let name = resources[index].name
        patch.setValue(.string(name), at: ["metadata", "name"], create: true)
        let merger = StrategicMerge(
            customRule: kustomizer.openAPI?.listRules(for: resources[index]))
        if let merged = merger.merge(resources[index].value, patch: patch, path: []) {
            resources[index].value = merged
        } else {
            resources[index].value = .null
        }
    }

    func applyJSON6902(_ operations: [KValue], target: KValue, to resources: inout [Resource])
        throws
    {
        for index in try select(target, in: resources) {
            var document = resources[index].value
            // While kustomize builds, every resource carries its internal annotations
            // (`config.kubernetes.io/index`, ...), dropped from the output at the end: an `add`
            // under /metadata/annotations always finds the map, and an emptied map goes.
            let hadAnnotations = document.value(at: ["metadata", "annotations"]) != nil
            if !hadAnnotations, document["metadata"] != nil {
                document.setValue(.map([]), at: ["metadata", "annotations"])
            }
            for operation in operations {
                try JSONPatch.apply(operation, to: &document)
            }
            if !hadAnnotations, var metadata = document["metadata"],
                case .map(let pairs) = metadata["annotations"], pairs.isEmpty
            {
                metadata["annotations"] = nil
                document["metadata"] = metadata
            }
            resources[index].value = document
        }
    }

    /// The resources a patch target selects.
    func select(_ target: KValue, in resources: [Resource]) throws -> [Int] {
        var compiled: [String: NSRegularExpression] = [:]
        func regexMatches(_ pattern: String?, _ value: String) throws -> Bool {
            guard let pattern, !pattern.isEmpty else { return true }
            if pattern == value { return true }
            let regex: NSRegularExpression
            if let known = compiled[pattern] {
                regex = known
            } else {
                regex = try NSRegularExpression(pattern: "^(?:" + pattern + ")$")
                compiled[pattern] = regex
            }
            let range = NSRange(value.startIndex..., in: value)
            return regex.firstMatch(in: value, range: range) != nil
        }
        var selected: [Int] = []
        for (index, resource) in resources.enumerated() {
            guard try regexMatches(target["group"]?.scalarText, resource.group),
                try regexMatches(target["version"]?.scalarText, resource.version),
                try regexMatches(target["kind"]?.scalarText, resource.kind),
                try regexMatches(target["namespace"]?.scalarText, resource.namespace)
            else { continue }
            if let name = target["name"]?.scalarText {
                var any = false
                for candidate in resource.allNames where try regexMatches(name, candidate) {
                    any = true
                }
                if !any { continue }
            }
            if let selector = target["labelSelector"]?.scalarText,
                !Self.selectorMatches(selector, resource.labels)
            {
                continue
            }
            if let selector = target["annotationSelector"]?.scalarText,
                !Self.selectorMatches(selector, resource.annotations)
            {
                continue
            }
            selected.append(index)
        }
        return selected
    }

    static func selectorMatches(_ selector: String, _ labels: [(String, KValue)]) -> Bool {
        func label(_ key: String) -> String? {
            labels.first { $0.0 == key }?.1.scalarText
        }
        for requirement in splitRequirements(selector) {
            let trimmed = requirement.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if let range = trimmed.range(of: "!=") {
                let key = trimmed[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = trimmed[range.upperBound...].trimmingCharacters(in: .whitespaces)
                if label(key) == value { return false }
            } else if let range = trimmed.range(of: "==") ?? trimmed.range(of: "=") {
                let key = trimmed[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = trimmed[range.upperBound...].trimmingCharacters(in: .whitespaces)
                if label(key) != value { return false }
            } else if let range = trimmed.range(of: " notin ") ?? trimmed.range(of: " in ") {
                let key = trimmed[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let list = trimmed[range.upperBound...].trimmingCharacters(
                    in: CharacterSet(charactersIn: "() "))
                let values = list.split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                let present = label(key).map { values.contains($0) } ?? false
                let negated = trimmed.contains(" notin ")
                if present == negated { return false }
            } else if trimmed.hasPrefix("!") {
                if label(String(trimmed.dropFirst())) != nil { return false }
            } else if label(trimmed) == nil {
                return false
            }
        }
        return true
    }

    static func splitRequirements(_ selector: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in selector {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }
}

/// Strategic merge as kustomize applies it, with the Kubernetes merge keys of common lists.
struct StrategicMerge {
    /// How a list merges, from a custom schema (the kustomization's `openapi`), for the
    /// resource being patched; nil falls back to the Kubernetes schema's rules below.
    var customRule: RuleLookup?

    typealias RuleLookup = (_ path: [String], _ field: String) -> ListRule?

    enum ListRule: Equatable {
        case mergeKey(String)
        case mergeScalars
        case replace
    }

    /// The merge key of a list, from the Kubernetes schema kustomize carries; nil for a list
    /// the patch replaces. `path` is where the list sits, from the object's root.
    static func mergeKey(field: String, items: [KValue], path: [String]) -> String? {
        switch field {
        case "containers", "initContainers", "ephemeralContainers", "env", "volumes":
            return "name"
        case "hostAliases": return "ip"
        case "topologySpreadConstraints": return "topologyKey"
        case "ownerReferences": return path == ["metadata"] ? "uid" : nil
        // A ServiceAccount's own `imagePullSecrets` is atomic; a pod spec's merges by name.
        case "imagePullSecrets": return path.isEmpty ? nil : "name"
        case "secrets": return path.isEmpty ? "name" : nil
        case "volumeMounts": return "mountPath"
        case "volumeDevices": return "devicePath"
        case "ports":
            if items.contains(where: { $0["containerPort"] != nil }) { return "containerPort" }
            if items.contains(where: { $0["port"] != nil }) { return "port" }
            return nil
        default: return nil
        }
    }

    /// Merges `patch` into `original`; nil when the patch deletes it.
    func merge(_ original: KValue, patch: KValue, path: [String]) -> KValue? {
        guard case .map(let patchPairs) = patch else { return patch }
        let directive = patch["$patch"]?.stringValue
        if directive == "delete" { return nil }
        if directive == "replace" { return Self.strip(patch) }
        guard case .map = original else { return Self.strip(patch) }
        var result = original
        // kustomize (kyaml's merge) acts on `$patch` only: `$setElementOrder/…`,
        // `$retainKeys` and `$deleteFromPrimitiveList/…` are kubectl's server-side directives,
        // and kustomize keeps them as plain fields. So does this.
        for (key, value) in patchPairs {
            if key == "$patch" { continue }
            if value.isNull {
                result[key] = nil
                continue
            }
            guard let existing = result[key] else {
                if let stripped = Self.stripAll(value) { result[key] = stripped }
                continue
            }
            switch (existing, value) {
            case (.map, .map):
                if let merged = merge(existing, patch: value, path: path + [key]) {
                    result[key] = merged
                } else {
                    result[key] = nil
                }
            case (.list(let items), .list(let patchItems)):
                result[key] = .list(mergeList(items, patchItems, field: key, path: path))
            default:
                if let stripped = Self.stripAll(value) { result[key] = stripped }
            }
        }
        return result
    }

    func mergeList(
        _ items: [KValue], _ patchItems: [KValue], field: String, path: [String]
    ) -> [KValue] {
        // A `$patch: replace` element: the patch's other elements replace the list.
        let isReplace: (KValue) -> Bool = {
            $0["$patch"]?.stringValue == "replace" && $0.mapPairs?.count == 1
        }
        if patchItems.contains(where: isReplace) {
            return patchItems.filter { !isReplace($0) }.compactMap(Self.stripAll)
        }
        let rule: ListRule
        if let custom = customRule?(path, field) {
            rule = custom
        } else if field == "finalizers", path == ["metadata"] {
            // `metadata.finalizers` merges as a set of scalars.
            rule = .mergeScalars
        } else {
            rule =
                Self.mergeKey(field: field, items: items + patchItems, path: path).map {
                    .mergeKey($0)
                } ?? .replace
        }
        if rule == .mergeScalars {
            // The patch's values first, then the others.
            var seen: [KValue] = []
            for item in patchItems + items where !seen.contains(item) { seen.append(item) }
            return seen
        }
        guard case .mergeKey(let key) = rule,
            items.allSatisfy({ $0.mapPairs != nil })
        else {
            return patchItems.compactMap(Self.stripAll)
        }
        // kustomize lists the patch's elements first, in the patch's order (merged with the
        // originals they name), then the original elements the patch does not name.
        var remaining = items
        var result: [KValue] = []
        for patchItem in patchItems {
            guard let keyValue = patchItem[key] else { continue }
            let position = remaining.firstIndex { $0[key] == keyValue }
            if patchItem["$patch"]?.stringValue == "delete" {
                if let position { remaining.remove(at: position) }
                continue
            }
            if let position {
                let original = remaining.remove(at: position)
                if let merged = merge(original, patch: patchItem, path: path + [field]) {
                    result.append(merged)
                }
            } else if let stripped = Self.stripAll(patchItem) {
                result.append(stripped)
            }
        }
        return result + remaining
    }

    static func strip(_ value: KValue) -> KValue {
        stripAll(value) ?? .map([])
    }

    /// Removes `$patch` directives (and deleted elements) from a value added whole.
    static func stripAll(_ value: KValue) -> KValue? {
        switch value {
        case .map(let pairs):
            if value["$patch"]?.stringValue == "delete" { return nil }
            return .map(
                pairs.compactMap { pair in
                    if pair.0 == "$patch" { return nil }
                    if pair.1.isNull { return nil }
                    return stripAll(pair.1).map { (pair.0, $0) }
                })
        case .list(let items):
            return .list(items.compactMap(stripAll))
        default:
            return value
        }
    }
}

/// RFC 6902 JSON patches over a resource.
enum JSONPatch {
    static func tokens(_ pointer: String) throws -> [String] {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else {
            throw KustomizeError("invalid JSON pointer '\(pointer)'")
        }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func apply(_ operation: KValue, to document: inout KValue) throws {
        guard let op = operation["op"]?.stringValue, let path = operation["path"]?.scalarText
        else {
            throw KustomizeError("JSON patch operation needs op and path: \(operation)")
        }
        let pathTokens = try tokens(path)
        switch op {
        case "add":
            do {
                try add(operation["value"] ?? .null, at: pathTokens[...], in: &document)
            } catch is MissingParent {
                throw KustomizeError(
                    "add operation does not apply: doc is missing path: \"\(path)\": missing value")
            }
        case "remove":
            do {
                _ = try remove(at: pathTokens[...], in: &document)
            } catch {
                throw KustomizeError(
                    "error in remove for path: '\(path)': Unable to remove nonexistent key: "
                        + "\(pathTokens.last ?? ""): missing value")
            }
        case "replace":
            // A missing last key in a mapping is set, as kustomize's JSON patch library does;
            // a missing parent is an error.
            let parent = pathTokens.dropLast()
            guard (try? get(parent, in: document)) != nil else {
                throw KustomizeError(
                    "replace operation does not apply: doc is missing path: \(path): "
                        + "missing value")
            }
            if case .list = try get(parent, in: document) {
                _ = try remove(at: pathTokens[...], in: &document)
            }
            try add(operation["value"] ?? .null, at: pathTokens[...], in: &document)
        case "move", "copy":
            guard let from = operation["from"]?.scalarText else {
                throw KustomizeError("JSON patch \(op) needs from")
            }
            let fromTokens = try tokens(from)
            let value: KValue
            if op == "move" {
                value = try remove(at: fromTokens[...], in: &document)
            } else {
                value = try get(fromTokens[...], in: document)
            }
            do {
                try add(value, at: pathTokens[...], in: &document)
            } catch is MissingParent {
                throw KustomizeError(
                    "\(op) operation does not apply: doc is missing destination path: \(path): "
                        + "missing value")
            }
        case "test":
            let actual = try get(pathTokens[...], in: document)
            if actual != (operation["value"] ?? .null) {
                throw KustomizeError("testing value \(path) failed: test failed")
            }
        default:
            throw KustomizeError("unexpected JSON patch kind: \"\(op)\"")
        }
    }

    /// An `add` whose parent is missing; the caller names the whole path.
    struct MissingParent: Error {}

    static func get(_ path: ArraySlice<String>, in value: KValue) throws -> KValue {
        guard let token = path.first else { return value }
        switch value {
        case .map:
            guard let child = value[token] else {
                throw KustomizeError("doc is missing path: /\(path.joined(separator: "/"))")
            }
            return try get(path.dropFirst(), in: child)
        case .list(let items):
            guard let index = Int(token), items.indices.contains(index) else {
                throw KustomizeError("doc is missing path: /\(path.joined(separator: "/"))")
            }
            return try get(path.dropFirst(), in: items[index])
        default:
            throw KustomizeError("doc is missing path: /\(path.joined(separator: "/"))")
        }
    }

    static func add(_ newValue: KValue, at path: ArraySlice<String>, in value: inout KValue)
        throws
    {
        guard let token = path.first else {
            value = newValue
            return
        }
        switch value {
        case .map:
            if path.count == 1 {
                value[token] = newValue
                return
            }
            guard var child = value[token] else { throw MissingParent() }
            try add(newValue, at: path.dropFirst(), in: &child)
            value[token] = child
        case .list(var items):
            if path.count == 1 {
                if token == "-" {
                    items.append(newValue)
                } else if let index = Int(token), index >= 0, index <= items.count {
                    items.insert(newValue, at: index)
                } else {
                    throw KustomizeError("add operation does not apply: index out of bounds")
                }
                value = .list(items)
                return
            }
            guard let index = Int(token), items.indices.contains(index) else {
                throw KustomizeError("add operation does not apply: index out of bounds")
            }
            try add(newValue, at: path.dropFirst(), in: &items[index])
            value = .list(items)
        default:
            throw KustomizeError("add operation does not apply: doc is missing path")
        }
    }

    static func remove(at path: ArraySlice<String>, in value: inout KValue) throws -> KValue {
        guard let token = path.first else { return value }
        switch value {
        case .map:
            guard var child = value[token] else {
                throw KustomizeError(
                    "remove operation does not apply: doc is missing path: "
                        + "\"/\(path.joined(separator: "/"))\"")
            }
            if path.count == 1 {
                value[token] = nil
                return child
            }
            let removed = try remove(at: path.dropFirst(), in: &child)
            value[token] = child
            return removed
        case .list(var items):
            guard let index = Int(token), items.indices.contains(index) else {
                throw KustomizeError("remove operation does not apply: index out of bounds")
            }
            if path.count == 1 {
                let removed = items.remove(at: index)
                value = .list(items)
                return removed
            }
            let removed = try remove(at: path.dropFirst(), in: &items[index])
            value = .list(items)
            return removed
        default:
            throw KustomizeError("remove operation does not apply: doc is missing path")
        }
    }
}
