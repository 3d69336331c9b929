public import ArgumentParser
public import Builder

/// How commands that write into an OCI layout treat the disk.
struct LayoutOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "fsync: flush every blob to disk before naming it (the default). none: skip the flush, for throwaway disks such as a CI workspace; a killed run still leaves only whole blobs, a power loss may not. Also SHIPML_DURABILITY.",
            valueName: "fsync|none"))
    var durability: Durability?

    /// The flag, else `SHIPML_DURABILITY`, else `.fsync`.
    func resolved(environment: [String: String]) throws -> Durability {
        if let durability { return durability }
        guard let text = environment["SHIPML_DURABILITY"], !text.isEmpty else { return .fsync }
        guard let value = Durability(rawValue: text) else {
            throw ValidationError("SHIPML_DURABILITY must be fsync or none, not \(text)")
        }
        return value
    }
}

extension Durability: ExpressibleByArgument {}
