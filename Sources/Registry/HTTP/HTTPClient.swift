import CCurl

/// libcurl's process-wide initialization, done once, before the first handle is made.
private enum CurlGlobal {
    /// The result of `curl_global_init`; evaluated once per process by `static let`.
    static let initialization: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}

/// A blocking HTTP/1.1 and HTTP/2 client over one libcurl easy handle.
///
/// The handle is reused for every request, so a kept-alive connection to the same host is
/// used again. A client is not thread-safe: use it from one thread at a time, or make one per
/// thread.
///
/// ```swift
/// let client = HTTPClient(options: .init(version: "1.0.0"))
/// let response = try client.send(HTTPRequest(.get, url: "https://registry.example/v2/"))
/// ```
public final class HTTPClient {
    /// How every request of this client connects and verifies.
    public let options: Options

    /// The easy handle (`CURL *`), nil only when libcurl could not make one; freed in deinit.
    private let handle: UnsafeMutableRawPointer?
    /// `CURLOPT_ERRORBUFFER`: libcurl writes a transfer's detailed error message here.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Makes a client and its libcurl handle. A failure to initialize libcurl is reported by
    /// the first ``send(_:)``.
    public init(options: Options) {
        self.options = options
        handle = CurlGlobal.initialization == CURLE_OK ? curl_easy_init() : nil
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        errorBuffer.deallocate()
    }

    /// Sends a request and collects the whole response body in memory.
    ///
    /// - Parameter request: The request to send.
    /// - Returns: The final response, whatever its status: a 404 is a response, not an error.
    /// - Throws: ``TransportError`` when no response arrived: the connection, TLS or a timeout
    ///   failed, or a body file could not be read.
    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        try perform(request, sink: nil)
    }

    /// Sends a request and streams the body of a successful (2xx) response to `bodySink`,
    /// piece by piece, as it arrives.
    ///
    /// The body of any other response (an error document, say) is not given to the sink: it
    /// is returned in ``HTTPResponse/body``, up to 1 MiB.
    ///
    /// - Parameters:
    ///   - request: The request to send.
    ///   - bodySink: Called with each piece of the body; the buffer is valid only during the
    ///     call. An error it throws aborts the transfer.
    /// - Returns: The final response; its body is empty when it went to the sink.
    /// - Throws: The error `bodySink` threw, as it was thrown; otherwise ``TransportError``
    ///   when no response arrived.
    public func send(
        _ request: HTTPRequest, bodySink: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> HTTPResponse {
        try withoutActuallyEscaping(bodySink) { sink in
            try perform(request, sink: sink)
        }
    }

    // MARK: - One transfer

    /// What an error needs to name the request without its secrets.
    private struct Context {
        let method: HTTPMethod
        let url: RedactedURL
    }

    private func perform(
        _ request: HTTPRequest, sink: ((UnsafeRawBufferPointer) throws -> Void)?
    ) throws -> HTTPResponse {
        let context = Context(method: request.method, url: RedactedURL(request.url))
        errorBuffer[0] = 0
        try check(CurlGlobal.initialization, context)
        guard let handle else {
            throw error(CURLE_FAILED_INIT, detail: "libcurl could not make a handle", context)
        }
        if request.method == .head && request.body != .none {
            throw error(
                CURLE_BAD_FUNCTION_ARGUMENT, detail: "a HEAD request cannot have a body", context)
        }

        let source: BodySource
        do {
            source = try BodySource(request.body)
        } catch {
            throw self.error(CURLE_READ_ERROR, detail: error.text, context)
        }
        let transfer = Transfer(source: source, sink: sink)

        curl_easy_reset(handle)
        let headerList = try makeHeaderList(request, context)
        defer { curl_slist_free_all(headerList) }
        // Runs before the list is freed: the handle keeps no pointer to the list, the transfer
        // or the body once it is reset. Connections and the DNS cache survive the reset.
        defer { curl_easy_reset(handle) }

        return try withExtendedLifetime(transfer) {
            let userdata = Unmanaged.passUnretained(transfer).toOpaque()
            try configure(handle, request, headerList, userdata, context)
            let code = curl_easy_perform(handle)
            if let sinkError = transfer.sinkError { throw sinkError }
            if let failure = transfer.source.failure {
                throw error(CURLE_READ_ERROR, detail: failure, context)
            }
            try check(code, context)
            var status = 0
            try check(shipml_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status), context)
            return HTTPResponse(status: status, headers: transfer.headers, body: transfer.body)
        }
    }

    /// The header list libcurl sends: the request's fields, then fields that switch off
    /// libcurl's `Expect: 100-continue` wait and its form content type.
    private func makeHeaderList(
        _ request: HTTPRequest, _ context: Context
    ) throws -> UnsafeMutablePointer<curl_slist>? {
        var lines: [String] = []
        for field in request.headers {
            // Checked as bytes: "\r\n" is one Character, equal to neither "\r" nor "\n".
            let breaks: Set<UInt8> = [0x0D, 0x0A, 0x00]
            let badName =
                field.name.isEmpty || field.name.utf8.contains { $0 == 0x3A || breaks.contains($0) }
            if badName || field.value.utf8.contains(where: breaks.contains) {
                throw error(
                    CURLE_BAD_FUNCTION_ARGUMENT,
                    detail: "header field \"\(field.name)\" has a bad name or a line break",
                    context)
            }
            // "Name:" would remove a header; "Name;" sends it with an empty value.
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if Self.sendsBody(request) {
            if !request.headers.contains("Expect") { lines.append("Expect:") }
            if !request.headers.contains("Content-Type") { lines.append("Content-Type:") }
        }

        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let longer = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw error(CURLE_OUT_OF_MEMORY, detail: "", context)
            }
            list = longer
        }
        return list
    }

    /// Whether the request goes out with a body and `Content-Length`, even an empty one.
    private static func sendsBody(_ request: HTTPRequest) -> Bool {
        switch request.method {
        case .put, .post, .patch: true
        case .get, .delete: request.body.length > 0
        case .head: false
        }
    }

    private func configure(
        _ handle: UnsafeMutableRawPointer, _ request: HTTPRequest,
        _ headerList: UnsafeMutablePointer<curl_slist>?, _ userdata: UnsafeMutableRawPointer,
        _ context: Context
    ) throws {
        func set(_ option: CURLoption, _ value: Int) throws {
            try check(shipml_curl_setopt_long(handle, option, value), context)
        }
        func set(_ option: CURLoption, _ value: String) throws {
            // libcurl copies string options, so the temporary C string may go.
            try check(shipml_curl_setopt_string(handle, option, value), context)
        }
        func set(_ option: CURLoption, size: Int64) throws {
            try check(shipml_curl_setopt_offset(handle, option, curl_off_t(size)), context)
        }
        func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws {
            try check(shipml_curl_setopt_pointer(handle, option, pointer), context)
        }
        func set(_ option: CURLoption, callback: shipml_curl_data_callback) throws {
            try check(shipml_curl_setopt_data_callback(handle, option, callback), context)
        }

        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_USERAGENT, options.userAgent)
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(options.connectTimeout))
        try set(CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedLimit)
        try set(CURLOPT_LOW_SPEED_TIME, Self.seconds(options.lowSpeedTime))
        if let timeout = options.timeout {
            try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout))
        }
        try set(CURLOPT_FOLLOWLOCATION, options.followRedirects ? 1 : 0)
        try set(CURLOPT_MAXREDIRS, options.maxRedirects)
        let verification = options.tlsVerification
        try set(CURLOPT_SSL_VERIFYPEER, verification.peer)
        try set(CURLOPT_SSL_VERIFYHOST, verification.host)
        if let caFile = options.caFile { try set(CURLOPT_CAINFO, caFile) }

        try set(CURLOPT_HEADERDATA, pointer: userdata)
        try set(CURLOPT_HEADERFUNCTION) { buffer, size, count, userdata in
            guard let userdata else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
            transfer.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
            return size * count
        }
        try set(CURLOPT_WRITEDATA, pointer: userdata)
        try set(CURLOPT_WRITEFUNCTION) { buffer, size, count, userdata in
            guard let userdata else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
            let bytes = UnsafeRawBufferPointer(start: buffer, count: size * count)
            // Returning less than was given makes libcurl stop with CURLE_WRITE_ERROR.
            return transfer.receiveBody(bytes) ? size * count : 0
        }
        try set(CURLOPT_READDATA, pointer: userdata)
        try set(CURLOPT_READFUNCTION) { buffer, size, count, userdata in
            guard let userdata else { return Int(CURL_READFUNC_ABORT) }
            let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
            let target = UnsafeMutableRawBufferPointer(start: buffer, count: size * count)
            return transfer.source.read(into: target) ?? Int(CURL_READFUNC_ABORT)
        }
        try set(CURLOPT_SEEKDATA, pointer: userdata)
        try check(
            shipml_curl_setopt_seek_callback(handle, CURLOPT_SEEKFUNCTION) {
                userdata, offset, origin in
                guard let userdata, origin == SEEK_SET else { return CURL_SEEKFUNC_CANTSEEK }
                let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.source.rewind(to: Int64(offset))
                    ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL
            }, context)

        let length = request.body.length
        switch request.method {
        case .head:
            try set(CURLOPT_NOBODY, 1)
        case .put:
            try set(CURLOPT_UPLOAD, 1)
            try set(CURLOPT_INFILESIZE_LARGE, size: length)
        case .post, .patch, .get, .delete:
            if Self.sendsBody(request) {
                try set(CURLOPT_POST, 1)
                try set(CURLOPT_POSTFIELDSIZE_LARGE, size: length)
            } else {
                try set(CURLOPT_HTTPGET, 1)
            }
            if request.method != .post && request.method != .get {
                try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
            } else if request.method == .get && Self.sendsBody(request) {
                try set(CURLOPT_CUSTOMREQUEST, "GET")
            }
        }
        try check(shipml_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), context)
    }

    // MARK: - Errors

    /// The one place a `CURLcode` becomes an error: reads the handle's error buffer now, on
    /// this thread, before the next libcurl call can overwrite it.
    private func check(_ code: CURLcode, _ context: Context) throws {
        guard code != CURLE_OK else { return }
        errorBuffer[Int(CURL_ERROR_SIZE) - 1] = 0
        throw error(code, detail: String(cString: errorBuffer), context)
    }

    /// A ``TransportError`` for `code`, with every text scrubbed of the URL's secrets.
    private func error(_ code: CURLcode, detail: String, _ context: Context) -> TransportError {
        let reason = String(cString: curl_easy_strerror(code))
        return TransportError(
            method: context.method, url: context.url.text, code: Int(code.rawValue),
            reason: context.url.scrub(Self.lowercasingFirst(reason)),
            detail: context.url.scrub(detail.trimmingWhitespace()))
    }

    /// `Couldn't connect` becomes `couldn't connect`; an acronym such as `SSL` stays.
    private static func lowercasingFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        if let second = text.dropFirst().first, second.isUppercase { return text }
        return first.lowercased() + text.dropFirst()
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    /// Whole seconds, rounded up, at least 1 when the duration is positive.
    private static func seconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(0, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
