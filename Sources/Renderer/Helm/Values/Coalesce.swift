/// Helm's values coalescing (`pkg/chart/common/util/coalesce.go`): a chart's defaults under the
/// values given, each subchart's defaults under its own key, `global` handed down, and `null`
/// deleting a key when coalescing (kept when merging).
public struct Coalescer {
    /// Warnings Helm logs (`warning: skipped value for ...: Not a table.`), in order.
    public internal(set) var warnings: [String] = []

    public init() {}

    /// `CoalesceValues`: the chart's values under `values`, nulls removing keys.
    public mutating func coalesceValues(_ chart: Chart, _ values: [String: Value]) throws
        -> [String: Value]
    {
        try coalesce(chart, values, prefix: "", merge: false)
    }

    /// `MergeValues`: as ``coalesceValues(_:_:)``, but a null stays.
    public mutating func mergeValues(_ chart: Chart, _ values: [String: Value]) throws
        -> [String: Value]
    {
        try coalesce(chart, values, prefix: "", merge: true)
    }

    static func concatPrefix(_ prefix: String, _ key: String) -> String {
        prefix.isEmpty ? key : prefix + "." + key
    }

    mutating func coalesce(
        _ chart: Chart, _ values: [String: Value], prefix: String, merge: Bool
    ) throws -> [String: Value] {
        var destination = values
        coalesceChartValues(chart, &destination, prefix: prefix, merge: merge)
        return try coalesceDependencies(chart, destination, prefix: prefix, merge: merge)
    }

    mutating func coalesceDependencies(
        _ chart: Chart, _ values: [String: Value], prefix: String, merge: Bool
    ) throws -> [String: Value] {
        var destination = values
        for subchart in chart.dependencies {
            let name = subchart.name
            var table: [String: Value] = [:]
            switch destination[name] {
            case nil: break
            case .map(let entries): table = entries
            case let other?:
                throw HelmError("type mismatch on \(name): %!t(\(other.goTypeName)=\(other))")
            }
            let subPrefix = Self.concatPrefix(prefix, chart.name)
            coalesceGlobals(&table, from: destination, prefix: subPrefix)
            destination[name] = .map(
                try coalesce(subchart, table, prefix: subPrefix, merge: merge))
        }
        return destination
    }

    mutating func coalesceGlobals(
        _ destination: inout [String: Value], from source: [String: Value], prefix: String
    ) {
        var destinationGlobals: [String: Value] = [:]
        switch destination["global"] {
        case nil: break
        case .map(let entries): destinationGlobals = entries
        default:
            warnings.append("warning: skipping globals because destination global is not a table.")
            return
        }
        var sourceGlobals: [String: Value] = [:]
        switch source["global"] {
        case nil: break
        case .map(let entries): sourceGlobals = entries
        default:
            warnings.append("warning: skipping globals because source global is not a table.")
            return
        }
        for (key, value) in sourceGlobals {
            if case .map(let table) = value {
                if let existing = destinationGlobals[key] {
                    if case .map(let existingTable) = existing {
                        var merged = table
                        coalesceTables(
                            &merged, existingTable, prefix: Self.concatPrefix(prefix, key),
                            merge: true)
                        destinationGlobals[key] = .map(merged)
                    } else {
                        warnings.append(
                            "Conflict: cannot merge map onto non-map for \(GoFormat.quote(key)). Skipping."
                        )
                    }
                } else {
                    destinationGlobals[key] = value
                }
            } else if let existing = destinationGlobals[key], case .map = existing {
                warnings.append("key \(key) is table. Skipping")
            } else {
                destinationGlobals[key] = value
            }
        }
        destination["global"] = .map(destinationGlobals)
    }

    mutating func coalesceChartValues(
        _ chart: Chart, _ values: inout [String: Value], prefix: String, merge: Bool
    ) {
        let subPrefix = Self.concatPrefix(prefix, chart.name)
        for (key, defaultValue) in chart.values {
            guard let given = values[key] else {
                // A chart's default nulls neither shadow globals nor print (Helm v4.2.3 drops
                // them from the top chart's values too, as the differential test shows).
                if !merge {
                    if case .null = defaultValue { continue }
                    values[key] = Self.withoutNulls(defaultValue)
                } else {
                    values[key] = defaultValue
                }
                continue
            }
            if case .null = given {
                if !merge { values.removeValue(forKey: key) }
                continue
            }
            guard case .map(var table) = given else { continue }
            guard case .map(var defaults) = defaultValue else {
                if case .null = defaultValue {
                } else {
                    warnings.append("warning: skipped value for \(subPrefix).\(key): Not a table.")
                }
                continue
            }
            let isSubchart = chart.dependencies.contains { $0.name == key }
            let mergeHere = isSubchart || merge
            if !mergeHere,
                case .map(let cleaned) = Self.withoutNulls(.map(defaults))
            {
                defaults = cleaned
            }
            coalesceTables(
                &table, defaults, prefix: Self.concatPrefix(subPrefix, key), merge: mergeHere)
            values[key] = .map(table)
        }
    }

    /// `cleanNilValues`: the value with every null map entry removed, at every depth.
    static func withoutNulls(_ value: Value) -> Value {
        guard case .map(let map) = value else { return value }
        var out: [String: Value] = [:]
        for (key, entry) in map {
            if case .null = entry { continue }
            out[key] = withoutNulls(entry)
        }
        return .map(out)
    }

    /// `coalesceTablesFullKey`: `source` under `destination`, which wins.
    mutating func coalesceTables(
        _ destination: inout [String: Value], _ source: [String: Value], prefix: String,
        merge: Bool
    ) {
        var source = source
        // A null given over a default removes it; a null over nothing (or a null default)
        // stays a null.
        let sourceNonNull = Set(
            source.filter {
                if case .null = $0.value { return false }
                return true
            }.keys)
        for (key, value) in destination {
            if case .null = value { source[key] = .null }
        }
        for (key, value) in source {
            let fullKey = Self.concatPrefix(prefix, key)
            guard let existing = destination[key] else {
                destination[key] = value
                continue
            }
            if case .null = existing, !merge, sourceNonNull.contains(key) {
                destination.removeValue(forKey: key)
                continue
            }
            if case .map(let sourceTable) = value {
                if case .map(var destinationTable) = existing {
                    coalesceTables(&destinationTable, sourceTable, prefix: fullKey, merge: merge)
                    destination[key] = .map(destinationTable)
                } else {
                    warnings.append(
                        "warning: cannot overwrite table with non table for \(fullKey) (\(goPrint(value)))"
                    )
                }
            } else if case .map = existing {
                if case .null = value {
                } else {
                    warnings.append(
                        "warning: destination for \(fullKey) is a table. Ignoring non-table value (\(goPrint(value)))"
                    )
                }
            }
        }
    }

    /// `MergeTables`/`CoalesceTables` without a chart.
    public mutating func coalesceTables(
        _ destination: [String: Value], _ source: [String: Value], merge: Bool
    ) -> [String: Value] {
        var result = destination
        coalesceTables(&result, source, prefix: "", merge: merge)
        return result
    }
}

/// `loader.MergeMaps`: `b` over `a`, maps merged key by key.
public func mergeMaps(_ a: [String: Value], _ b: [String: Value]) -> [String: Value] {
    var out = a
    for (key, value) in b {
        if case .map(let inner) = value, case .map(let existing)? = out[key] {
            out[key] = .map(mergeMaps(existing, inner))
        } else {
            out[key] = value
        }
    }
    return out
}

/// A rough `%v` for warnings.
func goPrint(_ value: Value) -> String {
    switch value {
    case .null: "<nil>"
    case .bool(let flag): flag ? "true" : "false"
    case .int(let number): String(number)
    case .int64(let number): String(number)
    case .float(let number): KValue.formatFloat(number)
    case .string(let text): text
    case .list(let items): "[" + items.map(goPrint).joined(separator: " ") + "]"
    case .map(let map):
        "map["
            + map.keys.sorted().map { "\($0):\(goPrint(map[$0] ?? .null))" }
            .joined(separator: " ") + "]"
    case .object(let object): object.formatted
    }
}
