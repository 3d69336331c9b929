import Linter
import ShipFiles
import ShipModel

/// Loads `shipml.yaml`; a bad file prints its diagnostics and exits 2.
func loadProject(_ config: String) throws -> LoadedProject {
    do {
        return try ProjectLoader.load(config, fileSystem: LocalFileSystem())
    } catch let error as ProjectFileError {
        Console.report(error.diagnostics)
        throw CommandFailure.silent(.badInput)
    } catch {
        throw CommandFailure.badInput("\(config): \(error)")
    }
}

extension Linter.Options {
    /// The weights an environment gives lint: production or not, and the project's
    /// `lint.severity` under the environment's own `lint` map. Rule ids are not checked here.
    init(project: Project, environment: EnvironmentSpec) {
        self.init(production: environment.production)
        for (rule, level) in project.lint.severity.merging(
            environment.lint, uniquingKeysWith: { $1 })
        {
            severities[rule] = Severity(rawValue: level.rawValue)
        }
    }
}
