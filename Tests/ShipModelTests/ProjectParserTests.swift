import Foundation
import ShipFiles
import ShipModel
import Testing

@Suite("shipml.yaml: valid files")
struct ProjectParserTests {
    let full = """
        apiVersion: shipml/v1
        model:
          name: sentiment
          version: 2.10
          path: ./model
          format: gguf
          framework: llama.cpp
          metadata:
            owner: team-a
            params: 7e9
            tags: [nlp, "true"]
        evaluation:
          metrics: eval/metrics.json
          baseline: {environment: prod-eu}
          inconclusive: warn
          thresholds:
            - metric: accuracy
              min: 0.9
            - metric: f1
              slice: "language=*"
              aggregate: worst
              direction: higher
              max_regression: {rel: 0.02}
              min_slice_size: 200
              bound: ci_lower
            - metric: latency_ms
              slice: region=eu
              direction: lower
              min_improvement: {abs: 5}
              inconclusive: fail
        image:
          repository: localhost:5000/ml/sentiment
          format: modelcar
          base: oci:base:latest
          compression: zstd
          tags: [latest, stable]
          annotations: {team: a}
        deploy:
          chart: deploy/chart
          valuesFiles: deploy/values.yaml
          values: {replicas: 1}
        environments:
          - name: dev
          - name: staging
            gates: &defaults
              requireValidation: true
              requireLint: true
              soak: 1h30m
          - name: prod-eu
            namespace: models
            from: [staging]
            valuesFiles: [deploy/prod.yaml]
            values: {replicas: 3}
            gates:
              <<: *defaults
              soak: 2h
              requireLint: false
              requireValidation: {policy: policies/prod.yaml}
              approvals: {count: 2, from: [alice, bob]}
              windows:
                - days: [mon-thu, fri]
                  hours: "22:00-06:00"
                  timezone: Europe/Berlin
              freeze:
                - {from: 2026-12-20, to: "2027-01-04T09:00:00+01:00", reason: year end}
              autoPromote: true
        state:
          repository: git@git.example.com:ml/state.git
          branch: release/state

        """

    @Test func readsEveryField() throws {
        let yaml = full
        let project = try ProjectParser.parse(yaml, file: "shipml.yaml")
        #expect(project.model.name == "sentiment")
        #expect(
            project.model.version == "2.10", "a version is kept as written, not read as a number")
        #expect(project.model.format == .gguf)
        #expect(project.model.metadata?["params"] == .double(7e9))
        #expect(project.model.metadata?["tags"] == .list([.string("nlp"), .string("true")]))

        let evaluation = try #require(project.evaluation)
        #expect(evaluation.baseline == .environment("prod-eu"))
        let policy = try #require(evaluation.policy)
        #expect(policy.inconclusive == .warn)
        #expect(policy.thresholds.count == 3)
        #expect(policy.thresholds[0].slice == .overall && policy.thresholds[0].min == 0.9)
        #expect(policy.thresholds[0].bound == .point)
        #expect(policy.thresholds[1].slice == .worst(pattern: "language=*"))
        #expect(policy.thresholds[1].maxRegression == .relative(0.02))
        #expect(policy.thresholds[1].minSliceSize == 200)
        #expect(policy.thresholds[1].bound == .ciLower)
        #expect(policy.thresholds[2].slice == .named("region=eu"))
        #expect(policy.thresholds[2].minImprovement == .absolute(5))
        #expect(policy.thresholds[2].inconclusive == .fail)

        #expect(project.image.repository.description == "localhost:5000/ml/sentiment")
        #expect(project.image.format == .modelcar)
        #expect(project.image.base?.description == "oci:base:latest")
        #expect(project.image.compression == .zstd)
        #expect(project.image.tags == ["latest", "stable"])

        let deploy = try #require(project.deploy)
        #expect(deploy.source == .chart("deploy/chart"))
        #expect(deploy.releaseName == "sentiment")
        #expect(deploy.valuesFiles == ["deploy/values.yaml"])

        #expect(project.environments.map(\.name) == ["dev", "staging", "prod-eu"])
        #expect(project.environments[0].from.isEmpty)
        #expect(project.environments[1].from == ["dev"], "from defaults to the stage before")
        #expect(project.environments[1].gates.soak == ShipDuration(seconds: 5400))
        let prod = project.environments[2]
        #expect(prod.namespace == "models")
        #expect(prod.gates.requireLint == false, "an explicit key wins over a merged one")
        #expect(prod.gates.requireValidation == ValidationRequirement(policy: "policies/prod.yaml"))
        #expect(prod.gates.approvals == ApprovalRule(count: 2, from: ["alice", "bob"]))
        let window = try #require(prod.gates.windows.first)
        #expect(window.days == [.mon, .tue, .wed, .thu, .fri])
        #expect(window.startMinute == 22 * 60 && window.endMinute == 6 * 60)
        #expect(window.timeZone == "Europe/Berlin")
        let freeze = try #require(prod.gates.freeze.first)
        #expect(freeze.from == Date(timeIntervalSince1970: 1_797_724_800))
        #expect(freeze.to == Date(timeIntervalSince1970: 1_799_049_600))
        #expect(prod.gates.autoPromote)
        #expect(project.state.repository == "git@git.example.com:ml/state.git")
        #expect(project.state.branch == "release/state")
    }

    @Test func mergedKeysAreDefaultsAndExplicitKeysWin() throws {
        let prod = try ProjectParser.parse(full, file: "f").environments[2].gates
        #expect(prod.soak == ShipDuration(seconds: 7200))
        #expect(prod.requireLint == false)
        #expect(prod.requireValidation?.policy == "policies/prod.yaml")
    }

    @Test func defaultsAreFilledIn() throws {
        let project = try ProjectParser.parse(minimal, file: "shipml.yaml")
        #expect(project.image.repository.reference == .layout(path: ".shipml/oci", tag: nil))
        #expect(project.image.format == .modelpack)
        #expect(project.image.compression == LayerCompression.none)
        #expect(project.state.repository == ".shipml/state")
        #expect(project.state.branch == "main")
        #expect(project.evaluation == nil)
        #expect(project.environments[0].gates == Gates())
    }

    @Test func locationsPointAtTheFields() throws {
        let (_, locations) = try ProjectParser.parseWithLocations(minimal, file: "f")
        #expect(locations["model.path"] == SourceLocation(line: 5, column: 9))
        #expect(locations["environments[0].name"] == SourceLocation(line: 7, column: 11))
    }

    @Test func policyFilesParseAlone() throws {
        let policy = try ProjectParser.parsePolicy(
            "inconclusive: warn\nthresholds:\n  - {metric: auc, min: 0.8}\n", file: "policy.yaml")
        #expect(policy.inconclusive == .warn)
        #expect(policy.thresholds.map(\.metric) == ["auc"])
        let error = #expect(throws: ProjectFileError.self) {
            try ProjectParser.parsePolicy(
                "thresholds:\n  - {metric: auc, mni: 0.8}\n", file: "policy.yaml")
        }
        #expect(
            error?.diagnostics.first?.description.hasPrefix(
                "policy.yaml:2:19: error: thresholds[0].mni: unknown field") == true)
    }

    @Test func policyInlineAndInAFileIsAnError() throws {
        let yaml = withModelEvaluation(
            "  policy: p.yaml\n  thresholds:\n    - {metric: a, min: 1}\n")
        let error = #expect(throws: ProjectFileError.self) {
            try ProjectParser.parse(yaml, file: "f")
        }
        #expect(error?.diagnostics.contains { $0.message.contains("not both") } == true)
    }
}

@Suite("shipml init's example project")
struct ProjectTemplateTests {
    @Test(arguments: ["demo", String(repeating: "a", count: 63)])
    func exampleParsesAndItsReferencesExist(name: String) throws {
        let fileSystem = InMemoryFileSystem()
        for (path, contents) in ProjectTemplate.files(name: name) {
            try fileSystem.writeText(at: "/p/\(path)", contents)
        }
        let loaded = try ProjectLoader.load("/p/shipml.yaml", fileSystem: fileSystem)
        #expect(loaded.project.model.name == name)
        #expect(loaded.project.environments.map(\.name) == ["dev", "staging", "prod"])
        #expect(ProjectLoader.checkReferences(loaded, fileSystem: fileSystem).isEmpty)
    }

    @Test(arguments: [
        ("My Model", "my-model"), ("__x__", "x"), ("", "my-model"), ("Ünïcode", "n-code"),
        ("a.b.c", "a-b-c"),
    ])
    func modelNamesComeFromDirectories(directory: String, expected: String) {
        #expect(ProjectTemplate.modelName(fromDirectoryName: directory) == expected)
    }
}

@Suite("what the project file points at")
struct ReferenceCheckTests {
    @Test func missingModelAndMetricsAreWarningsABrokenChartIsAnError() throws {
        let fileSystem = InMemoryFileSystem(files: [
            "/p/shipml.yaml": withModelEvaluation("  thresholds:\n    - {metric: a, min: 1}\n")
                + "deploy:\n  chart: chart\n",
            "/p/chart/values.yaml": "",
        ])
        let loaded = try ProjectLoader.load("/p/shipml.yaml", fileSystem: fileSystem)
        let found = ProjectLoader.checkReferences(loaded, fileSystem: fileSystem)
        #expect(
            found.map(\.description) == [
                "/p/shipml.yaml:5:9: warning: model.path: the model directory \"/p/model\" does not exist yet",
                "/p/shipml.yaml:9:12: warning: evaluation.metrics: the metrics file \"/p/m.json\" does not exist yet",
                "/p/shipml.yaml:13:10: error: deploy.chart: \"/p/chart\" has no Chart.yaml; expected a Helm-style chart",
            ])
    }

    @Test func anInvalidPolicyFileIsReportedInItsOwnFile() throws {
        let fileSystem = InMemoryFileSystem(files: [
            "/p/shipml.yaml": minimal + "evaluation:\n  metrics: m.json\n  policy: policy.yaml\n",
            "/p/m.json": "{}",
            "/p/model/x": "",
            "/p/policy.yaml": "thresholds: []\n",
        ])
        let loaded = try ProjectLoader.load("/p/shipml.yaml", fileSystem: fileSystem)
        let found = ProjectLoader.checkReferences(loaded, fileSystem: fileSystem)
        #expect(found.map(\.file) == ["/p/policy.yaml"])
        #expect(found.first?.message.contains("no thresholds") == true)
    }

    @Test func aMissingProjectFileSaysHowToMakeOne() throws {
        let error = #expect(throws: ProjectFileError.self) {
            try ProjectLoader.load("/nowhere/shipml.yaml", fileSystem: InMemoryFileSystem())
        }
        #expect(error?.description.contains("run \"shipml init\"") == true)
    }
}
