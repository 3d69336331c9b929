public import Foundation

/// Checks an OCI image layout with tools no one here wrote: `sha256sum` recomputes every
/// blob's digest, and the JSON files must parse. Returns the problems found (empty when sound).
public enum LayoutChecker {
    public static func problems(in layout: String) throws -> [String] {
        var problems: [String] = []
        let fileManager = FileManager.default
        let marker = try? String(contentsOfFile: layout + "/oci-layout", encoding: .utf8)
        if marker?.contains("\"imageLayoutVersion\"") != true {
            problems.append("oci-layout is missing")
        }
        guard let index = try? Data(contentsOf: URL(fileURLWithPath: layout + "/index.json")),
            (try? JSONSerialization.jsonObject(with: index)) != nil
        else { return problems + ["index.json is missing or not JSON"] }
        let blobs = layout + "/blobs/sha256"
        let names = try fileManager.contentsOfDirectory(atPath: blobs).sorted()
        for name in names {
            if name.hasPrefix(".") {
                problems.append("a temporary file was left behind: \(name)")
                continue
            }
            let result = try ProcessRunner.run(["sha256sum", blobs + "/" + name])
            let digest = String(result.stdout.prefix(64))
            if digest != name { problems.append("blob \(name) has digest \(digest)") }
        }
        return problems
    }
}
