/// Checks that the files a policy demands are there.
enum RequiredFiles {
    static func check(
        _ rules: [RequiredFileRule], files: [ModelDirectoryFile]
    ) -> [ArtifactFinding] {
        var findings: [ArtifactFinding] = []
        for rule in rules {
            let candidates = files.filter { file in
                rule.patterns.contains { matches(pattern: $0.lowercased(), file.path.lowercased()) }
            }
            guard !candidates.isEmpty else {
                let names = rule.patterns.joined(separator: ", ")
                findings.append(
                    ArtifactFinding(
                        file: "", check: "required-files",
                        message: "the model directory has no \(rule.description); expected one of: "
                            + names))
                continue
            }
            guard let needle = rule.mustContain?.lowercased() else { continue }
            let satisfied = candidates.contains { file in
                guard let handle = try? ArtifactFile(path: file.realPath),
                    let bytes = try? handle.read(at: 0, count: Int(min(handle.size, 1 << 20)))
                else { return false }
                return String(decoding: bytes, as: UTF8.self).lowercased().contains(needle)
            }
            if !satisfied {
                findings.append(
                    ArtifactFinding(
                        file: candidates[0].path, check: "required-files",
                        message: "does not make a \(rule.description): it does not contain "
                            + "'\(rule.mustContain ?? "")'"))
            }
        }
        return findings
    }

    /// Whether `path` matches `pattern`, where `*` matches any run of characters but `/`.
    static func matches(pattern: String, _ path: String) -> Bool {
        let pattern = Array(pattern.utf8)
        let path = Array(path.utf8)
        func match(_ p: Int, _ s: Int) -> Bool {
            if p == pattern.count { return s == path.count }
            if pattern[p] == UInt8(ascii: "*") {
                var index = s
                while true {
                    if match(p + 1, index) { return true }
                    guard index < path.count, path[index] != UInt8(ascii: "/") else { return false }
                    index += 1
                }
            }
            guard s < path.count, pattern[p] == path[s] else { return false }
            return match(p + 1, s + 1)
        }
        return match(0, 0)
    }
}
