import Foundation
import ShipMLTestSupport
import Testing
import Validator

@Suite("artifact checks on valid models")
struct ArtifactCheckerTests {
    @Test func manifestDigestsMatchPythonHashlibAndModelSigning() throws {
        let scratch = try ScratchDirectory(prefix: "shipml-artifacts")
        try scratch.write("b.txt", "bravo")
        try scratch.write("a/z.bin", Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7) }))
        try scratch.write("config.json", "{}")
        try scratch.write(".git/HEAD", "ref: refs/heads/main")
        try scratch.write("__pycache__/x.pyc", "clutter")
        let report = try ArtifactChecker.check(directory: scratch.path)
        // An independent computation: per-file SHA-256, then SHA-256 over the binary digests
        // in sorted path order, as model_signing's DigestOfDigests payload does.
        let script = """
            import hashlib
            paths = sorted(['b.txt', 'a/z.bin', 'config.json'])
            digests = [hashlib.sha256(open(p, 'rb').read()).digest() for p in paths]
            for p, d in zip(paths, digests): print(p, d.hex())
            print(hashlib.sha256(b''.join(digests)).hexdigest())
            """
        let result = try ProcessRunner.run(["python3", "-c", script], in: scratch.path)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(report.manifest.entries.map(\.path) == ["a/z.bin", "b.txt", "config.json"])
        #expect(
            report.manifest.entries.map { "\($0.path) \($0.sha256)" } == Array(lines.prefix(3)))
        #expect(report.manifest.entries.map(\.size) == [300_000, 5, 2])
        #expect(report.manifest.modelDigest == lines.last)
        #expect(report.findings.isEmpty)
    }

    @Test func validSafetensorsReportsParametersAndTypes() throws {
        let scratch = try ScratchDirectory(prefix: "shipml-artifacts")
        let header =
            #"{"__metadata__":{"format":"pt","n\u00e9":"\"q\""},"#
            + #""w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"#
            + #""b":{"dtype":"BF16","shape":[4],"data_offsets":[24,32]},"#
            + #""q":{"dtype":"F4","shape":[2,3],"data_offsets":[32,35]},"#
            + #""s":{"dtype":"I64","shape":[],"data_offsets":[35,43],"note":1},"#
            + #""e":{"dtype":"F16","shape":[0,5],"data_offsets":[43,43]}}    "#
        try scratch.write("model.safetensors", Data(Fixture.safetensors(header, data: 43)))
        let report = try ArtifactChecker.check(directory: scratch.path)
        // An unknown field is ignored by the reference reader: a warning, not an error.
        #expect(
            report.findings.map(\.description) == [
                "warning: safetensors: model.safetensors (s): has an unknown field \"note\", "
                    + "which readers ignore"
            ])
        let weight = try #require(report.weights.first)
        #expect(weight.format == "safetensors")
        #expect(weight.tensorCount == 5)
        #expect(weight.parameterCount == 6 + 4 + 6 + 1)
        #expect(weight.parametersByType == ["F32": 6, "BF16": 4, "F4": 6, "I64": 1, "F16": 0])
    }

    @Test func validGGUFReportsTensorsAndParameters() throws {
        let scratch = try ScratchDirectory(prefix: "shipml-artifacts")
        let tokens =
            Fixture.le(8, 4) + Fixture.le(3, 8)
            + ["<s>", "a", "b"].flatMap(Fixture.ggufString)
        let bytes = Fixture.gguf(
            kvs: [
                Fixture.ggufKV("general.architecture", type: 8, Fixture.ggufString("llama")),
                Fixture.ggufKV("general.alignment", type: 4, Fixture.le(64, 4)),
                Fixture.ggufKV("tokenizer.ggml.tokens", type: 9, tokens),
                Fixture.ggufKV("llama.rope", type: 6, Fixture.le(0x3f80_0000, 4)),
            ],
            tensors: [
                Fixture.ggufTensor("w", [4, 2], type: 0, offset: 0),
                Fixture.ggufTensor("q", [64], type: 8, offset: 64),
            ], alignment: 64, data: 64 + 128)
        try scratch.write("model.gguf", Data(bytes))
        let report = try ArtifactChecker.check(directory: scratch.path)
        #expect(report.findings.isEmpty, "\(report.findings)")
        let weight = try #require(report.weights.first)
        #expect(weight.format == "gguf")
        #expect(weight.tensorCount == 2)
        #expect(weight.parameterCount == 72)
        #expect(weight.parametersByType == ["F32": 8, "Q8_0": 64])
    }

    @Test func onnxWithExternalDataInsideTheDirectoryPasses() throws {
        let scratch = try ScratchDirectory(prefix: "shipml-artifacts")
        let model = Fixture.onnx(initializers: [
            Fixture.externalTensor(
                "w", [("location", "data/w.bin"), ("offset", "4"), ("length", "12")])
        ])
        try scratch.write("sub/model.onnx", Data(model))
        try scratch.write("sub/data/w.bin", Data(count: 16))
        let report = try ArtifactChecker.check(directory: scratch.path)
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.scannedFiles == ["sub/model.onnx"])
    }

    @Test func torchLikeCheckpointWithAllowedGlobalsPasses() throws {
        let scratch = try ScratchDirectory(prefix: "shipml-artifacts")
        // A stand-in for torch: modules registered under torch's names, pickled as torch.save
        // does (persistent ids for storages, _rebuild_tensor_v2, an OrderedDict).
        let script = """
            import collections, pickle, sys, types, zipfile
            torch = types.ModuleType('torch'); utils = types.ModuleType('torch._utils')
            sys.modules['torch'] = torch; sys.modules['torch._utils'] = utils
            def _rebuild_tensor_v2(*args): pass
            _rebuild_tensor_v2.__module__ = 'torch._utils'
            utils._rebuild_tensor_v2 = _rebuild_tensor_v2
            class FloatStorage: pass
            FloatStorage.__module__ = 'torch'; torch.FloatStorage = FloatStorage
            class Storage: pass
            class Tensor:
                def __reduce__(self):
                    return (_rebuild_tensor_v2,
                            (Storage(), 0, (2, 2), (2, 1), False, collections.OrderedDict()))
            class P(pickle.Pickler):
                def persistent_id(self, obj):
                    if isinstance(obj, Storage): return ('storage', FloatStorage, '0', 'cpu', 4)
                    return None
            for protocol, name in [(2, 'model.pt'), (4, 'pytorch_model.bin')]:
                import io
                buffer = io.BytesIO()
                P(buffer, protocol=protocol).dump(
                    collections.OrderedDict([('w', Tensor()), ('b', Tensor())]))
                with zipfile.ZipFile(name, 'w', zipfile.ZIP_DEFLATED) as z:
                    z.writestr('archive/data.pkl', buffer.getvalue())
                    z.writestr('archive/data/0', bytes(16))
                    z.writestr('archive/version', '3')
            open('state.pkl', 'wb').write(pickle.dumps({'lr': 0.1, 'steps': [1, 2]}, 5))
            """
        try Fixture.python(script, in: scratch.path)
        let report = try ArtifactChecker.check(directory: scratch.path)
        #expect(report.findings.isEmpty, "\(report.findings.map(\.description))")
        #expect(report.pickles.count == 3)
        let globals = Set(report.pickles.flatMap(\.globals))
        #expect(
            globals == [
                "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch.FloatStorage",
            ])
    }

    @Test func lenientPolicyDowngradesUnknownGlobalsOnly() throws {
        let scratch = try ScratchDirectory(prefix: "shipml-artifacts")
        try Fixture.python(
            """
            import datetime, os, pickle
            open('a.pkl', 'wb').write(pickle.dumps(datetime.date(2020, 1, 1), 2))
            """, in: scratch.path)
        let lenient = try ArtifactChecker.check(
            directory: scratch.path, rules: ArtifactRules(picklePolicy: .lenient))
        #expect(lenient.passed)
        #expect(lenient.findings.map(\.severity) == [.warning])
        let allowed = try ArtifactChecker.check(
            directory: scratch.path, rules: ArtifactRules(extraAllowedGlobals: ["datetime.date"]))
        #expect(allowed.findings.isEmpty)
        let strict = try ArtifactChecker.check(directory: scratch.path)
        #expect(!strict.passed)
    }

    @Test func requiredFilesPassWhenPresent() throws {
        let scratch = try ScratchDirectory(prefix: "shipml-artifacts")
        try scratch.write("config.json", "{}")
        try scratch.write("tokenizer.model", "x")
        try scratch.write("README.md", "---\nlicense: apache-2.0\n---\n# Model\n")
        let rules = ArtifactRules(requiredFiles: [.config, .tokenizer, .modelCardWithLicense])
        let report = try ArtifactChecker.check(directory: scratch.path, rules: rules)
        #expect(report.findings.isEmpty, "\(report.findings)")
    }

    @Test func missingDirectoryThrows() {
        #expect(throws: ArtifactError.self) {
            try ArtifactChecker.check(directory: "/nonexistent/shipml-model")
        }
    }

    @Test func checkFileRefusesAPathOutsideTheDirectory() throws {
        let scratch = try ScratchDirectory(prefix: "shipml-artifacts")
        try scratch.write("model/a.pkl", "N.")
        try scratch.write("outside.pkl", "N.")
        let model = scratch.path("model")
        #expect(try ArtifactChecker.checkFile("a.pkl", in: model).findings.isEmpty)
        let error = #expect(throws: ArtifactError.self) {
            try ArtifactChecker.checkFile("../outside.pkl", in: model)
        }
        #expect(error?.description.contains("leads outside the model directory") == true)
    }
}
