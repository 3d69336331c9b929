/// `values.schema.json` checking as Helm 4 does it (`pkg/chart/common/util/jsonschema.go`):
/// after the values are coalesced and before any template runs, the chart's schema checks its
/// values and every enabled subchart's schema checks the values under the subchart's name.
public enum ValuesSchema {
    /// The words Helm puts before the list of failing charts.
    static let heading =
        "values don't meet the specifications of the schema(s) in the following chart(s):\n"

    /// Checks `values` (already coalesced) against the schemas of `chart` and its subcharts.
    ///
    /// - Throws: ``HelmError`` listing, per chart, the failures as Helm lists them.
    public static func validate(_ chart: Chart, values: [String: Value]) throws(HelmError) {
        let report = failures(chart, values: values)
        if !report.isEmpty { throw HelmError(heading + report) }
    }

    /// `ValidateAgainstSchema`: what Helm writes for the chart and its subcharts.
    static func failures(_ chart: Chart, values: [String: Value]) -> String {
        var report = ""
        if let schema = chart.schema, let problem = check(Array(schema), values: values) {
            report += chart.name + ":\n" + problem
        }
        for subchart in chart.dependencies {
            switch values[subchart.name] {
            case nil, .null?:
                continue
            case .map(let scoped)?:
                report += failures(subchart, values: scoped)
            case let other?:
                report +=
                    "\(subchart.name):\ninvalid type for values: expected object (map), got \(other.goTypeName)\n"
            }
        }
        return report
    }

    /// `ValidateAgainstSingleSchema`: nil when the values pass; otherwise the failure list
    /// (ending in a newline), or why the schema could not be used.
    public static func check(_ data: [UInt8], values: [String: Value]) -> String? {
        let document: SchemaJSON
        do {
            document = try SchemaJSON.parse(data)
        } catch {
            return error.description
        }
        var draft = 2020
        if case .object(let entries) = document, case .string(let url)? = entries["$schema"] {
            guard let known = SchemaCompiler.draft(of: url) else {
                return
                    "failing loading \"\(url)\": remote schemas are not fetched (shipml renders offline)"
            }
            draft = known
        }
        if let failures = Metaschemas.check(document, draft: draft) {
            return "\"\(SchemaCompiler.documentURL)#\" is not valid against metaschema: "
                + "jsonschema validation failed with '\(SchemaCompiler.metaschemaURL(draft))'\n"
                + lines(failures).joined(separator: "\n")
        }
        let compiled: CompiledSchema
        do {
            compiled = try SchemaCompiler.compile(document, draft: draft)
        } catch {
            return error.description
        }
        guard let failures = SchemaValidator(schema: compiled).validate(.map(values)) else {
            return nil
        }
        return lines(failures).joined(separator: "\n") + "\n"
    }

    static func lines(_ failures: [SchemaFailure]) -> [String] {
        var lines: [String] = []
        for failure in failures { failure.display(indent: 1, into: &lines) }
        return lines
    }
}
