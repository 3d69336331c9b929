import Builder
import Foundation
public import ShipFiles

/// Loads a chart from a directory or a `.tgz` archive as Helm's `loader.Load` does: the
/// `.helmignore` rules (directories only), `Chart.yaml` (and `requirements.yaml` for
/// apiVersion v1), `values.yaml`, `templates/`, `charts/` (directories and archives), and the
/// other files for `.Files`; then validates the metadata.
public enum ChartLoader {
    /// Loads the chart at `path`: a directory, or a gzipped tar archive.
    ///
    /// - Throws: ``HelmError`` with Helm's words (`validation: chart.metadata.name is
    ///   required`).
    public static func load(_ path: String, fileSystem: any FileSystem) throws -> Chart {
        if fileSystem.isDirectory(path) {
            return try loadFiles(try directoryFiles(path, fileSystem: fileSystem))
        }
        guard fileSystem.isFile(path) else {
            throw HelmError("path \"\(path)\" not found")
        }
        return try loadFiles(try archiveFiles(path))
    }

    /// Every regular file under `root`, relative, `/`-separated, minus what `.helmignore`
    /// (then Helm's default `templates/.?*`) excludes, by Helm's rules.
    static func directoryFiles(_ root: String, fileSystem: any FileSystem) throws -> [ChartFile] {
        var ignore = try HelmIgnore(text: "")
        let ignoreFile = joinPath(root, ".helmignore")
        if fileSystem.isFile(ignoreFile) {
            let text = String(
                decoding: stripBOM(try fileSystem.readFile(at: ignoreFile)), as: UTF8.self)
            ignore = try HelmIgnore(text: text)
        }
        ignore.addDefaults()
        var files: [ChartFile] = []
        func walk(_ relative: String) throws {
            let directory = relative.isEmpty ? root : joinPath(root, relative)
            for entry in try fileSystem.contentsOfDirectory(at: directory) {
                let name = relative.isEmpty ? entry : relative + "/" + entry
                let full = joinPath(root, name)
                if fileSystem.isDirectory(full) {
                    if ignore.isIgnored(name, isDirectory: true) { continue }
                    try walk(name)
                    continue
                }
                if ignore.isIgnored(name, isDirectory: false) { continue }
                guard fileSystem.isFile(full) else {
                    throw HelmError(
                        "cannot load irregular file \(full) as it has file mode type bits set")
                }
                files.append(
                    ChartFile(name: name, data: stripBOM(try fileSystem.readFile(at: full))))
            }
        }
        try walk("")
        return files
    }

    /// The files of a chart archive, with the top directory (the chart's name) taken off.
    /// Names that would leave the archive's root are refused.
    static func archiveFiles(_ path: String) throws -> [ChartFile] {
        let entries: [(header: TarEntryHeader, data: Data)]
        do {
            entries = try TarReader.entries(ofFile: path)
        } catch {
            throw HelmError("\(path): \(error)")
        }
        var files: [ChartFile] = []
        for (header, data) in entries {
            guard case .file = header.kind else { continue }
            if header.path == "pax_global_header" { continue }
            var parts = header.path.split(separator: "/", omittingEmptySubsequences: true)
                .map(String.init)
            if parts.first == "." { parts.removeFirst() }
            guard parts.count >= 2 else {
                if parts.first == "Chart.yaml" {
                    throw HelmError("chart yaml not in base directory")
                }
                continue
            }
            parts.removeFirst()
            if parts.contains("..") {
                throw HelmError("chart illegally references parent directory")
            }
            if header.path.hasPrefix("/") {
                throw HelmError("chart illegally contains absolute paths")
            }
            files.append(ChartFile(name: parts.joined(separator: "/"), data: stripBOM(data)))
        }
        if files.isEmpty { throw HelmError("no files in chart archive") }
        return files
    }

    static func stripBOM(_ data: Data) -> Data {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { return data.dropFirst(3) }
        return data
    }

    static func text(_ file: ChartFile) -> String {
        String(decoding: file.data, as: UTF8.self)
    }

    /// Builds a chart from its files, as Helm's `loader.LoadFiles`.
    public static func loadFiles(_ files: [ChartFile]) throws -> Chart {
        var metadata: ChartMetadata?
        var values: [String: Value] = [:]
        var templates: [ChartFile] = []
        var others: [ChartFile] = []
        var schema: Data?
        var requirements: ChartFile?
        var subcharts: [String: [ChartFile]] = [:]
        var subchartOrder: [String] = []
        for file in files {
            switch file.name {
            case "Chart.yaml":
                do {
                    metadata = try parseMetadata(try HelmYAML.map(text(file)))
                } catch {
                    throw HelmError("cannot load Chart.yaml: \(error)")
                }
            case "values.yaml":
                do {
                    values = try HelmYAML.map(text(file))
                } catch {
                    throw HelmError("cannot load values.yaml: \(error)")
                }
            case "values.schema.json":
                schema = file.data
            case "requirements.yaml":
                requirements = file
                others.append(file)
            case "Chart.lock", "requirements.lock":
                others.append(file)
            default:
                if file.name.hasPrefix("templates/") {
                    templates.append(file)
                } else if file.name.hasPrefix("charts/") {
                    if file.name.hasSuffix(".prov") {
                        others.append(file)
                        continue
                    }
                    let inner = String(file.name.dropFirst("charts/".count))
                    let top = String(inner.split(separator: "/").first ?? "")
                    if subcharts[top] == nil { subchartOrder.append(top) }
                    subcharts[top, default: []].append(ChartFile(name: inner, data: file.data))
                } else {
                    others.append(file)
                }
            }
        }
        guard var metadata else { throw HelmError("Chart.yaml file is missing") }
        if metadata.apiVersion.isEmpty { metadata.apiVersion = "v1" }
        if let requirements, metadata.apiVersion == "v1" {
            do {
                let map = try HelmYAML.map(text(requirements))
                metadata.dependencies = try parseDependencies(map["dependencies"])
            } catch {
                throw HelmError("cannot load requirements.yaml: \(error)")
            }
        }
        try validate(metadata)
        var dependencies: [Chart] = []
        for name in subchartOrder.sorted() {
            if name.first == "_" || name.first == "." { continue }
            guard let parts = subcharts[name] else { continue }
            do {
                if parts.count == 1, let only = parts.first, only.name == name,
                    name.hasSuffix(".tgz") || name.hasSuffix(".tar.gz")
                {
                    dependencies.append(try loadFiles(try archiveData(only.data)))
                } else {
                    let prefix = name + "/"
                    let inner = parts.compactMap { part -> ChartFile? in
                        guard part.name.hasPrefix(prefix) else { return nil }
                        return ChartFile(
                            name: String(part.name.dropFirst(prefix.count)), data: part.data)
                    }
                    dependencies.append(try loadFiles(inner))
                }
            } catch {
                throw HelmError("error unpacking subchart \(name) in \(metadata.name): \(error)")
            }
        }
        return Chart(
            metadata: metadata, values: values, templates: templates, files: others,
            dependencies: dependencies, schema: schema)
    }

    /// The files of an archive held in memory (a `.tgz` inside `charts/`).
    static func archiveData(_ data: Data) throws -> [ChartFile] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("shipml-chart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("chart.tgz")
        try data.write(to: file)
        return try archiveFiles(file.path)
    }
}

// MARK: - Chart.yaml

extension ChartLoader {
    static func typeError(_ field: String, _ expected: String, _ value: Value) -> HelmError {
        HelmError(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                + HelmYAML.jsonKind(value) + " into Go struct field " + field + " of type "
                + expected)
    }

    static func string(_ map: [String: Value], _ key: String, _ field: String) throws -> String {
        switch map[key] {
        case nil, .null: return ""
        case .string(let text): return text
        case let other?: throw typeError(field, "string", other)
        }
    }

    static func strings(_ map: [String: Value], _ key: String, _ field: String) throws -> [String] {
        switch map[key] {
        case nil, .null: return []
        case .list(let items):
            return try items.map {
                guard case .string(let text) = $0 else { throw typeError(field, "string", $0) }
                return text
            }
        case let other?: throw typeError(field, "[]string", other)
        }
    }

    static func parseMetadata(_ map: [String: Value]) throws -> ChartMetadata {
        var metadata = ChartMetadata()
        metadata.name = try string(map, "name", "Metadata.name")
        metadata.home = try string(map, "home", "Metadata.home")
        metadata.sources = try strings(map, "sources", "Metadata.sources")
        metadata.version = try string(map, "version", "Metadata.version")
        metadata.description = try string(map, "description", "Metadata.description")
        metadata.keywords = try strings(map, "keywords", "Metadata.keywords")
        metadata.icon = try string(map, "icon", "Metadata.icon")
        metadata.apiVersion = try string(map, "apiVersion", "Metadata.apiVersion")
        metadata.condition = try string(map, "condition", "Metadata.condition")
        metadata.tags = try string(map, "tags", "Metadata.tags")
        metadata.appVersion = try string(map, "appVersion", "Metadata.appVersion")
        metadata.kubeVersion = try string(map, "kubeVersion", "Metadata.kubeVersion")
        metadata.type = try string(map, "type", "Metadata.type")
        switch map["deprecated"] {
        case nil, .null: break
        case .bool(let flag): metadata.deprecated = flag
        case let other?: throw typeError("Metadata.deprecated", "bool", other)
        }
        switch map["annotations"] {
        case nil, .null: break
        case .map(let entries):
            for (key, value) in entries {
                guard case .string(let text) = value else {
                    throw typeError("Metadata.annotations", "string", value)
                }
                metadata.annotations[key] = text
            }
        case let other?: throw typeError("Metadata.annotations", "map[string]string", other)
        }
        switch map["maintainers"] {
        case nil, .null: break
        case .list(let items):
            for item in items {
                guard case .map(let entry) = item else {
                    throw typeError("Metadata.maintainers", "chart.Maintainer", item)
                }
                metadata.maintainers.append(
                    ChartMaintainer(
                        name: try string(entry, "name", "Maintainer.name"),
                        email: try string(entry, "email", "Maintainer.email"),
                        url: try string(entry, "url", "Maintainer.url")))
            }
        case let other?: throw typeError("Metadata.maintainers", "[]*chart.Maintainer", other)
        }
        metadata.dependencies = try parseDependencies(map["dependencies"])
        return metadata
    }

    static func parseDependencies(_ value: Value?) throws -> [ChartDependency] {
        switch value {
        case nil, .null: return []
        case .list(let items):
            return try items.map { item in
                guard case .map(let entry) = item else {
                    throw typeError("Metadata.dependencies", "chart.Dependency", item)
                }
                var dependency = ChartDependency()
                dependency.name = try string(entry, "name", "Dependency.name")
                dependency.version = try string(entry, "version", "Dependency.version")
                dependency.repository = try string(entry, "repository", "Dependency.repository")
                dependency.condition = try string(entry, "condition", "Dependency.condition")
                dependency.tags = try strings(entry, "tags", "Dependency.tags")
                dependency.alias = try string(entry, "alias", "Dependency.alias")
                if case .bool(let flag) = entry["enabled"] { dependency.enabled = flag }
                if case .list(let imports) = entry["import-values"] {
                    dependency.importValues = imports
                }
                return dependency
            }
        case let other?: throw typeError("Metadata.dependencies", "[]*chart.Dependency", other)
        }
    }

    /// Helm's `Metadata.Validate`.
    static func validate(_ metadata: ChartMetadata) throws {
        func fail(_ message: String) -> HelmError { HelmError("validation: " + message) }
        if metadata.apiVersion.isEmpty { throw fail("chart.metadata.apiVersion is required") }
        if metadata.name.isEmpty { throw fail("chart.metadata.name is required") }
        if metadata.name.contains("/") || metadata.name == "." || metadata.name == ".." {
            throw fail("chart.metadata.name \"\(metadata.name)\" is invalid")
        }
        if metadata.version.isEmpty { throw fail("chart.metadata.version is required") }
        if SemanticVersion(metadata.version) == nil {
            throw fail("chart.metadata.version \"\(metadata.version)\" is invalid")
        }
        if !["", "application", "library"].contains(metadata.type) {
            throw fail("chart.metadata.type must be application or library")
        }
        for maintainer in metadata.maintainers where maintainer.name.isEmpty {
            throw fail("chart.metadata.maintainers must have a name")
        }
        var seen: Set<String> = []
        for dependency in metadata.dependencies {
            if !dependency.alias.isEmpty,
                dependency.alias.contains(where: {
                    !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_")
                })
            {
                throw fail(
                    "dependency \"\(dependency.name)\" has disallowed characters in the alias")
            }
            let key = dependency.alias.isEmpty ? dependency.name : dependency.alias
            if seen.contains(key) {
                throw fail("more than one dependency with name or alias \"\(key)\"")
            }
            seen.insert(key)
        }
    }
}
