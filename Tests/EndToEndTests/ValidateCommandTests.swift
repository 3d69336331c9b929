import Foundation
import ShipMLTestSupport
import Testing

/// Runs the built `shipml validate` and checks its exit codes, reports and blessing.
@Suite("shipml validate, end to end")
struct ValidateCommandTests {
    let policy = """
        inconclusive: fail
        thresholds:
          - {metric: accuracy, min: 0.9}
          - {metric: f1, slice: "language=*", direction: higher, max_regression: {abs: 0.02}, min_slice_size: 100}

        """
    let baseline = """
        {"overall": {"accuracy": 0.91, "f1": 0.88},
         "slices": {"language=de": {"size": 500, "f1": 0.86}, "language=fr": {"size": 300, "f1": 0.84}}}
        """

    func candidate(accuracy: Double, deF1: Double) -> String {
        """
        {"overall": {"accuracy": \(accuracy), "f1": 0.88, "loss": 0.31},
         "slices": {"language=de": {"size": 500, "f1": \(deF1)}, "language=fr": {"size": 300, "f1": 0.85}}}
        """
    }

    func project(in scratch: ScratchDirectory, accuracy: Double, deF1: Double) throws {
        try scratch.write("eval/metrics.json", candidate(accuracy: accuracy, deF1: deF1))
        try scratch.write("eval/baseline.json", baseline)
        try scratch.write("policy.yaml", policy)
    }

    @Test func aPassingCandidateIsBlessedWithEveryReport() throws {
        let scratch = try ScratchDirectory()
        try project(in: scratch, accuracy: 0.93, deF1: 0.85)
        let result = try ShipMLExecutable.run(
            [
                "validate", "--metrics", "eval/metrics.json", "--policy", "policy.yaml",
                "--baseline", "eval/baseline.json", "--junit", "out/junit.xml", "--sarif",
                "out/report.sarif", "--markdown", "out/comment.md", "--blessing",
                "out/blessing.json",
            ], in: scratch.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("PASSED: 3 checks, 3 passed; the model is blessed"))
        #expect(result.stdout.contains("not checked by any threshold: loss"))

        let junitCheck = try ProcessRunner.run(
            [
                "python3", "-c",
                "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); print(len(d.getElementsByTagName('testcase')))",
                scratch.path("out/junit.xml"),
            ])
        #expect(junitCheck.status == 0, "\(junitCheck.stderr)")
        #expect(junitCheck.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "3")

        let sarif = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: scratch.url("out/report.sarif"))) as? [String: Any])
        #expect(sarif["version"] as? String == "2.1.0")

        let blessing = try Data(contentsOf: scratch.url("out/blessing.json"))
        let statement = try #require(
            try JSONSerialization.jsonObject(with: blessing) as? [String: Any])
        #expect(statement["_type"] as? String == "https://in-toto.io/Statement/v1")
        #expect((statement["predicate"] as? [String: Any])?["result"] as? String == "PASSED")
        let markdown = try String(contentsOf: scratch.url("out/comment.md"), encoding: .utf8)
        #expect(markdown.hasPrefix("## ✅ shipml validate: PASSED"))

        // The digest printed by --json is the SHA-256 of the blessing file's bytes.
        let json = try ShipMLExecutable.run(
            [
                "validate", "--metrics", "eval/metrics.json", "--policy", "policy.yaml",
                "--baseline", "eval/baseline.json", "--json",
            ], in: scratch.path)
        #expect(json.status == 0)
        let report = try #require(
            try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let digest = try #require(
            (report["blessing"] as? [String: Any])?["digest"] as? String)
        let sha = try ProcessRunner.run(["sha256sum", scratch.path("out/blessing.json")])
        #expect(digest == "sha256:" + (sha.stdout.split(separator: " ").first ?? ""))
    }

    @Test func aFailingCandidateExitsOneAndSaysWhy() throws {
        let scratch = try ScratchDirectory()
        try project(in: scratch, accuracy: 0.88, deF1: 0.83)
        let result = try ShipMLExecutable.run(
            [
                "validate", "--metrics", "eval/metrics.json", "--policy", "policy.yaml",
                "--baseline", "eval/baseline.json", "--json", "--junit", "junit.xml",
            ], in: scratch.path)
        #expect(result.status == 1, "\(result.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(report["schemaVersion"] as? Int == 1)
        #expect(report["result"] as? String == "FAILED")
        #expect(report["blessed"] as? Bool == false)
        #expect(report["unmentionedMetrics"] as? [String] == ["loss"])
        let inputs = try #require(report["inputs"] as? [String: Any])
        #expect((inputs["metrics"] as? [String: Any])?["name"] as? String == "eval/metrics.json")
        let checks = try #require(report["checks"] as? [[String: Any]])
        #expect(checks.map { $0["verdict"] as? String } == ["failed", "failed", "passed"])
        #expect(checks[0]["reason"] as? String == "accuracy 0.88 is below the minimum 0.9")
        #expect(
            checks[1]["reason"] as? String
                == "f1 on slice language=de regressed by 0.03 (rel 3.49%) against the baseline 0.86, more than the allowed 0.02 abs"
        )
        let junit = try String(contentsOf: scratch.url("junit.xml"), encoding: .utf8)
        #expect(junit.contains("failures=\"2\""))
    }

    @Test func defaultsComeFromTheProjectFile() throws {
        let scratch = try ScratchDirectory()
        let created = try ShipMLExecutable.run(["init"], in: scratch.path)
        #expect(created.status == 0, "\(created.stderr)")
        let result = try ShipMLExecutable.run(["validate"], in: scratch.path)
        // The example project's metrics meet its inline thresholds, and its model directory
        // (model.path) is scanned.
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("the model is blessed"))
        #expect(result.stdout.contains("files hashed; model digest sha256:"))

        // A pickle that runs a command, dropped into the project's model directory, is found
        // without --model.
        let made = try ProcessRunner.run(
            [
                "python3", "-c",
                "import pickle, subprocess, sys\nclass P:\n    def __reduce__(self): return (subprocess.call, (['true'],))\nopen(sys.argv[1], 'wb').write(pickle.dumps(P()))",
                scratch.path("model/extra.pkl"),
            ])
        try #require(made.succeeded, "\(made.stderr)")
        let hostile = try ShipMLExecutable.run(["validate"], in: scratch.path)
        #expect(hostile.status == 1)
        #expect(hostile.stdout.contains("subprocess.call"))
    }

    @Test func aBaselineFromAnEnvironmentIsInconclusiveUntilReleasesCanBeRead() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("eval/metrics.json", "{\"accuracy\": 0.95}")
        let projectFile = """
            apiVersion: shipml/v1
            model: {name: demo, version: 1.0.0, path: model}
            evaluation:
              metrics: eval/metrics.json
              baseline: {environment: prod}
              inconclusive: INCONCLUSIVE
              thresholds:
                - {metric: accuracy, min: 0.9}
                - {metric: accuracy, direction: higher, max_regression: {abs: 0.01}}
            environments:
              - name: dev
              - name: prod

            """
        for (outcome, status, result) in [("fail", Int32(1), "FAILED"), ("warn", 0, "WARNED")] {
            try scratch.write(
                "shipml.yaml", projectFile.replacingOccurrences(of: "INCONCLUSIVE", with: outcome))
            let run = try ShipMLExecutable.run(["validate", "--json"], in: scratch.path)
            #expect(run.status == status, "\(run.stderr)")
            let report = try #require(
                try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
            #expect(report["result"] as? String == result)
            let inputs = try #require(report["inputs"] as? [String: Any])
            #expect(
                (inputs["policy"] as? [String: Any])?["name"] as? String
                    == "shipml.yaml#evaluation")
            let checks = try #require(report["checks"] as? [[String: Any]])
            #expect(checks.map { $0["verdict"] as? String } == ["passed", "inconclusive"])
            #expect(
                (checks[1]["reason"] as? String)?.hasPrefix(
                    "the baseline is the release in environment prod") == true)
        }
    }

    @Test func badInputExitsTwoWithALocatedError() throws {
        let scratch = try ScratchDirectory()
        try project(in: scratch, accuracy: 0.93, deF1: 0.85)
        try scratch.write("bad.yaml", "thresholds:\n  - {metric: f1, mim: 0.8}\n")
        let badPolicy = try ShipMLExecutable.run(
            ["validate", "--metrics", "eval/metrics.json", "--policy", "bad.yaml"],
            in: scratch.path)
        #expect(badPolicy.status == 2)
        #expect(
            badPolicy.stderr.contains(
                "bad.yaml:2:18: error: thresholds[0].mim: unknown field \"mim\"; did you mean \"min\"?"
            ), "\(badPolicy.stderr)")
        let missing = try ShipMLExecutable.run(
            ["validate", "--metrics", "none.json", "--policy", "policy.yaml"], in: scratch.path)
        #expect(missing.status == 2)
        #expect(
            missing.stderr.contains(
                "none.json:1:1: error: cannot read the metrics file: no such file"))
        let noProject = try ShipMLExecutable.run(["validate"], in: scratch.path)
        #expect(noProject.status == 2)
        let help = try ShipMLExecutable.run(["validate", "--help"], in: scratch.path)
        #expect(help.status == 0)
        #expect(help.stdout.contains("Examples:"))
        #expect(help.stdout.contains("0 blessed, 1 not blessed, 2 bad input"))
    }

    /// `--model` scans the files: a clean model is blessed, and the blessing's subject is the
    /// model digest as OpenSSF model signing computes it (here by Python's hashlib).
    @Test func aCleanModelIsBlessedUnderItsModelDigest() throws {
        let scratch = try ScratchDirectory()
        try project(in: scratch, accuracy: 0.93, deF1: 0.85)
        try scratch.write("model/config.json", "{}")
        let made = try ProcessRunner.run(
            [
                "python3", "-c",
                """
                import json, struct, sys
                header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
                open(sys.argv[1], "wb").write(struct.pack("<Q", len(header)) + header + bytes(8))
                """,
                scratch.path("model/model.safetensors"),
            ])
        try #require(made.succeeded, "\(made.stderr)")
        let result = try ShipMLExecutable.run(
            [
                "validate", "--metrics", "eval/metrics.json", "--policy", "policy.yaml",
                "--baseline", "eval/baseline.json", "--model", "model", "--blessing",
                "blessing.json",
            ], in: scratch.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("safetensors header valid: 1 tensors, 2 parameters"))
        let expected = try ProcessRunner.run(
            [
                "python3", "-c",
                """
                import hashlib, os, sys
                root = sys.argv[1]
                names = sorted(os.listdir(root))
                digest = hashlib.sha256(b"".join(hashlib.sha256(open(os.path.join(root, n), "rb").read()).digest() for n in names))
                print(digest.hexdigest())
                """,
                scratch.path("model"),
            ]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let blessing = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: scratch.url("blessing.json")))
                as? [String: Any])
        let subject = (blessing["subject"] as? [[String: Any]])?.first
        #expect((subject?["digest"] as? [String: String])?["sha256"] == expected)
    }

    @Test func aHostilePickleIsNotBlessed() throws {
        let scratch = try ScratchDirectory()
        try project(in: scratch, accuracy: 0.93, deF1: 0.85)
        try scratch.write("model/config.json", "{}")
        let made = try ProcessRunner.run(
            [
                "python3", "-c",
                """
                import os, pickle, sys
                class Payload:
                    def __reduce__(self):
                        return (os.system, ("echo owned",))
                open(sys.argv[1], "wb").write(pickle.dumps(Payload(), protocol=4))
                """,
                scratch.path("model/model.pkl"),
            ])
        try #require(made.succeeded, "\(made.stderr)")
        let result = try ShipMLExecutable.run(
            [
                "validate", "--metrics", "eval/metrics.json", "--policy", "policy.yaml",
                "--baseline", "eval/baseline.json", "--model", "model",
            ], in: scratch.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("pickle model.pkl"))
        #expect(result.stdout.contains("posix.system"))
        #expect(result.stdout.contains("the model is not blessed"))
    }
}
