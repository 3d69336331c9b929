public import ShipModel
import Yams

/// One metric as an evaluation job wrote it.
public enum MetricValue: Equatable, Sendable {
    /// A finite number.
    case number(Double)
    /// Something a threshold cannot compare, kept so the report can say what it was.
    case unusable(String)
}

/// The overall metrics of one evaluation: a flat map of name to number, as JSON or YAML.
///
/// ```json
/// {"accuracy": 0.93, "latency_p95_ms": 180}
/// ```
/// NaN, infinite and non-numeric values are kept as ``MetricValue/unusable(_:)``: they fail the
/// thresholds that name them, with the reason, instead of failing the whole file.
public struct Metrics: Equatable, Sendable {
    /// Metric values by name.
    public var overall: [String: MetricValue]

    public init(overall: [String: MetricValue]) { self.overall = overall }

    /// Parses a metrics file's text.
    /// - Throws: ``ProjectFileError`` with the line and column when the file is not a flat map.
    public static func parse(_ text: String, file: String) throws -> Metrics {
        func fail(_ node: Node?, _ path: String, _ message: String) -> ProjectFileError {
            ProjectFileError(diagnostics: [
                Diagnostic(
                    file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1,
                    path: path, message: message)
            ])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw fail(nil, "", "not valid JSON or YAML: \(error)")
        }
        guard let root else {
            throw fail(nil, "", "the file is empty; expected a map of metric names to numbers")
        }
        guard case .mapping(let mapping) = root else {
            throw fail(
                root, "", "expected a map of metric names to numbers, such as {\"accuracy\": 0.93}")
        }
        var overall: [String: MetricValue] = [:]
        for (key, value) in mapping {
            guard case .scalar(let name) = key, !name.string.isEmpty else {
                throw fail(key, "", "metric names must be non-empty strings")
            }
            if overall[name.string] != nil {
                throw fail(key, name.string, "metric \"\(name.string)\" is given twice")
            }
            overall[name.string] = metricValue(of: value)
        }
        return Metrics(overall: overall)
    }

    private static func metricValue(of node: Node) -> MetricValue {
        guard case .scalar(let scalar) = node else {
            if case .mapping = node { return .unusable("a mapping, not a number") }
            return .unusable("a list, not a number")
        }
        let text = scalar.string
        guard scalar.style == .plain else {
            return .unusable("the string \"\(text)\", not a number")
        }
        switch text.lowercased() {
        case "nan", ".nan": return .unusable("NaN")
        case "infinity", "inf", ".inf", "+.inf", "-infinity", "-inf", "-.inf":
            return .unusable("infinite")
        default: break
        }
        guard let number = Double(text) else {
            return .unusable(
                text.isEmpty || text == "null" || text == "~" ? "null" : "\"\(text)\", not a number"
            )
        }
        return number.isFinite ? .number(number) : .unusable("infinite")
    }
}
