/// A unified diff (`diff -u`) of two texts, line by line, with three lines of context.
public enum UnifiedDiff {
    /// - Parameters:
    ///   - old: The text before; nil when the file did not exist.
    ///   - new: The text after; nil when the file is gone.
    /// - Returns: The diff with `---`/`+++` headers, or "" when the texts are equal.
    public static func make(old: String?, new: String?, oldName: String, newName: String)
        -> String
    {
        guard old != new else { return "" }
        let a = lines(old ?? "")
        let b = lines(new ?? "")
        let script = edits(a, b)
        var text = "--- \(old == nil ? "/dev/null" : oldName)\n"
        text += "+++ \(new == nil ? "/dev/null" : newName)\n"
        // Group edits into hunks: changed lines with up to three lines of context around them.
        let context = 3
        var index = 0
        while index < script.count {
            guard script[index].kind != .same else {
                index += 1
                continue
            }
            var start = index
            var backed = 0
            while start > 0 && backed < context && script[start - 1].kind == .same {
                start -= 1
                backed += 1
            }
            var end = index
            var sameRun = 0
            while end < script.count {
                if script[end].kind == .same {
                    sameRun += 1
                    if sameRun > 2 * context {
                        sameRun -= 1
                        break
                    }
                } else {
                    sameRun = 0
                }
                end += 1
            }
            end = min(script.count, end - max(0, sameRun - context))
            let hunk = script[start..<end]
            let oldStart = hunk.first?.oldLine ?? 0
            let newStart = hunk.first?.newLine ?? 0
            let oldCount = hunk.filter { $0.kind != .added }.count
            let newCount = hunk.filter { $0.kind != .removed }.count
            text +=
                "@@ -\(oldCount == 0 ? oldStart : oldStart + 1),\(oldCount) +\(newCount == 0 ? newStart : newStart + 1),\(newCount) @@\n"
            for edit in hunk {
                switch edit.kind {
                case .same: text += " \(edit.text)\n"
                case .removed: text += "-\(edit.text)\n"
                case .added: text += "+\(edit.text)\n"
                }
            }
            index = end
        }
        return text
    }

    enum Kind { case same, removed, added }

    struct Edit {
        var kind: Kind
        var text: String
        /// Lines of the old and new text before this one.
        var oldLine: Int
        var newLine: Int
    }

    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The shortest edit script by longest common subsequence (quadratic; manifests are small).
    static func edits(_ a: [String], _ b: [String]) -> [Edit] {
        let n = a.count
        let m = b.count
        var table = [Int](repeating: 0, count: (n + 1) * (m + 1))
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i * (m + 1) + j] =
                    a[i] == b[j]
                    ? table[(i + 1) * (m + 1) + j + 1] + 1
                    : max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1])
            }
        }
        var result: [Edit] = []
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n && j < m && a[i] == b[j] {
                result.append(Edit(kind: .same, text: a[i], oldLine: i, newLine: j))
                i += 1
                j += 1
            } else if i < n
                && (j == m || table[(i + 1) * (m + 1) + j] >= table[i * (m + 1) + j + 1])
            {
                result.append(Edit(kind: .removed, text: a[i], oldLine: i, newLine: j))
                i += 1
            } else {
                result.append(Edit(kind: .added, text: b[j], oldLine: i, newLine: j))
                j += 1
            }
        }
        return result
    }
}
