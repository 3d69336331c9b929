import Foundation
import ShipMLTestSupport
import Testing

/// A registry on HTTPS with a certificate of its own CA: refused without `--ca-file`, accepted
/// with it, and with `--insecure` only when asked.
struct TLSTests {
    @Test func verificationIsOnUnlessTheUserAsks() throws {
        let scratch = try ScratchDirectory()
        let key = scratch.path("tls.key")
        let certificate = scratch.path("tls.crt")
        let made = try ProcessRunner.run([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", key, "-out", certificate, "-days", "2", "-subj",
            "/CN=shipml test registry", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        try #require(made.succeeded, "\(made.stderr)")
        let registry = try RegistryServer(tls: (certificate, key))
        _ = try TestImage.make(in: scratch, layerSizes: [100])
        let target = "\(registry.address)/ml/tls:v1"

        let refused = try ShipMLExecutable.run(
            ["push", "oci:layout:v1", target, "--retries", "1"], in: scratch.path)
        #expect(refused.status == 3)
        #expect(refused.stderr.lowercased().contains("certificate"), "\(refused.stderr)")

        let trusted = try ShipMLExecutable.run(
            ["push", "oci:layout:v1", target, "--ca-file", certificate], in: scratch.path)
        #expect(trusted.status == 0, "\(trusted.stderr)")

        let insecure = try ShipMLExecutable.run(
            ["pull", target, "oci:pulled:v1", "--insecure"], in: scratch.path)
        #expect(insecure.status == 0, "\(insecure.stderr)")
        #expect(try LayoutChecker.problems(in: scratch.path("pulled")).isEmpty)
    }
}
