import Foundation
import ShipMLTestSupport
import Testing

/// The built-in templates (`templates/`): the kustomize base and overlays render as kubectl
/// renders them, the chart renders in Helm's own engine and passes `helm lint`, and what they
/// render lints clean where it should.
@Suite("built-in templates")
struct TemplatesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let templates = root + "/templates"

    static let hasHelmEngine: Bool = {
        guard ProcessRunner.which("python3") != nil else { return false }
        let probe = try? ProcessRunner.run(["python3", "-c", "import helm_python, yaml"])
        return probe?.succeeded == true
    }()

    @Test(
        .enabled(if: ProcessRunner.which("kubectl") != nil, "kubectl is not installed"),
        arguments: ["dev", "prod"])
    func overlaysRenderAsKubectlDoesAndLintAsTheirEnvironment(_ overlay: String) throws {
        let path = Self.templates + "/kustomize/overlays/" + overlay
        let ours = try ShipMLExecutable.run(["render", path], in: Self.root)
        let kubectl = try ProcessRunner.run(["kubectl", "kustomize", path])
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.stdout == kubectl.stdout)
        var arguments = ["lint", path, "--json"]
        if overlay == "prod" { arguments.append("--production") }
        let lint = try ShipMLExecutable.run(arguments, in: Self.root)
        #expect(lint.status == 0, "\(lint.stdout)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: lint.stdoutData) as? [String: Any])
        #expect(report["errors"] as? Int == 0)
        #expect(report["warnings"] as? Int == 0)
    }

    @Test func lintRendersTheChartWithItsOwnValues() throws {
        let lint = try ShipMLExecutable.run(
            ["lint", Self.templates + "/model-serving", "--json"], in: Self.root)
        #expect(lint.status == 0, "\(lint.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: lint.stdoutData) as? [String: Any])
        #expect(report["objects"] as? Int == 4, "Deployment, Service, HPA and PDB by default")
        #expect(report["errors"] as? Int == 0)
    }

    /// Every file under templates/, walked in order.
    static func templateFiles(under folder: String) throws -> [String] {
        let base = templates + "/" + folder
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(path)
            }
        }
        return files.sorted()
    }

    /// `shipml init` writes the templates the binary carries; they must be today's templates/
    /// (scripts/embed-templates regenerates them), and the project it writes must check.
    @Test(arguments: [
        ("chart", "model-serving", "deploy/chart"),
        ("kustomize", "kustomize", "deploy/kustomize"),
    ])
    func initWritesTheCurrentTemplatesAndAProjectThatChecks(
        deploy: String, folder: String, target: String
    ) throws {
        let scratch = try ScratchDirectory()
        let initialise = try ShipMLExecutable.run(
            ["init", "project", "--name", "demo", "--deploy", deploy], in: scratch.path)
        #expect(initialise.status == 0, "\(initialise.stderr)")
        let files = try Self.templateFiles(under: folder)
        #expect(files.count > 3)
        for file in files {
            var expected = try String(
                contentsOfFile: Self.templates + "/" + folder + "/" + file, encoding: .utf8)
            for environment in ["dev", "staging", "prod"] {
                expected = expected.replacingOccurrences(
                    of: "namespace: ml-\(environment)\n", with: "namespace: demo-\(environment)\n")
            }
            let written = try? String(
                contentsOfFile: scratch.path("project/\(target)/\(file)"), encoding: .utf8)
            #expect(written == expected, "\(file) differs: run scripts/embed-templates")
        }
        let check = try ShipMLExecutable.run(["config", "check"], in: scratch.path("project"))
        #expect(check.status == 0, "\(check.stderr)")
    }

    /// Renders the chart with Helm's Go engine (helm-python-sdk), as `helm template` would.
    static func helmRender(values: String?) throws -> ProcessResult {
        let script = """
            import sys, yaml, helm_python as helm
            chart = helm.Chart.load(sys.argv[1])
            values = yaml.safe_load(open(sys.argv[2])) if len(sys.argv) > 2 else {}
            out = chart.render(values or {}, name="demo", namespace="ml")
            for name in sorted(out):
                if out[name].strip() and not name.endswith("NOTES.txt"):
                    print("---\\n# Source: " + name + "\\n" + out[name].rstrip("\\n"))
            report = helm.lint(sys.argv[1], values or {}, strict=True, namespace="ml")
            if report.get("errors"):
                sys.exit("helm lint: " + "; ".join(report["errors"]))
            """
        let chart = templates + "/model-serving"
        return try ProcessRunner.run(
            ["python3", "-c", script, chart] + (values.map { [chart + "/" + $0] } ?? []))
    }

    @Test(
        .enabled(if: hasHelmEngine, "helm-python-sdk is not installed"),
        arguments: [
            (nil, false, 0), ("ci/production-values.yaml", true, 13),
            ("ci/image-volume-values.yaml", true, 4),
        ])
    func theChartRendersInHelmAndLintsClean(values: String?, production: Bool, objects: Int)
        throws
    {
        let rendered = try Self.helmRender(values: values)
        #expect(rendered.succeeded, "\(rendered.stderr)")
        let scratch = try ScratchDirectory()
        try scratch.write("rendered.yaml", rendered.stdout)
        var arguments = ["lint", "rendered.yaml", "--json"]
        if production { arguments.append("--production") }
        let lint = try ShipMLExecutable.run(arguments, in: scratch.path)
        let report = try #require(
            try JSONSerialization.jsonObject(with: lint.stdoutData) as? [String: Any])
        #expect(lint.status == 0, "\(lint.stdout)")
        #expect(report["errors"] as? Int == 0)
        if objects > 0 {
            #expect(report["objects"] as? Int == objects)
            #expect(report["warnings"] as? Int == 0, "\(lint.stdout)")
        }
    }

    @Test(.enabled(if: hasHelmEngine, "helm-python-sdk is not installed"))
    func productionValuesSwitchOnEveryPart() throws {
        let rendered = try Self.helmRender(values: "ci/production-values.yaml")
        let text = rendered.stdout
        for expected in [
            "kind: HorizontalPodAutoscaler", "kind: PodDisruptionBudget", "kind: ServiceMonitor",
            "kind: HTTPRoute", "kind: ResourceQuota", "kind: PriorityClass", "kind: Namespace",
            "nvidia.com/gpu: 1", "key: nvidia.com/gpu",
            "nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB",
            "app: nvidia-dcgm-exporter", "weight: 80", "weight: 20", "shareProcessNamespace: true",
            "@sha256:3333", "startupProbe:",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
    }
}
