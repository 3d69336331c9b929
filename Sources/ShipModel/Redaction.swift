import Foundation

/// The one credential redactor: a location (a git remote, a registry URL) as it may be shown in
/// a log line, an error or `config check`, with the user-info's password and the query
/// string's values replaced by `***`.
///
/// `https://ci:TOKEN@host/repo.git` becomes `https://ci:***@host/repo.git`, `https://TOKEN@host`
/// becomes `https://***@host`, and `https://host/repo.git?access_token=T` becomes
/// `https://host/repo.git?access_token=***`. A plain path, `ssh://git@host/...` and scp-like
/// `git@host:path` keep their user, which is a name, not a secret.
public enum Redaction {
    public static func location(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        var result = String(text[..<scheme.upperBound])
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            let isSSH =
                text.lowercased().hasPrefix("ssh://") || text.lowercased().hasPrefix("git+ssh://")
            if let colon = userInfo.firstIndex(of: ":") {
                result += userInfo[..<colon] + ":***"
            } else {
                result += isSSH ? String(userInfo) : "***"
            }
            result += authority[at...]
        } else {
            result += authority
        }
        var tail = rest[authorityEnd...]
        var fragment = Substring("")
        if let hash = tail.firstIndex(of: "#") {
            fragment = tail[hash...]
            tail = tail[..<hash]
        }
        if let question = tail.firstIndex(of: "?") {
            result += tail[...question]
            let pairs = tail[tail.index(after: question)...].split(
                separator: "&", omittingEmptySubsequences: false)
            result += pairs.map { pair -> String in
                guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
                return pair[...equals] + "***"
            }.joined(separator: "&")
        } else {
            result += tail
        }
        return result + fragment
    }
}

extension Redaction {
    /// A URL with no credentials at all, for what is recorded rather than shown (a build's
    /// source annotation, a cache's name): the user-info and the query string are dropped.
    /// `https://ci:TOKEN@host/repo.git?x=1` becomes `https://host/repo.git`.
    public static func strippingCredentials(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let isSSH =
            text.lowercased().hasPrefix("ssh://") || text.lowercased().hasPrefix("git+ssh://")
        if let at = authority.lastIndex(of: "@"), !isSSH || authority[..<at].contains(":") {
            authority = authority[authority.index(after: at)...]
        }
        var tail = rest[authorityEnd...]
        if let question = tail.firstIndex(of: "?") {
            let fragment = tail.firstIndex(of: "#").map { tail[$0...] } ?? ""
            tail = tail[..<question] + fragment
        }
        return String(text[..<scheme.upperBound]) + authority + tail
    }
}
