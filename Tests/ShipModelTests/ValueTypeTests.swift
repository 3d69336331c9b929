import ShipModel
import Testing

@Suite("digests, references, durations")
struct ValueTypeTests {
    @Test func digestsValidate() throws {
        let hex = String(repeating: "ab", count: 32)
        let digest = try Digest("sha256:\(hex)")
        #expect(digest.algorithm == "sha256" && digest.encoded == hex)
        #expect(
            Digest(sha256: [0x00, 0xff] + [UInt8](repeating: 1, count: 30)).encoded.hasPrefix(
                "00ff0101"))
        for bad in [
            "sha256", "sha256:abc", "md5:\(hex)", "sha256:\(hex.uppercased())", "sha256:\(hex)0",
        ] {
            #expect(throws: ModelError.self) { try Digest(bad) }
        }
    }

    @Test(arguments: [
        ("oci:/tmp/layout:v1", "oci:/tmp/layout:v1", "v1"),
        ("oci:layout", "oci:layout", nil),
        ("localhost:5000/ml/model:1.0", "localhost:5000/ml/model:1.0", "1.0"),
        ("docker://registry.example.com/a/b", "registry.example.com/a/b", nil),
        ("127.0.0.1:5000/x__y/a-b.c", "127.0.0.1:5000/x__y/a-b.c", nil),
    ])
    func referencesParse(text: String, canonical: String, tag: String?) throws {
        let reference = try ImageReference(parsing: text)
        #expect(reference.description == canonical)
        #expect(reference.tag == tag)
    }

    @Test func referenceWithDigest() throws {
        let hex = String(repeating: "0", count: 64)
        let reference = try ImageReference(parsing: "ghcr.io/org/model:v1@sha256:\(hex)")
        guard case .registry(let registry) = reference else {
            Issue.record("expected a registry reference")
            return
        }
        #expect(registry.host == "ghcr.io")
        #expect(registry.repository == "org/model")
        #expect(registry.tag == "v1")
        #expect(registry.digest?.encoded == hex)
    }

    @Test(arguments: [
        "ubuntu", "ubuntu:22.04", "Registry.example.com/Org/Model", "registry.example.com/",
        "oci:", "oci:dir:.hidden", "host.io/a//b", "host.io/a:ta g", "host.io/a@sha256:12",
        "-bad.io/a",
    ])
    func badReferencesAreRejected(text: String) {
        #expect(throws: ModelError.self) { try ImageReference(parsing: text) }
    }

    @Test(arguments: [
        ("30m", 1800), ("2h", 7200), ("1h30m", 5400), ("1d", 86400), ("2w", 1_209_600), ("45s", 45),
        ("0", 0),
    ])
    func durationsParse(text: String, seconds: Int) throws {
        let duration = try #require(ShipDuration(parsing: text))
        #expect(duration.seconds == seconds)
        #expect(ShipDuration(parsing: duration.description) == duration)
    }

    @Test(arguments: [
        "soon", "", "30", "m30", "1m1h", "1.5h", "-1h", "1h 30m", "99999999999999999999w",
    ])
    func badDurationsAreRejected(text: String) {
        #expect(ShipDuration(parsing: text) == nil)
    }

    /// Ages keep the two largest units, as kubectl's do.
    @Test(arguments: [
        (0, "0s"), (36, "36s"), (2136, "35m36s"), (7200, "2h"), (7260, "2h1m"),
        (309_336, "3d13h"), (28_736_136, "47w3d"), (604_800 + 3600, "1w"),
    ])
    func agesShowTwoUnits(seconds: Int, age: String) {
        #expect(ShipDuration(seconds: seconds).age == age)
    }
}
