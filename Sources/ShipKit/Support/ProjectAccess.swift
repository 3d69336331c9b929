import ShipFiles
public import ShipModel

/// Reads `shipml.yaml`.
public enum ProjectAccess {
    /// The project file at `config`.
    /// - Throws: ``ShipKitError`` (bad input) with the file's diagnostics.
    public static func load(_ config: String) throws -> LoadedProject {
        do {
            return try ProjectLoader.load(config, fileSystem: LocalFileSystem())
        } catch {
            throw ShipKitError.wrapping(error, context: config)
        }
    }

    /// The project file when there is one at `config`, else nil.
    public static func loadIfPresent(_ config: String) throws -> LoadedProject? {
        LocalFileSystem().isFile(config) ? try load(config) : nil
    }
}
