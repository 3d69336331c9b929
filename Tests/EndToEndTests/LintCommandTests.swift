import Foundation
import ShipMLTestSupport
import Testing

@Suite("shipml lint, end to end")
struct LintCommandTests {
    let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: server, namespace: ml}
        spec:
          replicas: 1
          template:
            metadata:
              labels: {app: server}
            spec:
              containers:
              - name: server
                image: registry.example/server:1.2.0
                resources:
                  requests: {cpu: "1", memory: 2Gi}
                  limits: {memory: 2Gi}
                readinessProbe: {httpGet: {path: /ready, port: 8080}}
                livenessProbe: {httpGet: {path: /live, port: 8080}}
                startupProbe: {httpGet: {path: /ready, port: 8080}}

        """

    let project = """
        apiVersion: shipml/v1
        model: {name: demo, version: 1.0.0, path: model}
        lint:
          severity: {hpa: "off"}
        environments:
          - name: dev
          - name: prod
            lint: {pdb: warning}

        """

    @Test func productionFindingsFailAndNameTheFieldAndFix() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("out.yaml", deployment)
        try scratch.write("shipml.yaml", project)
        let dev = try ShipMLExecutable.run(["lint", "out.yaml", "--env", "dev"], in: scratch.path)
        #expect(dev.status == 0, "\(dev.stdout)\(dev.stderr)")
        #expect(dev.stdout.contains("info[image-digest] Deployment/ml/server"))

        let prod = try ShipMLExecutable.run(
            ["lint", "out.yaml", "--env", "prod", "--json"], in: scratch.path)
        #expect(prod.status == 1, "\(prod.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: prod.stdoutData) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let rules = findings.compactMap { $0["rule"] as? String }
        #expect(rules == ["replicas", "pdb", "image-digest"], "hpa is off for every environment")
        #expect(findings.map { $0["severity"] as? String } == ["error", "warning", "error"])
        #expect(findings.first?["field"] as? String == "spec.replicas")
        #expect(report["errors"] as? Int == 2)
    }

    @Test func standardInputAndSeverityFlags() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("out.yaml", deployment)
        let result = try ShipMLExecutable.run(
            [
                "lint", "-", "--production", "--severity", "replicas=off", "--severity",
                "pdb=off", "--severity", "image-digest=warning", "--severity", "hpa=off",
            ], in: scratch.path, input: Data(deployment.utf8))
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("warning[image-digest]"))
        #expect(result.stdout.contains("(<stdin>)"))
    }

    @Test func unknownRulesAndBrokenFilesExitTwo() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("out.yaml", deployment)
        try scratch.write("bad.yaml", "kind: [\n")
        let rule = try ShipMLExecutable.run(
            ["lint", "out.yaml", "--severity", "probe=off"], in: scratch.path)
        #expect(rule.status == 2)
        #expect(
            rule.stderr.contains("no lint rule \"probe\"; did you mean \"probes\"?"),
            "\(rule.stderr)")
        let bad = try ShipMLExecutable.run(["lint", "bad.yaml"], in: scratch.path)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.yaml: document 1 is not YAML"), "\(bad.stderr)")
    }
}
