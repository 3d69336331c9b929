import Builder
import Foundation
import ShipMLTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("ModelDirectory scan")
struct ModelDirectoryTests {
    @Test("a Hugging Face style model is listed sorted by path, with kinds and directories")
    func huggingFaceModel() throws {
        let scratch = try ScratchDirectory()
        let files: [(String, ModelFileKind)] = [
            ("model-00001-of-00002.safetensors", .weight),
            ("model-00002-of-00002.safetensors", .weight),
            ("model.safetensors.index.json", .weightConfig),
            ("config.json", .weightConfig),
            ("generation_config.json", .weightConfig),
            ("tokenizer.json", .weightConfig),
            ("tokenizer_config.json", .weightConfig),
            ("special_tokens_map.json", .weightConfig),
            ("tokenizer.model", .weightConfig),
            ("README.md", .doc),
            ("LICENSE", .doc),
            ("scripts/convert.py", .code),
            ("data/x.csv", .dataset),
            ("data/eval/prompts.json", .dataset),
            ("onnx/model.onnx", .weight),
            ("onnx/model.onnx_data", .weight),
            ("original/params.json", .weightConfig),
        ]
        for (path, _) in files { try scratch.write("model/" + path, "contents of \(path)") }

        let model = try ModelDirectory.scan(scratch.path("model"))

        #expect(model.root == scratch.path("model"))
        #expect(
            model.files.map(\.path) == [
                "LICENSE", "README.md", "config.json", "data/eval/prompts.json", "data/x.csv",
                "generation_config.json", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors", "model.safetensors.index.json",
                "onnx/model.onnx", "onnx/model.onnx_data", "original/params.json",
                "scripts/convert.py", "special_tokens_map.json", "tokenizer.json",
                "tokenizer.model", "tokenizer_config.json",
            ])
        let kinds = Dictionary(uniqueKeysWithValues: files)
        for file in model.files {
            #expect(file.kind == kinds[file.path], "\(file.path)")
            #expect(file.classificationIsGuess == (file.path == "original/params.json"))
            #expect(file.sourcePath == scratch.path("model/" + file.path))
            #expect(file.size == Int64("contents of \(file.path)".utf8.count))
            #expect(file.identity.size == file.size)
        }
        #expect(model.directories == ["data", "data/eval", "onnx", "original", "scripts"])
    }

    @Test("paths sort by their UTF-8 bytes, not by readdir order or Unicode rules")
    func byteWiseOrder() throws {
        let scratch = try ScratchDirectory()
        for path in ["é", "a/b", "a-b", "B", "a.b", "Z/z"] {
            try scratch.write("model/" + path, path)
        }
        let model = try ModelDirectory.scan(scratch.path("model"))
        #expect(model.files.map(\.path) == ["B", "Z/z", "a-b", "a.b", "a/b", "é"])
        #expect(model.directories == ["Z", "a"])
    }

    @Test("modes are normalised to 0755 when any execute bit is set, else 0644")
    func modes() throws {
        let scratch = try ScratchDirectory()
        let modes: [(String, mode_t, UInt32)] = [
            ("a", 0o700, 0o755), ("b", 0o600, 0o644), ("c", 0o644, 0o644),
            ("d", 0o751, 0o755), ("e", 0o444, 0o644), ("f", 0o4711, 0o755),
            ("g", 0o666, 0o644), ("h", 0o401, 0o755),
        ]
        for (name, mode, _) in modes {
            let path = try scratch.write("model/" + name, name)
            #expect(chmod(path, mode) == 0)
        }
        let model = try ModelDirectory.scan(scratch.path("model"))
        #expect(model.files.map(\.mode) == modes.map(\.2))
    }

    @Test("symbolic links to files and directories inside the model are followed")
    func internalLinks() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("model/weights/model.safetensors", "weights")
        try scratch.write("model/config.json", "{}")
        try makeSymlink("model/latest.safetensors", to: "weights/model.safetensors", in: scratch)
        try makeSymlink("model/sub/config.json", to: "../config.json", in: scratch)
        try makeSymlink("model/absolute.json", to: scratch.path("model/config.json"), in: scratch)
        try makeSymlink("model/current", to: "weights", in: scratch)

        let model = try ModelDirectory.scan(scratch.path("model"))

        let sources = model.files.map { [$0.path, $0.sourcePath] }
        #expect(
            sources == [
                ["absolute.json", scratch.path("model/config.json")],
                ["config.json", scratch.path("model/config.json")],
                ["current/model.safetensors", scratch.path("model/weights/model.safetensors")],
                ["latest.safetensors", scratch.path("model/weights/model.safetensors")],
                ["sub/config.json", scratch.path("model/config.json")],
                ["weights/model.safetensors", scratch.path("model/weights/model.safetensors")],
            ])
        #expect(model.files.map(\.size) == [2, 2, 7, 7, 2, 7])
        #expect(
            model.files.map(\.kind) == [
                .weightConfig, .weightConfig, .weight, .weight, .weightConfig, .weight,
            ])
        #expect(model.directories == ["current", "sub", "weights"])
    }

    @Test("hard links are two regular files")
    func hardLinks() throws {
        let scratch = try ScratchDirectory()
        let first = try scratch.write("model/a.bin", "same bytes")
        try FileManager.default.createDirectory(
            atPath: scratch.path("model/b"), withIntermediateDirectories: true)
        try FileManager.default.linkItem(atPath: first, toPath: scratch.path("model/b/a.bin"))

        let model = try ModelDirectory.scan(scratch.path("model"))

        #expect(model.files.map(\.path) == ["a.bin", "b/a.bin"])
        #expect(model.files.map(\.sourcePath) == [first, scratch.path("model/b/a.bin")])
        #expect(model.files[0].identity == model.files[1].identity)
        #expect(model.files.allSatisfy { $0.size == 10 && $0.kind == .weight })
    }

    @Test(
        "each entry that cannot be packaged is an error naming its path",
        arguments: BadEntry.allCases)
    func badEntry(_ entry: BadEntry) throws {
        let scratch = try ScratchDirectory()
        try scratch.write("model/config.json", "{}")
        try scratch.write("model/weights/model.safetensors", "weights")
        try scratch.write("outside.txt", "outside")
        try entry.make(in: scratch)
        let root = scratch.path("model")

        let error = try #require(throws: ModelDirectoryError.self) {
            try ModelDirectory.scan(root)
        }

        #expect(error.root == root)
        let problem = try #require(error.problems.first)
        #expect(error.problems.count == 1)
        #expect(Array(problem.path.utf8) == Array(entry.reportedPath.utf8))
        #expect(Array(problem.absolutePath.utf8) == Array((root + "/" + entry.reportedPath).utf8))
        #expect(problem.reason.contains(entry.reason), "\(problem.reason)")
        #expect(problem.reason.contains("expected"), "\(problem.reason)")
        #expect(error.description.hasPrefix("model directory '\(root)' has 1 problem:\n  '"))
    }

    @Test("every problem is reported at once, one on each line, sorted by path")
    func severalProblems() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("model/config.json", "{}")
        try scratch.write("model/weights/model.safetensors", "weights")
        try scratch.write("outside.txt", "outside")
        for entry in BadEntry.allCases { try entry.make(in: scratch) }
        try makeSymlink("model/loop", to: ".", in: scratch)
        try makeSymlink("model/fifo-link", to: "pipe", in: scratch)

        let error = try #require(throws: ModelDirectoryError.self) {
            try ModelDirectory.scan(scratch.path("model"))
        }

        let expected = (BadEntry.allCases.map(\.reportedPath) + ["loop", "fifo-link"])
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(error.problems.map { Array($0.path.utf8) } == expected.map { Array($0.utf8) })
        let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == expected.count + 1)
        #expect(lines.first == "model directory '\(scratch.path("model"))' has 10 problems:")
        #expect(error.description.contains("  'bad\\nname.txt' ("))
        #expect(error.description.contains("'fifo-link' ("))
        #expect(error.description.contains("which is a FIFO (named pipe)"))
    }

    @Test(
        "an unreadable file or directory is an error with the system's reason",
        .enabled(
            if: permissionBitsStopReads(),
            "as root, permission bits do not stop reads, so nothing here would be unreadable"))
    func unreadable() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("model/config.json", "{}")
        let secret = try scratch.write("model/secret.bin", "secret")
        try scratch.write("model/locked/inside.bin", "inside")
        let locked = scratch.path("model/locked")
        #expect(chmod(secret, 0) == 0)
        #expect(chmod(locked, 0) == 0)
        defer { _ = chmod(locked, 0o755) }

        let error = try #require(throws: ModelDirectoryError.self) {
            try ModelDirectory.scan(scratch.path("model"))
        }

        #expect(error.problems.map(\.path) == ["locked", "secret.bin"])
        #expect(
            error.problems.map(\.reason) == [
                "cannot be listed: permission denied",
                "cannot be opened for reading: permission denied",
            ])
    }

    @Test("a cycle of symbolic links is an error, not an endless walk", .timeLimit(.minutes(1)))
    func linkCycles() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("model/config.json", "{}")
        try scratch.write("model/a/b/weights.bin", "w")
        try makeSymlink("model/self", to: ".", in: scratch)
        try makeSymlink("model/a/b/up", to: "../..", in: scratch)
        try makeSymlink("model/ping", to: "pong", in: scratch)
        try makeSymlink("model/pong", to: "ping", in: scratch)

        let error = try #require(throws: ModelDirectoryError.self) {
            try ModelDirectory.scan(scratch.path("model"))
        }

        #expect(error.problems.map(\.path) == ["a/b/up", "ping", "pong", "self"])
        #expect(
            error.problems.map(\.reason) == [
                "is a symbolic link to '../..', which leads back to the enclosing directory '.'; "
                    + "expected no cycle of directories",
                "is a symbolic link to 'pong' that loops; expected a link to a file or directory "
                    + "inside the model directory",
                "is a symbolic link to 'ping' that loops; expected a link to a file or directory "
                    + "inside the model directory",
                "is a symbolic link to '.', which leads back to the enclosing directory '.'; "
                    + "expected no cycle of directories",
            ])
    }

    @Test("version-control and editor clutter is skipped")
    func clutter() throws {
        let scratch = try ScratchDirectory()
        for path in [
            "model.safetensors", "src/model.py", ".git/config", ".git/objects/ab/cdef",
            ".hg/store", ".svn/entries", "__pycache__/model.cpython-312.pyc",
            "src/__pycache__/x.pyc", "stray.pyc", ".DS_Store", "src/.DS_Store", "sub/.git",
        ] {
            try scratch.write("model/" + path, path)
        }
        let model = try ModelDirectory.scan(scratch.path("model"))
        #expect(model.files.map(\.path) == ["model.safetensors", "src/model.py"])
        #expect(model.directories == ["src"])
    }

    @Test(".shipmlignore excludes what its gitignore-style patterns match")
    func ignoreFile() throws {
        let scratch = try ScratchDirectory()
        try scratch.write(
            "model/.shipmlignore",
            """
            # scratch files; the next line is a comment, not a pattern
            # model.safetensors
            *.tmp

            checkpoints/
            **/scratch.txt
            /top-only.log
            logs/**
            !logs/keep.log
            weights/draft-?.bin
            build/
            cache-[0-9]
            outside-link\u{20}\u{20}

            """)
        let kept = [
            "cache-x", "checkpoints.txt", "logs/keep.log", "model.safetensors", "sub/build",
            "sub/top-only.log", "weights/draft-10.bin",
        ]
        let ignored = [
            "a.tmp", "sub/b.tmp", "checkpoints/step-1.bin", "nested/checkpoints/x.bin",
            "scratch.txt", "deep/er/scratch.txt", "top-only.log", "logs/a.log",
            "logs/old/b.log", "weights/draft-1.bin", "build/out.bin", "cache-7",
        ]
        for path in kept + ignored { try scratch.write("model/" + path, path) }
        // Ignoring an entry that could not be packaged is how to get past it.
        try makeSymlink("model/outside-link", to: "/etc/passwd", in: scratch)

        let model = try ModelDirectory.scan(scratch.path("model"))

        #expect(model.files.map(\.path) == kept)
        #expect(model.directories == ["logs", "sub", "weights"])
    }

    @Test(
        "one .shipmlignore pattern against one path, as git would match it",
        arguments: ignoreCases)
    func ignorePattern(pattern: String, path: String, isDirectory: Bool, ignored: Bool) throws {
        let scratch = try ScratchDirectory()
        try scratch.write("model/keep.bin", "keep")
        try scratch.write("model/.shipmlignore", pattern + "\n")
        try scratch.write("model/" + (isDirectory ? path + "/inside.bin" : path), "x")

        let model = try ModelDirectory.scan(scratch.path("model"))

        let found = model.files.contains { $0.path == path || $0.path.hasPrefix(path + "/") }
        #expect(found == !ignored)
        #expect(model.files.contains { $0.path == "keep.bin" })
    }

    @Test("an empty model, or one with nothing but clutter, is an error")
    func emptyModel() throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(
            atPath: scratch.path("empty/sub"), withIntermediateDirectories: true)
        try scratch.write("clutter/.git/HEAD", "ref: refs/heads/main")
        try scratch.write("clutter/.shipmlignore", "*.bin")
        try scratch.write("clutter/model.bin", "weights")

        for name in ["empty", "clutter"] {
            let error = try #require(throws: ModelDirectoryError.self) {
                try ModelDirectory.scan(scratch.path(name))
            }
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.path == ".")
            #expect(error.problems.first?.absolutePath == scratch.path(name))
            #expect(
                error.problems.first?.reason.hasPrefix(
                    "holds no files; expected at least one file") == true)
        }
    }

    @Test("a missing root, or one that is a file, is an error naming its absolute path")
    func badRoot() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("file.bin", "x")
        let missing = scratch.path("missing")

        let missingError = try #require(throws: ModelDirectoryError.self) {
            try ModelDirectory.scan(missing)
        }
        #expect(
            missingError.problems == [
                .init(
                    path: ".", absolutePath: missing,
                    reason: "does not exist; expected a model directory")
            ])

        let fileError = try #require(throws: ModelDirectoryError.self) {
            try ModelDirectory.scan(file)
        }
        #expect(
            fileError.problems.map(\.reason) == ["is not a directory; expected a model directory"])

        // A relative root is named by its absolute path.
        let relative = "no-such-model-\(UUID().uuidString)"
        let relativeError = try #require(throws: ModelDirectoryError.self) {
            try ModelDirectory.scan(relative)
        }
        let absolute = FileManager.default.currentDirectoryPath + "/" + relative
        #expect(relativeError.root == absolute)
        #expect(relativeError.problems.map(\.absolutePath) == [absolute])
    }

    @Test("names that one Unicode normalisation makes equal are an error")
    func normalisationCollision() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("model/config.json", "{}")
        try createFile(scratch.path("model"), name: Array("caf\u{E9}.txt".utf8))
        try createFile(scratch.path("model"), name: Array("cafe\u{301}.txt".utf8))

        let error = try #require(throws: ModelDirectoryError.self) {
            try ModelDirectory.scan(scratch.path("model"))
        }

        let problem = try #require(error.problems.first)
        #expect(error.problems.count == 1)
        #expect(Array(problem.path.utf8) == Array("caf\u{E9}.txt".utf8))
        #expect(problem.reason.hasPrefix("is the same name as 'cafe\u{301}.txt' once"))
    }

    @Test(
        "files are classified by name, case-insensitively, first rule first",
        arguments: classificationCases)
    func classification(path: String, kind: ModelFileKind, isGuess: Bool) {
        let result = ModelFileKind.classify(path: path)
        #expect(result.kind == kind)
        #expect(result.isGuess == isGuess)
    }
}

/// Names and the kind each must get, and whether that kind is a guess.
private let classificationCases: [(String, ModelFileKind, Bool)] = [
    ("model-00001-of-00002.safetensors", .weight, false),
    ("weights/Model.Q4_K_M.GGUF", .weight, false),
    ("pytorch_model-00001-of-00003.bin", .weight, false),
    ("onnx/model.onnx_data", .weight, false),
    ("tf_model.h5", .weight, false),
    ("saved_model/saved_model.pb", .weight, false),
    ("flax_model.msgpack", .weight, false),
    ("consolidated.00.pth", .weight, false),
    ("model.tflite", .weight, false),
    ("tokenizer.model", .weightConfig, false),
    ("spiece.model", .weightConfig, false),
    ("sentencepiece.bpe.model", .weightConfig, false),
    ("source.spm", .weightConfig, false),
    ("model.safetensors.index.json", .weightConfig, false),
    ("pytorch_model.bin.index.json", .weightConfig, false),
    ("Config.JSON", .weightConfig, false),
    ("chat_template.jinja", .weightConfig, false),
    ("vocab.txt", .weightConfig, false),
    ("params.json", .weightConfig, false),
    ("settings.yaml", .weightConfig, false),
    ("original/params.json", .weightConfig, true),
    ("nested/notes.txt", .weightConfig, true),
    ("foo.xyz", .weightConfig, true),
    ("README.md", .doc, false),
    ("LICENSE.txt", .doc, false),
    ("Licence", .doc, false),
    ("USE_POLICY.md", .doc, false),
    ("docs/guide.rst", .doc, false),
    ("CITATION.cff", .doc, false),
    ("dataset/README.md", .doc, false),
    ("inference.py", .code, false),
    ("scripts/run.sh", .code, false),
    ("analysis.R", .code, false),
    ("requirements.txt", .code, false),
    ("requirements-dev.txt", .code, false),
    ("Dockerfile", .code, false),
    ("pyproject.toml", .code, false),
    ("data/x.csv", .dataset, false),
    ("train.parquet", .dataset, false),
    ("eval.jsonl", .dataset, false),
    ("Data/images/cat.png", .dataset, false),
]

/// A `.shipmlignore` line, a path, whether the path is a directory, and whether git ignores it.
private let ignoreCases: [(String, String, Bool, Bool)] = [
    ("\\#x", "#x", false, true),
    ("[!a]b", "cb", false, true),
    ("[!a]b", "ab", false, false),
    ("[a-c]?", "bz", false, true),
    ("[x", "[x", false, true),
    ("a/**/b", "a/b", false, true),
    ("a/**/b", "a/x/y/b", false, true),
    ("a/**/b", "c/a/b", false, false),
    ("/a", "x/a", false, false),
    ("doc/frotz", "a/doc/frotz", false, false),
    ("frotz", "a/doc/frotz", false, true),
    ("foo\\ ", "foo ", false, true),
    ("*.txt", "a/b.txt", false, true),
    ("a*b", "a/b", false, false),
    ("dir/", "dir", false, false),
    ("dir/", "x/dir", true, true),
    ("**/foo/bar", "x/foo/bar", false, true),
    ("x\r", "x", false, true),
    ("?t?", "été", false, true),
]

/// An entry that a model directory must not hold, and the problem it gives.
enum BadEntry: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case absoluteLinkOutside
    case relativeLinkOutside
    case danglingLink
    case fifo
    case socket
    case newlineInName
    case backslashInName
    case invalidUTF8Name

    var testDescription: String { rawValue }

    /// The path the problem names; U+FFFD stands for bytes that are not UTF-8.
    var reportedPath: String {
        switch self {
        case .absoluteLinkOutside: "passwd"
        case .relativeLinkOutside: "weights/outside"
        case .danglingLink: "missing.bin"
        case .fifo: "pipe"
        case .socket: "server.sock"
        case .newlineInName: "bad\nname.txt"
        case .backslashInName: "sub/bad\\name.txt"
        case .invalidUTF8Name: "bad\u{FFFD}name.bin"
        }
    }

    /// Part of the problem's reason.
    var reason: String {
        switch self {
        case .absoluteLinkOutside:
            "is a symbolic link to '/etc/passwd', which leads outside the model directory"
        case .relativeLinkOutside:
            "is a symbolic link to '../../outside.txt', which leads outside the model directory"
        case .danglingLink: "is a dangling symbolic link to 'nowhere.bin'"
        case .fifo: "is a FIFO (named pipe); expected a regular file, a directory"
        case .socket: "is a socket; expected a regular file"
        case .newlineInName: "has a line break in its name"
        case .backslashInName: "has a backslash in its name"
        case .invalidUTF8Name: "has a name that is not valid UTF-8"
        }
    }

    func make(in scratch: ScratchDirectory) throws {
        let model = scratch.path("model")
        switch self {
        case .absoluteLinkOutside: try makeSymlink("model/passwd", to: "/etc/passwd", in: scratch)
        case .relativeLinkOutside:
            try makeSymlink("model/weights/outside", to: "../../outside.txt", in: scratch)
        case .danglingLink: try makeSymlink("model/missing.bin", to: "nowhere.bin", in: scratch)
        case .fifo: #expect(mkfifo(model + "/pipe", 0o644) == 0)
        case .socket: try bindSocket(at: model + "/server.sock")
        case .newlineInName: try scratch.write("model/bad\nname.txt", "x")
        case .backslashInName: try scratch.write("model/sub/bad\\name.txt", "x")
        case .invalidUTF8Name:
            try createFile(model, name: Array("bad".utf8) + [0xFF] + Array("name.bin".utf8))
        }
    }
}

/// Makes a symbolic link at `path` inside the scratch directory, creating its parents.
private func makeSymlink(_ path: String, to target: String, in scratch: ScratchDirectory) throws {
    let location = scratch.path(path)
    try FileManager.default.createDirectory(
        atPath: (location as NSString).deletingLastPathComponent,
        withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: location, withDestinationPath: target)
}

/// Creates an empty file whose name is exactly `name`, bytes that need not be UTF-8.
private func createFile(_ directory: String, name: [UInt8]) throws {
    let path = (Array(directory.utf8) + [UInt8(ascii: "/")] + name + [0]).map {
        CChar(bitPattern: $0)
    }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    try #require(descriptor >= 0)
    close(descriptor)
}

/// Leaves a Unix-domain socket file at `path`.
private func bindSocket(at path: String) throws {
    #if canImport(Glibc)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let descriptor = socket(AF_UNIX, SOCK_STREAM, 0)
    #endif
    try #require(descriptor >= 0)
    defer { close(descriptor) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    try #require(bytes.count < MemoryLayout.size(ofValue: address.sun_path))
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    try #require(bound == 0)
}

/// Whether a file with no permission bits cannot be opened: false for root.
private func permissionBitsStopReads() -> Bool {
    guard let scratch = try? ScratchDirectory(), let path = try? scratch.write("probe", "x")
    else { return false }
    _ = chmod(path, 0)
    let descriptor = open(path, O_RDONLY)
    if descriptor >= 0 { close(descriptor) }
    return descriptor < 0
}
