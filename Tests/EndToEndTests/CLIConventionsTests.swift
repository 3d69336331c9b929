import Foundation
import ShipMLTestSupport
import Testing

/// The command line's conventions, through the binary: global options on either side of the
/// command, flags that do not apply refused rather than ignored, --json everywhere a result
/// is printed, -q keeping the reason, and the commands users of helm and kubectl reach for.
struct CLIConventionsTests {
    typealias Promote = PromoteCommandTests

    func run(_ arguments: [String], in scratch: ScratchDirectory, as actor: String = "carol")
        throws -> ProcessResult
    {
        try Promote.shipml(arguments, in: scratch, as: actor)
    }

    func json(_ result: ProcessResult) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any],
            "\(result.stdout)")
    }

    @Test func globalOptionsGoBeforeOrAfterTheCommand() throws {
        let scratch = try ScratchDirectory()
        try Promote.makeProject(scratch)
        #expect(
            try run(["promote", "--to", "dev", "--artifact", Promote.artifact("a")], in: scratch)
                .status == 0)
        let before = try run(["--json", "status"], in: scratch)
        let after = try run(["status", "--json"], in: scratch)
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout == after.stdout)
        let config = try run(["--config", "shipml.yaml", "--json", "config", "check"], in: scratch)
        #expect(config.status == 0, "\(config.stderr)")
        #expect(config.stdout.hasPrefix("{"))
        let verbose = try run(["-v", "history"], in: scratch)
        #expect(verbose.status == 0, "\(verbose.stderr)")
    }

    @Test func aMistypedCommandGetsASuggestion() throws {
        let scratch = try ScratchDirectory()
        let result = try ShipMLExecutable.run(["statsu"], in: scratch.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("did you mean \"status\""), "\(result.stderr)")
    }

    @Test func promoteHelpListsOneVersion() throws {
        let scratch = try ScratchDirectory()
        let help = try ShipMLExecutable.run(["promote", "--help"], in: scratch.path)
        #expect(help.stdout.components(separatedBy: "--version").count == 2, "\(help.stdout)")
        let version = try ShipMLExecutable.run(["--version"], in: scratch.path)
        #expect(version.status == 0 && version.stdout.first?.isNumber == true)
    }

    @Test(arguments: [
        ["--set", "x=1"], ["-n", "foo"], ["--show-only", "templates/x.yaml"], ["-f", "v.yaml"],
        ["--kube-version", "1.30.0"], ["--skip-tests"], ["name"],
    ])
    func helmFlagsAreRefusedOnAKustomization(_ flags: [String]) throws {
        let scratch = try ScratchDirectory()
        try Promote.makeProject(scratch)
        // A release name goes before the directory, as helm's NAME CHART.
        let arguments =
            flags == ["name"]
            ? ["render", "name", "deploy/dev"] : ["render", "deploy/dev"] + flags
        let result = try run(arguments, in: scratch)
        #expect(result.status == 2, "\(flags): \(result.stdout)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("applies to Helm charts"), "\(result.stderr)")
    }

    @Test func aKustomizationRendersAsJSONAndIntoAFolder() throws {
        let scratch = try ScratchDirectory()
        try Promote.makeProject(scratch)
        let rendered = try run(["render", "deploy/dev", "--json"], in: scratch)
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let documents = try #require(
            try JSONSerialization.jsonObject(with: rendered.stdoutData) as? [[String: String]])
        #expect(documents.first?["source"] == "apps_v1_deployment_sentiment.yaml")
        #expect(documents.first?["content"]?.contains("namespace: dev") == true)
        let written = try run(["render", "deploy/dev", "--output", "out"], in: scratch)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(
            FileManager.default.fileExists(
                atPath: scratch.path("project/out/apps_v1_deployment_sentiment.yaml")))
    }

    /// `shipml init`'s project: the built-in chart with a values file per environment.
    func chartProject() throws -> ScratchDirectory {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(
            atPath: scratch.path("project"), withIntermediateDirectories: true)
        let initialized = try run(["init"], in: scratch)
        try #require(initialized.status == 0, "\(initialized.stderr)")
        return scratch
    }

    @Test func aChartRendersIntoAFolderByTemplateAndTakesHelmsNameOrder() throws {
        let scratch = try chartProject()
        let written = try run(["render", "deploy/chart", "--output", "out"], in: scratch)
        #expect(written.status == 0, "\(written.stderr)")
        let file = scratch.path("project/out/model-serving/templates/service.yaml")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("---\n# Source: model-serving/templates/service.yaml\n"))
        let named = try run(["template", "web", "deploy/chart"], in: scratch)
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.stdout.contains("name: web-model-serving"), "\(named.stdout.prefix(400))")
        let refused = try run(
            ["render", "deploy/chart", "--load-restrictor", "LoadRestrictionsNone"], in: scratch)
        #expect(refused.status == 2)
    }

    @Test func renderEnvIsWhatPromotionCommitsAndLintEnvLintsIt() throws {
        let scratch = try ScratchDirectory()
        let remote = try Promote.makeProject(scratch)
        #expect(
            try run(["promote", "--to", "dev", "--artifact", Promote.artifact("a")], in: scratch)
                .status == 0)
        #expect(try run(["promote", "--to", "staging"], in: scratch).status == 0)
        // staging's next promotion, prod, takes staging's release: render it as it would be.
        let prod = try run(["render", "--env", "prod"], in: scratch)
        #expect(prod.status == 0, "\(prod.stderr)")
        #expect(prod.stdout.contains("namespace: prod"))
        #expect(prod.stdout.contains("replicas: 3"))
        // What staging's promotion committed is what render --env staging prints.
        let committed = try Promote.git([
            "--git-dir", remote, "show",
            "main:environments/staging/sentiment/manifests/apps_v1_deployment_sentiment.yaml",
        ])
        let staging = try run(["render", "--env", "staging"], in: scratch)
        #expect(staging.stdout == committed)
        let noRelease = try ScratchDirectory()
        try Promote.makeProject(noRelease)
        let missing = try run(["render", "--env", "dev"], in: noRelease)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--artifact"), "\(missing.stderr)")
        let given = try run(
            ["render", "--env", "dev", "--artifact", Promote.artifact("b")], in: noRelease)
        #expect(given.status == 0, "\(given.stderr)")
        #expect(try run(["render", "--env", "dev", "--set", "a=b"], in: noRelease).status == 2)
        // prod's rendering has three replicas and no PodDisruptionBudget: an error in prod.
        let lint = try run(["lint", "--env", "prod"], in: scratch)
        #expect(lint.stdout.contains("1 object:"), "\(lint.stdout)")
    }

    @Test func quietKeepsTheLineThatSaysWhy() throws {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("metrics.json", #"{"accuracy": 0.5}"#)
        _ = try scratch.write(
            "policy.yaml", "thresholds:\n  - metric: accuracy\n    min: 0.9\n")
        let result = try ShipMLExecutable.run(
            ["validate", "-q", "--metrics", "metrics.json", "--policy", "policy.yaml"],
            in: scratch.path)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("error: not blessed"), "\(result.stderr)")
    }

    @Test func approveAndRollbackPrintJSONAndHaveADryRun() throws {
        let scratch = try ScratchDirectory()
        try Promote.makeProject(scratch)
        for byte: Character in ["a", "b"] {
            #expect(
                try run(
                    ["promote", "--to", "dev", "--artifact", Promote.artifact(byte)], in: scratch
                )
                .status == 0)
        }
        #expect(try run(["promote", "--to", "staging"], in: scratch).status == 0)
        let short = String(repeating: "b", count: 12)
        let dryApproval = try run(
            ["approve", "--env", "prod", "--release", short, "--dry-run", "--json"], in: scratch,
            as: "dave")
        #expect(dryApproval.status == 0, "\(dryApproval.stderr)")
        let approval = try json(dryApproval)
        #expect(approval["recorded"] as? Bool == false)
        #expect(approval.keys.contains("commit"))
        // An approval staging's gate would never count is refused.
        let noGate = try run(
            ["approve", "--env", "staging", "--release", short], in: scratch, as: "dave")
        #expect(noGate.status == 2)
        #expect(noGate.stderr.contains("no approvals gate"), "\(noGate.stderr)")

        let dryRollback = try run(["rollback", "--env", "dev", "--dry-run"], in: scratch)
        #expect(dryRollback.status == 0, "\(dryRollback.stderr)")
        #expect(dryRollback.stdout.contains("would roll dev back"), "\(dryRollback.stdout)")
        let rolled = try run(["rollback", "--env", "dev", "--json"], in: scratch)
        #expect(rolled.status == 0, "\(rolled.stderr)")
        let record = try json(rolled)
        #expect((record["commit"] as? String)?.count == 40)
        #expect(record.keys.contains("current"))
    }

    @Test func diffComparesTwoEnvironments() throws {
        let scratch = try ScratchDirectory()
        try Promote.makeProject(scratch)
        #expect(
            try run(["promote", "--to", "dev", "--artifact", Promote.artifact("a")], in: scratch)
                .status == 0)
        #expect(try run(["promote", "--to", "staging"], in: scratch).status == 0)
        let same = try run(["diff", "dev", "dev", "--exit-code"], in: scratch)
        #expect(same.status == 0, "\(same.stderr)")
        let different = try run(["diff", "dev", "staging", "--exit-code"], in: scratch)
        #expect(different.status == 1)
        #expect(different.stdout.contains("-  namespace: dev"), "\(different.stdout)")
        #expect(different.stdout.contains("+  namespace: staging"))
        let machine = try json(try run(["diff", "dev", "prod", "--json"], in: scratch))
        #expect(machine["identical"] as? Bool == false)
        #expect(machine.keys.contains("toRelease"))
        #expect((machine["changes"] as? [[String: Any]])?.isEmpty == false)
    }

    @Test func completionOffersTheProjectsEnvironments() throws {
        let scratch = try ScratchDirectory()
        try Promote.makeProject(scratch)
        let script = try run(["--generate-completion-script", "bash"], in: scratch)
        #expect(script.stdout.contains("---completion promote -- --to"))
        // What bash asks for `shipml promote --to st<TAB>`.
        let offered = try run(
            [
                "---completion", "promote", "--", "--to", "3", "2", "shipml", "promote", "--to",
                "st",
            ],
            in: scratch)
        #expect(offered.stdout == "staging\n", "\(offered.stdout) \(offered.stderr)")
        let all = try run(
            ["---completion", "diff", "--", "positional@0", "2", "0", "shipml", "diff", ""],
            in: scratch)
        #expect(all.stdout.split(separator: "\n") == ["dev", "staging", "prod"], "\(all.stdout)")
    }

    /// The top-level keys docs/cli.md lists for `command`'s `--json`.
    static func documentedKeys(_ command: String) throws -> Set<String> {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/cli.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let line = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("| `\(command)`") },
            "docs/cli.md has no row for \(command)")
        let cells = line.split(separator: "|")
        let shape = try #require(cells.last?.trimmingCharacters(in: .whitespaces))
        // `{a, b: [{c}], d: 1}`: the top-level comma-separated parts, each up to its colon.
        var parts: [String] = []
        var depth = 0
        var part = ""
        for character in shape.dropFirst(2).dropLast(2) {
            if character == "{" || character == "[" { depth += 1 }
            if character == "}" || character == "]" { depth -= 1 }
            if character == ",", depth == 0 {
                parts.append(part)
                part = ""
            } else {
                part.append(character)
            }
        }
        parts.append(part)
        let keys = Set(
            parts.map {
                String($0.split(separator: ":").first ?? "").trimmingCharacters(in: .whitespaces)
            })
        return keys
    }

    @Test func theJSONShapesAreTheOnesTheDocsList() throws {
        let scratch = try ScratchDirectory()
        try Promote.makeProject(scratch, prodGates: "      approvals: 1\n")
        for byte: Character in ["a", "b"] {
            #expect(
                try run(
                    ["promote", "--to", "dev", "--artifact", Promote.artifact(byte)], in: scratch
                )
                .status == 0)
        }
        let promoted = try json(try run(["promote", "--to", "staging", "--json"], in: scratch))
        #expect(Set(promoted.keys) == (try Self.documentedKeys("promote")))
        let approved = try json(
            try run(
                [
                    "approve", "--env", "prod", "--release", String(repeating: "b", count: 12),
                    "--json",
                ],
                in: scratch, as: "dave"))
        #expect(Set(approved.keys) == (try Self.documentedKeys("approve")))
        let diff = try json(try run(["diff", "dev", "staging", "--json"], in: scratch))
        #expect(Set(diff.keys) == (try Self.documentedKeys("diff")))
        let rollback = try json(try run(["rollback", "--env", "dev", "--json"], in: scratch))
        #expect(Set(rollback.keys) == (try Self.documentedKeys("rollback")))
    }
}
