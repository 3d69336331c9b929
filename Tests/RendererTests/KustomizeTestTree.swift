import Renderer
import ShipFiles

/// Builds small kustomizations in memory.
enum KustomizeTestTree {
    static func render(files: [String: String]) throws -> String {
        var tree: [String: String] = [:]
        for (path, text) in files { tree["/k/" + path] = text }
        return try Kustomizer.build("/k", fileSystem: InMemoryFileSystem(files: tree)).yaml
    }

    static func render(resource: String) throws -> String {
        try render(files: ["kustomization.yaml": "resources:\n- r.yaml\n", "r.yaml": resource])
    }
}
