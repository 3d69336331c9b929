public import Foundation
public import ShipFiles

/// A project file read from disk, with where it is and where its fields were written.
public struct LoadedProject: Sendable {
    public var project: Project
    /// The file as named by the user.
    public var file: String
    /// The directory relative paths in the file are resolved against.
    public var directory: String
    /// Where each field starts in the file, by its path (`environments[1].gates.soak`).
    public var locations: [String: SourceLocation]

    /// A path from the file, resolved against the file's directory.
    public func resolve(_ path: String) -> String { joinPath(directory, path) }
}

/// Reads and checks project files through a ``FileSystem``.
public enum ProjectLoader {
    /// Reads and parses the project file at `path`.
    /// - Throws: ``ProjectFileError`` for a missing, unreadable or invalid file.
    public static func load(_ path: String, fileSystem: any FileSystem) throws -> LoadedProject {
        let data: Data
        do {
            data = try fileSystem.readFile(at: path)
        } catch let error as FileSystemError {
            let hint =
                error.reason == "no such file"
                ? "no such file; run \"shipml init\" to create one, or pass --config FILE"
                : error.reason
            throw ProjectFileError(diagnostics: [
                Diagnostic(file: path, line: 1, column: 1, path: "", message: hint)
            ])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProjectFileError(diagnostics: [
                Diagnostic(
                    file: path, line: 1, column: 1, path: "",
                    message: "the file is not UTF-8 text; save it as UTF-8")
            ])
        }
        let (project, locations) = try ProjectParser.parseWithLocations(text, file: path)
        let directory = (path as NSString).deletingLastPathComponent
        return LoadedProject(
            project: project, file: path, directory: directory.isEmpty ? "." : directory,
            locations: locations)
    }

    /// Checks what the file points at: directories and files that should exist, charts and
    /// kustomizations that should be what they claim, and a separate policy file's contents.
    /// Things a CI job produces before the release (the model, the metrics) are warnings when
    /// missing; a policy file that exists but is invalid is an error.
    public static func checkReferences(_ loaded: LoadedProject, fileSystem: any FileSystem)
        -> [Diagnostic]
    {
        var diagnostics: [Diagnostic] = []
        let project = loaded.project

        func report(_ severity: Diagnostic.Severity, _ path: String, _ message: String) {
            let location = loaded.locations[path] ?? SourceLocation(line: 1, column: 1)
            diagnostics.append(
                Diagnostic(
                    severity: severity, file: loaded.file, line: location.line,
                    column: location.column,
                    path: path, message: message))
        }
        func expect(_ kind: FileKind, _ path: String, at field: String, _ what: String) {
            let resolved = loaded.resolve(path)
            switch fileSystem.fileKind(at: resolved) {
            case kind?: break
            case nil: report(.warning, field, "\(what) \"\(resolved)\" does not exist yet")
            default:
                let noun = kind == .directory ? "a directory" : "a file"
                report(.error, field, "\"\(resolved)\" is not \(noun); expected \(what)")
            }
        }
        func expectDirectory(_ path: String, at field: String, _ what: String) {
            expect(.directory, path, at: field, what)
        }
        func expectFile(_ path: String, at field: String, _ what: String) {
            expect(.file, path, at: field, what)
        }

        expectDirectory(project.model.path, at: "model.path", "the model directory")
        if let evaluation = project.evaluation {
            expectFile(evaluation.metrics, at: "evaluation.metrics", "the metrics file")
            if case .file(let baseline)? = evaluation.baseline {
                expectFile(baseline, at: "evaluation.baseline", "the baseline metrics file")
            }
            if let policyFile = evaluation.policyFile {
                let resolved = loaded.resolve(policyFile)
                if fileSystem.isFile(resolved) {
                    do {
                        _ = try ProjectParser.parsePolicy(
                            fileSystem.readText(at: resolved), file: resolved)
                    } catch let error as ProjectFileError {
                        diagnostics += error.diagnostics
                    } catch {
                        report(.error, "evaluation.policy", "\(error)")
                    }
                } else {
                    expectFile(policyFile, at: "evaluation.policy", "the policy file")
                }
            }
        }
        if case .layout(let path, _) = project.image.base?.reference {
            expectDirectory(path, at: "image.base", "the base image layout")
        }
        if let deploy = project.deploy {
            switch deploy.source {
            case .chart(let path):
                let resolved = loaded.resolve(path)
                if !fileSystem.isDirectory(resolved) {
                    report(
                        .error, "deploy.chart", "the chart directory \"\(resolved)\" does not exist"
                    )
                } else if !fileSystem.isFile(joinPath(resolved, "Chart.yaml")) {
                    report(
                        .error, "deploy.chart",
                        "\"\(resolved)\" has no Chart.yaml; expected a Helm-style chart")
                }
            case .kustomize(let path):
                checkKustomization(path, field: "deploy.kustomize")
            }
            for (index, file) in deploy.valuesFiles.enumerated() {
                expectValuesFile(
                    file,
                    at:
                        "deploy.valuesFiles\(deploy.valuesFiles.count > 1 || isList("deploy.valuesFiles") ? "[\(index)]" : "")"
                )
            }
        }
        for (index, environment) in project.environments.enumerated() {
            let base = "environments[\(index)]"
            if let overlay = environment.overlay {
                checkKustomization(overlay, field: "\(base).overlay")
            }
            for (fileIndex, file) in environment.valuesFiles.enumerated() {
                let field = "\(base).valuesFiles"
                expectValuesFile(file, at: isList(field) ? "\(field)[\(fileIndex)]" : field)
            }
        }
        return diagnostics

        func isList(_ field: String) -> Bool { loaded.locations["\(field)[0]"] != nil }

        func expectValuesFile(_ path: String, at field: String) {
            let resolved = loaded.resolve(path)
            if !fileSystem.isFile(resolved) {
                report(.error, field, "the values file \"\(resolved)\" does not exist")
            }
        }

        func checkKustomization(_ path: String, field: String) {
            let resolved = loaded.resolve(path)
            guard fileSystem.isDirectory(resolved) else {
                report(.error, field, "the kustomize directory \"\(resolved)\" does not exist")
                return
            }
            if !DeploySpec.kustomizationFileNames.contains(where: {
                fileSystem.isFile(joinPath(resolved, $0))
            }) {
                report(.error, field, "\"\(resolved)\" has no kustomization.yaml")
            }
        }
    }
}
