import Builder
import Foundation
import ShipMLTestSupport

// Helpers for the Archive tests only.

enum ArchiveTools {
    /// Whether `tool` is on `PATH`.
    static func isInstalled(_ tool: String) -> Bool { ProcessRunner.which(tool) != nil }

    /// Runs `arguments` in `scratch` with `input` on standard input, in the UTF-8 C locale.
    static func run(
        _ arguments: [String], input: Data = Data(), in scratch: ScratchDirectory
    ) throws -> ProcessResult {
        try ProcessRunner.run(
            arguments, in: scratch.path, environment: ["LC_ALL": "C.UTF-8"], input: input)
    }
}

/// Deterministic pseudo-random bytes (SplitMix64), so large test files need no fixtures.
func archiveTestBytes(count: Int, seed: UInt64) -> Data {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    var offset = 0
    while offset < count {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        for index in 0..<min(8, count - offset) {
            bytes[offset + index] = UInt8(truncatingIfNeeded: z >> (8 * UInt64(index)))
        }
        offset += 8
    }
    return Data(bytes)
}

/// One entry of the sample archive, as written and as it should read back.
struct ArchiveSampleEntry {
    var header: TarEntryHeader
    var data: Data
}

/// A sample archive with nested directories, files (one streamed from disk, 3 MiB; one
/// empty), a symlink, a path that needs the ustar prefix field, one too long for ustar and one
/// that is not ASCII (both need a PAX header).
struct ArchiveSample {
    static let mtime = Date(timeIntervalSince1970: 1_700_000_000)
    /// A path of more than 100 bytes that ustar still holds, split into prefix and name.
    static let prefixedPath =
        "model/" + String(repeating: "p", count: 80) + "/" + String(repeating: "n", count: 60)
        + ".bin"
    /// A path no ustar header can hold: a 120-byte last component.
    static let paxPath = "model/weights/" + String(repeating: "l", count: 120) + ".safetensors"
    static let unicodePath = "model/données/modèle-😀.txt"

    let big: Data
    let bigSourcePath: String
    let emptySourcePath: String

    init(in scratch: ScratchDirectory) throws {
        big = archiveTestBytes(count: 3 * 1024 * 1024 + 17, seed: 42)
        bigSourcePath = try scratch.write("big.bin", big)
        emptySourcePath = try scratch.write("empty-source", Data())
    }

    /// The entries, in the order ``write(to:)`` adds them.
    var entries: [ArchiveSampleEntry] {
        let mtime = Self.mtime
        func directory(_ path: String, _ mode: UInt32 = 0o755) -> ArchiveSampleEntry {
            .init(
                header: .init(path: path, kind: .directory, mode: mode, mtime: mtime), data: Data())
        }
        func file(_ path: String, _ data: Data, _ mode: UInt32 = 0o644) -> ArchiveSampleEntry {
            .init(
                header: .init(
                    path: path, kind: .file, size: Int64(data.count), mode: mode, mtime: mtime),
                data: data)
        }
        return [
            directory("model/"),
            directory("model/weights/", 0o700),
            directory("model/données/"),
            file("model/config.json", Data(#"{"name":"demo"}"#.utf8)),
            file("model/empty.txt", Data()),
            file("model/empty-from-disk", Data(), 0o600),
            file("model/weights/big.bin", big, 0o640),
            .init(
                header: .init(
                    path: "model/latest", kind: .symlink, mode: 0o777, mtime: mtime,
                    linkTarget: "weights/big.bin"),
                data: Data()),
            file("model/run.sh", Data("#!/bin/sh\necho ok\n".utf8), 0o755),
            file(Self.prefixedPath, Data("prefixed".utf8)),
            file(Self.paxPath, Data("pax".utf8)),
            file(Self.unicodePath, Data("unicode".utf8)),
        ]
    }

    /// Adds the entries to `writer` (the 3 MiB file and one empty file streamed from disk) and
    /// finishes it.
    func write(to writer: TarWriter) throws {
        let mtime = Self.mtime
        try writer.addDirectory(path: "model", mtime: mtime)
        try writer.addDirectory(path: "model/weights", mode: 0o700, mtime: mtime)
        try writer.addDirectory(path: "model/données", mtime: mtime)
        try writer.addFile(
            path: "model/config.json", contents: Data(#"{"name":"demo"}"#.utf8), mtime: mtime)
        try writer.addFile(path: "model/empty.txt", contents: Data(), mtime: mtime)
        try writer.addFile(
            path: "model/empty-from-disk", from: emptySourcePath, mode: 0o600, mtime: mtime)
        try writer.addFile(
            path: "model/weights/big.bin", from: bigSourcePath, mode: 0o640,
            mtime: mtime.addingTimeInterval(0.75))
        try writer.addSymlink(path: "model/latest", target: "weights/big.bin", mtime: mtime)
        try writer.addFile(
            path: "model/run.sh", contents: Data("#!/bin/sh\necho ok\n".utf8), mode: 0o755,
            mtime: mtime)
        try writer.addFile(path: Self.prefixedPath, contents: Data("prefixed".utf8), mtime: mtime)
        try writer.addFile(path: Self.paxPath, contents: Data("pax".utf8), mtime: mtime)
        try writer.addFile(path: Self.unicodePath, contents: Data("unicode".utf8), mtime: mtime)
        try writer.finish()
    }

    /// Writes the sample to the file `path` and returns it.
    @discardableResult
    func write(toFile path: String, compression: TarWriter.Compression) throws -> String {
        try write(to: TarWriter(path: path, compression: compression))
        return path
    }

    /// Writes the sample through a sink and returns the bytes.
    func bytes(compression: TarWriter.Compression) throws -> Data {
        var output = Data()
        try write(to: TarWriter(compression: compression) { output.append(contentsOf: $0) })
        return output
    }
}

/// The headers of a plain tar stream, as (typeflag, name field) pairs, read by hand from its
/// 512-byte blocks: to count the PAX headers libarchive wrote.
func archiveRawHeaders(_ tar: Data) -> [(type: UInt8, name: String)] {
    let bytes = [UInt8](tar)
    var headers: [(type: UInt8, name: String)] = []
    var offset = 0
    while offset + 512 <= bytes.count {
        let block = bytes[offset..<offset + 512]
        if block.allSatisfy({ $0 == 0 }) { break }
        let nameBytes = block.prefix(100).prefix { $0 != 0 }
        let sizeField = block.dropFirst(124).prefix(12).prefix { $0 != 0 && $0 != 0x20 }
        let size = Int(String(decoding: sizeField, as: UTF8.self), radix: 8) ?? 0
        headers.append((block[offset + 156], String(decoding: nameBytes, as: UTF8.self)))
        offset += 512 + (size + 511) / 512 * 512
    }
    return headers
}

/// The compressions every parameterized archive test runs with.
let archiveCompressions: [TarWriter.Compression] = [.none, .gzip(level: 6), .zstd(level: 3)]
