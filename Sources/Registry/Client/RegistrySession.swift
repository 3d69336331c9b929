public import Foundation

/// Talks to one registry: keeps a pool of HTTP clients (one per concurrent transfer, each with
/// its kept-alive connection), answers authentication challenges, caches tokens per scope and
/// retries what is worth retrying.
///
/// Safe to share between threads: the mutable state (idle clients, the challenge, tokens, the
/// credential) is guarded by `lock`, and each HTTP client is used by one thread at a time.
public final class RegistrySession: @unchecked Sendable {
    public let endpoint: RegistryEndpoint
    public let quirks: RegistryQuirks
    public let retry: RetryPolicy
    let options: HTTPClient.Options
    private let credentials: any CredentialSource
    /// Prints one line per request when verbose; never given a credential.
    private let log: (@Sendable (String) -> Void)?

    private let lock = NSLock()
    private var idle: [HTTPClient] = []
    private var challenge: Challenge?
    private var tokens: [String: Token] = [:]
    private var credential: Credential??

    private struct Token {
        var value: String
        var expires: Date
    }

    /// Makes a session.
    ///
    /// - Parameters:
    ///   - endpoint: The registry and scheme.
    ///   - credentials: Where its credential comes from.
    ///   - options: Transport options (TLS verification, CA file, timeouts).
    ///   - retry: The retry policy.
    ///   - quirks: Upload behaviour; by default from the host.
    ///   - log: Called with a line per request and response when verbose.
    public init(
        endpoint: RegistryEndpoint, credentials: any CredentialSource,
        options: HTTPClient.Options, retry: RetryPolicy = RetryPolicy(),
        quirks: RegistryQuirks? = nil, log: (@Sendable (String) -> Void)? = nil
    ) {
        self.endpoint = endpoint
        self.credentials = credentials
        var options = options
        // Blob downloads are redirected to storage; libcurl does not pass our Authorization
        // header to another host.
        options.followRedirects = true
        self.options = options
        self.retry = retry
        self.quirks = quirks ?? .forHost(endpoint.host)
        self.log = log
    }

    // MARK: - Clients

    func withClient<T>(_ body: (HTTPClient) throws -> T) rethrows -> T {
        let client: HTTPClient = lock.withLock { idle.popLast() } ?? HTTPClient(options: options)
        defer { lock.withLock { idle.append(client) } }
        return try body(client)
    }

    // MARK: - Sending

    /// What a request does when it fails midway.
    public enum Replay: Sendable {
        /// Send it again as it is (reads, and uploads whose body can be re-read).
        case retry
        /// Return the failure to the caller, which knows how to resume.
        case returnFailure
    }

    /// Sends a request with the authorization for `scopes`, answering a 401 challenge once and
    /// retrying by the policy.
    ///
    /// - Parameters:
    ///   - request: The request, without an `Authorization` field.
    ///   - scopes: What the request needs access to.
    ///   - what: Names the operation in errors ("pushing blob sha256:… to host/repo").
    ///   - replay: Whether transport failures and retryable statuses are retried here.
    ///   - sink: Receives a 2xx body as it arrives; `restart` is called before each attempt.
    /// - Returns: The final response, any status.
    /// - Throws: ``RegistryError`` for transport failures (`.unavailable`) and when a token
    ///   could not be had.
    public func send(
        _ request: HTTPRequest, scopes: [Scope], what: String, replay: Replay = .retry,
        restart: (() throws -> Void)? = nil,
        sink: ((UnsafeRawBufferPointer) throws -> Void)? = nil
    ) throws -> HTTPResponse {
        var answeredChallenge = false
        var attempt = 0
        while true {
            var attemptRequest = request
            if let authorization = try authorization(for: scopes) {
                attemptRequest.headers.set("Authorization", authorization)
            }
            try restart?()
            log?("> \(attemptRequest.description)")
            let response: HTTPResponse
            do {
                response = try withClient { client in
                    if let sink {
                        return try client.send(attemptRequest, bodySink: sink)
                    }
                    return try client.send(attemptRequest)
                }
            } catch let error as TransportError {
                log?("< \(error)")
                attempt += 1
                if error.isPlainHTTPServer, endpoint.scheme == "https" {
                    throw RegistryError(
                        .unavailable,
                        "\(what): \(endpoint.host) answers plain HTTP, not HTTPS (\(error.detail)); "
                            + "talk plain HTTP to it with --plain-http, or registries.\"\(endpoint.host)\".plainHTTP: true in shipml.yaml"
                    )
                }
                guard replay == .retry, attempt < retry.attempts else {
                    throw RegistryError(
                        .unavailable, "\(what): cannot reach \(endpoint.host): \(error)")
                }
                retry.pause(afterAttempt: attempt - 1)
                continue
            }
            log?("< \(response.status) \(request.description)")
            if response.status == 401, !answeredChallenge,
                let header = response.headers["WWW-Authenticate"],
                let challenge = Challenge.parse(header)
            {
                answeredChallenge = true
                try learn(challenge, scopes: scopes, what: what)
                continue
            }
            if RetryPolicy.isRetryable(status: response.status), replay == .retry {
                attempt += 1
                if attempt < retry.attempts {
                    retry.pause(
                        afterAttempt: attempt - 1, retryAfter: response.headers["Retry-After"])
                    continue
                }
            }
            return response
        }
    }

    // MARK: - Authentication

    private func loadCredential() throws -> Credential? {
        if let known = lock.withLock({ credential }) { return known }
        let found = try credentials.credential(for: endpoint.host)
        lock.withLock { credential = .some(found) }
        return found
    }

    private static func key(_ scopes: [Scope]) -> String {
        scopes.sorted().map(\.description).joined(separator: " ")
    }

    /// The `Authorization` value to send, fetching a token up front when the registry is known
    /// to want one, so that a request with a body is not sent twice.
    private func authorization(for scopes: [Scope]) throws -> String? {
        guard let challenge = lock.withLock({ challenge }) else { return nil }
        switch challenge.scheme {
        case "basic":
            guard case .basic(let user, let password) = try loadCredential() else { return nil }
            return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        case "bearer":
            let key = Self.key(scopes)
            if let token = lock.withLock({ cachedToken(covering: scopes) }) {
                return "Bearer \(token.value)"
            }
            let token = try fetchToken(
                challenge, scopes: scopes.map(\.description), what: "authenticating")
            lock.withLock { tokens[key] = token }
            return "Bearer \(token.value)"
        default:
            return nil
        }
    }

    /// A live token whose scopes include every action asked for (a push token serves pulls
    /// of the same repository). Called under `lock`.
    private func cachedToken(covering scopes: [Scope]) -> Token? {
        let now = Date()
        if let exact = tokens[Self.key(scopes)], exact.expires > now { return exact }
        return tokens.first { key, token in
            guard token.expires > now else { return false }
            let granted = key.split(separator: " ").map(String.init)
            return scopes.allSatisfy { wanted in
                granted.contains { text in
                    let parts = text.split(separator: ":")
                    guard parts.count == 3, parts[0] == "repository",
                        parts[1] == wanted.repository
                    else { return false }
                    let actions = Set(parts[2].split(separator: ",").map(String.init))
                    return Set(wanted.actions).isSubset(of: actions)
                }
            }
        }?.value
    }

    private func learn(_ challenge: Challenge, scopes: [Scope], what: String) throws {
        switch challenge.scheme {
        case "basic":
            guard try loadCredential() != nil else {
                throw RegistryError(
                    .unauthorized,
                    "\(what): \(endpoint.host) wants a user name and password; log in with docker login, or pass --username and --password-stdin"
                )
            }
            lock.withLock { self.challenge = challenge }
        case "bearer":
            guard challenge.parameters["realm"] != nil else {
                throw RegistryError(
                    .protocolViolation, "\(what): a Bearer challenge without a realm")
            }
            // The registry's own scope, and ours (a mount needs pull on the source too).
            var wanted = scopes.map(\.description)
            for scope in challenge.scopes where !wanted.contains(scope) { wanted.append(scope) }
            let token = try fetchToken(challenge, scopes: wanted, what: what)
            lock.withLock {
                self.challenge = challenge
                tokens[wanted.sorted().joined(separator: " ")] = token
            }
        default:
            throw RegistryError(
                .unauthorized,
                "\(what): \(endpoint.host) asks for \(challenge.scheme) authentication, which shipml does not speak (it speaks Basic and Bearer)"
            )
        }
    }

    private func fetchToken(_ challenge: Challenge, scopes: [String], what: String) throws -> Token
    {
        guard let realm = challenge.parameters["realm"] else {
            throw RegistryError(.protocolViolation, "\(what): a Bearer challenge without a realm")
        }
        let service = challenge.parameters["service"]
        let credential = try loadCredential()
        var request: HTTPRequest
        switch credential {
        case .identityToken(let refresh):
            var form = [("grant_type", "refresh_token"), ("refresh_token", refresh)]
            form.append(("client_id", "shipml"))
            if let service { form.append(("service", service)) }
            if !scopes.isEmpty { form.append(("scope", scopes.joined(separator: " "))) }
            let body = form.map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&")
            request = HTTPRequest(
                .post, url: realm,
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: .data(Data(body.utf8)))
        case .basic(let user, let password):
            request = HTTPRequest(.get, url: Self.tokenURL(realm, service, scopes))
            request.headers.set(
                "Authorization",
                "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        case nil:
            request = HTTPRequest(.get, url: Self.tokenURL(realm, service, scopes))
        }
        log?("> \(request.description) (token)")
        var response = HTTPResponse(status: 0)
        for attempt in 0..<retry.attempts {
            do {
                response = try withClient { try $0.send(request) }
            } catch let error as TransportError {
                guard attempt + 1 < retry.attempts else {
                    throw RegistryError(
                        .unavailable, "\(what): cannot reach the token service: \(error)")
                }
                retry.pause(afterAttempt: attempt)
                continue
            }
            guard RetryPolicy.isRetryable(status: response.status), attempt + 1 < retry.attempts
            else { break }
            retry.pause(afterAttempt: attempt, retryAfter: response.headers["Retry-After"])
        }
        log?("< \(response.status) \(request.description) (token)")
        guard response.isSuccess else {
            let who = credential.map { "the credentials (\($0))" } ?? "anonymous access"
            throw RegistryError(
                response.status == 403 ? .denied : .unauthorized,
                "\(what): the token service of \(endpoint.host) refused \(who) for \(scopes.joined(separator: " ")) (\(response.status))"
            )
        }
        struct Answer: Decodable {
            var token: String?
            var accessToken: String?
            var expiresIn: Int?
            enum CodingKeys: String, CodingKey {
                case token
                case accessToken = "access_token"
                case expiresIn = "expires_in"
            }
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: response.body),
            let value = answer.token ?? answer.accessToken, !value.isEmpty
        else {
            throw RegistryError(
                .protocolViolation,
                "\(what): the token service of \(endpoint.host) answered without a token")
        }
        // The spec's default lifetime is 60 s; renew 10 s early.
        let lifetime = max(10, (answer.expiresIn ?? 60) - 10)
        return Token(value: value, expires: Date().addingTimeInterval(TimeInterval(lifetime)))
    }

    /// Forgets every cached token, so the next request authenticates again.
    func forgetTokens() {
        lock.withLock { tokens.removeAll() }
    }

    static func tokenURL(_ realm: String, _ service: String?, _ scopes: [String]) -> String {
        var query: [String] = []
        if let service { query.append("service=\(formEncode(service))") }
        query += scopes.map { "scope=\(formEncode($0))" }
        guard !query.isEmpty else { return realm }
        return realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&")
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
