import Foundation
import Promoter
import ShipMLTestSupport
import Testing

/// Where https remotes' CA certificates come from: git's variables, then the repository's
/// configuration, then OpenSSL's variables, else the system bundle.
@Suite("GitRepository: certificate settings")
struct CertificateSettingsTests {
    let scratch: ScratchDirectory
    let repository: GitRepository
    let fromEnvironment: String
    let fromConfig: String
    let fromOpenSSL: String

    init() throws {
        scratch = try ScratchDirectory(prefix: "shipml-certificates")
        repository = try GitRepository.create(at: scratch.path("repo"), bare: true)
        fromEnvironment = try scratch.write("env.pem", "")
        fromConfig = try scratch.write("config.pem", "")
        fromOpenSSL = try scratch.write("openssl.pem", "")
        try FileManager.default.createDirectory(
            atPath: scratch.path("certs"), withIntermediateDirectories: true)
    }

    func setConfig(_ key: String, _ value: String) throws {
        try gitCLI("--git-dir", scratch.path("repo"), "config", key, value)
    }

    func settings(_ environment: [String: String]) throws -> CertificateSettings {
        try repository.certificateSettings(TLSAccess(environment: environment))
    }

    @Test func gitsOrderForTheFile() throws {
        try setConfig("http.sslCAInfo", fromConfig)
        let all = [
            "GIT_SSL_CAINFO": fromEnvironment, "SSL_CERT_FILE": fromOpenSSL,
            "UNRELATED": "x",
        ]
        #expect(try settings(all).file?.setting == "GIT_SSL_CAINFO")
        #expect(try settings(all).file?.path == fromEnvironment)
        var withoutGit = all
        withoutGit["GIT_SSL_CAINFO"] = ""
        #expect(try settings(withoutGit).file?.setting == "http.sslCAInfo")
        #expect(try settings(withoutGit).file?.path == fromConfig)
        try gitCLI("--git-dir", scratch.path("repo"), "config", "--unset", "http.sslCAInfo")
        #expect(try settings(withoutGit).file?.setting == "SSL_CERT_FILE")
        #expect(try settings(withoutGit).directory == nil)
        #expect(try settings(withoutGit).verifies)
    }

    @Test func theSystemBundleWhenNothingIsSet() throws {
        guard
            let bundle = CertificateSettings.systemBundles.first(where: {
                FileManager.default.fileExists(atPath: $0)
            })
        else { return }
        let none = try settings([:])
        #expect(none.file == CertificateSettings.Location(path: bundle, setting: "system bundle"))
        // A directory adds to the bundle, as curl's CAPATH does.
        try setConfig("http.sslCAPath", scratch.path("certs"))
        let withDirectory = try settings([:])
        #expect(withDirectory.file?.path == bundle)
        #expect(withDirectory.directory?.setting == "http.sslCAPath")
    }

    @Test func aMissingFileOrDirectoryIsNamed() throws {
        let missing = scratch.path("none.pem")
        #expect {
            try settings(["GIT_SSL_CAINFO": missing])
        } throws: { error in
            "\(error)".contains("GIT_SSL_CAINFO names \(missing), which is not a file")
        }
        #expect {
            try settings(["GIT_SSL_CAPATH": fromEnvironment])
        } throws: { error in
            "\(error)".contains("GIT_SSL_CAPATH names \(fromEnvironment), which is not a directory")
        }
        try setConfig("http.sslCAInfo", missing)
        #expect {
            try settings([:])
        } throws: { error in
            "\(error)".contains("http.sslCAInfo names \(missing)")
        }
    }

    @Test func checkingIsOffOnlyWhenAsked() throws {
        #expect(try settings(["GIT_SSL_NO_VERIFY": "0"]).verifies)
        #expect(try settings(["GIT_SSL_NO_VERIFY": "false"]).verifies)
        #expect(try settings(["GIT_SSL_NO_VERIFY": ""]).verifies)
        #expect(
            try settings(["GIT_SSL_NO_VERIFY": "1"]).verificationDisabledBy == "GIT_SSL_NO_VERIFY")
        try setConfig("http.sslVerify", "false")
        #expect(try settings([:]).verificationDisabledBy == "http.sslVerify=false")
        try setConfig("http.sslVerify", "true")
        #expect(try settings([:]).verifies)
        // Not checking needs no CA: a missing one is no error then.
        #expect(
            try settings(["GIT_SSL_NO_VERIFY": "1", "GIT_SSL_CAINFO": scratch.path("none")])
                .file == nil)
    }

    /// libgit2 started without parsing the system CA bundle: the CGit2 shim's definition of
    /// mbedtls_x509_crt_parse_file is the one libgit2 called (Linux, libgit2 on mbedTLS).
    @Test(.enabled(if: libgit2UsesMbedTLS)) func theCABundleIsLoadedLazily() throws {
        #expect(GitRepository.loadsCertificatesLazily)
    }
}

/// Whether the libgit2 this process loaded is the mbedTLS build (Debian's).
let libgit2UsesMbedTLS: Bool = {
    // /proc files say they are empty: read to the end rather than by size.
    let maps = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() ?? Data()
    return String(decoding: maps, as: UTF8.self).contains("libmbedx509")
}()
