import Foundation
import Renderer
import ShipFiles
import Testing

/// Helm's own `helm template` cases under `../shared/conformance/helm` (`cases.tsv` and
/// `cases-extra.tsv`), each rendered and compared byte for byte with Helm's golden output, or
/// for an error case, with the message after the golden's `Error: `.
///
/// The goldens show `.Capabilities.KubeVersion` v1.20.0 because Helm's test binary fixes it
/// there; a released Helm (and `shipml render`) reports v1.36.0. The test therefore sets the
/// default kube version to ``HelmTemplateOptions/testKubeVersion`` — what
/// `SHIPML_HELM_KUBE_VERSION=v1.20.0` does for the command — and `--kube-version` in a case
/// still overrides it, as in Helm.
@Suite("helm conformance")
struct HelmConformanceTests {
    /// Cases that may differ, with the reason. Every other case must be identical.
    static let knownDifferences: [String: String] = [:]

    static var conformanceRoot: String {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/conformance/helm").path
    }

    static var available: Bool {
        FileManager.default.fileExists(atPath: conformanceRoot + "/cases.tsv")
    }

    struct Case {
        var directory: String
        var golden: String
        var arguments: [String]
        var expectsError: Bool
    }

    static func cases() throws -> [Case] {
        var cases: [Case] = []
        for file in ["cases.tsv", "cases-extra.tsv"] {
            let text = try String(
                contentsOfFile: conformanceRoot + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard columns.count == 4 else { continue }
                cases.append(
                    Case(
                        directory: String(columns[0]), golden: String(columns[1]),
                        arguments: shellWords(String(columns[2])),
                        expectsError: columns[3] == "error"))
            }
        }
        return cases
    }

    @Test(.enabled(if: available, "the conformance data is not on this machine"))
    func everyCaseRendersAsHelmDoes() throws {
        let fileSystem = LocalFileSystem()
        let root = Self.conformanceRoot
        let cases = try Self.cases()
        var identical = 0
        var failing: [String] = []
        for item in cases {
            let golden = try String(contentsOfFile: root + "/" + item.golden, encoding: .utf8)
            let (output, error) = render(item, root: root, fileSystem: fileSystem)
            let matches: Bool
            if item.expectsError {
                let expected = golden.range(of: "Error: ").map {
                    String(golden[$0.upperBound...])
                        .trimmingCharacters(in: .newlines)
                }
                matches = error != nil && error == expected
            } else {
                matches = error == nil && output == golden
            }
            if matches {
                identical += 1
                continue
            }
            failing.append(item.golden)
            if Self.knownDifferences[item.golden] == nil {
                let actual: String = error.map { "Error: \($0)" } ?? output
                let flags = item.arguments.joined(separator: " ")
                let difference = firstDifference(actual, golden)
                Issue.record("\(item.golden) (\(flags)) differs:\n\(difference)")
            }
        }
        print("helm conformance: \(identical) of \(cases.count) cases identical")
        for name in failing {
            print("  differs: \(name): \(Self.knownDifferences[name] ?? "a regression")")
        }
    }

    /// Runs one case as `shipml render DIR FLAGS` would, in-process.
    func render(_ item: Case, root: String, fileSystem: LocalFileSystem) -> (String, String?) {
        var values = HelmValueOptions()
        var options = HelmTemplateOptions()
        options.kubeVersion = HelmTemplateOptions.testKubeVersion
        var nameTemplate: String?
        var arguments = item.arguments[...]
        func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : root + "/" + path }
        while let flag = arguments.popFirst() {
            var name = flag
            var value: String?
            if let equals = flag.firstIndex(of: "="), flag.hasPrefix("--") {
                name = String(flag[..<equals])
                value = String(flag[flag.index(after: equals)...])
            }
            func next() -> String { value ?? arguments.popFirst() ?? "" }
            switch name {
            case "-f", "--values": values.valueFiles.append(absolute(next()))
            case "--set": values.values.append(next())
            case "--set-string": values.stringValues.append(next())
            case "--set-file": values.fileValues.append(next())
            case "--set-json": values.jsonValues.append(next())
            case "--set-literal": values.literalValues.append(next())
            case "--name-template": nameTemplate = next()
            case "--name": options.releaseName = next()
            case "--namespace", "-n": options.namespace = next()
            case "--kube-version": options.kubeVersion = next()
            case "--api-versions", "-a": options.apiVersions.append(next())
            case "--show-only", "-s": options.showOnly.append(next())
            case "--include-crds": options.includeCRDs = true
            case "--skip-tests": options.skipTests = true
            case "--debug": options.debug = true
            default: return ("", "unknown flag \(flag)")
            }
        }
        let template = HelmTemplate(engine: HelmLibrary.engine)
        if let nameTemplate {
            do {
                options.releaseName = try template.releaseName(fromTemplate: nameTemplate)
            } catch {
                return ("", "\(error)")
            }
        }
        let result = template.run(
            chartPath: root + "/" + item.directory, values: values, options: options,
            fileSystem: fileSystem)
        return (result.output, result.error.map(\.description))
    }
}

/// Splits a flags column as a POSIX shell would: blanks separate words; single and double
/// quotes group.
func shellWords(_ text: String) -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character?
    for character in text {
        if let open = quote {
            if character == open { quote = nil } else { current.append(character) }
            continue
        }
        switch character {
        case "'", "\"":
            quote = character
            inWord = true
        case " ", "\t":
            if inWord { words.append(current) }
            current = ""
            inWord = false
        default:
            current.append(character)
            inWord = true
        }
    }
    if inWord { words.append(current) }
    return words
}
