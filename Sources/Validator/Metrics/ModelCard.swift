import Foundation
import ShipModel
import Yams

/// The `model-index` results of a Hugging Face model card (YAML front matter of `README.md`).
///
/// ```yaml
/// ---
/// model-index:
///   - name: sentiment-bert
///     results:
///       - task: {type: text-classification}
///         dataset: {type: imdb, name: IMDb}
///         metrics:
///           - {type: accuracy, value: 0.931}
///           - {type: f1, value: "0.90 ± 0.02"}
/// ---
/// ```
/// Each metric is read under its `type`. Each dataset is also a slice `dataset=TYPE`; a metric
/// type given for several datasets is, overall, unusable with a reason that names the slices.
/// `"20.0 ± 1.2"` (or `+/-`) is a point of 20.0 with the interval [18.8, 21.2].
enum ModelCard {
    static func hasFrontMatter(_ text: String) -> Bool {
        text.hasPrefix("---\n") || text.hasPrefix("---\r\n")
    }

    static func parse(_ text: String, file: String) throws -> Metrics {
        let reader = MetricsReader(file: file)
        // The opening "---" becomes an empty line so that lines in errors are the file's own.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines[0] = ""
        guard
            let end = lines.indices.dropFirst().first(where: {
                lines[$0].trimmingSuffix() == "---"
            })
        else {
            throw reader.fail(
                nil, "", "the front matter that starts on line 1 has no closing \"---\" line")
        }
        let yaml = lines[..<end].joined(separator: "\n")
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw reader.fail(nil, "", "the front matter is not valid YAML: \(error)")
        }
        guard let root, case .mapping(let mapping) = root,
            let index = mapping["model-index"]
        else {
            throw reader.fail(
                root, "",
                "the model card has no \"model-index\" in its front matter; expected model-index: [{results: [{metrics: [{type: accuracy, value: 0.93}]}]}]"
            )
        }
        var perDataset: [String: [String: MetricValue]] = [:]
        var datasetOrder: [String] = []
        for (modelIndex, model) in try list(index, "model-index", reader).enumerated() {
            let modelPath = "model-index[\(modelIndex)]"
            guard case .mapping(let modelMap) = model, let results = modelMap["results"] else {
                throw reader.fail(model, modelPath, "expected a mapping with \"results\"")
            }
            for (resultIndex, result) in try list(results, "\(modelPath).results", reader)
                .enumerated()
            {
                let path = "\(modelPath).results[\(resultIndex)]"
                guard case .mapping(let resultMap) = result, let metrics = resultMap["metrics"]
                else {
                    throw reader.fail(result, path, "expected a mapping with \"metrics\"")
                }
                var dataset = "result-\(resultIndex)"
                if case .mapping(let datasetMap)? = resultMap["dataset"],
                    let type = (datasetMap["type"] ?? datasetMap["name"])?.string, !type.isEmpty
                {
                    dataset = type
                }
                if perDataset[dataset] == nil { datasetOrder.append(dataset) }
                for (metricIndex, metric) in try list(metrics, "\(path).metrics", reader)
                    .enumerated()
                {
                    let metricPath = "\(path).metrics[\(metricIndex)]"
                    guard case .mapping(let metricMap) = metric else {
                        throw reader.fail(
                            metric, metricPath, "expected a mapping with \"type\" and \"value\"")
                    }
                    guard let typeNode = metricMap["type"], let type = typeNode.string,
                        !type.isEmpty
                    else {
                        throw reader.fail(
                            metric, "\(metricPath).type",
                            "missing required field \"type\" (the metric's name, such as accuracy)"
                        )
                    }
                    guard let valueNode = metricMap["value"] else {
                        throw reader.fail(
                            metric, "\(metricPath).value", "missing required field \"value\"")
                    }
                    perDataset[dataset, default: [:]][type] = value(of: valueNode)
                }
            }
        }
        var overall: [String: MetricValue] = [:]
        var datasetsOf: [String: [String]] = [:]
        for dataset in datasetOrder {
            for (name, value) in perDataset[dataset] ?? [:] {
                datasetsOf[name, default: []].append(dataset)
                overall[name] = value
            }
        }
        for (name, datasets) in datasetsOf where datasets.count > 1 {
            let slices = datasets.map { "dataset=\($0)" }.joined(separator: ", ")
            overall[name] = .unusable(
                "given for several datasets; name a slice (\(slices))")
        }
        var slices: [String: Metrics.Slice] = [:]
        for (dataset, metrics) in perDataset {
            slices["dataset=\(dataset)"] = Metrics.Slice(size: nil, metrics: metrics)
        }
        return Metrics(overall: overall, slices: slices)
    }

    private static func list(_ node: Node, _ path: String, _ reader: MetricsReader) throws
        -> [Node]
    {
        guard case .sequence(let sequence) = node else {
            throw reader.fail(node, path, "expected a list, got \(reader.describe(node))")
        }
        return Array(sequence)
    }

    /// A number, or `"20.0 ± 1.2"` / `"20.0 +/- 1.2"` as a point and an interval.
    static func value(of node: Node) -> MetricValue {
        if let number = MetricsReader.number(node) { return .number(number) }
        guard case .scalar(let scalar) = node else { return .unusable(MetricsReader.whyNot(node)) }
        let text = scalar.string
        for separator in ["±", "+/-"] where text.contains(separator) {
            let parts = text.components(separatedBy: separator).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == 2, let point = Double(parts[0]), let error = Double(parts[1]),
                point.isFinite, error.isFinite, error >= 0
            else {
                return .unusable("\"\(text)\", not a number or a number ± error")
            }
            return .estimate(
                Estimate(
                    value: point, lower: point - error, upper: point + error, method: .plusMinus))
        }
        if let number = Double(text), number.isFinite, scalar.style != .plain {
            // Model cards often quote their numbers; a quoted number is still the number.
            return .number(number)
        }
        return .unusable(MetricsReader.whyNot(node))
    }
}

extension Substring {
    fileprivate func trimmingSuffix() -> Substring {
        var text = self
        while let last = text.last, last == " " || last == "\r" || last == "\t" {
            text.removeLast()
        }
        return text
    }
}
