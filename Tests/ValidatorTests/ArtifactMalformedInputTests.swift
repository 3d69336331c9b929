import Foundation
import ShipMLTestSupport
import Testing
import Validator

/// One malformed model directory and the finding it must produce.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [String: [UInt8]] = [:]
    /// A Python script run in the model directory after `files` are written.
    var python: String?
    var check: String
    var expected: String
    var rules = ArtifactRules()

    var testDescription: String { name }
}

private let reducer = """
    import pickle, os, sys, io, zipfile, struct, zlib
    class R:
        def __init__(self, f, a): self.f, self.a = f, a
        def __reduce__(self): return (self.f, self.a)

    """

private func st(_ header: String, data: Int = 0, length: UInt64? = nil) -> [String: [UInt8]] {
    ["model.safetensors": Fixture.safetensors(header, data: data, length: length)]
}

private let f32 = #""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#

private func gg(_ bytes: [UInt8]) -> [String: [UInt8]] { ["model.gguf": bytes] }

private let tensorA = Fixture.ggufTensor("a", [4], type: 0, offset: 0)

private func onnx(_ entries: [(String, String)]) -> [String: [UInt8]] {
    [
        "model.onnx": Fixture.onnx(initializers: [Fixture.externalTensor("w", entries)]),
        "weights.bin": [UInt8](repeating: 0, count: 16),
    ]
}

private func pickleCase(_ name: String, _ code: String, _ expected: String) -> MalformedCase {
    MalformedCase(
        name: name, python: reducer + code, check: "pickle", expected: expected)
}

private let malformedCases: [MalformedCase] = [
    // safetensors
    MalformedCase(
        name: "safetensors shorter than 8 bytes", files: ["model.safetensors": [1, 2, 3]],
        check: "safetensors", expected: "is 3 bytes long; expected at least the 8-byte"),
    MalformedCase(
        name: "safetensors 4 GiB header length", files: st("{}", length: 1 << 32),
        check: "safetensors",
        expected: "declares a header of 4294967296 bytes; expected at most 100000000"),
    MalformedCase(
        name: "safetensors header longer than file", files: st("{}", length: 1000),
        check: "safetensors", expected: "declares a header of 1000 bytes, but the file holds only 2"
    ),
    MalformedCase(
        name: "safetensors header not an object", files: st("[1, 2]"),
        check: "safetensors", expected: "does not start with '{'"),
    MalformedCase(
        name: "safetensors header not UTF-8",
        files: ["model.safetensors": Fixture.le(4, 8) + [0x7b, 0xff, 0xfe, 0x7d]],
        check: "safetensors", expected: "header): is not valid UTF-8"),
    MalformedCase(
        name: "safetensors truncated JSON", files: st(#"{"a":{"dtype":"F32""#),
        check: "safetensors", expected: "is not valid JSON: unexpected end inside an object"),
    MalformedCase(
        name: "safetensors duplicate tensor", files: st("{\(f32),\(f32)}", data: 8),
        check: "safetensors", expected: "is not valid JSON: duplicate key \"a\""),
    MalformedCase(
        name: "safetensors duplicate metadata key",
        files: st(#"{"__metadata__":{"k":"1","k":"2"}}"#),
        check: "safetensors", expected: "duplicate key \"k\""),
    MalformedCase(
        name: "safetensors metadata value not a string",
        files: st(#"{"__metadata__":{"k":1}}"#),
        check: "safetensors", expected: "__metadata__.k): is a number; expected a string"),
    MalformedCase(
        name: "safetensors unknown dtype",
        files: st(#"{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}"#, data: 16),
        check: "safetensors", expected: "has an unknown dtype \"F128\""),
    MalformedCase(
        name: "safetensors missing data_offsets",
        files: st(#"{"a":{"dtype":"F32","shape":[1]}}"#, data: 4),
        check: "safetensors", expected: "(a): has no data_offsets"),
    MalformedCase(
        name: "safetensors tensor not an object", files: st(#"{"a":1}"#),
        check: "safetensors", expected: "(a): is a number; expected an object"),
    MalformedCase(
        name: "safetensors shape overflow",
        files: st(
            #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#,
            data: 4),
        check: "safetensors", expected: "element count overflows 64 bits"),
    MalformedCase(
        name: "safetensors byte size overflow",
        files: st(#"{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]}}"#),
        check: "safetensors", expected: "whose size overflows 64 bits"),
    MalformedCase(
        name: "safetensors negative dimension",
        files: st(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: 4),
        check: "safetensors", expected: "shape entry that is not an unsigned 64-bit integer"),
    MalformedCase(
        name: "safetensors end before begin",
        files: st(
            #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"#
                + #""b":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: 4),
        check: "safetensors", expected: "(b.data_offsets): ends at 0 before it begins at 4"),
    MalformedCase(
        name: "safetensors hole",
        files: st(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: 8),
        check: "safetensors", expected: "begins at 4, leaving a hole after byte 0"),
    MalformedCase(
        name: "safetensors overlap",
        files: st(
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
                + #""b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: 8),
        check: "safetensors", expected: "begins at 4, overlapping bytes up to 8"),
    MalformedCase(
        name: "safetensors lying size",
        files: st(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}}"#, data: 8),
        check: "safetensors", expected: "spans 8 bytes; expected 16 for 4 elements of F32"),
    MalformedCase(
        name: "safetensors polyglot trailing bytes", files: st("{\(f32)}", data: 8 + 100),
        check: "safetensors", expected: "100 more bytes follow; expected no trailing bytes"),
    MalformedCase(
        name: "safetensors data shorter than offsets", files: st("{\(f32)}", data: 4),
        check: "safetensors", expected: "the tensors end at byte 8 of the data, past its 4 bytes"),
    MalformedCase(
        name: "safetensors F4 odd element count",
        files: st(#"{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}"#, data: 2),
        check: "safetensors", expected: "3 elements of F4, which do not fill whole bytes"),

    // GGUF
    MalformedCase(
        name: "gguf bad magic", files: gg(Array("GGML".utf8) + [UInt8](repeating: 0, count: 60)),
        check: "gguf", expected: "does not start with the magic 'GGUF'"),
    MalformedCase(
        name: "gguf version 1", files: gg(Fixture.gguf(version: 1, kvs: [], tensors: [], data: 0)),
        check: "gguf", expected: "version 1 is not supported; expected 2 or 3"),
    MalformedCase(
        name: "gguf byte-swapped version",
        files: gg(Fixture.gguf(version: 0x0300_0000, kvs: [], tensors: [], data: 0)),
        check: "gguf", expected: "is byte-swapped (3): the file was written on a machine"),
    MalformedCase(
        name: "gguf absurd tensor count",
        files: gg(Fixture.gguf(kvs: [], tensors: [], data: 0, tensorCount: 1 << 40)),
        check: "gguf", expected: "claims 1099511627776 tensors"),
    MalformedCase(
        name: "gguf truncated in the pairs",
        files: gg(Fixture.gguf(kvs: [], tensors: [], data: 0, kvCount: 1)),
        check: "gguf", expected: "needs 4 bytes, but the file ends after 0"),
    MalformedCase(
        name: "gguf duplicate key",
        files: gg(
            Fixture.gguf(
                kvs: [
                    Fixture.ggufKV("general.name", type: 4, Fixture.le(1, 4)),
                    Fixture.ggufKV("general.name", type: 4, Fixture.le(1, 4)),
                ], tensors: [], data: 0)),
        check: "gguf", expected: "key \"general.name\" appears twice"),
    MalformedCase(
        name: "gguf string longer than the file",
        files: gg(
            Fixture.gguf(
                kvs: [Fixture.ggufKV("k", type: 8, Fixture.le(1 << 40, 8))], tensors: [], data: 0)),
        check: "gguf", expected: "needs 1099511627776 bytes, but the file ends after"),
    MalformedCase(
        name: "gguf alignment not a power of two",
        files: gg(
            Fixture.gguf(
                kvs: [Fixture.ggufKV("general.alignment", type: 4, Fixture.le(48, 4))],
                tensors: [], data: 0)),
        check: "gguf", expected: "is 48; expected a power of two no larger than 1048576"),
    MalformedCase(
        name: "gguf alignment above 1 MiB",
        files: gg(
            Fixture.gguf(
                kvs: [Fixture.ggufKV("general.alignment", type: 4, Fixture.le(1 << 21, 4))],
                tensors: [], data: 0)),
        check: "gguf", expected: "is 2097152; expected a power of two"),
    MalformedCase(
        name: "gguf alignment of the wrong type",
        files: gg(
            Fixture.gguf(
                kvs: [Fixture.ggufKV("general.alignment", type: 10, Fixture.le(32, 8))],
                tensors: [], data: 0)),
        check: "gguf", expected: "has value type 10; expected UINT32 (4)"),
    MalformedCase(
        name: "gguf unknown value type",
        files: gg(Fixture.gguf(kvs: [Fixture.ggufKV("k", type: 13, [])], tensors: [], data: 0)),
        check: "gguf", expected: "(k): has unknown value type 13"),
    MalformedCase(
        name: "gguf nested array",
        files: gg(
            Fixture.gguf(
                kvs: [Fixture.ggufKV("k", type: 9, Fixture.le(9, 4) + Fixture.le(1, 8))],
                tensors: [], data: 0)),
        check: "gguf", expected: "is an array of arrays, which ggml's reader does not accept"),
    MalformedCase(
        name: "gguf array longer than the file",
        files: gg(
            Fixture.gguf(
                kvs: [Fixture.ggufKV("k", type: 9, Fixture.le(12, 4) + Fixture.le(1 << 60, 8))],
                tensors: [], data: 0)),
        check: "gguf", expected: "is an array of 1152921504606846976 values that runs past"),
    MalformedCase(
        name: "gguf five dimensions",
        files: gg(
            Fixture.gguf(
                kvs: [], tensors: [Fixture.ggufTensor("a", [1, 1, 1, 1, 1], type: 0, offset: 0)],
                data: 32)),
        check: "gguf", expected: "has 5 dimensions; expected at most 4"),
    MalformedCase(
        name: "gguf removed type",
        files: gg(
            Fixture.gguf(
                kvs: [], tensors: [Fixture.ggufTensor("a", [32], type: 4, offset: 0)], data: 32)),
        check: "gguf", expected: "has unknown or removed ggml type 4"),
    MalformedCase(
        name: "gguf row not a multiple of the block",
        files: gg(
            Fixture.gguf(
                kvs: [], tensors: [Fixture.ggufTensor("a", [10], type: 8, offset: 0)], data: 64)),
        check: "gguf", expected: "rows of 10 elements, not a multiple of the Q8_0 block size 32"),
    MalformedCase(
        name: "gguf duplicate tensor",
        files: gg(Fixture.gguf(kvs: [], tensors: [tensorA, tensorA], data: 64)),
        check: "gguf", expected: "tensor \"a\" appears twice"),
    MalformedCase(
        name: "gguf offsets not contiguous",
        files: gg(
            Fixture.gguf(
                kvs: [],
                tensors: [tensorA, Fixture.ggufTensor("b", [4], type: 0, offset: 16)], data: 64)),
        check: "gguf", expected: "has data offset 16; expected 32"),
    MalformedCase(
        name: "gguf data past the end",
        files: gg(Fixture.gguf(kvs: [], tensors: [tensorA], data: 8)),
        check: "gguf", expected: "the tensors need 32 bytes of data"),

    // ONNX
    MalformedCase(
        name: "onnx location climbing out", files: onnx([("location", "../secret.bin")]),
        check: "onnx", expected: "'../secret.bin', which climbs out with '..'"),
    MalformedCase(
        name: "onnx absolute location", files: onnx([("location", "/etc/passwd")]),
        check: "onnx", expected: "'/etc/passwd', which is absolute"),
    MalformedCase(
        name: "onnx Windows location", files: onnx([("location", "C:\\data.bin")]),
        check: "onnx", expected: "which is an absolute Windows path"),
    MalformedCase(
        name: "onnx missing location file", files: onnx([("location", "nothere.bin")]),
        check: "onnx", expected: "'nothere.bin', which does not exist"),
    MalformedCase(
        name: "onnx location through a symlink out",
        files: onnx([("location", "link.bin")]),
        python: "import os; os.symlink('/etc/hostname', 'link.bin')", check: "onnx",
        expected: "'link.bin', which resolves through a symbolic link"),
    MalformedCase(
        name: "onnx location in a subgraph",
        files: [
            "model.onnx": Fixture.onnxWithSubgraph(
                Fixture.externalTensor("w", [("location", "a/../../x.bin")]))
        ],
        check: "onnx", expected: "(tensor w): has external data location 'a/../../x.bin'"),
    MalformedCase(
        name: "onnx length past the file",
        files: onnx([("location", "weights.bin"), ("offset", "8"), ("length", "16")]),
        check: "onnx", expected: "reads 16 bytes at offset 8 of 'weights.bin', past its 16 bytes"),
    MalformedCase(
        name: "onnx truncated protobuf",
        files: [
            "model.onnx": Array(
                Fixture.onnx(initializers: [Fixture.externalTensor("w", [])])
                    .dropLast(3))
        ],
        check: "onnx", expected: "is not a valid ONNX protobuf"),

    // pickles, made by Python's pickle module
    pickleCase(
        "pickle os.system protocol 0",
        "open('m.pkl','wb').write(pickle.dumps(R(os.system, ('id',)), protocol=0))",
        "GLOBAL imports the dangerous global posix.system"),
    pickleCase(
        "pickle os.system protocol 2",
        "open('m.pkl','wb').write(pickle.dumps(R(os.system, ('id',)), protocol=2))",
        "GLOBAL imports the dangerous global posix.system"),
    pickleCase(
        "pickle os.system protocol 4",
        "open('m.pkl','wb').write(pickle.dumps(R(os.system, ('id',)), protocol=4))",
        "STACK_GLOBAL imports the dangerous global posix.system"),
    pickleCase(
        "pickle os.system protocol 5 in a joblib file",
        "open('m.joblib','wb').write(pickle.dumps(R(os.system, ('id',)), protocol=5))",
        "STACK_GLOBAL imports the dangerous global posix.system"),
    pickleCase(
        "pickle importlib indirection",
        "import importlib\n"
            + "open('m.pkl','wb').write(pickle.dumps(R(importlib.import_module, ('os',)), 4))",
        "imports the dangerous global importlib.import_module"),
    pickleCase(
        "pickle builtins eval", "open('m.pkl','wb').write(pickle.dumps(R(eval, ('1',)), 2))",
        "dangerous global __builtin__.eval: builtin eval can evaluate code"),
    pickleCase(
        "pickle builtins getattr",
        "open('m.pkl','wb').write(pickle.dumps(R(getattr, (1, 'real')), 4))",
        "dangerous global builtins.getattr"),
    pickleCase(
        "pickle subprocess",
        "import subprocess\n"
            + "open('m.pickle','wb').write(pickle.dumps(R(subprocess.Popen, (['id'],)), 3))",
        "dangerous global subprocess.Popen"),
    pickleCase(
        "pickle functools.partial",
        "import functools\n"
            + "open('m.pkl','wb').write(pickle.dumps(functools.partial(print, 1), 2))",
        "functools.partial is on the deny list"),
    pickleCase(
        "pickle memo trick through MEMOIZE and BINGET",
        "open('m.pkl','wb').write(b'\\x80\\x04\\x8c\\x02os\\x94' b'0' b'\\x8c\\x06system\\x94' "
            + "b'0' b'h\\x00h\\x01\\x93' b'\\x8c\\x02id\\x85R.')",
        "byte 22): STACK_GLOBAL imports the dangerous global os.system"),
    pickleCase(
        "pickle memo slot overwritten",
        "open('m.pkl','wb').write(b'\\x80\\x04\\x8c\\x0bcollectionsq\\x000' "
            + "b'\\x8c\\x02osq\\x000\\x8c\\x06systemq\\x010h\\x00h\\x01\\x93N\\x85R.')",
        "STACK_GLOBAL imports the dangerous global os.system"),
    pickleCase(
        "pickle computed STACK_GLOBAL operand",
        "open('m.pkl','wb').write(b'cbuiltins\\nstr\\n\\x8c\\x02os\\x85R\\x8c\\x06system\\x93N.')",
        "byte 28): STACK_GLOBAL imports a global whose module or name is computed"),
    pickleCase(
        "pickle escaped STRING operand",
        "open('m.pkl','wb').write(b\"S'o\\\\x73'\\nS'system'\\n\\x93.\")",
        "module or name is computed, not a string constant"),
    pickleCase(
        "pickle INST", "open('m.pkl','wb').write(b\"(S'id'\\nios\\nsystem\\n.\")",
        "INST imports the dangerous global os.system"),
    pickleCase(
        "pickle EXT1", "open('m.pkl','wb').write(b'\\x80\\x02\\x82\\x01.')",
        "EXT1 imports extension code 1 from the copyreg registry"),
    pickleCase(
        "pickle unknown opcode", "open('m.pkl','wb').write(b'\\x80\\x02\\xff.')",
        "byte 2): cannot be parsed: unknown opcode 0xff"),
    pickleCase(
        "pickle truncated",
        "open('m.pkl','wb').write(pickle.dumps({'a': 'x' * 100}, 2)[:20])",
        "the argument of opcode X runs past the end of the data"),
    pickleCase(
        "pickle without STOP", "open('m.pkl','wb').write(b'\\x80\\x02N')",
        "the data ends before a STOP opcode"),
    pickleCase(
        "pickle stack underflow", "open('m.pkl','wb').write(b'\\x80\\x02R.')",
        "byte 2): cannot be parsed: the stack underflows"),
    pickleCase(
        "pickle suspicious global",
        "import datetime\nopen('m.pkl','wb').write(pickle.dumps(datetime.date(2020, 1, 1), 2))",
        "GLOBAL imports datetime.date, which is not on the allow list"),

    // PyTorch zip archives
    MalformedCase(
        name: "pt zip with os.system in data.pkl",
        python: reducer + """
            with zipfile.ZipFile('model.pt', 'w') as z:
                z.writestr('archive/data.pkl', pickle.dumps(R(os.system, ('id',)), 2))
                z.writestr('archive/version', '3')
            """,
        check: "pickle",
        expected: "model.pt:archive/data.pkl (byte 2): GLOBAL imports the dangerous"),
    MalformedCase(
        name: "pt zip bomb by declared ratio",
        python: reducer + """
            with zipfile.ZipFile('model.pt', 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('archive/data.pkl', bytes(30_000_000))
            """,
        check: "zip",
        expected: "declares 30000000 bytes from 29",
    ),
    MalformedCase(
        name: "pt zip bomb lying about its size",
        python: reducer + """
            with zipfile.ZipFile('model.pt', 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('archive/data.pkl', bytes(30_000_000))
            data = bytearray(open('model.pt', 'rb').read())
            struct.pack_into('<I', data, 22, 1000)
            struct.pack_into('<I', data, data.rfind(b'PK\\x01\\x02') + 24, 1000)
            open('model.pt', 'wb').write(bytes(data))
            """,
        check: "zip", expected: "compressed, a ratio above 100 (a zip bomb); not scanned"),
    MalformedCase(
        name: "pt member larger than the limit",
        python: reducer + """
            with zipfile.ZipFile('model.bin', 'w') as z:
                z.writestr('archive/data.pkl', bytes(2_000_000))
            """,
        check: "zip",
        expected: "declares 2000000 bytes uncompressed, more than the limit of 1000000",
        rules: ArtifactRules(maxDecompressedBytes: 1_000_000)),
    MalformedCase(
        name: "pt zip truncated",
        python: reducer + """
            with zipfile.ZipFile('model.pt', 'w') as z:
                z.writestr('archive/data.pkl', pickle.dumps([1], 2))
            open('model.pt', 'r+b').truncate(40)
            """,
        check: "zip", expected: "is not a readable zip archive: has no end-of-central-directory"),

    MalformedCase(
        name: "safetensors header length one over the limit",
        files: st("{}", length: 100_000_001),
        check: "safetensors",
        expected: "declares a header of 100000001 bytes; expected at most 100000000"),
    MalformedCase(
        name: "gguf tensor name longer than 63 bytes",
        files: gg(
            Fixture.gguf(
                kvs: [],
                tensors: [
                    Fixture.ggufTensor(String(repeating: "n", count: 64), [4], type: 0, offset: 0)
                ],
                data: 32)),
        check: "gguf", expected: "is 64 bytes; expected at most 63"),
    pickleCase(
        "pickle protocol 6", "open('m.pkl','wb').write(b'\\x80\\x06N.')",
        "byte 0): cannot be parsed: protocol 6 is not 0 to 5"),
    pickleCase(
        "pickle legacy torch file with raw bytes after the pickles",
        "open('m.pt','wb').write(pickle.dumps(R(os.system, ('id',)), 2) + b'\\x01\\x02\\x03')",
        "3 bytes after the last pickle are not a pickle and were not scanned"),
    MalformedCase(
        name: "pt member with an unsupported compression method",
        python: reducer + """
            with zipfile.ZipFile('model.pt', 'w', zipfile.ZIP_BZIP2) as z:
                z.writestr('archive/data.pkl', pickle.dumps([1], 2))
            """,
        check: "zip", expected: "uses compression method 12; expected stored (0) or deflated (8)"),
    MalformedCase(
        name: "pt members overlapping",
        python: reducer + """
            with zipfile.ZipFile('model.pt', 'w') as z:
                z.writestr('archive/data.pkl', pickle.dumps([1], 2))
                z.writestr('archive/other.pkl', pickle.dumps([2], 2))
            data = bytearray(open('model.pt', 'rb').read())
            second = data.rfind(b'PK\\x01\\x02')
            struct.pack_into('<I', data, second + 42, 0)
            open('model.pt', 'wb').write(bytes(data))
            """,
        check: "zip", expected: "overlap; expected separate data for each member"),

    // the directory
    MalformedCase(
        name: "symlink leaving the model directory", files: ["config.json": Array("{}".utf8)],
        python: "import os; os.symlink('/etc/hostname', 'leak.txt')", check: "manifest",
        expected: "leak.txt: is a symbolic link to '/etc/hostname', outside the model directory"),
    MalformedCase(
        name: "required tokenizer missing", files: ["config.json": Array("{}".utf8)],
        check: "required-files",
        expected: "the model directory has no tokenizer; expected one of: tokenizer.json",
        rules: ArtifactRules(requiredFiles: [.config, .tokenizer])),
    MalformedCase(
        name: "model card without a licence",
        files: ["README.md": Array("---\ntags: [x]\n---\n# Model\n".utf8)],
        check: "required-files",
        expected: "README.md: does not make a model card with a licence",
        rules: ArtifactRules(requiredFiles: [.modelCardWithLicense])),
]

@Suite("artifact checks on malformed input")
struct ArtifactMalformedInputTests {
    @Test func thereAreAtLeastFortyMalformedInputs() {
        #expect(malformedCases.count >= 40)
    }

    @Test(arguments: malformedCases)
    func malformedInputGetsAPreciseFinding(_ testCase: MalformedCase) throws {
        let scratch = try ScratchDirectory(prefix: "shipml-artifacts")
        for (path, bytes) in testCase.files { try scratch.write(path, Data(bytes)) }
        if let script = testCase.python { try Fixture.python(script, in: scratch.path) }
        let report = try ArtifactChecker.check(directory: scratch.path, rules: testCase.rules)
        let matching = report.findings.filter {
            $0.check == testCase.check && $0.description.contains(testCase.expected)
        }
        #expect(
            !matching.isEmpty,
            Comment(
                rawValue: "expected a \(testCase.check) finding with \"\(testCase.expected)\"; "
                    + "got:\n" + report.findings.map(\.description).joined(separator: "\n")))
        #expect(!report.passed)
    }
}
