import Foundation
import ShipMLTestSupport
import Testing

/// `shipml render CHART_DIR`, run as a user runs it: Helm's output, errors and exit codes.
@Suite("shipml render (Helm charts)")
struct RenderChartCommandTests {
    static func chart(in scratch: ScratchDirectory) throws {
        try scratch.write("web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n")
        try scratch.write("web/values.yaml", "replicas: 1\nimage: web:1\n")
        try scratch.write(
            "web/templates/cm.yaml",
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-{{ .Chart.Name }}
              namespace: {{ .Release.Namespace }}
            data:
              replicas: {{ .Values.replicas | quote }}
              image: {{ .Values.image }}

            """)
        try scratch.write("web/templates/NOTES.txt", "not printed\n")
    }

    @Test func rendersWithHelmsFlags() throws {
        let scratch = try ScratchDirectory()
        try Self.chart(in: scratch)
        try scratch.write("prod.yaml", "image: web:2\n")
        let result = try ShipMLExecutable.run(
            [
                "render", "web", "-f", "prod.yaml", "--set", "replicas=3", "--name", "prod", "-n",
                "ml",
            ],
            in: scratch.path)
        #expect(result.status == 0)
        #expect(
            result.stdout == """
                ---
                # Source: web/templates/cm.yaml
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: prod-web
                  namespace: ml
                data:
                  replicas: "3"
                  image: web:2

                """)
    }

    @Test func printsJSONDocuments() throws {
        let scratch = try ScratchDirectory()
        try Self.chart(in: scratch)
        let result = try ShipMLExecutable.run(["render", "web", "--json"], in: scratch.path)
        #expect(result.status == 0)
        #expect(
            result.stdout.hasPrefix("[\n  {\"source\": \"web/templates/cm.yaml\", \"content\": "))
    }

    @Test func badChartsExitWithTwoAndHelmsMessage() throws {
        let scratch = try ScratchDirectory()
        try Self.chart(in: scratch)
        let badSet = try ShipMLExecutable.run(["render", "web", "--set", "a.=b"], in: scratch.path)
        #expect(badSet.status == 2)
        #expect(badSet.stderr == "Error: failed parsing --set data: key map \"a\" has no value\n")
        try scratch.write("web/templates/bad.yaml", "x: {{ .Values.x | nosuch }}\n")
        let badTemplate = try ShipMLExecutable.run(["render", "web"], in: scratch.path)
        #expect(badTemplate.status == 2)
        #expect(
            badTemplate.stderr
                == "Error: parse error at (web/templates/bad.yaml:1): function \"nosuch\" not defined\n"
        )
        #expect(badTemplate.stdout.isEmpty)
    }

    @Test func valuesBreakingTheSchemaExitWithTwo() throws {
        let scratch = try ScratchDirectory()
        try Self.chart(in: scratch)
        try scratch.write(
            "web/values.schema.json",
            """
            {"$schema": "http://json-schema.org/draft-07/schema#", "required": ["image"],
             "properties": {"replicas": {"type": "integer", "minimum": 1}}}
            """)
        let bad = try ShipMLExecutable.run(
            ["render", "web", "--set", "replicas=0"], in: scratch.path)
        #expect(bad.status == 2)
        #expect(bad.stdout.isEmpty)
        #expect(
            bad.stderr == """
                Error: values don't meet the specifications of the schema(s) in the following chart(s):
                web:
                - at '/replicas': minimum: got 0, want 1


                """)
        let typed = try ShipMLExecutable.run(
            ["render", "web", "--set-string", "replicas=2"], in: scratch.path)
        #expect(typed.status == 2)
        #expect(typed.stderr.contains("- at '/replicas': got string, want integer\n"))
        let skipped = try ShipMLExecutable.run(
            ["render", "web", "--set", "replicas=0", "--skip-schema-validation"], in: scratch.path)
        #expect(skipped.status == 0)
        #expect(skipped.stdout.contains("replicas: \"0\""))
        try scratch.write("web/values.schema.json", "{\"type\": ")
        let broken = try ShipMLExecutable.run(["render", "web"], in: scratch.path)
        #expect(broken.status == 2)
        #expect(
            broken.stderr
                == "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nweb:\nunexpected EOF\n"
        )
    }

    @Test func archivesCannotReachOutsideTheirRoot() throws {
        let scratch = try ScratchDirectory()
        try Self.chart(in: scratch)
        let script = """
            import io, sys, tarfile
            with tarfile.open(sys.argv[1], "w:gz") as archive:
                for name, text in [("sub/Chart.yaml", "apiVersion: v2\\nname: sub\\nversion: 1.0.0\\n"),
                                   ("sub/../../evil.yaml", "x: 1\\n")]:
                    data = text.encode()
                    info = tarfile.TarInfo(name)
                    info.size = len(data)
                    archive.addfile(info, io.BytesIO(data))
            """
        try FileManager.default.createDirectory(
            atPath: scratch.path("web/charts"), withIntermediateDirectories: true)
        let made = try ProcessRunner.run([
            "python3", "-c", script, scratch.path("web/charts/sub-1.0.0.tgz"),
        ])
        #expect(made.succeeded)
        let result = try ShipMLExecutable.run(["render", "web"], in: scratch.path)
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "Error: error unpacking subchart sub-1.0.0.tgz in web: chart illegally references parent directory\n"
        )
    }
}
