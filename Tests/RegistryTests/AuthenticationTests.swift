import Builder
import Foundation
import ShipMLTestSupport
import ShipModel
import Testing

@testable import Registry

/// `WWW-Authenticate` parsing, docker's credential sources, and a real registry with basic auth.
struct ChallengeTests {
    @Test func aBearerChallengeGivesRealmServiceAndScope() throws {
        let challenge = try #require(
            Challenge.parse(
                #"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:ml/a:pull,push repository:ml/b:pull""#
            ))
        #expect(challenge.scheme == "bearer")
        #expect(challenge.parameters["realm"] == "https://auth.example/token")
        #expect(challenge.parameters["service"] == "registry.example")
        #expect(challenge.scopes == ["repository:ml/a:pull,push", "repository:ml/b:pull"])
    }

    @Test func quotedEscapesAndBareTokensAreRead() throws {
        let challenge = try #require(
            Challenge.parse(#"Basic realm="a \"quoted\" realm", charset=UTF-8"#))
        #expect(challenge.scheme == "basic")
        #expect(challenge.parameters["realm"] == #"a "quoted" realm"#)
        #expect(challenge.parameters["charset"] == "UTF-8")
        #expect(Challenge.parse("   ") == nil)
    }

    @Test func tokenURLsEncodeScopes() {
        #expect(
            RegistrySession.tokenURL(
                "https://auth.example/token", "reg", ["repository:ml/a:pull,push"])
                == "https://auth.example/token?service=reg&scope=repository%3Aml%2Fa%3Apull%2Cpush")
        #expect(
            RegistrySession.tokenURL("https://a.example/t?x=1", nil, ["s"])
                == "https://a.example/t?x=1&scope=s")
    }
}

struct DockerConfigTests {
    @Test func authsEntriesAreFoundUnderAnySpelling() throws {
        let scratch = try ScratchDirectory()
        let auth = Data("alice:s3cret:with:colons".utf8).base64EncodedString()
        let path = try scratch.write(
            "config.json",
            """
            {"auths": {"https://registry.example:5000/v1/": {"auth": "\(auth)"},
                       "other.example": {"username": "bob", "password": "pw"},
                       "https://index.docker.io/v1/": {"identitytoken": "refresh-me"}}}
            """)
        let config = DockerConfigCredentials(path: path)
        #expect(
            try config.credential(for: "registry.example:5000")
                == .basic(username: "alice", password: "s3cret:with:colons"))
        #expect(
            try config.credential(for: "other.example") == .basic(username: "bob", password: "pw"))
        #expect(try config.credential(for: "docker.io") == .identityToken("refresh-me"))
        #expect(try config.credential(for: "unknown.example") == nil)
    }

    @Test func aMissingFileIsAnonymousAndABrokenOneIsAnError() throws {
        let scratch = try ScratchDirectory()
        #expect(
            try DockerConfigCredentials(path: scratch.path("none.json")).credential(for: "x.io")
                == nil)
        let broken = try scratch.write("config.json", "{\"auths\": [")
        let error = try #require(throws: RegistryError.self) {
            _ = try DockerConfigCredentials(path: broken).credential(for: "x.io")
        }
        #expect(error.kind == .configuration)
        #expect(error.description.contains(broken))
    }

    @Test func badBase64NamesTheEntry() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("config.json", #"{"auths": {"r.example": {"auth": "!!!"}}}"#)
        let error = try #require(throws: RegistryError.self) {
            _ = try DockerConfigCredentials(path: path).credential(for: "r.example")
        }
        #expect(error.description.contains(#"auths["r.example"].auth"#))
    }

    /// A credential helper on PATH, run as docker runs it: `docker-credential-NAME get` with the
    /// server on standard input.
    @Test func credentialHelpersAreRun() throws {
        let scratch = try ScratchDirectory()
        let bin = scratch.path("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let helper = try scratch.write(
            "bin/docker-credential-shipmltest",
            """
            #!/bin/sh
            read server
            case "$server" in
              helped.example) echo '{"ServerURL":"helped.example","Username":"carol","Secret":"from-helper"}' ;;
              token.example) echo '{"ServerURL":"token.example","Username":"<token>","Secret":"refresh"}' ;;
              *) echo "credentials not found in native keychain"; exit 1 ;;
            esac
            """)
        #expect(chmod(helper, 0o755) == 0)
        let path = try scratch.write(
            "config.json",
            #"{"credHelpers": {"helped.example": "shipmltest"}, "credsStore": "shipmltest"}"#)
        let oldPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        setenv("PATH", "\(bin):\(oldPath)", 1)
        defer { setenv("PATH", oldPath, 1) }
        let config = DockerConfigCredentials(path: path)
        #expect(
            try config.credential(for: "helped.example")
                == .basic(username: "carol", password: "from-helper"))
        #expect(try config.credential(for: "token.example") == .identityToken("refresh"))
        #expect(try config.credential(for: "nothing.example") == nil)
    }

    @Test func credentialsDescribeThemselvesWithoutSecrets() {
        let credential = Credential.basic(username: "alice", password: "hunter2")
        #expect(!"\(credential)".contains("hunter2"))
        #expect(!String(reflecting: credential).contains("hunter2"))
        #expect(!"\(Credential.identityToken("tok-123"))".contains("tok-123"))
    }
}

/// A second docker-registry with htpasswd basic auth.
@Suite(.serialized)
struct BasicAuthRegistryTests {
    static let password = "pa55-\(UUID().uuidString.prefix(8))"

    @Test func anonymousPushIsRefusedWithAClearError() throws {
        let server = try RegistryServer(auth: .basic(username: "alice", password: Self.password))
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch, layerSizes: [100])
        let error = try #require(throws: RegistryError.self) {
            _ = try Pusher(repository: RecordingSession(server.address).repository("ml/a")).push(
                from: image.layout, root: image.root, tags: ["v1"])
        }
        #expect(error.kind == .unauthorized)
        #expect(error.description.contains("--username"))
    }

    @Test func theRightPasswordPushesAndPulls() throws {
        let server = try RegistryServer(auth: .basic(username: "alice", password: Self.password))
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch, layerSizes: [100, 5000])
        let credential = Credential.basic(username: "alice", password: Self.password)
        let recording = RecordingSession(server.address, credential: credential)
        let report = try Pusher(repository: recording.repository("ml/a")).push(
            from: image.layout, root: image.root, tags: ["v1"])
        #expect(report.transferred == 3)
        let target = try ImageLayout.open(scratch.path("pulled"), create: true)
        _ = try Puller(
            repository: RecordingSession(server.address, credential: credential).repository("ml/a")
        ).pull("v1", into: target, tag: "v1")
        #expect(try LayoutChecker.problems(in: scratch.path("pulled")).isEmpty)
        // After the first challenge the credentials go with each request: one 401 in all.
        #expect(recording.all.filter { $0.hasPrefix("< 401") }.count == 1)
    }

    /// The built binary with `--verbose`: neither the password nor its base64 form appears in
    /// anything it prints, whether the login works or not.
    @Test func credentialsNeverReachTheOutput() throws {
        let server = try RegistryServer(auth: .basic(username: "alice", password: Self.password))
        let scratch = try ScratchDirectory()
        _ = try TestImage.make(in: scratch, layerSizes: [100])
        let secrets = [
            Self.password, Data("alice:\(Self.password)".utf8).base64EncodedString(),
            "wrong-\(Self.password)",
            Data("alice:wrong-\(Self.password)".utf8).base64EncodedString(),
        ]
        let good = try ShipMLExecutable.run(
            [
                "push", "oci:layout:v1", "\(server.address)/ml/secret:v1", "--plain-http",
                "--username", "alice", "--password-stdin", "--verbose",
            ], in: scratch.path, input: Data(Self.password.utf8))
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stderr.contains("PUT"))
        let bad = try ShipMLExecutable.run(
            [
                "push", "oci:layout:v1", "\(server.address)/ml/secret:v2", "--plain-http",
                "--username", "alice", "--password-stdin", "--verbose",
            ], in: scratch.path, input: Data("wrong-\(Self.password)\n".utf8))
        #expect(bad.status == 3)
        #expect(bad.stderr.contains("401"))
        let viaEnvironment = try ShipMLExecutable.run(
            ["pull", "\(server.address)/ml/secret:v1", "oci:pulled:v1", "--plain-http", "-v"],
            in: scratch.path,
            environment: [
                "SHIPML_REGISTRY_USERNAME": "alice", "SHIPML_REGISTRY_PASSWORD": Self.password,
            ])
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")
        for result in [good, bad, viaEnvironment] {
            for secret in secrets {
                #expect(!result.stdout.contains(secret))
                #expect(!result.stderr.contains(secret))
            }
        }
    }
}
