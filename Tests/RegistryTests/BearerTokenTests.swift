import Builder
import Crypto
import Foundation
import ShipMLTestSupport
import ShipModel
import Testing

@testable import Registry

/// The bearer flow against a real docker-registry configured for token auth, with a token
/// endpoint the test serves on loopback: the registry's challenge names the realm, the client
/// asks it for a token for the scope, and the registry checks the token's signature.
@Suite(.serialized)
struct BearerTokenTests {
    static let service = "shipml-test-registry"
    static let issuer = "shipml-test-issuer"

    /// A key, its self-signed certificate (the registry's root bundle), and a signed token.
    struct Authority {
        let certificatePath: String
        let key: P256.Signing.PrivateKey
        let certificateDER: Data

        init(in scratch: ScratchDirectory) throws {
            let keyPath = scratch.path("token.key")
            certificatePath = scratch.path("token.crt")
            let commands = [
                [
                    "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-out", keyPath,
                ],
                [
                    "openssl", "req", "-new", "-x509", "-key", keyPath, "-out", certificatePath,
                    "-days", "2", "-subj", "/CN=shipml test token issuer",
                ],
            ]
            for command in commands {
                let result = try ProcessRunner.run(command)
                guard result.succeeded else { throw RegistryServerError(result.stderr) }
            }
            key = try P256.Signing.PrivateKey(
                pemRepresentation: String(contentsOfFile: keyPath, encoding: .utf8))
            let der = try ProcessRunner.run([
                "openssl", "x509", "-in", certificatePath, "-outform", "DER",
            ])
            certificateDER = der.stdoutData
        }

        /// An ES256 JWT granting `actions` on `repository`, with the certificate in `x5c`.
        func token(repository: String, actions: [String]) throws -> String {
            func base64URL(_ data: Data) -> String {
                data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                    .replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                        of: "=", with: "")
            }
            let header: [String: Any] = [
                "alg": "ES256", "typ": "JWT", "x5c": [certificateDER.base64EncodedString()],
            ]
            let now = Int(Date().timeIntervalSince1970)
            let claims: [String: Any] = [
                "iss": BearerTokenTests.issuer, "sub": "alice", "aud": BearerTokenTests.service,
                "exp": now + 3600, "nbf": now - 60, "iat": now - 60, "jti": UUID().uuidString,
                "access": [["type": "repository", "name": repository, "actions": actions]],
            ]
            let input =
                base64URL(try JSONSerialization.data(withJSONObject: header)) + "."
                + base64URL(try JSONSerialization.data(withJSONObject: claims))
            let signature = try key.signature(for: Data(input.utf8)).rawRepresentation
            return input + "." + base64URL(signature)
        }
    }

    @Test func aTokenIsFetchedForTheScopeAndUsed() throws {
        let scratch = try ScratchDirectory()
        let authority = try Authority(in: scratch)
        let tokens = try LoopbackHTTPServer()
        let token = try authority.token(repository: "ml/bearer", actions: ["pull", "push"])
        let answer = Data("{\"token\": \"\(token)\", \"expires_in\": 300}".utf8)
        tokens.setRoute(
            "/token",
            response: .init(
                status: 200, headers: [.init("Content-Type", "application/json")], body: answer))
        let registry = try RegistryServer(
            auth: .token(
                realm: "\(tokens.baseURL)/token", service: Self.service, issuer: Self.issuer,
                certificate: authority.certificatePath))

        let image = try TestImage.make(in: scratch, layerSizes: [100, 3000])
        let recording = RecordingSession(
            registry.address, credential: .basic(username: "alice", password: "tok-pass"))
        let report = try Pusher(repository: recording.repository("ml/bearer")).push(
            from: image.layout, root: image.root, tags: ["v1"])
        #expect(report.transferred == 3)

        let asked = tokens.requests
        let first = try #require(asked.first)
        #expect(first.path.contains("service=\(Self.service)"))
        #expect(first.path.contains("scope=repository%3Aml%2Fbearer%3Apull%2Cpush"))
        #expect(first.header("Authorization")?.hasPrefix("Basic ") == true)
        // One token, cached for the scope, served every request of the push.
        #expect(asked.count == 1)
        #expect(recording.all.filter { $0.hasPrefix("< 401") }.count == 1)

        // Pulling with another session asks for a pull token and gets the content back.
        let target = try ImageLayout.open(scratch.path("pulled"), create: true)
        _ = try Puller(repository: RecordingSession(registry.address).repository("ml/bearer"))
            .pull("v1", into: target, tag: "v1")
        #expect(try LayoutChecker.problems(in: scratch.path("pulled")).isEmpty)
        #expect(
            tokens.requests.last?.path.contains("scope=repository%3Aml%2Fbearer%3Apull") == true)
    }

    @Test func anIdentityTokenIsExchangedWithAPost() throws {
        let scratch = try ScratchDirectory()
        let authority = try Authority(in: scratch)
        let tokens = try LoopbackHTTPServer()
        let token = try authority.token(repository: "ml/refresh", actions: ["pull", "push"])
        tokens.setRoute(
            "/token",
            response: .init(status: 200, body: Data("{\"access_token\": \"\(token)\"}".utf8)))
        let registry = try RegistryServer(
            auth: .token(
                realm: "\(tokens.baseURL)/token", service: Self.service, issuer: Self.issuer,
                certificate: authority.certificatePath))
        let image = try TestImage.make(in: scratch, layerSizes: [10])
        let recording = RecordingSession(
            registry.address, credential: .identityToken("refresh-xyz"))
        _ = try Pusher(repository: recording.repository("ml/refresh")).push(
            from: image.layout, root: image.root, tags: ["v1"])
        let asked = try #require(tokens.requests.first)
        #expect(asked.method == "POST")
        #expect(asked.header("Content-Type") == "application/x-www-form-urlencoded")
    }

    @Test func aRefusedTokenIsAClearError() throws {
        let scratch = try ScratchDirectory()
        let authority = try Authority(in: scratch)
        let tokens = try LoopbackHTTPServer()
        tokens.setRoute("/token", response: .init(status: 401, body: Data("{}".utf8)))
        let registry = try RegistryServer(
            auth: .token(
                realm: "\(tokens.baseURL)/token", service: Self.service, issuer: Self.issuer,
                certificate: authority.certificatePath))
        let recording = RecordingSession(
            registry.address, credential: .basic(username: "alice", password: "no-good-secret"))
        let error = try #require(throws: RegistryError.self) {
            _ = try recording.repository("ml/x").manifest("v1")
        }
        #expect(error.kind == .unauthorized)
        #expect(error.description.contains("refused the credentials (user alice)"))
        #expect(!error.description.contains("no-good-secret"))
    }
}
