import Foundation

/// A throwaway certificate authority, made with the openssl CLI in a scratch directory, and
/// the server certificates it signs: for tests of https remotes with a private CA.
public struct TestCertificates {
    /// A server's certificate (signed by the CA) and its private key, PEM files.
    public struct Server: Sendable {
        public let certificate: String
        public let key: String
    }

    /// The CA's certificate, PEM: what a client must trust.
    public let caCertificate: String
    private let caKey: String
    private let directory: String

    /// Makes a CA (EC P-256, valid two days) under `scratch`'s `name` folder.
    /// - Throws: When openssl is missing or fails.
    public init(_ scratch: ScratchDirectory, name: String = "tls") throws {
        directory = scratch.path(name)
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        caCertificate = "\(directory)/ca.pem"
        caKey = "\(directory)/ca.key"
        try Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", caKey, "-out", caCertificate, "-days", "2", "-subj", "/CN=shipml test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    /// A certificate for 127.0.0.1 signed by this CA. The name is also given as a DNS name:
    /// mbedTLS 2 (Debian's libgit2) matches only DNS names and the common name.
    public func server(_ name: String = "server") throws -> Server {
        let key = "\(directory)/\(name).key"
        let request = "\(directory)/\(name).csr"
        let certificate = "\(directory)/\(name).pem"
        let extensions = "\(directory)/\(name).ext"
        try Data(
            """
            subjectAltName=IP:127.0.0.1,DNS:127.0.0.1
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth

            """.utf8
        ).write(to: URL(fileURLWithPath: extensions))
        try Self.openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", request, "-subj", "/CN=127.0.0.1",
        ])
        try Self.openssl([
            "x509", "-req", "-in", request, "-CA", caCertificate, "-CAkey", caKey,
            "-CAcreateserial", "-out", certificate, "-days", "2", "-extfile", extensions,
        ])
        return Server(certificate: certificate, key: key)
    }

    struct OpenSSLFailed: Error, CustomStringConvertible {
        var arguments: [String]
        var stderr: String
        var description: String { "openssl \(arguments.joined(separator: " ")): \(stderr)" }
    }

    private static func openssl(_ arguments: [String]) throws {
        let result = try ProcessRunner.run(["openssl"] + arguments)
        guard result.succeeded else {
            throw OpenSSLFailed(arguments: arguments, stderr: result.stderr)
        }
    }
}
