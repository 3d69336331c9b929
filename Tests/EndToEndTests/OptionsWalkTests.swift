import Foundation
import ShipMLTestSupport
import Testing

/// Every option of every command that works without a registry changes what the command does
/// or is refused (exit 2): none is accepted and ignored. The options are read from the
/// binary's own `--experimental-dump-help`, so a new option without a probe here fails.
struct OptionsWalkTests {
    typealias Promote = PromoteCommandTests

    /// An option's probe: the command line with it, and the same without it. The option
    /// counts as honoured when the exit status, standard output or standard error differ,
    /// or as refused when the command line with it exits 2 and the baseline does not.
    struct Probe: Sendable, CustomStringConvertible {
        var with: [String]
        var without: [String]
        var description: String { with.joined(separator: " ") }
    }

    static let dev = Promote.artifact("c")

    /// Probes by "command --option", run in a copy of the fixture below.
    static let probes: [String: Probe] = [
        // A name init cannot use is refused: the flag is read.
        "init --name": .init(
            with: ["init", "fresh", "--name", "Not_A_Label"], without: ["init", "fresh"]),
        "init --force": .init(with: ["init", ".", "--force"], without: ["init", "."]),
        "init --deploy": .init(
            with: ["init", "fresh", "--deploy", "kustomize"], without: ["init", "fresh"]),
        "config check --strict": .init(
            with: ["config", "check", "--strict"], without: ["config", "check"]),
        "validate --metrics": .init(
            with: ["validate", "--metrics", "bad.json", "--policy", "policy.yaml"],
            without: ["validate", "--metrics", "metrics.json", "--policy", "policy.yaml"]),
        "validate --policy": .init(
            with: ["validate", "--metrics", "metrics.json", "--policy", "strict.yaml"],
            without: ["validate", "--metrics", "metrics.json", "--policy", "policy.yaml"]),
        "validate --baseline": .init(
            with: [
                "validate", "--metrics", "metrics.json", "--policy", "relative.yaml", "--baseline",
                "bad.json",
            ], without: ["validate", "--metrics", "metrics.json", "--policy", "relative.yaml"]),
        "validate --model": .init(
            with: [
                "validate", "--metrics", "metrics.json", "--policy", "policy.yaml", "--model",
                "missing",
            ], without: ["validate", "--metrics", "metrics.json", "--policy", "policy.yaml"]),
        "validate --junit": validateReport("--junit"),
        "validate --sarif": validateReport("--sarif"),
        "validate --markdown": validateReport("--markdown"),
        "validate --blessing": validateReport("--blessing"),
        "render --values": chart(["-f", "values.yaml"]),
        "render --set": chart(["--set", "replicaCount=5"]),
        "render --set-string": chart(["--set-string", "replicaCount=5"]),
        "render --set-file": chart(["--set-file", "label=metrics.json"]),
        "render --set-json": chart(["--set-json", "replicaCount=7"]),
        "render --set-literal": chart(["--set-literal", "label=x,y"]),
        "render --name": chart(["--name", "web"]),
        "render --name-template": chart(["--name-template", "web-{{ \"x\" }}"]),
        "render --namespace": chart(["--namespace", "elsewhere"]),
        "render --show-only": chart(["--show-only", "templates/service.yaml"]),
        "render --skip-tests": chart(["--skip-tests"]),
        "render --skip-schema-validation": chart([
            "--skip-schema-validation", "--set", "replicaCount=many",
        ]),
        "render --include-crds": chart(["--include-crds"]),
        "render --kube-version": chart(["--kube-version", "1.20.0"]),
        "render --api-versions": chart(["--api-versions", "x/v1"]),
        "render --debug": chart(["--debug", "--set", "broken=true"]),
        "render --output": kustomization(["--output", "out"]),
        "render --load-restrictor": .init(
            with: ["render", "chart/deploy/chart", "--load-restrictor", "LoadRestrictionsNone"],
            without: ["render", "chart/deploy/chart"]),
        "render --env": .init(
            with: ["render", "--env", "staging"], without: ["render", "--env", "dev"]),
        "render --artifact": .init(
            with: ["render", "--env", "dev", "--artifact", dev],
            without: ["render", "--env", "dev"]),
        "render --state": .init(
            with: ["render", "--env", "dev", "--state", "nowhere"],
            without: ["render", "--env", "dev"]),
        "render --cache": .init(
            with: ["render", "deploy/dev", "--cache", "c"], without: ["render", "deploy/dev"]),
        "status --env": .init(with: ["status", "--env", "dev"], without: ["status"]),
        "status --model": .init(with: ["status", "--model", "other"], without: ["status"]),
        "status --output": .init(with: ["status", "--output", "wide"], without: ["status"]),
        "status --state": .init(with: ["status", "--state", "nowhere"], without: ["status"]),
        "status --cache": .init(
            with: ["status", "--cache", "c", "--json"], without: ["status", "--cache", "c"]),
        "history --env": .init(with: ["history", "--env", "staging"], without: ["history"]),
        "history --model": .init(with: ["history", "--model", "other"], without: ["history"]),
        "history --limit": .init(with: ["history", "--limit", "1"], without: ["history"]),
        "history --since": .init(
            with: ["history", "--since", "2999-01-01T00:00:00Z"], without: ["history"]),
        "history --state": .init(with: ["history", "--state", "nowhere"], without: ["history"]),
        "diff --state": .init(
            with: ["diff", "dev", "staging", "--state", "nowhere"],
            without: ["diff", "dev", "staging"]),
        "diff --cache": .init(
            with: ["diff", "dev", "staging", "--cache", "c", "--json"],
            without: ["diff", "dev", "staging", "--cache", "c"]),
        "diff --model": .init(
            with: ["diff", "dev", "staging", "--model", "other"],
            without: ["diff", "dev", "staging"]),
        "diff --exit-code": .init(
            with: ["diff", "dev", "staging", "--exit-code"], without: ["diff", "dev", "staging"]),
        "promote --state": promote(["--state", "nowhere"]),
        "promote --cache": .init(
            with: ["promote", "--to", "staging", "--dry-run", "--cache", "c", "--json"],
            without: ["promote", "--to", "staging", "--dry-run", "--cache", "c"]),
        "promote --model": promote(["--model", "other"]),
        "promote --reason": .init(
            with: ["promote", "--to", "dev", "--artifact", dev, "--reason", "why"],
            without: ["promote", "--to", "dev", "--artifact", dev]),
        "promote --to": .init(
            with: ["promote", "--to", "prod", "--dry-run"],
            without: ["promote", "--to", "staging", "--dry-run"]),
        "promote --from": promote(["--from", "prod"]),
        "promote --artifact": .init(
            with: ["promote", "--to", "dev", "--artifact", dev, "--dry-run"],
            without: ["promote", "--to", "dev", "--dry-run"]),
        "promote --image": .init(
            with: ["promote", "--to", "dev", "--artifact", dev, "--image", Promote.artifact("d")],
            without: ["promote", "--to", "dev", "--artifact", dev]),
        "promote --version": .init(
            with: ["promote", "--to", "dev", "--artifact", dev, "--version", "9.9.9"],
            without: ["promote", "--to", "dev", "--artifact", dev]),
        "promote --blessing": promote(["--blessing", "metrics.json"]),
        "promote --dry-run": promote(["--dry-run"]),
        "promote --plan-json": .init(
            with: [
                "promote", "--to", "staging", "--dry-run", "--plan-json", "no/such/dir/plan.json",
            ],
            without: ["promote", "--to", "staging", "--dry-run"]),
        "promote --auto": promote(["--auto"]),
        "promote --branch-mode": .init(
            with: ["promote", "--to", "dev", "--artifact", dev, "--branch-mode", "pr"],
            without: ["promote", "--to", "dev", "--artifact", dev]),
        "rollback --state": rollback(["--state", "nowhere"]),
        "rollback --cache": .init(
            with: ["rollback", "--env", "dev", "--dry-run", "--cache", "c", "--json"],
            without: ["rollback", "--env", "dev", "--dry-run", "--cache", "c"]),
        "rollback --model": rollback(["--model", "other"]),
        "rollback --reason": .init(
            with: ["rollback", "--env", "dev", "--reason", "why", "--json"],
            without: ["rollback", "--env", "dev", "--json"]),
        "rollback --env": .init(
            with: ["rollback", "--env", "staging", "--dry-run"],
            without: ["rollback", "--env", "dev", "--dry-run"]),
        "rollback --to": rollback(["--to", "sha256:" + String(repeating: "b", count: 12)]),
        "rollback --dry-run": .init(
            with: ["rollback", "--env", "dev", "--dry-run"], without: ["rollback", "--env", "dev"]),
        "approve --state": approve(["--state", "nowhere"]),
        "approve --cache": .init(
            with: approveLine + ["--dry-run", "--cache", "c", "--json"],
            without: approveLine + ["--dry-run", "--cache", "c"]),
        "approve --model": approve(["--model", "other"]),
        "approve --reason": .init(
            with: approveLine + ["--reason", "why", "--json"], without: approveLine + ["--json"]),
        "approve --env": .init(
            with: ["approve", "--env", "staging", "--release", String(repeating: "b", count: 12)],
            without: approveLine),
        "approve --release": .init(
            with: ["approve", "--env", "prod", "--release", String(repeating: "e", count: 12)],
            without: approveLine),
        "approve --dry-run": approve(["--dry-run"]),
        "lint --env": .init(
            with: ["lint", "deploy/dev", "--env", "prod"], without: ["lint", "deploy/dev"]),
        "lint --production": .init(
            with: ["lint", "deploy/dev", "--production"], without: ["lint", "deploy/dev"]),
        "lint --severity": .init(
            with: ["lint", "deploy/dev", "--severity", "requests=off"],
            without: ["lint", "deploy/dev"]),
        // A release in a layout has no name to pin: the :latest tag stays, and lint says so.
        "lint --artifact": .init(
            with: [
                "lint", "--env", "dev", "--artifact",
                "oci:layout@sha256:" + String(repeating: "c", count: 64),
            ],
            without: ["lint", "--env", "dev"]),
    ]

    static let approveLine = [
        "approve", "--env", "prod", "--release", String(repeating: "b", count: 12),
    ]

    static func validateReport(_ flag: String) -> Probe {
        let base = ["validate", "--metrics", "metrics.json", "--policy", "policy.yaml", "-v"]
        return .init(with: base + [flag, "report.out"], without: base)
    }

    static func chart(_ flags: [String]) -> Probe {
        .init(
            with: ["render", "chart/deploy/chart"] + flags,
            without: ["render", "chart/deploy/chart"])
    }

    static func kustomization(_ flags: [String]) -> Probe {
        .init(with: ["render", "deploy/dev"] + flags, without: ["render", "deploy/dev"])
    }

    static func promote(_ flags: [String]) -> Probe {
        let base = ["promote", "--to", "staging"]
        return .init(with: base + flags, without: base)
    }

    static func rollback(_ flags: [String]) -> Probe {
        let base = ["rollback", "--env", "dev"]
        return .init(with: base + flags, without: base)
    }

    static func approve(_ flags: [String]) -> Probe {
        .init(with: approveLine + flags, without: approveLine)
    }

    /// The commands whose options need a registry to show their effect: walked by the
    /// registry tests, listed here so that the walk above names every other command.
    static let registryCommands: Set<String> = [
        "build", "inspect", "push", "pull", "copy", "tags", "attach", "referrers", "release",
    ]
    /// Every command takes these; their effect is shown by CLIConventionsTests and the
    /// commands' own tests.
    static let globalOptions: Set<String> = [
        "config", "json", "quiet", "verbose", "no-color", "help",
    ]

    /// "command --option" for every option the binary lists.
    static func listedOptions() throws -> [String] {
        let scratch = try ScratchDirectory()
        let dump = try ShipMLExecutable.run(["--experimental-dump-help"], in: scratch.path)
        let root = try #require(
            try JSONSerialization.jsonObject(with: dump.stdoutData) as? [String: Any])
        var found: [String] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            let arguments = command["arguments"] as? [[String: Any]] ?? []
            for argument in arguments
            where ["option", "flag"].contains(argument["kind"] as? String) {
                let names = argument["names"] as? [[String: Any]] ?? []
                guard
                    let long = names.first(where: { $0["kind"] as? String == "long" })?["name"]
                        as? String,
                    !globalOptions.contains(long)
                else { continue }
                found.append((path + ["--" + long]).joined(separator: " "))
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                if let name = sub["commandName"] as? String, name != "help" {
                    walk(sub, path + [name])
                }
            }
        }
        walk(try #require(root["command"] as? [String: Any]), [])
        return found.filter { !registryCommands.contains(String($0.prefix { $0 != " " })) }
    }

    /// The kustomize project with dev running b (after a), staging running b, a chart
    /// project beside it under chart/, and validation inputs.
    static func fixture() throws -> ScratchDirectory {
        let scratch = try ScratchDirectory()
        try Promote.makeProject(scratch)
        // The model's image in the workload, so the release shows in the manifests.
        _ = try scratch.write(
            "project/deploy/base/deployment.yaml",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: sentiment
            spec:
              replicas: 1
              template:
                spec:
                  containers:
                  - name: server
                    image: registry.example/ml/sentiment:latest

            """)
        for byte: Character in ["a", "b"] {
            let result = try Promote.shipml(
                ["promote", "--to", "dev", "--artifact", Promote.artifact(byte)], in: scratch)
            try #require(result.status == 0, "\(result.stderr)")
        }
        try #require(try Promote.shipml(["promote", "--to", "staging"], in: scratch).status == 0)
        // A small chart whose one template shows each input a flag can change.
        _ = try scratch.write(
            "project/chart/deploy/chart/Chart.yaml", "apiVersion: v2\nname: probe\nversion: 0.1.0\n"
        )
        _ = try scratch.write(
            "project/chart/deploy/chart/values.yaml", "replicaCount: 1\nlabel: plain\n")
        _ = try scratch.write(
            "project/chart/deploy/chart/values.schema.json",
            #"{"type": "object", "properties": {"replicaCount": {"type": "integer"}}}"#)
        _ = try scratch.write(
            "project/chart/deploy/chart/templates/cm.yaml",
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}
              namespace: {{ .Release.Namespace }}
            data:
              replicas: {{ .Values.replicaCount | quote }}
              label: {{ .Values.label | quote }}
              kube: {{ .Capabilities.KubeVersion.Version | quote }}
              api: {{ .Capabilities.APIVersions.Has "x/v1" | quote }}

            """)
        _ = try scratch.write(
            "project/chart/deploy/chart/templates/service.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n")
        _ = try scratch.write(
            "project/chart/deploy/chart/templates/tests/test.yaml",
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{ .Release.Name }}-test
              annotations:
                helm.sh/hook: test

            """)
        _ = try scratch.write(
            "project/chart/deploy/chart/templates/broken.yaml",
            "{{ if .Values.broken }}a: b\n  c: : d\n{{ end }}\n")
        _ = try scratch.write(
            "project/chart/deploy/chart/crds/crd.yaml",
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: probes.example.com\n"
        )
        _ = try scratch.write("project/values.yaml", "replicaCount: 4\n")
        _ = try scratch.write("project/metrics.json", #"{"accuracy": 0.95}"#)
        _ = try scratch.write("project/bad.json", #"{"accuracy": 0.5}"#)
        _ = try scratch.write(
            "project/policy.yaml", "thresholds:\n  - metric: accuracy\n    min: 0.9\n")
        _ = try scratch.write(
            "project/relative.yaml",
            "thresholds:\n  - metric: accuracy\n    direction: higher\n    max_regression: {abs: 0.01}\n"
        )
        _ = try scratch.write(
            "project/strict.yaml", "thresholds:\n  - metric: accuracy\n    min: 0.99\n")
        return scratch
    }

    @Test func everyOptionIsHonouredOrRefused() throws {
        let listed = try Self.listedOptions()
        #expect(listed.count > 60, "\(listed)")
        let unprobed = listed.filter { Self.probes[$0] == nil }
        #expect(unprobed.isEmpty, "options without a probe: \(unprobed)")
        let stale = Set(Self.probes.keys).subtracting(listed)
        #expect(stale.isEmpty, "probes of options the binary does not list: \(stale.sorted())")
        let fixture = try Self.fixture()
        for name in listed.sorted() {
            guard let probe = Self.probes[name] else { continue }
            // Each side in its own copy: a probe may write.
            let results = try [probe.with, probe.without].map { arguments -> ProcessResult in
                let copy = try ScratchDirectory()
                let copied = try ProcessRunner.run([
                    "cp", "-R", fixture.path("project"), fixture.path("remote.git"), copy.path,
                ])
                try #require(copied.succeeded, "\(copied.stderr)")
                // The state remote's file:// URL names the fixture's remote: point it here.
                let config = copy.path("project/shipml.yaml")
                let text = try String(contentsOfFile: config, encoding: .utf8)
                    .replacingOccurrences(
                        of: fixture.path("remote.git"), with: copy.path("remote.git"))
                try text.write(toFile: config, atomically: true, encoding: .utf8)
                return try Promote.shipml(arguments, in: copy, as: "dave")
            }
            let (with, without) = (results[0], results[1])
            let refused = with.status == 2 && without.status != 2
            let differs =
                with.status != without.status || with.stdout != without.stdout
                || with.stderr != without.stderr
            #expect(
                refused || differs,
                "\(name) changed nothing: \(probe) exits \(with.status) as without it\n\(with.stdout)\(with.stderr)"
            )
        }
    }
}
