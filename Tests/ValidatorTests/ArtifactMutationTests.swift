import Foundation
import ShipMLTestSupport
import Testing
import Validator

/// SplitMix64: a small deterministic generator, so a failing mutation can be replayed.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("artifact checks on mutated files")
struct ArtifactMutationTests {
    /// Valid files of each format, the seeds of the mutations.
    private static func seeds(in scratch: ScratchDirectory) throws -> [(String, [UInt8])] {
        let safetensors = Fixture.safetensors(
            #"{"__metadata__":{"a":"b"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"#
                + #""q":{"dtype":"F4","shape":[4],"data_offsets":[16,18]}}"#, data: 18)
        let gguf = Fixture.gguf(
            kvs: [
                Fixture.ggufKV("general.alignment", type: 4, Fixture.le(32, 4)),
                Fixture.ggufKV(
                    "tokens", type: 9,
                    Fixture.le(8, 4) + Fixture.le(2, 8) + Fixture.ggufString("a")
                        + Fixture.ggufString("bc")),
            ],
            tensors: [
                Fixture.ggufTensor("w", [8], type: 0, offset: 0),
                Fixture.ggufTensor("q", [32], type: 8, offset: 32),
            ], data: 96)
        let onnx = Fixture.onnxWithSubgraph(
            Fixture.externalTensor("w", [("location", "w.bin"), ("length", "4")]))
        try Fixture.python(
            """
            import collections, pickle, zipfile
            data = pickle.dumps(collections.OrderedDict([('a', [1.5, 'x', b'y', (1, 2)])]), 4)
            open('seed.pkl', 'wb').write(data)
            with zipfile.ZipFile('seed.pt', 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('archive/data.pkl', pickle.dumps({'w': [1, 2, 3]}, 2))
                z.writestr('archive/version', '3')
            """, in: scratch.path)
        let pickle = try [UInt8](Data(contentsOf: scratch.url("seed.pkl")))
        let zip = try [UInt8](Data(contentsOf: scratch.url("seed.pt")))
        return [
            ("m.safetensors", safetensors), ("m.gguf", gguf), ("m.onnx", onnx), ("m.pkl", pickle),
            ("m.pt", zip),
        ]
    }

    @Test func mutatedFilesNeverCrashOrHang() throws {
        let scratch = try ScratchDirectory(prefix: "shipml-artifacts")
        try scratch.write("w.bin", Data(count: 8))
        var random = SplitMix(state: 5)
        var checked = 0
        for (name, seed) in try Self.seeds(in: scratch) {
            try scratch.write(name, Data(seed))
            let valid = try ArtifactChecker.checkFile(name, in: scratch.path)
            #expect(valid.findings.isEmpty, "the seed \(name) should be valid: \(valid.findings)")
            for _ in 0..<300 {
                var bytes = seed
                switch random.next() % 4 {
                case 0:
                    for _ in 0...(random.next() % 4) {
                        let index = Int(random.next() % UInt64(bytes.count))
                        bytes[index] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                    }
                case 1:
                    bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
                case 2:
                    let index = Int(random.next() % UInt64(bytes.count))
                    bytes[index] = [0x00, 0xff, 0x7f, 0x80][Int(random.next() % 4)]
                default:
                    let index = Int(random.next() % UInt64(bytes.count + 1))
                    let junk = (0..<(1 + random.next() % 16)).map { _ in
                        UInt8(truncatingIfNeeded: random.next())
                    }
                    bytes.insert(contentsOf: junk, at: index)
                }
                try scratch.write(name, Data(bytes))
                // Reaching the next line is the assertion: no crash, no trap, no hang.
                _ = try ArtifactChecker.checkFile(name, in: scratch.path)
                checked += 1
            }
        }
        #expect(checked == 1500)
    }
}
