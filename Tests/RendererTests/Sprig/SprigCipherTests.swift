import Foundation
import ShipFiles
import ShipMLTestSupport
import Testing

@testable import Renderer

/// Sprig's `decryptAES`, `encryptAES` and `derivePassword`.
@Suite("sprig ciphers")
struct SprigCipherTests {
    /// What Helm 4.2.3's engine printed for these calls (helm-python-sdk 0.2.2). The ciphertext
    /// was made by `openssl enc -aes-256-cbc` with the key "secret" padded with zeros and the
    /// IV 00 01 … 0f.
    @Test func resultsAreHelms() throws {
        #expect(
            try text(
                "decryptAES", .string("secret"),
                .string("AAECAwQFBgcICQoLDA0OD0r/MybptRaC3fNmLI+6kyY="))
                == "hello world")
        #expect(try text("decryptAES", .string("secret"), .string("")) == "")
        #expect(try text("encryptAES", .string("secret"), .string("")) == "")
        #expect(
            try text(
                "derivePassword", .int(1), .string("long"), .string("password"), .string("user"),
                .string("example.com")) == "ZedaFaxcZaso9*")
        #expect(
            try text(
                "derivePassword", .int(3), .string("maximum"), .string("pässword"),
                .string("üser"), .string("example.org")) == "box*^nMw@uEw&8VOqi7[")
        #expect(
            try text(
                "derivePassword", .int(1), .string("nope"), .string("p"), .string("u"),
                .string("s")) == "cannot find password template nope")
    }

    @Test func encryptedTextDecryptsWithTheSamePasswordOnly() throws {
        let sealed = try text(
            "encryptAES", .string("a password longer than thirty-two bytes"),
            .string("ünïcode ☃, more than one block of it"))
        #expect(
            try text(
                "decryptAES", .string("a password longer than thirty-two bytes"), .string(sealed))
                == "ünïcode ☃, more than one block of it")
        // Only the first 32 bytes of the password are the key.
        #expect(
            try text("decryptAES", .string("a password longer than thirty-two"), .string(sealed))
                == "ünïcode ☃, more than one block of it")
        let other = try? text("decryptAES", .string("another password"), .string(sealed))
        #expect(other != "ünïcode ☃, more than one block of it")
    }

    /// Go's panics, as `text/template` reports them, for input that is not a ciphertext.
    @Test(arguments: [
        ("not base64!", "illegal base64 data at input byte 3"),
        ("AAEC", "runtime error: slice bounds out of range [:16] with capacity 3"),
        ("AAECAwQFBgcICQoLDA0ODwABAg==", "crypto/cipher: input not full blocks"),
        (
            "AAECAwQFBgcICQoLDA0ODwABAgMEBQYHCAkKCwwNDg8=",
            "runtime error: slice bounds out of range [:-15]"
        ),
        ("AAECAwQFBgcICQoLDA0ODw==", "runtime error: index out of range [-1]"),
    ])
    func badCiphertextFailsAsInHelm(input: String, message: String) {
        #expect(failure("decryptAES", .string("k"), .string(input)) == message)
    }

    /// Helm's engine and shipml each decrypt what the other encrypted (the IVs are random), and
    /// derive the same passwords.
    @Test(.enabled(if: HelmDifferentialTests.oracleAvailable, HelmDifferentialTests.skipReason))
    func helmAndShipmlAgree() throws {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
        let plaintexts = ["x", "exactly 16 bytes", "ünïcøde ☃ and some more text", "a\nb"]
        var template = "data:\n"
        for (index, plaintext) in plaintexts.enumerated() {
            let quoted = "\"" + plaintext.replacingOccurrences(of: "\n", with: "\\n") + "\""
            template += "  e\(index): {{ encryptAES \"pw\(index)\" \(quoted) | quote }}\n"
        }
        template += """
              d0: {{ derivePassword 7 "basic" "master" "ünïcode user" "site.example" | quote }}
              d1: {{ derivePassword 4294967295 "pin" "" "" "" | quote }}
              d2: {{ derivePassword 2 "medium" "p" "u" "s" | quote }}

            """
        _ = try scratch.write("chart/templates/cm.yaml", template)
        let helm = try ProcessRunner.run([
            "python3", HelmDifferentialTests.oracle, scratch.path("chart"),
        ])
        #expect(helm.succeeded, "\(helm.stderr)")
        let ours = HelmTemplate(engine: HelmLibrary.engine).run(
            chartPath: scratch.path("chart"), values: HelmValueOptions(),
            options: HelmTemplateOptions(), fileSystem: LocalFileSystem())
        let shipml = try #require(ours.error == nil ? ours.output : nil)
        func fields(_ text: String) -> [String: String] {
            var out: [String: String] = [:]
            for line in text.split(separator: "\n") where line.hasPrefix("  ") {
                let parts = line.dropFirst(2).split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                out[String(parts[0])] = String(value.dropFirst().dropLast())
            }
            return out
        }
        let theirs = fields(helm.stdout)
        let mine = fields(shipml)
        for key in ["d0", "d1", "d2"] {
            #expect(mine[key] != nil && mine[key] == theirs[key], "\(key)")
        }
        // Each side decrypts the other's ciphertext.
        var check = "data:\n"
        for index in plaintexts.indices {
            let helmSealed = try #require(theirs["e\(index)"])
            let ourSealed = try #require(mine["e\(index)"])
            #expect(helmSealed != ourSealed)
            check += "  h\(index): {{ decryptAES \"pw\(index)\" \"\(helmSealed)\" | toJson }}\n"
            check += "  s\(index): {{ decryptAES \"pw\(index)\" \"\(ourSealed)\" | toJson }}\n"
        }
        _ = try scratch.write("chart/templates/cm.yaml", check)
        let helmOpened = try ProcessRunner.run([
            "python3", HelmDifferentialTests.oracle, scratch.path("chart"),
        ])
        let ourOpened = HelmTemplate(engine: HelmLibrary.engine).run(
            chartPath: scratch.path("chart"), values: HelmValueOptions(),
            options: HelmTemplateOptions(), fileSystem: LocalFileSystem())
        #expect(helmOpened.succeeded && ourOpened.output == helmOpened.stdout)
        for (index, plaintext) in plaintexts.enumerated() {
            let json = String(
                decoding: try JSONEncoder().encode(plaintext), as: UTF8.self)
            #expect(ourOpened.output.contains("h\(index): \(json)\n"), "\(ourOpened.output)")
        }
    }
}
