import ShipModel
import Yams

/// One metric as an evaluation job wrote it.
public enum MetricValue: Equatable, Sendable {
    /// A finite number.
    case number(Double)
    /// A finite number with a confidence interval.
    case estimate(Estimate)
    /// Something a threshold cannot compare, kept so the report can say what it was.
    case unusable(String)

    /// The point value, when there is one.
    public var point: Double? {
        switch self {
        case .number(let value): return value
        case .estimate(let estimate): return estimate.value
        case .unusable: return nil
        }
    }
}

/// The metrics of one evaluation: overall, and per slice.
///
/// Three forms are read (docs/validate.md shows each):
/// - a flat map of name to number, as JSON or YAML: `{"accuracy": 0.93, "latency_p95_ms": 180}`;
/// - a nested map `{overall: {...}, slices: {"language=de": {size: 812, accuracy: 0.91}}}`, where
///   a value may carry an interval (`{value, ci_lower, ci_upper}`, `{samples: [...]}` per seed or
///   `{scores: [...]}` per example);
/// - a Hugging Face model card (`README.md`) whose front matter holds `model-index` results.
///
/// NaN, infinite and non-numeric values are kept as ``MetricValue/unusable(_:)``: they fail the
/// thresholds that name them, with the reason, instead of failing the whole file. A file whose
/// shape is wrong is an error with its line and column.
public struct Metrics: Equatable, Sendable {
    /// Metric values by name, for the whole evaluation set.
    public var overall: [String: MetricValue]
    /// Slices by name (`language=de`).
    public var slices: [String: Slice]

    /// The metrics of one slice of the evaluation set.
    public struct Slice: Equatable, Sendable {
        /// How many examples the slice holds, when the file says.
        public var size: Int?
        public var metrics: [String: MetricValue]

        public init(size: Int?, metrics: [String: MetricValue]) {
            self.size = size
            self.metrics = metrics
        }
    }

    public init(overall: [String: MetricValue], slices: [String: Slice] = [:]) {
        self.overall = overall
        self.slices = slices
    }

    /// Every metric name, overall or in a slice, sorted.
    public var allMetricNames: [String] {
        Set(overall.keys).union(slices.values.flatMap(\.metrics.keys)).sorted()
    }

    /// Parses a metrics file's text: a model card when it starts with YAML front matter (`---`),
    /// otherwise JSON or YAML in the flat or the nested form.
    /// - Throws: ``ProjectFileError`` with the line and column when the file has the wrong shape.
    public static func parse(_ text: String, file: String) throws -> Metrics {
        if ModelCard.hasFrontMatter(text) {
            return try ModelCard.parse(text, file: file)
        }
        let reader = MetricsReader(file: file)
        if file.lowercased().hasSuffix(".md") {
            throw reader.fail(
                nil, "",
                "a model card needs YAML front matter (a \"---\" line first) holding model-index")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw reader.fail(nil, "", "not valid JSON or YAML: \(error)")
        }
        guard let root else {
            throw reader.fail(
                nil, "", "the file is empty; expected a map of metric names to numbers")
        }
        return try reader.read(root)
    }
}

/// Walks a metrics document, throwing at the first problem with its position.
struct MetricsReader {
    let file: String

    func fail(_ node: Node?, _ path: String, _ message: String) -> ProjectFileError {
        ProjectFileError(diagnostics: [
            Diagnostic(
                file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1,
                path: path, message: message)
        ])
    }

    func read(_ root: Node) throws -> Metrics {
        guard case .mapping(let mapping) = root else {
            throw fail(
                root, "", "expected a map of metric names to numbers, such as {\"accuracy\": 0.93}")
        }
        let isNested = mapping.contains { key, value in
            guard case .scalar(let name) = key, case .mapping = value else { return false }
            return name.string == "overall" || name.string == "slices"
        }
        guard isNested else {
            return Metrics(overall: try readMetrics(mapping, path: "", skipping: []))
        }
        var overall: [String: MetricValue] = [:]
        var slices: [String: Metrics.Slice] = [:]
        for (key, value) in mapping {
            let name = try keyName(key, path: "")
            switch name {
            case "overall":
                guard case .mapping(let map) = value else {
                    throw fail(value, "overall", "expected a map of metric names to values")
                }
                overall = try readMetrics(map, path: "overall", skipping: [])
            case "slices":
                guard case .mapping(let map) = value else {
                    throw fail(
                        value, "slices",
                        "expected a map of slice names to their metrics, such as {\"language=de\": {\"size\": 812, \"accuracy\": 0.91}}"
                    )
                }
                slices = try readSlices(map)
            default:
                let hint = Suggestions.hint(for: name, in: ["overall", "slices"])
                throw fail(
                    key, name,
                    "unknown field \"\(name)\" beside overall and slices\(hint.isEmpty ? "; put metrics under \"overall\"" : hint)"
                )
            }
        }
        return Metrics(overall: overall, slices: slices)
    }

    func keyName(_ key: Node, path: String) throws -> String {
        guard case .scalar(let name) = key, !name.string.isEmpty else {
            throw fail(key, path, "names must be non-empty strings")
        }
        return name.string
    }

    func child(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    func readSlices(_ mapping: Node.Mapping) throws -> [String: Metrics.Slice] {
        var slices: [String: Metrics.Slice] = [:]
        for (key, value) in mapping {
            let name = try keyName(key, path: "slices")
            let path = "slices.\(name)"
            guard Self.isSliceName(name) else {
                throw fail(
                    key, path,
                    "expected a slice name written feature=value, such as language=de, got \"\(name)\""
                )
            }
            guard case .mapping(let map) = value else {
                throw fail(
                    value, path,
                    "expected the slice's size and metrics, such as {size: 812, f1: 0.9}")
            }
            var size: Int?
            for (sizeKey, sizeValue) in map {
                guard case .scalar(let keyScalar) = sizeKey,
                    keyScalar.string == "size" || keyScalar.string == "count"
                else { continue }
                let sizePath = child(path, keyScalar.string)
                if size != nil {
                    throw fail(sizeKey, sizePath, "give the slice's size once, as size or count")
                }
                guard case .scalar(let scalar) = sizeValue, scalar.style == .plain,
                    let count = Int(scalar.string), count >= 0
                else {
                    throw fail(
                        sizeValue, sizePath,
                        "expected a whole number of examples (0 or more), got \(describe(sizeValue))"
                    )
                }
                size = count
            }
            let metrics = try readMetrics(map, path: path, skipping: ["size", "count"])
            slices[name] = Metrics.Slice(size: size, metrics: metrics)
        }
        return slices
    }

    /// `feature=value`, several joined by `,`.
    static func isSliceName(_ text: String) -> Bool {
        text.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return pieces.count == 2 && !pieces[0].isEmpty && !pieces[1].isEmpty
        }
    }

    func readMetrics(_ mapping: Node.Mapping, path: String, skipping: Set<String>) throws
        -> [String: MetricValue]
    {
        var metrics: [String: MetricValue] = [:]
        for (key, value) in mapping {
            guard case .scalar(let name) = key, !name.string.isEmpty else {
                throw fail(key, path, "metric names must be non-empty strings")
            }
            if skipping.contains(name.string) { continue }
            if metrics[name.string] != nil {
                throw fail(
                    key, child(path, name.string), "metric \"\(name.string)\" is given twice")
            }
            metrics[name.string] = try metricValue(of: value, path: child(path, name.string))
        }
        return metrics
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            return scalar.string.isEmpty ? "nothing" : "\"\(scalar.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func metricValue(of node: Node, path: String) throws -> MetricValue {
        switch node {
        case .scalar:
            return Self.number(node).map(MetricValue.number) ?? .unusable(Self.whyNot(node))
        case .mapping(let mapping):
            return try estimate(mapping, node: node, path: path)
        case .sequence:
            return .unusable("a list, not a number")
        case .alias:
            return .unusable("an alias, not a number")
        }
    }

    /// A finite number written as a plain scalar, or nil.
    static func number(_ node: Node) -> Double? {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return nil }
        let lowered = scalar.string.lowercased()
        guard !lowered.contains("nan"), !lowered.contains("inf"),
            let value = Double(scalar.string), value.isFinite
        else { return nil }
        return value
    }

    /// Why a node is not a finite number, in a reviewer's words.
    static func whyNot(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping, not a number"
        case .sequence: return "a list, not a number"
        case .alias: return "an alias, not a number"
        case .scalar(let scalar):
            let text = scalar.string
            guard scalar.style == .plain else { return "the string \"\(text)\", not a number" }
            switch text.lowercased() {
            case "nan", ".nan": return "NaN"
            case "infinity", "inf", ".inf", "+.inf", "-infinity", "-inf", "-.inf", "+infinity":
                return "infinite"
            case "", "null", "~": return "null"
            default: break
            }
            if let value = Double(text), !value.isFinite { return "infinite" }
            return "\"\(text)\", not a number"
        }
    }

    private static let estimateKeys = ["value", "ci_lower", "ci_upper", "samples", "scores"]

    /// `{value, ci_lower, ci_upper}`, `{samples: [...]}` or `{scores: [...]}`. A mapping with
    /// none of these keys (a confusion matrix, say) is kept as unusable, not an error: only a
    /// threshold that names it fails.
    func estimate(_ mapping: Node.Mapping, node: Node, path: String) throws -> MetricValue {
        let isEstimate = mapping.keys.contains {
            guard case .scalar(let key) = $0 else { return false }
            return Self.estimateKeys.contains(key.string)
        }
        guard isEstimate else { return .unusable("a mapping, not a number") }
        var fields: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            let name = try keyName(key, path: path)
            guard Self.estimateKeys.contains(name) else {
                let hint = Suggestions.hint(for: name, in: Self.estimateKeys)
                throw fail(
                    key, child(path, name),
                    "unknown field \"\(name)\"\(hint.isEmpty ? "; expected value with ci_lower and ci_upper, or samples, or scores" : hint)"
                )
            }
            fields[name] = (key, value)
        }
        let lists = ["samples", "scores"].filter { fields[$0] != nil }
        if lists.count == 2, let second = fields["scores"] {
            throw fail(second.key, child(path, "scores"), "give samples or scores, not both")
        }
        if let listName = lists.first, let list = fields[listName] {
            if let other = ["value", "ci_lower", "ci_upper"].first(where: { fields[$0] != nil }),
                let field = fields[other]
            {
                throw fail(
                    field.key, child(path, other),
                    "\(other) is computed from the \(listName); give one or the other")
            }
            return try fromList(list.value, name: listName, path: child(path, listName))
        }
        guard let value = fields["value"] else {
            throw fail(
                node, path,
                "expected \"value\" (with ci_lower and ci_upper), \"samples\" or \"scores\"")
        }
        switch (fields["ci_lower"], fields["ci_upper"]) {
        case (nil, nil):
            return try metricValue(of: value.value, path: child(path, "value"))
        case (let lower?, nil):
            throw fail(lower.key, child(path, "ci_lower"), "ci_lower needs ci_upper beside it")
        case (nil, let upper?):
            throw fail(upper.key, child(path, "ci_upper"), "ci_upper needs ci_lower beside it")
        case (let lower?, let upper?):
            for (name, part) in [("value", value.value), ("ci_lower", lower.value)]
                + [("ci_upper", upper.value)] where Self.number(part) == nil
            {
                return .unusable("\(name) is \(Self.whyNot(part))")
            }
            guard let point = Self.number(value.value), let low = Self.number(lower.value),
                let high = Self.number(upper.value)
            else { return .unusable("not a number") }
            guard low <= point, point <= high else {
                throw fail(
                    lower.value, child(path, "ci_lower"),
                    "the interval [\(Format.number(low)), \(Format.number(high))] does not contain the value \(Format.number(point))"
                )
            }
            return .estimate(Estimate(value: point, lower: low, upper: high, method: .given))
        }
    }

    func fromList(_ node: Node, name: String, path: String) throws -> MetricValue {
        guard case .sequence(let sequence) = node else {
            throw fail(node, path, "expected a list of numbers, got \(describe(node))")
        }
        var values: [Double] = []
        for (index, element) in sequence.enumerated() {
            guard let value = Self.number(element) else {
                if case .scalar = element {
                    return .unusable("\(name)[\(index)] is \(Self.whyNot(element))")
                }
                throw fail(
                    element, "\(path)[\(index)]", "expected a number, got \(describe(element))")
            }
            values.append(value)
        }
        let method: IntervalMethod =
            name == "samples" ? .seeds(count: values.count) : .examples(count: values.count)
        guard let estimate = Estimate.tInterval95(values, method: method) else {
            throw fail(
                node, path,
                "an interval needs at least 2 \(name), got \(values.count)")
        }
        return .estimate(estimate)
    }
}
