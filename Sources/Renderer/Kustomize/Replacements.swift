import Foundation

/// `replacements`: copy a field of one resource into fields of others.
struct Replacements {
    var patcher: Patcher

    func apply(_ entry: KValue, to resources: inout [Resource]) throws {
        var replacements: [KValue] = []
        if let path = entry["path"]?.scalarText {
            for document in try KValue.documents(try patcher.load(path)) {
                if let items = document.listItems {
                    replacements += items
                } else if !document.isNull {
                    replacements.append(document)
                }
            }
        } else {
            replacements.append(entry)
        }
        for replacement in replacements {
            try applyOne(replacement, to: &resources)
        }
    }

    func applyOne(_ replacement: KValue, to resources: inout [Resource]) throws {
        guard let source = replacement["source"] else {
            throw KustomizeError("replacements must specify a source")
        }
        let sources = try patcher.select(source, in: resources)
        guard let sourceIndex = sources.first else {
            throw KustomizeError("nothing selected by \(Self.describe(source))")
        }
        if sources.count > 1 {
            throw KustomizeError(
                "multiple matches for selector \(Self.describe(source))")
        }
        let fieldPath = source["fieldPath"]?.scalarText ?? "metadata.name"
        let found = FieldPath.get(Self.segments(fieldPath)[...], in: resources[sourceIndex].value)
        guard var value = found.first else {
            throw KustomizeError(
                "fieldPath `\(fieldPath)` is missing for replacement source "
                    + resources[sourceIndex].idDescription)
        }
        if let options = source["options"], let delimiter = options["delimiter"]?.scalarText,
            let text = value.scalarText
        {
            let parts = text.components(separatedBy: delimiter)
            let index = Int(options["index"]?.scalarText ?? "0") ?? 0
            guard parts.indices.contains(index) else {
                throw KustomizeError("options.index \(index) is out of bounds for value \(text)")
            }
            value = .string(parts[index])
        }
        for target in replacement["targets"]?.listItems ?? [] {
            guard let select = target["select"] else {
                throw KustomizeError("target must specify resources to select")
            }
            var indices = try patcher.select(select, in: resources)
            for reject in target["reject"]?.listItems ?? [] {
                let rejected = Set(try patcher.select(reject, in: resources))
                indices.removeAll { rejected.contains($0) }
            }
            let options = target["options"]
            let create = options?["create"] == .bool(true)
            for index in indices {
                for path in target["fieldPaths"]?.listItems?.compactMap(\.scalarText) ?? [] {
                    var document = resources[index].value
                    try FieldPath.set(
                        Self.segments(path)[...], in: &document, create: create,
                        transform: { old in
                            Self.replace(old, with: value, options: options)
                        })
                    resources[index].value = document
                }
            }
        }
    }

    static func replace(_ old: KValue?, with value: KValue, options: KValue?) -> KValue {
        guard let delimiter = options?["delimiter"]?.scalarText,
            let oldText = old?.scalarText, let newText = value.scalarText
        else { return value }
        var parts = oldText.components(separatedBy: delimiter)
        let index = Int(options?["index"]?.scalarText ?? "0") ?? 0
        if index < 0 {
            parts.insert(newText, at: 0)
        } else if index >= parts.count {
            parts.append(newText)
        } else {
            parts[index] = newText
        }
        return .string(parts.joined(separator: delimiter))
    }

    static func describe(_ selector: KValue) -> String {
        let keys = ["group", "version", "kind", "name", "namespace"]
        return keys.compactMap { key in selector[key]?.scalarText.map { "\(key)=\($0)" } }
            .joined(separator: ",")
    }

    /// Splits `a.b.[name=x].c` into segments, keeping brackets whole.
    static func segments(_ path: String) -> [String] {
        var segments: [String] = []
        var current = ""
        var depth = 0
        for character in path {
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1 }
            if character == "." && depth == 0 {
                segments.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        segments.append(current)
        return segments.filter { !$0.isEmpty }
    }
}

/// Kustomize field paths over a resource: `spec.containers.[name=web].image`, `items.0`, `*`.
enum FieldPath {
    static func selector(_ segment: String) -> (String, String)? {
        guard segment.hasPrefix("["), segment.hasSuffix("]"),
            let equals = segment.firstIndex(of: "=")
        else { return nil }
        let key = String(segment[segment.index(after: segment.startIndex)..<equals])
        let value = String(
            segment[segment.index(after: equals)..<segment.index(before: segment.endIndex)])
        return (key, value)
    }

    static func get(_ path: ArraySlice<String>, in value: KValue) -> [KValue] {
        guard let segment = path.first else { return [value] }
        let rest = path.dropFirst()
        switch value {
        case .list(let items):
            if let (key, expected) = selector(segment) {
                return items.filter { $0[key]?.scalarText == expected }.flatMap {
                    get(rest, in: $0)
                }
            }
            if segment == "*" { return items.flatMap { get(rest, in: $0) } }
            if let index = Int(segment), items.indices.contains(index) {
                return get(rest, in: items[index])
            }
            return []
        case .map(let pairs):
            if segment == "*" { return pairs.flatMap { get(rest, in: $0.1) } }
            guard let child = value[segment] else { return [] }
            return get(rest, in: child)
        default:
            return []
        }
    }

    static func set(
        _ path: ArraySlice<String>, in value: inout KValue, create: Bool,
        transform: (KValue?) -> KValue
    ) throws {
        guard let segment = path.first else {
            value = transform(value)
            return
        }
        let rest = path.dropFirst()
        switch value {
        case .list(var items):
            if let (key, expected) = selector(segment) {
                var matched = false
                for index in items.indices where items[index][key]?.scalarText == expected {
                    matched = true
                    try set(rest, in: &items[index], create: create, transform: transform)
                }
                if !matched && create {
                    var element = KValue.map([(key, .string(expected))])
                    try set(rest, in: &element, create: create, transform: transform)
                    items.append(element)
                }
            } else if segment == "*" {
                for index in items.indices {
                    try set(rest, in: &items[index], create: create, transform: transform)
                }
            } else if let index = Int(segment) {
                if items.indices.contains(index) {
                    try set(rest, in: &items[index], create: create, transform: transform)
                }
            } else {
                // A field name at a list applies to every element (kustomize's field specs).
                for index in items.indices {
                    try set(path, in: &items[index], create: create, transform: transform)
                }
            }
            value = .list(items)
        case .map:
            if segment == "*" {
                guard case .map(var pairs) = value else { return }
                for index in pairs.indices {
                    try set(rest, in: &pairs[index].1, create: create, transform: transform)
                }
                value = .map(pairs)
                return
            }
            if var child = value[segment] {
                try set(rest, in: &child, create: create, transform: transform)
                value[segment] = child
            } else if create {
                var child: KValue
                if rest.isEmpty {
                    child = transform(nil)
                } else {
                    child = rest.first.map { selector($0) != nil } == true ? .list([]) : .map([])
                    try set(rest, in: &child, create: create, transform: transform)
                }
                value[segment] = child
            }
        case .null where create:
            value = .map([])
            try set(path, in: &value, create: create, transform: transform)
        default:
            return
        }
    }
}
