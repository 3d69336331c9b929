extension HTTPClient {
    /// How a client connects, waits, follows redirects and verifies TLS.
    public struct Options: Sendable, Hashable {
        /// The `User-Agent` header, `shipml/<version>`.
        public var userAgent: String
        /// How long to wait for a connection, TLS handshake included. 30 seconds by default.
        public var connectTimeout: Duration
        /// With ``lowSpeedTime``: a transfer slower than this many bytes per second for that
        /// long is aborted. 1 byte per second by default, so only a stalled transfer is.
        public var lowSpeedLimit: Int
        /// See ``lowSpeedLimit``. 60 seconds by default.
        public var lowSpeedTime: Duration
        /// A limit on a whole request, or nil (the default) for none: blobs can be large, so
        /// stalls are caught by the low-speed limit instead.
        public var timeout: Duration?
        /// Whether to follow `3xx` responses with a `Location`. Off by default; registries
        /// redirect blob downloads to storage, so blob requests turn it on. Credentials sent
        /// in an `Authorization` field are not passed on to another host.
        public var followRedirects: Bool
        /// How many redirects to follow at most, when ``followRedirects`` is on.
        public var maxRedirects: Int
        /// Turns off TLS certificate and host name verification. Off by default; only for
        /// registries with self-signed certificates the user chose to trust.
        public var insecure: Bool
        /// A PEM bundle of CA certificates to verify servers with, instead of the system's.
        public var caFile: String?

        /// Makes options with the defaults above.
        ///
        /// - Parameters:
        ///   - version: The shipml version, sent as `User-Agent: shipml/<version>`.
        ///   - connectTimeout: How long to wait for a connection.
        ///   - followRedirects: Whether to follow redirects.
        ///   - insecure: Whether to skip TLS verification.
        ///   - caFile: A CA bundle to verify with.
        public init(
            version: String, connectTimeout: Duration = .seconds(30),
            followRedirects: Bool = false, insecure: Bool = false, caFile: String? = nil
        ) {
            userAgent = "shipml/\(version)"
            self.connectTimeout = connectTimeout
            lowSpeedLimit = 1
            lowSpeedTime = .seconds(60)
            timeout = nil
            self.followRedirects = followRedirects
            maxRedirects = 10
            self.insecure = insecure
            self.caFile = caFile
        }

        /// The values set as `CURLOPT_SSL_VERIFYPEER` and `CURLOPT_SSL_VERIFYHOST`.
        var tlsVerification: (peer: Int, host: Int) {
            insecure ? (0, 0) : (1, 2)
        }
    }
}
