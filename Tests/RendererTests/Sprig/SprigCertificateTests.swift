import Foundation
import ShipFiles
import ShipMLTestSupport
import Testing

@testable import Renderer

/// Sprig's certificate functions. Their keys and serials are random (in Helm too), so the
/// certificates are checked with openssl for what Helm's engine writes: the names, validity,
/// key usages, constraints, key identifiers, alternative names, and the CA's signature.
@Suite("sprig certificates", .enabled(if: ProcessRunner.which("openssl") != nil, "needs openssl"))
struct SprigCertificateTests {
    /// Renders `template` (one line per `name: expression`) and returns each line's value,
    /// base64-decoded.
    func render(_ template: String) throws -> [String: String] {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
        _ = try scratch.write("chart/templates/t.yaml", template)
        let result = HelmTemplate(engine: HelmLibrary.engine).run(
            chartPath: scratch.path("chart"), values: HelmValueOptions(),
            options: HelmTemplateOptions(), fileSystem: LocalFileSystem())
        if let error = result.error { throw FunctionError("\(error)") }
        var out: [String: String] = [:]
        for line in result.output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].hasSuffix(":"),
                let data = Data(base64Encoded: String(parts[1]))
            else { continue }
            out[String(parts[0].dropLast())] = String(decoding: data, as: UTF8.self)
        }
        return out
    }

    /// `openssl ARGS` reading `input`; its standard output.
    func openssl(_ arguments: [String], _ inputs: [String: String] = [:]) throws -> String {
        let scratch = try ScratchDirectory()
        var arguments = arguments
        for (name, text) in inputs {
            let path = try scratch.write(name, text)
            arguments = arguments.map { $0 == name ? path : $0 }
        }
        let result = try ProcessRunner.run(["openssl"] + arguments)
        #expect(result.succeeded, "\(arguments): \(result.stderr)")
        return result.stdout
    }

    @Test func aCAAndACertificateItSigned() throws {
        let values = try render(
            """
            {{- $ca := genCA "my-ca" 365 }}
            {{- $cert := genSignedCert "svc.ns.svc" (list "10.0.0.1" "::1") (list "svc" "svc.ns") 30 $ca }}
            ca: {{ $ca.Cert | b64enc }}
            cakey: {{ $ca.Key | b64enc }}
            cert: {{ $cert.Cert | b64enc }}
            key: {{ $cert.Key | b64enc }}
            type: {{ printf "%T %s" $ca (kindOf $ca) | b64enc }}
            json: {{ keys (fromJson (toJson $cert)) | sortAlpha | join "," | b64enc }}

            """)
        let ca = try #require(values["ca"])
        let cert = try #require(values["cert"])
        #expect(
            ca.hasPrefix("-----BEGIN CERTIFICATE-----\n")
                && ca.hasSuffix("-----END CERTIFICATE-----\n"))
        #expect(values["cakey"]?.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\n") == true)
        #expect(values["type"] == "sprig.certificate struct")
        #expect(values["json"] == "Cert,Key")

        let caText = try openssl(["x509", "-in", "ca.pem", "-noout", "-text"], ["ca.pem": ca])
        #expect(caText.contains("Subject: CN = my-ca") && caText.contains("Issuer: CN = my-ca"))
        #expect(caText.contains("Public-Key: (2048 bit)"))
        #expect(caText.contains("Digital Signature, Key Encipherment, Certificate Sign"))
        #expect(caText.contains("CA:TRUE"))
        #expect(caText.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
        let days = try openssl(
            ["x509", "-in", "ca.pem", "-noout", "-checkend", "\(364 * 86_400)"], ["ca.pem": ca])
        #expect(days.contains("will not expire"))

        let certText = try openssl(["x509", "-in", "c.pem", "-noout", "-text"], ["c.pem": cert])
        #expect(
            certText.contains("Subject: CN = svc.ns.svc") && certText.contains("Issuer: CN = my-ca")
        )
        #expect(
            certText.contains(
                "DNS:svc, DNS:svc.ns, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1"))
        #expect(certText.contains("CA:FALSE") && !certText.contains("Certificate Sign"))
        // The leaf names its issuer's key: the CA's subject key identifier.
        let identifier = caText.components(separatedBy: "Subject Key Identifier:")
            .dropFirst().first?.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        #expect(identifier?.count == 59 && certText.contains(identifier ?? "-"))
        let verified = try openssl(
            ["verify", "-CAfile", "ca.pem", "c.pem"], ["ca.pem": ca, "c.pem": cert])
        #expect(verified.contains("c.pem: OK") || verified.hasSuffix(": OK\n"))
        // The key is the certificate's.
        let modulus = try openssl(["x509", "-in", "c.pem", "-noout", "-modulus"], ["c.pem": cert])
        let keyModulus = try openssl(
            ["rsa", "-in", "k.pem", "-noout", "-modulus"], ["k.pem": values["key"] ?? ""])
        #expect(modulus == keyModulus)
    }

    @Test func selfSignedAndWithGivenKeys() throws {
        let values = try render(
            """
            {{- $ec := genPrivateKey "ecdsa" }}
            {{- $self := genSelfSignedCertWithKey "self" nil (list "a.example") 10 $ec }}
            {{- $ca := genCAWithKey "ed-ca" 5 (genPrivateKey "ed25519") }}
            self: {{ $self.Cert | b64enc }}
            ca: {{ $ca.Cert | b64enc }}
            rsa: {{ genPrivateKey "rsa" | b64enc }}
            same: {{ eq $self.Key $ec | toString | b64enc }}

            """)
        let selfText = try openssl(
            ["x509", "-in", "s.pem", "-noout", "-text"], ["s.pem": values["self"] ?? ""])
        #expect(selfText.contains("Subject: CN = self") && selfText.contains("Issuer: CN = self"))
        #expect(selfText.contains("ecdsa-with-SHA256") && selfText.contains("DNS:a.example"))
        #expect(values["same"] == "true")
        let caText = try openssl(
            ["x509", "-in", "c.pem", "-noout", "-text"], ["c.pem": values["ca"] ?? ""])
        #expect(caText.contains("ED25519") && caText.contains("CA:TRUE"))
        let rsa = try openssl(
            ["rsa", "-in", "r.pem", "-noout", "-text"], ["r.pem": values["rsa"] ?? ""])
        #expect(rsa.contains("4096 bit"))
        #expect(values["rsa"]?.hasSuffix("-----END RSA PRIVATE KEY-----\n") == true)
    }

    /// Bad input fails with the texts Helm 4.2.3's engine printed for it.
    @Test func badInputFailsAsInHelm() {
        #expect(
            failure("genCAWithKey", .string("x"), .int(1), .string("junk"))
                == "parsing private key: no PEM data in input")
        #expect(
            failure("buildCustomCert", .string("!!"), .string("eA=="))
                == "unable to decode base64 certificate")
        #expect(
            failure("buildCustomCert", .string("eA=="), .string("eA=="))
                == "unable to decode certificate")
        #expect(
            failure("genSelfSignedCert", .string("x"), .list([.int(5)]), .null, .int(1))
                == "error parsing ip: 5 is not a string")
        #expect(
            failure(
                "genSelfSignedCert", .string("x"), .list([.string("999.1.1.1")]), .null, .int(1))
                == "error parsing ip: 999.1.1.1")
        #expect(
            failure("genSelfSignedCert", .string("x"), .null, .list([.int(5)]), .int(1))
                == "error processing alternate dns name: 5 is not a string")
    }
}
