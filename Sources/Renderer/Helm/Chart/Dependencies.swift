import Foundation

/// What Helm does with a chart's `dependencies:` before rendering
/// (`chartutil.ProcessDependencies`): aliases, `condition` and `tags` deciding which subcharts
/// are enabled, and `import-values` copying a child's values into its parent.
public enum DependencyProcessor {
    /// Processes `chart` against the user's values (`-f`, `--set`), with Helm's merge
    /// semantics for imports.
    public static func process(
        _ chart: Chart, values: [String: Value], coalescer: inout Coalescer
    ) throws -> Chart {
        var chart = chart
        try processEnabled(&chart, values, path: "", coalescer: &coalescer)
        try processImports(&chart, coalescer: &coalescer)
        return chart
    }

    /// `Values.Table`: the map at a dotted path.
    static func table(_ values: [String: Value], _ path: String) -> [String: Value]? {
        var current = values
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .map(let inner)? = current[String(part)] else { return nil }
            current = inner
        }
        return current
    }

    /// `Values.PathValue`: a non-table value at a dotted path.
    static func pathValue(_ values: [String: Value], _ path: String) -> Value? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let key = parts.last else { return nil }
        let holder: [String: Value]?
        if parts.count == 1 {
            holder = values
        } else {
            holder = table(values, parts.dropLast().joined(separator: "."))
        }
        guard let value = holder?[key] else { return nil }
        if case .map = value { return nil }
        return value
    }

    static func processEnabled(
        _ chart: inout Chart, _ values: [String: Value], path: String,
        coalescer: inout Coalescer
    ) throws {
        if chart.metadata.dependencies.isEmpty { return }
        var charts: [Chart] = []
        // Charts in charts/ that no dependency names stay as they are.
        for existing in chart.dependencies {
            let named = chart.metadata.dependencies.contains {
                $0.name == existing.name
                    && SemanticVersion.satisfies(existing.metadata.version, constraint: $0.version)
            }
            if !named { charts.append(existing) }
        }
        for index in chart.metadata.dependencies.indices {
            let dependency = chart.metadata.dependencies[index]
            if let match = chart.dependencies.first(where: {
                $0.name == dependency.name
                    && SemanticVersion.satisfies(
                        $0.metadata.version, constraint: dependency.version)
            }) {
                var copy = match
                if !dependency.alias.isEmpty { copy.metadata.name = dependency.alias }
                charts.append(copy)
            }
            if !dependency.alias.isEmpty {
                chart.metadata.dependencies[index].name = dependency.alias
            }
        }
        chart.dependencies = charts
        for index in chart.metadata.dependencies.indices {
            chart.metadata.dependencies[index].enabled = true
        }
        let coalesced = try coalescer.coalesceValues(chart, values)
        // tags
        if case .map(let tags)? = coalesced["tags"] {
            for index in chart.metadata.dependencies.indices {
                var hasTrue = false
                var hasFalse = false
                for tag in chart.metadata.dependencies[index].tags {
                    if case .bool(let flag)? = tags[tag] {
                        if flag { hasTrue = true } else { hasFalse = true }
                    }
                }
                if !hasTrue && hasFalse {
                    chart.metadata.dependencies[index].enabled = false
                } else {
                    chart.metadata.dependencies[index].enabled = true
                }
            }
        }
        // conditions
        for index in chart.metadata.dependencies.indices {
            let condition = chart.metadata.dependencies[index].condition
            for part in condition.trimmingCharacters(in: .whitespaces).split(
                separator: ",", omittingEmptySubsequences: false)
            where !part.isEmpty {
                guard let value = pathValue(coalesced, path + part) else { continue }
                if case .bool(let flag) = value {
                    chart.metadata.dependencies[index].enabled = flag
                    break
                }
                coalescer.warn(
                    "Warning: Condition path '\(part)' for chart \(chart.metadata.dependencies[index].name) returned non-bool value"
                )
            }
        }
        let disabled = Set(
            chart.metadata.dependencies.filter { !$0.enabled }.map(\.name))
        var kept = chart.dependencies.filter { !disabled.contains($0.name) }
        chart.metadata.dependencies.removeAll { disabled.contains($0.name) }
        for index in kept.indices {
            try processEnabled(
                &kept[index], coalesced, path: path + kept[index].name + ".",
                coalescer: &coalescer)
        }
        chart.dependencies = kept
    }

    static func processImports(_ chart: inout Chart, coalescer: inout Coalescer) throws {
        for index in chart.dependencies.indices {
            try processImports(&chart.dependencies[index], coalescer: &coalescer)
        }
        if chart.metadata.dependencies.isEmpty { return }
        // `ProcessDependencies` (what install runs): coalesced, nulls trimmed.
        let values = Coalescer.withoutNulls(.map(try coalescer.coalesceValues(chart, [:])))
            .mapValue
        var imported: [String: Value] = [:]
        for index in chart.metadata.dependencies.indices {
            let dependency = chart.metadata.dependencies[index]
            var rewritten: [Value] = []
            for entry in dependency.importValues {
                switch entry {
                case .map(let pair):
                    let child = pair["child"].map(goPrint) ?? "<nil>"
                    let parent = pair["parent"].map(goPrint) ?? "<nil>"
                    rewritten.append(.map(["child": .string(child), "parent": .string(parent)]))
                    guard let found = table(values, dependency.name + "." + child) else {
                        coalescer.warn(
                            "ImportValues missing table from chart \(dependency.name): \(child)")
                        continue
                    }
                    imported = coalescer.coalesceTables(
                        imported, pathToMap(parent, found), merge: false)
                case .string(let name):
                    let child = "exports." + name
                    rewritten.append(.map(["child": .string(child), "parent": .string(".")]))
                    guard let found = table(values, dependency.name + "." + child) else {
                        coalescer.warn(
                            "ImportValues missing table: \(dependency.name).\(child)")
                        continue
                    }
                    imported = coalescer.coalesceTables(imported, found, merge: false)
                default:
                    continue
                }
            }
            chart.metadata.dependencies[index].importValues = rewritten
        }
        chart.values = coalescer.coalesceTables(values, imported, merge: true)
    }

    /// `pathToMap`: `a.b` and a table give `{a: {b: table}}`; `.` gives the table.
    static func pathToMap(_ path: String, _ table: [String: Value]) -> [String: Value] {
        if path == "." { return table }
        let parts = path.split(separator: ".").map(String.init)
        var result: Value = .map(table)
        for part in parts.reversed() {
            result = .map([part: result])
        }
        if case .map(let map) = result { return map }
        return table
    }
}

extension Value {
    /// The entries of a map; empty for anything else.
    var mapValue: [String: Value] {
        if case .map(let map) = self { return map }
        return [:]
    }
}

extension Coalescer {
    mutating func warn(_ message: String) {
        warnings.append(message)
    }
}
