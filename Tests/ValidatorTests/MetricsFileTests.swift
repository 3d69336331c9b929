import ShipModel
import Testing
import Validator

@Suite("metrics files")
struct MetricsFileTests {
    @Test func jsonAndYamlFlatMapsRead() throws {
        let json = try Metrics.parse(
            #"{"accuracy": 0.93, "latency_p95_ms": 180, "loss": -1.5e-3}"#, file: "m.json")
        #expect(
            json.overall == [
                "accuracy": .number(0.93), "latency_p95_ms": .number(180), "loss": .number(-0.0015),
            ])
        let yaml = try Metrics.parse("accuracy: 0.93\nf1: 1\n", file: "m.yaml")
        #expect(yaml.overall == ["accuracy": .number(0.93), "f1": .number(1)])
    }

    @Test func valuesNoThresholdCanCompareAreKeptWithTheReason() throws {
        // Python's json.dump writes NaN and Infinity; a quoted number is a string.
        let metrics = try Metrics.parse(
            #"{"a": NaN, "b": Infinity, "c": "0.9", "d": null, "e": [1], "f": -.inf}"#,
            file: "m.json")
        #expect(metrics.overall["a"] == .unusable("NaN"))
        #expect(metrics.overall["b"] == .unusable("infinite"))
        #expect(metrics.overall["c"] == .unusable("the string \"0.9\", not a number"))
        #expect(metrics.overall["d"] == .unusable("null"))
        #expect(metrics.overall["e"] == .unusable("a list, not a number"))
        #expect(metrics.overall["f"] == .unusable("infinite"))
    }

    @Test(arguments: [
        ("", "the file is empty"),
        ("[0.9]", "expected a map of metric names to numbers"),
        ("{\"a\": 1, \"a\": 2}", "duplicated key"),
        ("{\"a\": 1", "not valid JSON or YAML"),
    ])
    func malformedFilesSayWhy(text: String, message: String) throws {
        let error = #expect(throws: ProjectFileError.self) {
            try Metrics.parse(text, file: "m.json")
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("m.json:") == true)
    }
}
