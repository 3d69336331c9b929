import CCurl

/// A request that got no HTTP response: the connection, TLS, a timeout, or a local body file
/// failed. A response with any status code, 404 or 500 included, is not a transport error.
///
/// The URL is shown without user name, password, query or fragment, and the texts are
/// scrubbed of them too, so credentials and upload tokens never appear in a message.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// The request method.
    public let method: HTTPMethod
    /// The request URL without userinfo, query or fragment.
    public let url: String
    /// The libcurl result code (`CURLcode`), for example 7 when the connection was refused.
    public let code: Int
    /// libcurl's text for the code, lowercased at the start, for example
    /// `couldn't connect to server`.
    public let reason: String
    /// libcurl's more specific message for this transfer (its error buffer), or a local
    /// explanation; may be empty.
    public let detail: String

    /// Makes an error; the texts must already be free of credentials.
    init(method: HTTPMethod, url: String, code: Int, reason: String, detail: String) {
        self.method = method
        self.url = url
        self.code = code
        self.reason = reason
        self.detail = detail
    }

    /// Whether a TLS handshake met a server that speaks plain HTTP: OpenSSL's "wrong version
    /// number" (or "packet length too long"). Trying again cannot help; `--plain-http` would.
    public var isPlainHTTPServer: Bool {
        guard code == Int(CURLE_SSL_CONNECT_ERROR.rawValue) else { return false }
        let text = detail.lowercased()
        return text.contains("wrong version number") || text.contains("packet length too long")
    }

    /// Whether libcurl gave up waiting: connect timeout, low-speed limit or total timeout.
    public var isTimeout: Bool { code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }

    /// `METHOD url: reason (detail)`, for example
    /// `GET http://127.0.0.1:1/v2/: couldn't connect to server (Failed to connect to 127.0.0.1
    /// port 1 after 0 ms: Connection refused)`.
    public var description: String {
        var text = "\(method) \(url): \(reason)"
        if !detail.isEmpty && detail.lowercased() != reason.lowercased() {
            text += " (\(detail))"
        }
        return text
    }
}
