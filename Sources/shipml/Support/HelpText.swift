/// Help text that is built at run time (an interpolated list, say) and so cannot be wrapped by
/// hand like the rest of the discussions.
enum HelpText {
    /// The paragraph's words in lines of at most `width` characters: 79, so that ArgumentParser,
    /// which wraps at the output's width (80 when it is not a terminal), leaves them alone.
    static func paragraph(_ text: String, width: Int = 79) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }
}
