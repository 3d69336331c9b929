import Foundation
import ShipFiles

/// `configMapGenerator` and `secretGenerator`: objects made from literals, files and env files.
struct Generators {
    var directory: String
    var fileSystem: any FileSystem
    var options: KValue?
    var restrictToRoot = true

    func configMap(_ spec: KValue) throws -> Resource {
        try generate(spec, kind: "ConfigMap")
    }

    func secret(_ spec: KValue) throws -> Resource {
        try generate(spec, kind: "Secret")
    }

    func generate(_ spec: KValue, kind: String) throws -> Resource {
        guard let name = spec["name"]?.scalarText, !name.isEmpty else {
            throw KustomizeError("a \(kind) generator needs a name")
        }
        var data: [(String, KValue)] = []
        var binaryData: [(String, KValue)] = []
        func add(_ key: String, _ value: String) throws {
            try addBytes(key, Data(value.utf8))
        }
        // A ConfigMap keeps text in `data` and other bytes, base64, in `binaryData`; a Secret
        // keeps everything base64 in `data`.
        func addBytes(_ key: String, _ bytes: Data) throws {
            if data.contains(where: { $0.0 == key }) || binaryData.contains(where: { $0.0 == key })
            {
                throw KustomizeError(
                    "configmap \(name) illegally repeats the key `\(key)`")
            }
            if kind == "Secret" {
                data.append((key, .string(bytes.base64EncodedString())))
            } else if let text = String(data: bytes, encoding: .utf8) {
                data.append((key, .string(text)))
            } else {
                binaryData.append((key, .string(bytes.base64EncodedString())))
            }
        }
        var envFiles = spec["envs"]?.listItems?.compactMap(\.scalarText) ?? []
        if let env = spec["env"]?.scalarText { envFiles.append(env) }
        for file in envFiles {
            let text = try readFile(file, sources: "env source files")
            for (key, value) in try Self.parseEnvFile(text, file: file) {
                try add(key, value)
            }
        }
        for literal in spec["literals"]?.listItems?.compactMap(\.scalarText) ?? [] {
            let (key, value) = try Self.parseLiteral(literal)
            try add(key, value)
        }
        for source in spec["files"]?.listItems?.compactMap(\.scalarText) ?? [] {
            var key = source
            var path = source
            if let equals = source.firstIndex(of: "=") {
                key = String(source[..<equals])
                path = String(source[source.index(after: equals)...])
                if key.isEmpty {
                    throw KustomizeError("key names or file paths cannot be empty: \(source)")
                }
            } else {
                key = String(source.split(separator: "/").last ?? Substring(source))
            }
            try addBytes(key, try readBytes(path, entry: source))
        }
        var metadata: [(String, KValue)] = [("name", .string(name))]
        if let namespace = spec["namespace"]?.scalarText, !namespace.isEmpty {
            metadata.append(("namespace", .string(namespace)))
        }
        let local = spec["options"]
        var labels = options?["labels"]?.mapPairs ?? []
        for pair in local?["labels"]?.mapPairs ?? [] { upsert(&labels, pair) }
        var annotations = options?["annotations"]?.mapPairs ?? []
        for pair in local?["annotations"]?.mapPairs ?? [] { upsert(&annotations, pair) }
        if !labels.isEmpty { metadata.append(("labels", .map(labels))) }
        if !annotations.isEmpty { metadata.append(("annotations", .map(annotations))) }
        var object: [(String, KValue)] = [
            ("apiVersion", .string("v1")), ("kind", .string(kind)), ("metadata", .map(metadata)),
        ]
        if kind == "Secret" {
            object.append(("type", .string(spec["type"]?.scalarText ?? "Opaque")))
        }
        if !data.isEmpty { object.append(("data", .map(data))) }
        if !binaryData.isEmpty { object.append(("binaryData", .map(binaryData))) }
        let immutable =
            local?["immutable"] == .bool(true) || options?["immutable"] == .bool(true)
        if immutable { object.append(("immutable", .bool(true))) }
        var resource = Resource(.map(object))
        let disable =
            local?["disableNameSuffixHash"] ?? options?["disableNameSuffixHash"] ?? .bool(false)
        resource.needsHash = disable != .bool(true)
        resource.behavior = spec["behavior"]?.scalarText ?? "create"
        return resource
    }

    /// Reads a generator's input as kustomize's loader does: it must exist, then lie in or
    /// below the kustomization's directory.
    func readFile(_ relative: String, sources: String = "file sources", entry: String? = nil)
        throws -> String
    {
        let root = normalizePath(directory)
        let path = normalizePath(joinPath(root, relative))
        let prefix = root.hasSuffix("/") ? root : root + "/"
        let context = "loading KV pairs: \(sources): [\(entry ?? relative)]: "
        guard fileSystem.isFile(path) else {
            throw KustomizeError(
                context + "evalsymlink failure on '\(path)' : lstat \(path): "
                    + "no such file or directory")
        }
        guard !restrictToRoot || path.hasPrefix(prefix) else {
            throw KustomizeError(context + "security; file '\(path)' is not in or below '\(root)'")
        }
        do {
            return try fileSystem.readText(at: path)
        } catch {
            throw KustomizeError("\(error)")
        }
    }

    /// A file's bytes, with the checks of ``readFile(_:sources:entry:)``.
    func readBytes(_ relative: String, entry: String) throws -> Data {
        let root = normalizePath(directory)
        let path = normalizePath(joinPath(root, relative))
        if !fileSystem.isFile(path) || (restrictToRoot && !path.hasPrefix(root + "/")) {
            _ = try readFile(relative, entry: entry)
        }
        do {
            return try fileSystem.readFile(at: path)
        } catch {
            throw KustomizeError("\(error)")
        }
    }

    func upsert(_ pairs: inout [(String, KValue)], _ pair: (String, KValue)) {
        if let index = pairs.firstIndex(where: { $0.0 == pair.0 }) {
            pairs[index].1 = pair.1
        } else {
            pairs.append(pair)
        }
    }

    static func parseLiteral(_ literal: String) throws -> (String, String) {
        guard let equals = literal.firstIndex(of: "="), equals != literal.startIndex else {
            throw KustomizeError(
                "invalid literal source \(literal), expected key=value")
        }
        let key = String(literal[..<equals])
        var value = String(literal[literal.index(after: equals)...])
        if value.count >= 2, let first = value.first, first == "\"" || first == "'",
            value.last == first
        {
            value = String(value.dropFirst().dropLast())
        }
        return (key, value)
    }

    static func parseEnvFile(_ text: String, file: String) throws -> [(String, String)] {
        var pairs: [(String, String)] = []
        var body = text
        if body.hasPrefix("\u{FEFF}") { body.removeFirst() }
        for rawLine in body.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            line = line.drop(while: { $0.isWhitespace })
            if line.isEmpty || line.hasPrefix("#") { continue }
            if let equals = line.firstIndex(of: "=") {
                pairs.append((String(line[..<equals]), String(line[line.index(after: equals)...])))
            } else {
                let key = String(line)
                pairs.append((key, ProcessInfo.processInfo.environment[key] ?? ""))
            }
        }
        return pairs
    }

    /// Adds a generated object, or merges it into (or replaces) the one it names.
    func merge(_ generated: Resource, into resources: inout [Resource]) throws {
        let matches = resources.indices.filter {
            resources[$0].kind == generated.kind
                && resources[$0].originalName == generated.name
                && (generated.namespace.isEmpty
                    || resources[$0].originalNamespace == generated.namespace)
        }
        switch generated.behavior {
        case "create":
            if !matches.isEmpty {
                throw KustomizeError(
                    "merging from generator \(generated.value): id \(generated.idDescription) "
                        + "exists; behavior must be merge or replace")
            }
            resources.append(generated)
        case "merge", "replace":
            guard let index = matches.first else {
                throw KustomizeError(
                    "id \(generated.idDescription) does not exist; cannot merge or replace")
            }
            var existing = resources[index]
            if generated.behavior == "merge" {
                for field in ["data", "binaryData", "stringData"] {
                    guard let newPairs = generated.value[field]?.mapPairs else { continue }
                    var pairs = existing.value[field]?.mapPairs ?? []
                    for pair in newPairs { upsert(&pairs, pair) }
                    existing.value[field] = .map(pairs)
                }
                for field in ["labels", "annotations"] {
                    guard let newPairs = generated.value.value(at: ["metadata", field])?.mapPairs
                    else { continue }
                    var pairs = existing.value.value(at: ["metadata", field])?.mapPairs ?? []
                    for pair in newPairs { upsert(&pairs, pair) }
                    existing.value.setValue(.map(pairs), at: ["metadata", field])
                }
            } else {
                let name = existing.value.value(at: ["metadata", "name"]) ?? .string("")
                var replaced = generated.value
                replaced.setValue(name, at: ["metadata", "name"])
                if !existing.namespace.isEmpty {
                    replaced.setValue(.string(existing.namespace), at: ["metadata", "namespace"])
                }
                existing.value = replaced
            }
            existing.needsHash = existing.needsHash || generated.needsHash
            resources[index] = existing
        default:
            throw KustomizeError("unknown generator behavior '\(generated.behavior)'")
        }
    }
}
