import ShipKit
import ShipModel

/// Loads `shipml.yaml`; a bad file's diagnostics are printed where the failure is reported,
/// with exit 2.
func loadProject(_ config: String) throws -> LoadedProject {
    try ProjectAccess.load(config)
}
