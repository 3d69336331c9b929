/// The deprecated `vars`: `$(NAME)` in container commands, arguments and environment values
/// becomes a field of a resource, read after every name has its final form.
enum Vars {
    static func resolve(_ vars: [KValue], in resources: inout [Resource]) throws {
        var values: [String: String] = [:]
        for variable in vars {
            guard let name = variable["name"]?.scalarText, let reference = variable["objref"]
            else { throw KustomizeError("var \(variable) needs a name and an objref") }
            let kind = reference["kind"]?.scalarText
            let objectName = reference["name"]?.scalarText ?? ""
            let matches = resources.filter {
                (kind == nil || $0.kind == kind) && $0.allNames.contains(objectName)
            }
            guard let resource = matches.first else {
                throw KustomizeError(
                    "var '\(name)' cannot be mapped to a field in the set of known resources")
            }
            // Go's JSON decoding matches field names without regard to case.
            let fieldReference = variable["fieldref"]?.mapPairs ?? []
            let fieldPath =
                fieldReference.first { $0.0.lowercased() == "fieldpath" }?.1.scalarText
                ?? "metadata.name"
            let segments = Replacements.segments(
                fieldPath.replacingAll("[", with: ".[").replacingAll("..", with: ".")
            )
            .map { segment -> String in
                if segment.hasPrefix("["), segment.hasSuffix("]"), !segment.contains("=") {
                    return String(segment.dropFirst().dropLast())
                }
                return segment
            }
            guard let value = FieldPath.get(segments[...], in: resource.value).first?.scalarText
            else {
                throw KustomizeError(
                    "field specified in var '\(name)' not found in corresponding resource")
            }
            values[name] = value
        }
        if values.isEmpty { return }
        // Only the workload kinds kustomize's var references name; a custom kind keeps its
        // `$(NAME)` text.
        for index in resources.indices {
            let kind = resources[index].kind
            guard let prefixes = NameReferences.podSpecPaths[kind] else { continue }
            for prefix in prefixes {
                guard let spec = resources[index].value.value(at: prefix) else { continue }
                resources[index].value.setValue(substitute(spec, values: values), at: prefix)
            }
        }
    }

    /// Replaces `$(NAME)` in the container fields kustomize's var references name.
    static func substitute(_ value: KValue, values: [String: String]) -> KValue {
        switch value {
        case .map(var pairs):
            for index in pairs.indices {
                let key = pairs[index].0
                if key == "containers" || key == "initContainers",
                    var items = pairs[index].1.listItems
                {
                    for item in items.indices {
                        for field in ["command", "args"] {
                            if let list = items[item][field]?.listItems {
                                items[item][field] = .list(list.map { replace($0, values) })
                            }
                        }
                        if var env = items[item]["env"]?.listItems {
                            for position in env.indices {
                                if let text = env[position]["value"] {
                                    env[position]["value"] = replace(text, values)
                                }
                            }
                            items[item]["env"] = .list(env)
                        }
                    }
                    pairs[index].1 = .list(items)
                } else {
                    pairs[index].1 = substitute(pairs[index].1, values: values)
                }
            }
            return .map(pairs)
        case .list(let items):
            return .list(items.map { substitute($0, values: values) })
        default:
            return value
        }
    }

    static func replace(_ value: KValue, _ values: [String: String]) -> KValue {
        guard case .string(var text) = value, text.contains("$(") else { return value }
        for (name, replacement) in values {
            text = text.replacingAll("$(\(name))", with: replacement)
        }
        return .string(text)
    }
}
