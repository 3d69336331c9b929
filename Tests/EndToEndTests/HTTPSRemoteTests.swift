import Foundation
import ShipMLTestSupport
import Testing

/// https state remotes: git http-backend behind TLS with a certificate from a throwaway CA,
/// trusted through git's own settings, and the promotion checked with the git CLI.
struct HTTPSRemoteTests {
    static let token = "tls-s3cret-token-9c4e"

    /// A served bare repository, a project whose state is there, and the CA that signed the
    /// server's certificate.
    struct Setup {
        let scratch: ScratchDirectory
        let server: GitHTTPServer
        let authority: TestCertificates
        let remote: String

        init() throws {
            scratch = try ScratchDirectory()
            authority = try TestCertificates(scratch)
            server = try GitHTTPServer(
                root: scratch.path(""), token: HTTPSRemoteTests.token, scratch: scratch,
                tls: try authority.server())
            remote = try PromoteCommandTests.makeProject(
                scratch, repository: server.url("remote.git"))
            try PromoteCommandTests.git(["--git-dir", remote, "config", "http.receivepack", "true"])
            try FileManager.default.createDirectory(
                atPath: scratch.path("home"), withIntermediateDirectories: true)
        }

        /// shipml in the project, with a HOME of its own (so the git configuration libgit2
        /// reads is only what the test writes there) and none of the TLS variables but those
        /// given.
        func shipml(_ arguments: [String], _ environment: [String: String?] = [:]) throws
            -> ProcessResult
        {
            var variables: [String: String?] = [
                "HOME": scratch.path("home"), "XDG_CONFIG_HOME": scratch.path("home/.config"),
                "GIT_AUTHOR_NAME": "carol", "GIT_AUTHOR_EMAIL": "carol@example.com",
                "GITHUB_ACTOR": nil, "SHIPML_GIT_TOKEN": HTTPSRemoteTests.token,
                "GIT_CONFIG_GLOBAL": nil,
            ]
            for variable in [
                "GIT_SSL_CAINFO", "GIT_SSL_CAPATH", "GIT_SSL_NO_VERIFY", "SSL_CERT_FILE",
                "SSL_CERT_DIR",
            ] {
                variables[variable] = .some(nil)
            }
            for (name, value) in environment { variables[name] = value }
            return try ShipMLExecutable.run(
                arguments, in: scratch.path("project"), environment: variables)
        }

        func promote(_ environment: [String: String?] = [:]) throws -> ProcessResult {
            try shipml(
                ["promote", "--to", "dev", "--artifact", PromoteCommandTests.artifact("a")],
                environment)
        }

        /// The subject of the served branch's tip; nil while it has no commit.
        func landed() throws -> String? {
            let result = try ProcessRunner.run(
                ["git", "--git-dir", remote, "log", "-1", "--format=%s", "main"],
                environment: PromoteCommandTests.gitEnvironment)
            return result.succeeded ? result.stdout : nil
        }
    }

    static func expectNoToken(_ results: [ProcessResult]) {
        for result in results {
            #expect(!result.stdout.contains(token) && !result.stderr.contains(token))
        }
    }

    /// Without the CA the server is refused, clearly, and nothing is pushed; with it (from
    /// the environment or the git configuration) the promotion lands.
    @Test(arguments: ["GIT_SSL_CAINFO", "SSL_CERT_FILE", "http.sslCAInfo"])
    func aPrivateCAIsTrusted(setting: String) throws {
        let setup = try Setup()
        let untrusted = try setup.promote()
        #expect(untrusted.status == 3, "\(untrusted.stderr)")
        #expect(
            untrusted.stderr.contains("certificate not trusted for 127.0.0.1"),
            "\(untrusted.stderr)")
        #expect(untrusted.stderr.contains("GIT_SSL_CAINFO"), "\(untrusted.stderr)")
        #expect(untrusted.stderr.contains("http.sslCAInfo"), "\(untrusted.stderr)")
        #expect(try setup.landed() == nil)

        var environment: [String: String?] = [:]
        if setting.hasPrefix("http.") {
            _ = try setup.scratch.write(
                "home/.gitconfig", "[http]\n\tsslCAInfo = \(setup.authority.caCertificate)\n")
        } else {
            environment[setting] = setup.authority.caCertificate
        }
        let promoted = try setup.promote(environment)
        #expect(promoted.status == 0, "\(promoted.stderr)")
        #expect(!promoted.stderr.contains("warning"), "\(promoted.stderr)")
        #expect(try setup.landed() == "promote(sentiment): 1.2.0 → dev\n")

        // history fetches over the same connection settings.
        let history = try setup.shipml(["history", "--env", "dev"], environment)
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("1.2.0"), "\(history.stdout)")
        Self.expectNoToken([untrusted, promoted, history])
    }

    /// GIT_SSL_CAINFO comes before http.sslCAInfo, as in git: another CA named there did not
    /// sign the server's certificate, so the server is refused and the message says where the CAs
    /// came from.
    @Test func theEnvironmentComesBeforeTheConfiguration() throws {
        let setup = try Setup()
        _ = try setup.scratch.write(
            "home/.gitconfig", "[http]\n\tsslCAInfo = \(setup.authority.caCertificate)\n")
        let bundle = try TestCertificates(setup.scratch, name: "other").caCertificate
        let refused = try setup.promote(["GIT_SSL_CAINFO": bundle])
        #expect(refused.status == 3, "\(refused.stderr)")
        #expect(refused.stderr.contains("certificate not trusted"), "\(refused.stderr)")
        #expect(refused.stderr.contains("\(bundle) (GIT_SSL_CAINFO)"), "\(refused.stderr)")
        #expect(try setup.landed() == nil)
        Self.expectNoToken([refused])
    }

    /// A CA file that is not there is an error naming the setting, before any connection.
    @Test(arguments: ["GIT_SSL_CAINFO", "http.sslCAInfo", "GIT_SSL_CAPATH"])
    func aMissingCAFileIsNamed(setting: String) throws {
        let setup = try Setup()
        let missing = setup.scratch.path("no-such-ca.pem")
        var environment: [String: String?] = [:]
        if setting.hasPrefix("http.") {
            _ = try setup.scratch.write("home/.gitconfig", "[http]\n\tsslCAInfo = \(missing)\n")
        } else {
            environment[setting] = missing
        }
        let result = try setup.promote(environment)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("\(setting) names \(missing)"), "\(result.stderr)")
        Self.expectNoToken([result])
    }

    /// GIT_SSL_NO_VERIFY=1 or http.sslVerify=false: the promotion lands without the CA, and
    /// one warning line says the certificate is not checked. GIT_SSL_NO_VERIFY=0 asks nothing.
    @Test func verificationIsOffOnlyWhenAsked() throws {
        let setup = try Setup()
        let stillChecked = try setup.promote(["GIT_SSL_NO_VERIFY": "0"])
        #expect(stillChecked.status == 3, "\(stillChecked.stderr)")

        let unchecked = try setup.promote(["GIT_SSL_NO_VERIFY": "1"])
        #expect(unchecked.status == 0, "\(unchecked.stderr)")
        #expect(try setup.landed() == "promote(sentiment): 1.2.0 → dev\n")
        let warnings = unchecked.stderr.split(separator: "\n").filter { $0.contains("warning:") }
        #expect(warnings.count == 1, "\(unchecked.stderr)")
        #expect(warnings.first?.contains("GIT_SSL_NO_VERIFY") == true, "\(unchecked.stderr)")
        #expect(warnings.first?.contains("not checked") == true, "\(unchecked.stderr)")

        _ = try setup.scratch.write("home/.gitconfig", "[http]\n\tsslVerify = false\n")
        let configured = try setup.shipml(["history", "--env", "dev"])
        #expect(configured.status == 0, "\(configured.stderr)")
        #expect(configured.stderr.contains("http.sslVerify=false"), "\(configured.stderr)")
        Self.expectNoToken([stillChecked, unchecked, configured])
    }
}
