import Foundation
import ShipModel
import Testing

/// One malformed `shipml.yaml` and the diagnostic it must produce.
struct BadInput: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var line: Int
    var column: Int
    var path: String
    var message: String

    var testDescription: String { name }
}

/// The smallest valid project; cases below change one thing in it.
let minimal = """
    apiVersion: shipml/v1
    model:
      name: demo
      version: 1.0.0
      path: model
    environments:
      - name: dev

    """

/// `minimal` with three environments, for gate cases; `gates:` of prod is on line 12.
func withGates(_ gates: String) -> String {
    minimal + """
          - name: staging
            from: dev
          - name: prod
            from: staging
            gates:

        """ + gates
}

func withModelEvaluation(_ evaluation: String) -> String {
    minimal + "evaluation:\n  metrics: m.json\n" + evaluation
}

let badInputs: [BadInput] = [
    BadInput(
        name: "empty file", yaml: "", line: 1, column: 1, path: "", message: "the file is empty"),
    BadInput(
        name: "a registry setting that is not a boolean",
        yaml: minimal + "registries:\n  localhost:5000: {plainHTTP: yes please}\n", line: 9,
        column: 31, path: "registries.localhost:5000.plainHTTP",
        message: "expected true or false"),
    BadInput(
        name: "a registry given as a URL", yaml: minimal + "registries:\n  https://r.example: {}\n",
        line: 9, column: 22, path: "registries.https://r.example",
        message: "expected a registry host"),
    BadInput(
        name: "an unknown registry setting",
        yaml: minimal + "registries:\n  r.example: {plainHttp: true}\n", line: 9, column: 15,
        path: "registries.r.example.plainHttp", message: "did you mean \"plainHTTP\""),
    BadInput(
        name: "a list instead of a mapping", yaml: "- a\n- b\n", line: 1, column: 1, path: "",
        message: "expected a mapping with apiVersion, model, image, environments, got a list"),
    BadInput(
        name: "missing apiVersion", yaml: String(minimal.drop { $0 != "\n" }.dropFirst()), line: 1,
        column: 1, path: "apiVersion", message: "missing required field \"apiVersion\""),
    BadInput(
        name: "unsupported apiVersion",
        yaml: minimal.replacingOccurrences(of: "shipml/v1", with: "shipml/v2"), line: 1, column: 13,
        path: "apiVersion",
        message: "unsupported version \"shipml/v2\"; this shipml reads \"shipml/v1\""),
    BadInput(
        name: "misspelt top-level key", yaml: minimal + "enviroment: x\n", line: 8, column: 1,
        path: "enviroment", message: "unknown field \"enviroment\"; did you mean \"environments\"?"),
    BadInput(
        name: "model name not a DNS label",
        yaml: minimal.replacingOccurrences(of: "name: demo", with: "name: Demo_Model"), line: 3,
        column: 9, path: "model.name", message: "expected a lowercase DNS label"),
    BadInput(
        name: "version with build metadata",
        yaml: minimal.replacingOccurrences(of: "1.0.0", with: "1.0.0+build.5"), line: 4, column: 12,
        path: "model.version", message: "OCI tags cannot hold \"+\""),
    BadInput(
        name: "model path missing",
        yaml: minimal.replacingOccurrences(of: "  path: model\n", with: ""), line: 3, column: 3,
        path: "model.path", message: "missing required field \"path\""),
    BadInput(
        name: "model format misspelt",
        yaml: minimal.replacingOccurrences(
            of: "  path: model\n", with: "  path: model\n  format: safetensor\n"),
        line: 6, column: 11, path: "model.format",
        message: "got \"safetensor\"; did you mean \"safetensors\"?"),
    BadInput(
        name: "model name null",
        yaml: minimal.replacingOccurrences(of: "name: demo", with: "name: ~"), line: 3, column: 9,
        path: "model.name", message: "expected a string, got nothing (null)"),
    BadInput(
        name: "metadata is a list",
        yaml: minimal.replacingOccurrences(
            of: "  path: model\n", with: "  path: model\n  metadata: [a]\n"),
        line: 6, column: 13, path: "model.metadata",
        message: "expected a mapping of free-form metadata, got a list"),
    BadInput(
        name: "unclosed flow sequence", yaml: "apiVersion: shipml/v1\nmodel: [a, b\n", line: 3,
        column: 1, path: "", message: "invalid YAML"),
    BadInput(
        name: "duplicate key", yaml: minimal + "model:\n  name: again\n", line: 2, column: 1,
        path: "",
        message: "duplicate key \"model\""),
    BadInput(
        name: "tab indentation", yaml: "apiVersion: shipml/v1\nmodel:\n\tname: demo\n", line: 3,
        column: 1, path: "", message: "invalid YAML"),
    BadInput(
        name: "no environments",
        yaml: minimal.replacingOccurrences(
            of: "environments:\n  - name: dev\n", with: "environments: []\n"),
        line: 6, column: 15, path: "environments", message: "name at least one environment"),
    BadInput(
        name: "environment defined twice", yaml: minimal + "  - name: dev\n", line: 8, column: 5,
        path: "environments[1]",
        message: "environment \"dev\" is already defined at environments[0]"),
    BadInput(
        name: "from names an unknown environment",
        yaml: minimal + "  - name: staging\n  - name: prod\n    from: stagin\n", line: 10,
        column: 11,
        path: "environments[2].from",
        message:
            "unknown environment \"stagin\"; \"from\" names an environment listed earlier (dev, staging); did you mean \"staging\"?"
    ),
    BadInput(
        name: "from names itself", yaml: minimal + "  - name: staging\n    from: staging\n",
        line: 9,
        column: 11, path: "environments[1].from",
        message: "an environment cannot be promoted from itself"),
    BadInput(
        name: "soak that is not a duration", yaml: withGates("        soak: soon\n"), line: 13,
        column: 15, path: "environments[2].gates.soak",
        message: "expected a duration like 30m or 2h, got \"soon\""),
    BadInput(
        name: "misspelt gate", yaml: withGates("        requireValidaton: true\n"), line: 13,
        column: 9,
        path: "environments[2].gates.requireValidaton",
        message: "unknown field \"requireValidaton\"; did you mean \"requireValidation\"?"),
    BadInput(
        name: "YAML 1.1 boolean", yaml: withGates("        requireValidation: yes\n"), line: 13,
        column: 28, path: "environments[2].gates.requireValidation",
        message: "expected true or false, got \"yes\""),
    BadInput(
        name: "zero approvals", yaml: withGates("        approvals: 0\n"), line: 13, column: 20,
        path: "environments[2].gates.approvals", message: "expected at least 1 approval, got 0"),
    BadInput(
        name: "more approvals than approvers",
        yaml: withGates("        approvals: {count: 3, from: [alice]}\n"), line: 13, column: 28,
        path: "environments[2].gates.approvals.count",
        message: "needs 3 approvals but names only 1 approvers"),
    BadInput(
        name: "hours without minutes",
        yaml: withGates("        windows:\n          - days: [mon]\n            hours: 9-17\n"),
        line: 15,
        column: 20, path: "environments[2].gates.windows[0].hours",
        message: "expected hours like 09:00-17:00"),
    BadInput(
        name: "unknown time zone",
        yaml: withGates(
            "        windows:\n          - hours: \"09:00-17:00\"\n            timezone: Mars/Olympus\n"
        ),
        line: 15, column: 23, path: "environments[2].gates.windows[0].timezone",
        message: "unknown time zone \"Mars/Olympus\""),
    BadInput(
        name: "misspelt day range",
        yaml: withGates("        windows:\n          - days: [mon-fry]\n"),
        line: 14, column: 19, path: "environments[2].gates.windows[0].days",
        message:
            "expected days such as mon, tue, ... sun or a range such as mon-fri, got \"mon-fry\""),
    BadInput(
        name: "freeze that ends before it starts",
        yaml: withGates(
            "        freeze:\n          - {from: 2026-12-20, to: 2026-12-01, reason: x}\n"),
        line: 14, column: 36, path: "environments[2].gates.freeze[0].to",
        message: "the freeze ends before it starts"),
    BadInput(
        name: "freeze without a reason",
        yaml: withGates("        freeze:\n          - {from: 2026-12-20, to: 2027-01-04}\n"),
        line: 14,
        column: 13, path: "environments[2].gates.freeze[0].reason",
        message: "missing required field \"reason\""),
    BadInput(
        name: "freeze date not a date",
        yaml: withGates(
            "        freeze:\n          - {from: next week, to: 2027-01-04, reason: x}\n"),
        line: 14, column: 20, path: "environments[2].gates.freeze[0].from",
        message: "expected a date (2026-12-24, midnight UTC) or an RFC 3339 time"),
    BadInput(
        name: "soak in the first environment",
        yaml: minimal.replacingOccurrences(
            of: "  - name: dev\n", with: "  - name: dev\n    gates: {soak: 1h}\n"),
        line: 8, column: 19, path: "environments[0].gates.soak",
        message: "the first environment has none"),
    BadInput(
        name: "lint severity that is not one",
        yaml: minimal + "lint:\n  severity: {probes: fatal}\n",
        line: 9, column: 22, path: "lint.severity.probes",
        message: "expected one of \"off\", \"info\", \"warning\", \"error\""),
    BadInput(
        name: "production that is not a boolean",
        yaml: minimal.replacingOccurrences(
            of: "  - name: dev\n", with: "  - name: dev\n    production: maybe\n"),
        line: 8, column: 17, path: "environments[0].production",
        message: "expected true or false"),
    BadInput(
        name: "policy without thresholds", yaml: withModelEvaluation("  thresholds: []\n"),
        line: 10,
        column: 15, path: "evaluation.thresholds",
        message: "a policy with no thresholds would bless any model"),
    BadInput(
        name: "min above max",
        yaml: withModelEvaluation("  thresholds:\n    - {metric: acc, min: 0.9, max: 0.8}\n"),
        line: 11, column: 36, path: "evaluation.thresholds[0].max",
        message: "max (0.8) is below min (0.9): no value could pass"),
    BadInput(
        name: "regression without a direction",
        yaml: withModelEvaluation(
            "  thresholds:\n    - metric: acc\n      max_regression: {abs: 0.01}\n"),
        line: 12, column: 23, path: "evaluation.thresholds[0].max_regression",
        message: "a change against the baseline needs \"direction: higher\" or \"direction: lower\""
    ),
    BadInput(
        name: "both absolute and relative change",
        yaml: withModelEvaluation(
            "  thresholds:\n    - metric: acc\n      direction: higher\n      min_improvement: {abs: 0.1, rel: 0.1}\n"
        ),
        line: 13, column: 24, path: "evaluation.thresholds[0].min_improvement",
        message: "give \"abs\" or \"rel\", not both"),
    BadInput(
        name: "NaN bound",
        yaml: withModelEvaluation("  thresholds:\n    - {metric: acc, min: .nan}\n"),
        line: 11, column: 26, path: "evaluation.thresholds[0].min",
        message: "expected a finite number, got \".nan\""),
    BadInput(
        name: "quoted number",
        yaml: withModelEvaluation("  thresholds:\n    - {metric: acc, min: \"0.9\"}\n"),
        line: 11, column: 26, path: "evaluation.thresholds[0].min",
        message: "expected a number, got \"0.9\""),
    BadInput(
        name: "misspelt threshold key",
        yaml: withModelEvaluation("  thresholds:\n    - {metric: acc, max_regresion: {abs: 1}}\n"),
        line: 11, column: 21, path: "evaluation.thresholds[0].max_regresion",
        message: "did you mean \"max_regression\"?"),
    BadInput(
        name: "threshold with no bound at all",
        yaml: withModelEvaluation("  thresholds:\n    - metric: acc\n"), line: 11, column: 7,
        path: "evaluation.thresholds[0]",
        message: "a threshold needs at least one of min, max, max_regression or min_improvement"),
    BadInput(
        name: "negative regression",
        yaml: withModelEvaluation(
            "  thresholds:\n    - {metric: loss, direction: lower, max_regression: {rel: -0.1}}\n"),
        line: 11, column: 62, path: "evaluation.thresholds[0].max_regression.rel",
        message: "expected a fraction of 0 or more"),
    BadInput(
        name: "baseline environment unknown",
        yaml: withModelEvaluation(
            "  baseline: {environment: prd}\n  thresholds:\n    - {metric: acc, min: 0.5}\n"),
        line: 10, column: 13, path: "evaluation.baseline", message: "unknown environment \"prd\""),
    BadInput(
        name: "image repository with a tag",
        yaml: minimal + "image:\n  repository: registry.example.com/ml/demo:1.0\n", line: 9,
        column: 15,
        path: "image.repository", message: "expected a repository without a tag"),
    BadInput(
        name: "image repository without a host",
        yaml: minimal + "image:\n  repository: ubuntu/demo\n",
        line: 9, column: 15, path: "image.repository", message: "\"ubuntu\" is not a registry host"),
    BadInput(
        name: "base image on a modelpack artifact",
        yaml: minimal + "image:\n  format: modelpack\n  base: oci:base:latest\n", line: 10,
        column: 9,
        path: "image.base", message: "a base image is only used by \"format: modelcar\""),
    BadInput(
        name: "unknown compression", yaml: minimal + "image:\n  compression: lz4\n", line: 9,
        column: 16,
        path: "image.compression",
        message: "expected one of \"none\", \"gzip\", \"zstd\", got \"lz4\""),
    BadInput(
        name: "chart and kustomize together",
        yaml: minimal + "deploy:\n  chart: c\n  kustomize: k\n",
        line: 9, column: 3, path: "deploy",
        message: "give either \"chart\" or \"kustomize\", not both"),
    BadInput(
        name: "values on a kustomize deploy",
        yaml: minimal.replacingOccurrences(
            of: "  - name: dev\n", with: "  - name: dev\n    values: {replicas: 2}\n")
            + "deploy:\n  kustomize: k\n",
        line: 8, column: 13, path: "environments[0].values",
        message: "values apply to charts; this project deploys with kustomize"),
    BadInput(
        name: "overlay on a chart deploy",
        yaml: minimal.replacingOccurrences(
            of: "  - name: dev\n", with: "  - name: dev\n    overlay: o\n")
            + "deploy:\n  chart: c\n",
        line: 8, column: 14, path: "environments[0].overlay",
        message: "an overlay applies to a kustomize deploy"),
    BadInput(
        name: "an image with a tag on a kustomize deploy",
        yaml: minimal + "deploy:\n  kustomize: k\n  image: registry.example/ml/m:1.0\n",
        line: 10, column: 10, path: "deploy.image",
        message: "expected an image name without a tag or digest"),
    BadInput(
        name: "an image on a chart deploy",
        yaml: minimal + "deploy:\n  chart: c\n  image: model-artifact\n",
        line: 10, column: 10, path: "deploy.image",
        message: "image applies to a kustomize deploy"),
    BadInput(
        name: "invalid branch", yaml: minimal + "state:\n  branch: release..1\n", line: 9,
        column: 11,
        path: "state.branch", message: "expected a valid git branch name"),
    BadInput(
        name: "password in the state URL",
        yaml: minimal + "state:\n  repository: https://bot:hunter2@git.example.com/state.git\n",
        line: 9,
        column: 15, path: "state.repository", message: "the repository URL holds a password"),
    BadInput(
        name: "environment name with a space",
        yaml: minimal.replacingOccurrences(of: "name: dev", with: "name: my env"), line: 7,
        column: 11,
        path: "environments[0].name", message: "expected a lowercase DNS label"),
]

@Suite("shipml.yaml: bad input")
struct BadProjectFileTests {
    @Test("every malformed file gets a precise diagnostic", arguments: badInputs)
    func malformed(_ input: BadInput) throws {
        let error = #expect(throws: ProjectFileError.self) {
            try ProjectParser.parse(input.yaml, file: "shipml.yaml")
        }
        let diagnostics = try #require(error).diagnostics
        let match = diagnostics.first {
            $0.line == input.line && $0.column == input.column && $0.path == input.path
                && $0.message.contains(input.message) && $0.severity == .error
                && $0.file == "shipml.yaml"
        }
        #expect(
            match != nil,
            "expected \(input.line):\(input.column) \(input.path): \(input.message)\ngot:\n\(diagnostics.map(\.description).joined(separator: "\n"))"
        )
    }

    @Test func theIssueExampleReadsAsDocumented() throws {
        let error = #expect(throws: ProjectFileError.self) {
            try ProjectParser.parse(withGates("        soak: soon\n"), file: "shipml.yaml")
        }
        #expect(
            error?.description
                == "shipml.yaml:13:15: error: environments[2].gates.soak: expected a duration like 30m or 2h, got \"soon\""
        )
    }

    @Test func everyProblemIsReportedNotJustTheFirst() throws {
        let yaml =
            minimal.replacingOccurrences(of: "name: demo", with: "name: Demo")
            .replacingOccurrences(of: "1.0.0", with: "1.0.0+x") + "colour: red\n"
        let error = #expect(throws: ProjectFileError.self) {
            try ProjectParser.parse(yaml, file: "shipml.yaml")
        }
        let paths = Set(error?.diagnostics.map(\.path) ?? [])
        #expect(paths == ["model.name", "model.version", "colour"])
    }

    @Test func bytesThatAreNotUTF8AreRejected() throws {
        let data = Data([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a])
        let error = #expect(throws: ProjectFileError.self) {
            try ProjectParser.parse(data, file: "shipml.yaml")
        }
        #expect(error?.diagnostics.first?.message.contains("not UTF-8") == true)
    }
}
