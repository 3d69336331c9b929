import Foundation

/// Helm's `engine.Render`: one template set for a chart and all its subcharts, each template
/// named `CHART/templates/x.yaml` (`CHART/charts/SUB/templates/...` for a subchart), run with
/// `missingkey=zero` and the `<no value>` text removed from its output.
public struct HelmEngine {
    /// The functions before Helm's own (Sprig's, and Helm's data functions).
    public var baseFunctions: FunctionMap
    /// `toYaml`, for `.Files.AsConfig`.
    public var toYAML: @Sendable (Value) -> String

    public init(
        baseFunctions: FunctionMap = [:],
        toYAML: @escaping @Sendable (Value) -> String = { _ in "" }
    ) {
        self.baseFunctions = baseFunctions
        self.toYAML = toYAML
    }

    struct Renderable {
        var text: String
        var data: [String: Value]
        var basePath: String
    }

    /// Renders every template of `chart` (partials and library templates are parsed but not
    /// run). `top` holds `Values` (coalesced), `Release` and `Capabilities`.
    ///
    /// - Returns: the output of each template by name.
    /// - Throws: ``HelmError`` with Helm's words (`parse error at (...)`, `execution error at
    ///   (...)`, or the traced form of other execution errors).
    public func render(_ chart: Chart, top: [String: Value]) throws -> [String: String] {
        // One large-stack thread for every parse and execution of the chart. The engine is
        // used only by that thread while this one waits for it.
        nonisolated(unsafe) let engine = self
        return try TemplateSet.onLargeStack { _ in
            try engine.renderOnThisThread(chart, top: top)
        }
    }

    private func renderOnThisThread(_ chart: Chart, top: [String: Value]) throws -> [String: String]
    {
        var renderables: [String: Renderable] = [:]
        collect(chart, path: chart.name, parent: top, isRoot: true, into: &renderables)
        let set = TemplateSet(
            functions: functions(), options: TemplateOptions(missingKey: .zero, rootName: "gotpl"))
        let keys = Self.sortedForParsing(Array(renderables.keys))
        for name in keys {
            guard let renderable = renderables[name] else { continue }
            do {
                try set.parse(name: name, text: renderable.text)
            } catch {
                throw Self.parseError(name, error)
            }
        }
        var rendered: [String: String] = [:]
        for name in keys {
            if lastComponent(name).hasPrefix("_") { continue }
            guard var renderable = renderables[name] else { continue }
            renderable.data["Template"] = .map([
                "Name": .string(name), "BasePath": .string(renderable.basePath),
            ])
            let output: String
            do {
                output = try set.execute(name: name, data: .map(renderable.data))
            } catch {
                throw Self.executionError(name, error)
            }
            rendered[name] = output.replacingOccurrences(of: "<no value>", with: "")
        }
        return rendered
    }

    /// Helm's `sortTemplates`: deeper paths first, then reverse lexical order.
    static func sortedForParsing(_ names: [String]) -> [String] {
        names.sorted { a, b in
            let depthA = a.filter { $0 == "/" }.count
            let depthB = b.filter { $0 == "/" }.count
            if depthA != depthB { return depthA > depthB }
            return a > b
        }
    }

    /// `recAllTpls`: each chart's data, with `.Values` scoped to it.
    @discardableResult
    func collect(
        _ chart: Chart, path: String, parent: [String: Value], isRoot: Bool,
        into renderables: inout [String: Renderable]
    ) -> [String: Value] {
        var data: [String: Value] = [
            "Chart": Self.chartObject(chart.metadata, isRoot: isRoot),
            "Files": .object(
                HelmFiles(
                    files: Dictionary(
                        chart.files.map { ($0.name, $0.data) }, uniquingKeysWith: { a, _ in a }),
                    toYAML: toYAML)),
            "Release": parent["Release"] ?? .null,
            "Capabilities": parent["Capabilities"] ?? .null,
            "Values": .map([:]),
        ]
        if isRoot {
            data["Values"] = parent["Values"] ?? .map([:])
        } else if case .map(let values)? = parent["Values"],
            case .map(let own)? = values[chart.name]
        {
            data["Values"] = .map(own)
        }
        var subcharts: [String: Value] = [:]
        for child in chart.dependencies {
            subcharts[child.name] = .map(
                collect(
                    child, path: path + "/charts/" + child.name, parent: data, isRoot: false,
                    into: &renderables))
        }
        data["Subcharts"] = .map(subcharts)
        for template in chart.templates {
            if chart.isLibrary && !lastComponent(template.name).hasPrefix("_") { continue }
            renderables[path + "/" + template.name] = Renderable(
                text: String(decoding: template.data, as: UTF8.self), data: data,
                basePath: path + "/templates")
        }
        return data
    }

    /// `.Chart`: the metadata as Go's `*chart.Metadata`, fields capitalised.
    static func chartObject(_ metadata: ChartMetadata, isRoot: Bool) -> Value {
        func strings(_ list: [String]) -> Value { .object(GoStringSlice(list)) }
        let maintainers: [Value] = metadata.maintainers.map {
            .object(
                GoStruct(
                    goTypeName: "*chart.Maintainer",
                    fields: [
                        "Name": .string($0.name), "Email": .string($0.email),
                        "URL": .string($0.url),
                    ],
                    text: "&{\($0.name) \($0.email) \($0.url)}",
                    json: .map(
                        [
                            "name": .string($0.name), "email": .string($0.email),
                            "url": .string($0.url),
                        ]
                        .filter {
                            if case .string(let s) = $0.value { return !s.isEmpty }
                            return true
                        })))
        }
        let dependencies: [Value] = metadata.dependencies.map { dependency in
            var json: [String: Value] = ["name": .string(dependency.name)]
            if !dependency.version.isEmpty { json["version"] = .string(dependency.version) }
            if !dependency.repository.isEmpty {
                json["repository"] = .string(dependency.repository)
            }
            if !dependency.condition.isEmpty { json["condition"] = .string(dependency.condition) }
            if !dependency.tags.isEmpty {
                json["tags"] = .list(dependency.tags.map { .string($0) })
            }
            if dependency.enabled { json["enabled"] = .bool(true) }
            if !dependency.importValues.isEmpty {
                json["import-values"] = .list(dependency.importValues)
            }
            if !dependency.alias.isEmpty { json["alias"] = .string(dependency.alias) }
            return .object(
                GoStruct(
                    goTypeName: "*chart.Dependency",
                    fields: [
                        "Name": .string(dependency.name), "Version": .string(dependency.version),
                        "Repository": .string(dependency.repository),
                        "Condition": .string(dependency.condition),
                        "Tags": strings(dependency.tags), "Enabled": .bool(dependency.enabled),
                        "ImportValues": .list(dependency.importValues),
                        "Alias": .string(dependency.alias),
                    ],
                    text: "&{\(dependency.name) \(dependency.version)}", json: .map(json)))
        }
        let fields: [String: Value] = [
            "Name": .string(metadata.name), "Home": .string(metadata.home),
            "Sources": strings(metadata.sources), "Version": .string(metadata.version),
            "Description": .string(metadata.description), "Keywords": strings(metadata.keywords),
            "Maintainers": .list(maintainers), "Icon": .string(metadata.icon),
            "APIVersion": .string(metadata.apiVersion), "Condition": .string(metadata.condition),
            "Tags": .string(metadata.tags), "AppVersion": .string(metadata.appVersion),
            "Deprecated": .bool(metadata.deprecated),
            "Annotations": .map(metadata.annotations.mapValues { .string($0) }),
            "KubeVersion": .string(metadata.kubeVersion), "Dependencies": .list(dependencies),
            "Type": .string(metadata.type), "IsRoot": .bool(isRoot),
        ]
        // toJson/toYaml see Helm v4's field names, empty lists as [] and no annotations as
        // null (checked against Helm v4.2.3's engine).
        var json = fields.mapValues { value -> Value in
            switch value {
            case .object(let object): return object.marshalled ?? .null
            case .list(let items):
                return .list(
                    items.map { item in
                        if case .object(let object) = item { return object.marshalled ?? .null }
                        return item
                    })
            default: return value
            }
        }
        if metadata.annotations.isEmpty { json["Annotations"] = .null }
        return .object(
            GoStruct(
                goTypeName: "*chart.Metadata", fields: fields,
                text: "&{\(metadata.name) \(metadata.version)}", json: .map(json)))
    }

    // MARK: Errors

    static let errorStart = "HELM_ERR_START"
    static let errorEnd = "HELM_ERR_END"

    /// `cleanupParseError`.
    static func parseError(_ name: String, _ error: any Error) -> HelmError {
        let text = "\(error)"
        let tokens = text.components(separatedBy: ": ")
        guard tokens.count > 1, let last = tokens.last else {
            return HelmError("parse error in (\(name)): \(text)")
        }
        return HelmError("parse error at (\(tokens[1])): \(last)")
    }

    /// `reformatExecErrorMsg`: `execution error at (LOC): MSG` for `required` and `fail`,
    /// otherwise each `template: LOC: executing NAME at <X>: MSG` link on its own lines.
    static func executionError(_ name: String, _ error: any Error) -> HelmError {
        guard let templateError = error as? TemplateError else { return HelmError("\(error)") }
        let text = templateError.description
        let tokens = text.split(separator: ": ", maxSplits: 2, omittingEmptySubsequences: false)
        guard tokens.count == 3 else {
            return HelmError("execution error in (\(name)): \(text)")
        }
        let rest = String(tokens[2])
        if let start = rest.range(of: errorStart),
            let end = rest.range(of: errorEnd, options: .backwards),
            start.upperBound <= end.lowerBound
        {
            return HelmError(
                "execution error at (\(tokens[1])): \(rest[start.upperBound..<end.lowerBound])")
        }
        var lines: [String] = []
        var remaining = text
        while remaining.hasPrefix("template: ") {
            let body = remaining.dropFirst("template: ".count)
            guard let executing = body.range(of: ": executing "),
                let at = body.range(of: " at <", range: executing.upperBound..<body.endIndex),
                let close = body.range(of: ">: ", range: at.upperBound..<body.endIndex)
            else {
                lines.append(String(remaining))
                remaining = ""
                break
            }
            let location = body[..<executing.lowerBound]
            let function = body[executing.upperBound..<at.lowerBound]
            let node = body[at.upperBound..<close.lowerBound]
            var message = String(body[close.upperBound...])
            var next = ""
            if let nested = message.range(of: " template: ") {
                next = String(message[message.index(after: nested.lowerBound)...])
                message = String(message[..<nested.lowerBound])
            }
            // An error a function returned (`error calling index: ...`, `tpl`'s) is wrapped,
            // not a template's: Helm then leaves the whole text as Go wrote it (checked
            // against Helm v4.2.3's engine).
            if message.hasPrefix("error calling "),
                let colon = message.range(of: ": "), colon.upperBound < message.endIndex
            {
                return HelmError(text)
            }
            lines.append("\(location)\n  executing \(function) at <\(node)>:\n    \(message)")
            remaining = next
        }
        if !remaining.isEmpty { lines.append(remaining) }
        return HelmError(
            lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
