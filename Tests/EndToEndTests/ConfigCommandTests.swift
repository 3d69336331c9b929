import Foundation
import ShipMLTestSupport
import Testing

/// Runs the built `shipml` binary and checks what it prints and how it exits.
@Suite("shipml init and config check, end to end")
struct ConfigCommandTests {
    @Test func versionAndHelp() throws {
        let scratch = try ScratchDirectory()
        let version = try ShipMLExecutable.run(["--version"], in: scratch.path)
        #expect(version.status == 0)
        #expect(
            version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".")
                .count == 3)
        let help = try ShipMLExecutable.run(["--help"], in: scratch.path)
        #expect(help.status == 0)
        #expect(help.stdout.contains("2  bad usage or bad input"))
        #expect(help.stdout.contains("3  an environment or network failure"))
        let checkHelp = try ShipMLExecutable.run(["config", "check", "--help"], in: scratch.path)
        #expect(checkHelp.stdout.contains("Examples:"))
    }

    @Test func initThenCheckPasses() throws {
        let scratch = try ScratchDirectory()
        let project = scratch.path("Fraud Detector")
        let created = try ShipMLExecutable.run(["init", project], in: scratch.path)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("wrote \(project)/shipml.yaml"))

        let check = try ShipMLExecutable.run(["config", "check"], in: project)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(
            check.stderr.isEmpty, "an example project has nothing to warn about: \(check.stderr)")
        #expect(check.stdout.contains("name: fraud-detector"))
        #expect(check.stdout.contains("namespace: fraud-detector-prod"))

        let json = try ShipMLExecutable.run(["config", "check", "--json"], in: project)
        #expect(json.status == 0)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == true)
        let resolved = try #require(object["project"] as? [String: Any])
        let environments = try #require(resolved["environments"] as? [[String: Any]])
        #expect(environments.map { $0["name"] as? String } == ["dev", "staging", "prod"])
    }

    @Test func initRefusesToOverwriteAProjectFile() throws {
        let scratch = try ScratchDirectory()
        #expect(try ShipMLExecutable.run(["init"], in: scratch.path).status == 0)
        try scratch.write("shipml.yaml", "kept: true\n")
        let again = try ShipMLExecutable.run(["init"], in: scratch.path)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists; use --force"))
        #expect(
            try String(contentsOfFile: scratch.path("shipml.yaml"), encoding: .utf8)
                == "kept: true\n")
        #expect(try ShipMLExecutable.run(["init", "--force"], in: scratch.path).status == 0)
    }

    @Test func aBadFileExitsTwoWithLocatedErrors() throws {
        let scratch = try ScratchDirectory()
        try scratch.write(
            "shipml.yaml",
            """
            apiVersion: shipml/v1
            model: {name: demo, version: 1.0.0, path: model}
            environments:
              - name: dev
              - name: prod
                gates:
                  soak: soon
                  aprovals: 2

            """)
        let check = try ShipMLExecutable.run(["config", "check"], in: scratch.path)
        #expect(check.status == 2)
        #expect(check.stdout.isEmpty)
        let lines = check.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "shipml.yaml:7:13: error: environments[1].gates.soak: expected a duration like 30m or 2h, got \"soon\"",
                "shipml.yaml:8:7: error: environments[1].gates.aprovals: unknown field \"aprovals\"; did you mean \"approvals\"?",
            ])
        #expect(!check.stderr.contains("\u{1b}["), "no colour when stderr is not a terminal")

        let json = try ShipMLExecutable.run(["config", "check", "--json"], in: scratch.path)
        #expect(json.status == 2)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        #expect((object["diagnostics"] as? [[String: Any]])?.first?["line"] as? Int == 7)
    }

    @Test func missingFilesAreWarningsUnlessStrict() throws {
        let scratch = try ScratchDirectory()
        try scratch.write(
            "p/shipml.yaml",
            "apiVersion: shipml/v1\nmodel: {name: demo, version: '1', path: weights}\nenvironments: [{name: dev}]\n"
        )
        let lenient = try ShipMLExecutable.run(
            ["config", "check", "--config", "p/shipml.yaml"], in: scratch.path)
        #expect(lenient.status == 0)
        #expect(
            lenient.stderr.contains(
                "p/shipml.yaml:2:41: warning: model.path: the model directory \"p/weights\" does not exist yet"
            ))
        let strict = try ShipMLExecutable.run(
            ["config", "check", "--config", "p/shipml.yaml", "--strict"], in: scratch.path)
        #expect(strict.status == 2)
        let quiet = try ShipMLExecutable.run(
            ["config", "check", "--config", "p/shipml.yaml", "-q"], in: scratch.path)
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty)
    }

    @Test func usageErrorsExitTwo() throws {
        let scratch = try ScratchDirectory()
        for arguments in [
            ["config", "chek"], ["--bogus"], ["config", "check", "--quiet", "--verbose"],
            ["init", "--name", "Bad Name"],
        ] {
            let result = try ShipMLExecutable.run(arguments, in: scratch.path)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(!result.stderr.isEmpty)
        }
        let missing = try ShipMLExecutable.run(["config", "check"], in: scratch.path)
        #expect(missing.status == 2)
        #expect(
            missing.stderr.contains("shipml.yaml:1:1: error: no such file; run \"shipml init\""))
    }
}
