import Renderer
import ShipFiles
import Testing

/// `.helmignore` as Helm's `pkg/ignore` reads it (first deciding rule wins, `!` rules ignore
/// what they do not match, `**` refused), seen through what `.Files` keeps.
@Suite("helmignore")
struct HelmIgnoreTests {
    static func kept(_ rules: String) -> String {
        let fileSystem = InMemoryFileSystem(files: [
            "/c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
            "/c/.helmignore": rules, "/c/keep.txt": "k", "/c/other.txt": "o",
            "/c/docs/notes.md": "n",
            "/c/templates/cm.yaml":
                "files: {{ range $p, $b := .Files.Glob \"**\" }}{{ $p }}={{ len $b }},{{ end }}"
                + "\nget: {{ .Files.Get \"keep.txt\" }}\n",
        ])
        let result = HelmTemplate(engine: HelmLibrary.engine).run(
            chartPath: "/c", values: HelmValueOptions(), options: HelmTemplateOptions(),
            fileSystem: fileSystem)
        if let error = result.error { return "Error: \(error)" }
        return result.output.split(separator: "\n").suffix(2).joined(separator: " ")
    }

    @Test func rulesReadAsHelmsLoaderReadsThem() {
        #expect(
            Self.kept("*.md\n")
                == "files: .helmignore=5,keep.txt=1,other.txt=1, get: k")
        #expect(Self.kept("docs/\n/other.txt\n") == "files: .helmignore=17,keep.txt=1, get: k")
        #expect(Self.kept("*.txt\n!keep.txt\n") == "Error: Chart.yaml file is missing")
        #expect(Self.kept("docs/**\n") == "Error: double-star (**) syntax is not supported")
        #expect(Self.kept("[\n") == "Error: syntax error in pattern")
        #expect(
            Self.kept("  [^k]*.txt  \n")
                == "files: .helmignore=14,docs/notes.md=1,keep.txt=1, get: k")
    }
}
