import Foundation
import ShipFiles
import ShipModel
import Testing
import Validator

@Suite("metrics forms, reports and the blessing")
struct ReportAndBlessingTests {
    @Test func aMappingThatIsNotAnIntervalIsKeptAsUnusable() throws {
        let parsed = try Metrics.parse(
            #"{"accuracy": 0.9, "confusion": {"tp": 10, "fp": 2}, "empty": {}}"#, file: "m.json")
        #expect(parsed.overall["confusion"] == .unusable("a mapping, not a number"))
        #expect(parsed.overall["empty"] == .unusable("a mapping, not a number"))
        #expect(parsed.overall["accuracy"] == .number(0.9))
    }

    @Test func aModelCardsModelIndexIsRead() throws {
        let card = """
            ---
            license: apache-2.0
            model-index:
              - name: sentiment-bert
                results:
                  - task: {type: text-classification}
                    dataset: {type: imdb, name: IMDb}
                    metrics:
                      - {type: accuracy, value: 0.931}
                      - {type: f1, value: "20.0 ± 1.2"}
                      - {type: bleu, value: "31.5 +/- 0.5"}
                  - dataset: {type: sst2}
                    metrics:
                      - {type: accuracy, value: "0.90"}
            ---
            # Sentiment BERT

            """
        let metrics = try Metrics.parse(card, file: "README.md")
        #expect(
            metrics.overall["f1"]
                == .estimate(Estimate(value: 20, lower: 18.8, upper: 21.2, method: .plusMinus)))
        #expect(
            metrics.overall["bleu"]
                == .estimate(Estimate(value: 31.5, lower: 31, upper: 32, method: .plusMinus)))
        #expect(
            metrics.overall["accuracy"]
                == .unusable(
                    "given for several datasets; name a slice (dataset=imdb, dataset=sst2)"))
        #expect(metrics.slices["dataset=imdb"]?.metrics["accuracy"] == .number(0.931))
        #expect(metrics.slices["dataset=sst2"]?.metrics["accuracy"] == .number(0.90))
    }

    func sampleOutcome(blessed: Bool) throws -> ValidationOutcome {
        let files = InMemoryFileSystem()
        try files.writeText(at: "/m.json", "{\"accuracy\": \(blessed ? 0.95 : 0.85), \"loss\": 1}")
        try files.writeText(at: "/b.json", "{\"accuracy\": 0.9}")
        try files.writeText(
            at: "/p.yaml",
            """
            thresholds:
              - {metric: accuracy, min: 0.9}
              - {metric: accuracy, direction: higher, max_regression: {abs: 0.01}}
              - {metric: recall, min: 0.5, inconclusive: warn}

            """)
        return try Validation.run(
            ValidationRequest(
                metrics: "/m.json", policy: .file("/p.yaml"), baseline: .file("/b.json")),
            fileSystem: files)
    }

    @Test func theBlessingIsAnInTotoTestResultOverCanonicalBytes() throws {
        let outcome = try sampleOutcome(blessed: true)
        let blessing = outcome.blessing
        #expect(blessing.digest == Digest.sha256(of: blessing.bytes))
        let object = try #require(
            try JSONSerialization.jsonObject(with: blessing.bytes) as? [String: Any])
        #expect(object["_type"] as? String == "https://in-toto.io/Statement/v1")
        #expect(
            object["predicateType"] as? String == "https://in-toto.io/attestation/test-result/v0.1")
        let predicate = try #require(object["predicate"] as? [String: Any])
        #expect(predicate["result"] as? String == "WARNED")
        #expect(
            predicate["passedTests"] as? [String] == [
                "accuracy min 0.9 [overall]", "accuracy max_regression 0.01 abs [overall]",
            ])
        #expect(predicate["warnedTests"] as? [String] == ["recall min 0.5 [overall]"])
        let configuration = try #require(predicate["configuration"] as? [[String: Any]])
        #expect(configuration.map { $0["name"] as? String } == ["policy", "metrics", "baseline"])
        let metricsDigest = Digest.sha256(of: Data("{\"accuracy\": 0.95, \"loss\": 1}".utf8))
        #expect(
            (configuration[1]["digest"] as? [String: String])?["sha256"] == metricsDigest.encoded)
        // Without a model digest the subject is the metrics file.
        let subject = try #require((object["subject"] as? [[String: Any]])?.first)
        #expect((subject["digest"] as? [String: String])?["sha256"] == metricsDigest.encoded)
        // Canonical: sorted keys, no whitespace; the same inputs give the same bytes.
        #expect(!blessing.bytes.contains(UInt8(ascii: "\n")))
        #expect(try sampleOutcome(blessed: true).blessing.bytes == blessing.bytes)
    }

    @Test func aModelDigestIsTheSubject() throws {
        let model = try Digest("sha256:" + String(repeating: "ab", count: 32))
        let outcome = try sampleOutcome(blessed: false)
        let blessing = try Blessing.make(
            evaluation: outcome.report.evaluation, inputs: outcome.report.inputs,
            modelDigest: model, modelName: "sentiment-bert")
        #expect(
            blessing.statement.subject == [
                ResourceDescriptor(name: "sentiment-bert", digest: model)
            ])
        #expect(blessing.statement.predicate.result == .failed)
        #expect(blessing.digest != outcome.blessing.digest)
    }

    @Test func theJSONReportHasEveryFieldOfSchemaOne() throws {
        let outcome = try sampleOutcome(blessed: false)
        let object = try #require(
            try JSONSerialization.jsonObject(with: outcome.report.json()) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == 1)
        #expect(object["result"] as? String == "FAILED")
        #expect(object["blessed"] as? Bool == false)
        #expect(object["unmentionedMetrics"] as? [String] == ["loss"])
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(
            summary == ["checks": 3, "passed": 0, "failed": 2, "inconclusive": 1, "warned": 1])
        let checks = try #require(object["checks"] as? [[String: Any]])
        #expect(
            Set(checks[0].keys) == [
                "name", "metric", "condition", "slice", "candidate", "compared", "bound",
                "baseline", "delta", "relativeDelta", "limit", "limitKind", "verdict",
                "onInconclusive", "outcome", "reason",
            ])
        #expect(checks[1]["baseline"] as? Double == 0.9)
        #expect(checks[1]["slice"] is NSNull)
    }

    @Test func junitAndSarifAreWellFormed() throws {
        let report = try sampleOutcome(blessed: false).report
        let junit = String(decoding: report.junit(), as: UTF8.self)
        #expect(junit.contains("<testsuites name=\"shipml validate\" tests=\"3\" failures=\"2\""))
        #expect(junit.contains("<failure type=\"failed\" message=\"accuracy 0.85 is below"))
        #expect(junit.contains("<skipped message=\"recall is missing"))
        let sarif = try #require(
            try JSONSerialization.jsonObject(with: report.sarif(toolVersion: "0.1.0"))
                as? [String: Any])
        #expect(sarif["version"] as? String == "2.1.0")
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.map { $0["level"] as? String } == ["error", "error", "warning"])
        let markdown = report.markdown()
        #expect(markdown.hasPrefix("## ❌ shipml validate: FAILED"))
        #expect(markdown.contains("| accuracy min 0.9 | overall | 0.85 | - | - | point | failed |"))
    }

    @Test func aRequestedScanWithoutAnArtifactCheckerIsInconclusive() throws {
        let files = InMemoryFileSystem()
        try files.writeText(at: "/m.json", "{\"accuracy\": 0.95}")
        let outcome = try Validation.run(
            ValidationRequest(
                metrics: "/m.json",
                policy: .inline(
                    Policy(thresholds: [Threshold(metric: "accuracy", min: 0.9)]),
                    projectFile: "shipml.yaml"),
                model: "model"),
            fileSystem: files)
        #expect(outcome.report.evaluation.checks.map(\.verdict) == [.passed, .inconclusive])
        #expect(!outcome.report.evaluation.blessed)
        #expect(outcome.report.inputs.policy.name == "shipml.yaml#evaluation")
    }

    @Test func aMissingFileIsALocatedError() throws {
        let error = #expect(throws: ProjectFileError.self) {
            try Validation.run(
                ValidationRequest(metrics: "/none.json", policy: .file("/p.yaml")),
                fileSystem: InMemoryFileSystem())
        }
        #expect(
            error?.description
                == "/none.json:1:1: error: cannot read the metrics file: no such file")
    }
}
