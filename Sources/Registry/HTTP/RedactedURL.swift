import CCurl

/// A URL made safe to show: user name, password, query and fragment removed.
///
/// Registries hand out upload URLs with state tokens in the query, and users put credentials
/// in URLs; neither may reach an error message or a log.
struct RedactedURL: Sendable {
    /// The URL without userinfo, query or fragment.
    let text: String
    /// Strings from the original URL that must not appear in any message: user name, password
    /// and query, as written and decoded.
    let secrets: [String]

    init(_ url: String) {
        if let parsed = Self.parsedWithCurl(url) {
            text = parsed.text
            secrets = Self.nonEmpty(parsed.secrets)
        } else {
            let fallback = Self.heuristic(url)
            text = fallback.text
            secrets = Self.nonEmpty(fallback.secrets)
        }
    }

    /// Replaces each secret in `message` with `***`.
    func scrub(_ message: String) -> String {
        // Longest first, so a password inside the whole userinfo does not leave the rest behind.
        secrets.sorted { $0.count > $1.count }.reduce(message) { text, secret in
            text.replacing(secret, with: "***")
        }
    }

    private static func nonEmpty(_ strings: [String]) -> [String] {
        Array(Set(strings.filter { !$0.isEmpty }))
    }

    /// Parses with libcurl's own URL parser, so the text names the host curl connects to.
    private static func parsedWithCurl(_ url: String) -> (text: String, secrets: [String])? {
        guard let handle = curl_url() else { return nil }
        defer { curl_url_cleanup(handle) }
        let flags = UInt32(CURLU_GUESS_SCHEME) | UInt32(CURLU_NON_SUPPORT_SCHEME)
        guard curl_url_set(handle, CURLUPART_URL, url, flags) == CURLUE_OK else { return nil }

        var secrets: [String] = []
        for part in [CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS, CURLUPART_QUERY] {
            if let raw = get(handle, part, flags: 0) { secrets.append(raw) }
            if let decoded = get(handle, part, flags: UInt32(CURLU_URLDECODE)) {
                secrets.append(decoded)
            }
        }

        for part in [
            CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS, CURLUPART_QUERY,
            CURLUPART_FRAGMENT,
        ] {
            guard curl_url_set(handle, part, nil, 0) == CURLUE_OK else { return nil }
        }
        guard let text = get(handle, CURLUPART_URL, flags: 0) else { return nil }
        return (text, secrets)
    }

    private static func get(_ handle: OpaquePointer, _ part: CURLUPart, flags: UInt32) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, part, &value, flags) == CURLUE_OK, let value else {
            return nil
        }
        defer { curl_free(value) }
        return String(cString: value)
    }

    /// For text curl cannot parse: everything between the scheme and the last `@` is
    /// userinfo, and everything from the first `?` or `#` after it is query or fragment. This
    /// may remove too much from an odd URL, never too little.
    private static func heuristic(_ url: String) -> (text: String, secrets: [String]) {
        var rest = Substring(url)
        var prefix = Substring("")
        if let scheme = rest.firstRange(of: "://") {
            prefix = rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
        }
        var secrets: [String] = []
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            secrets.append(String(userinfo))
            if let colon = userinfo.firstIndex(of: ":") {
                secrets.append(String(userinfo[userinfo.index(after: colon)...]))
            }
            rest = rest[rest.index(after: at)...]
        }
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            secrets.append(String(rest[rest.index(after: query)...]))
            rest = rest[..<query]
        }
        return (String(prefix + rest), secrets)
    }
}
