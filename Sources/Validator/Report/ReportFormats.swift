public import Foundation
import ShipModel

/// The columns of every human report: check, slice, candidate, baseline, delta, bound, verdict.
struct ReportRow {
    var check: String
    var slice: String
    var candidate: String
    var baseline: String
    var delta: String
    var bound: String
    var verdict: String
    var why: String

    static let headers = ReportRow(
        check: "check", slice: "slice", candidate: "candidate", baseline: "baseline",
        delta: "delta", bound: "bound", verdict: "verdict", why: "why")

    var cells: [String] { [check, slice, candidate, baseline, delta, bound, verdict, why] }

    init(
        check: String, slice: String, candidate: String, baseline: String, delta: String,
        bound: String, verdict: String, why: String
    ) {
        self.check = check
        self.slice = slice
        self.candidate = candidate
        self.baseline = baseline
        self.delta = delta
        self.bound = bound
        self.verdict = verdict
        self.why = why
    }

    init(_ check: CheckResult) {
        func number(_ value: Double?) -> String { value.map { Format.number($0) } ?? "-" }
        var delta = "-"
        if let value = check.delta {
            delta = (value > 0 ? "+" : "") + Format.number(value)
            if let relative = check.relativeDelta {
                delta += " (" + (relative > 0 ? "+" : "") + Format.percent(relative) + ")"
            }
        }
        var candidate = number(check.candidate)
        if let compared = check.compared, compared != check.candidate, let bound = check.bound {
            candidate += " (\(bound) \(Format.number(compared)))"
        }
        var verdict = check.verdict.rawValue
        if check.verdict == .inconclusive {
            verdict += check.onInconclusive == .fail ? " (fails)" : " (warns)"
        }
        self.init(
            check: check.name, slice: check.slice ?? "overall", candidate: candidate,
            baseline: number(check.baseline), delta: delta, bound: check.bound ?? "-",
            verdict: verdict, why: check.reason)
    }
}

extension ValidationReport {
    /// The summary line: `FAILED: 2 of 7 checks failed, 1 inconclusive`.
    public var headline: String {
        let failed = evaluation.count(.failed)
        let inconclusive = evaluation.count(.inconclusive)
        var text = "\(evaluation.result.rawValue): \(evaluation.checks.count) checks"
        text += ", \(evaluation.count(.passed)) passed"
        if failed > 0 { text += ", \(failed) failed" }
        if inconclusive > 0 { text += ", \(inconclusive) inconclusive" }
        text += evaluation.blessed ? "; the model is blessed" : "; the model is not blessed"
        return text
    }

    /// A plain-text table for a terminal, one row per check, then the unmentioned metrics.
    public func table() -> String {
        let rows = [ReportRow.headers] + evaluation.checks.map(ReportRow.init)
        let widths = (0..<7).map { column in
            rows.map { $0.cells[column].count }.max() ?? 0
        }
        var lines: [String] = []
        for row in rows {
            var line = ""
            for (column, cell) in row.cells.enumerated() {
                if column < 7 {
                    line += cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    line += "  "
                } else {
                    line += cell
                }
            }
            lines.append(line)
        }
        if !evaluation.unmentionedMetrics.isEmpty {
            lines.append("")
            lines.append(
                "not checked by any threshold: "
                    + evaluation.unmentionedMetrics.joined(separator: ", "))
        }
        lines.append("")
        lines.append(headline)
        return lines.joined(separator: "\n")
    }

    /// Markdown for a pull-request comment.
    public func markdown() -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(
                of: "\n", with: " ")
        }
        let icon: String
        switch evaluation.result {
        case .passed: icon = "✅"
        case .warned: icon = "⚠️"
        case .failed: icon = "❌"
        }
        var lines = ["## \(icon) shipml validate: \(evaluation.result.rawValue)", "", headline, ""]
        lines.append("| " + ReportRow.headers.cells.joined(separator: " | ") + " |")
        lines.append("|" + String(repeating: " --- |", count: 8))
        for check in evaluation.checks {
            let row = ReportRow(check)
            lines.append("| " + row.cells.map(escape).joined(separator: " | ") + " |")
        }
        if !evaluation.unmentionedMetrics.isEmpty {
            lines.append("")
            lines.append(
                "Not checked by any threshold: "
                    + evaluation.unmentionedMetrics.map { "`\(escape($0))`" }.joined(
                        separator: ", "))
        }
        lines.append("")
        lines.append(
            "Metrics `\(escape(inputs.metrics.name))` (`\(inputs.metrics.digest)`), policy `\(escape(inputs.policy.name))` (`\(inputs.policy.digest)`)"
                + (inputs.baseline.map {
                    ", baseline `\(escape($0.name))` (`\($0.digest)`)"
                } ?? "") + ".")
        if let blessing {
            lines.append("")
            lines.append("Blessing: `\(blessing.digest)`")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// JUnit XML: one test case per check; a failure for a failed check or an inconclusive one
    /// that fails, a skip for an inconclusive one that warns.
    public func junit() -> Data {
        func attribute(_ text: String) -> String { XML.escape(text) }
        let failures = evaluation.checks.filter { $0.outcome == .failed }.count
        let skipped = evaluation.checks.filter { $0.outcome == .warned }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml +=
            "<testsuites name=\"shipml validate\" tests=\"\(evaluation.checks.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
        xml +=
            "  <testsuite name=\"\(attribute(inputs.policy.name))\" tests=\"\(evaluation.checks.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
        for check in evaluation.checks {
            let className = "shipml.validate." + (check.slice ?? "overall")
            xml +=
                "    <testcase classname=\"\(attribute(className))\" name=\"\(attribute(check.name))\""
            switch check.outcome {
            case .passed:
                xml += ">\n      <system-out>\(attribute(check.reason))</system-out>\n"
            case .failed:
                let type = check.verdict == .inconclusive ? "inconclusive" : "failed"
                xml +=
                    ">\n      <failure type=\"\(type)\" message=\"\(attribute(check.reason))\">\(attribute(check.reason))</failure>\n"
            case .warned:
                xml += ">\n      <skipped message=\"\(attribute(check.reason))\"/>\n"
            }
            xml += "    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return Data(xml.utf8)
    }

    /// SARIF 2.1.0 for code scanning: a result per check (failures as errors, inconclusive
    /// checks as warnings, passes as notes of kind "pass"), located in the metrics file or, for
    /// an artifact check, the model file.
    public func sarif(toolVersion: String) throws -> Data {
        let checks = evaluation.checks
        var ruleIDs: [String] = []
        for check in checks {
            let id = Self.ruleID(check)
            if !ruleIDs.contains(id) { ruleIDs.append(id) }
        }
        let rules: [[String: Any]] = ruleIDs.map { id in
            [
                "id": id,
                "shortDescription": ["text": id],
            ]
        }
        let results: [[String: Any]] = checks.map { check in
            let level: String
            let kind: String
            switch check.outcome {
            case .passed:
                level = "none"
                kind = "pass"
            case .failed:
                level = "error"
                kind = "fail"
            case .warned:
                level = "warning"
                kind = "review"
            }
            let uri =
                check.condition == .artifact
                ? [inputs.model, check.slice].compactMap { $0 }.joined(separator: "/")
                : inputs.metrics.name
            return [
                "ruleId": Self.ruleID(check),
                "level": level,
                "kind": kind,
                "message": ["text": "\(check.qualifiedName): \(check.reason)"],
                "locations": [
                    ["physicalLocation": ["artifactLocation": ["uri": uri]]]
                ],
                "properties": ["verdict": check.verdict.rawValue],
            ]
        }
        let document: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                [
                    "tool": [
                        "driver": [
                            "name": "shipml", "version": toolVersion,
                            "rules": rules,
                        ]
                    ],
                    "results": results,
                ]
            ],
        ]
        return try JSONSerialization.data(
            withJSONObject: document,
            options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        )
    }

    static func ruleID(_ check: CheckResult) -> String {
        check.condition == .artifact
            ? "artifact/\(check.metric)" : "metric/\(check.metric)/\(check.condition.rawValue)"
    }
}

enum XML {
    /// Escapes text for an attribute or element; characters XML 1.0 forbids become U+FFFD.
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\n": result += "&#10;"
            case "\t", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
