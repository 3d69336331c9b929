import Builder
import Foundation
import ShipMLTestSupport
import Testing

/// Real tools must read what TarWriter writes, and TarReader what they write.
@Suite("tar and zstd agree with TarWriter and TarReader")
struct ArchiveToolTests {
    /// The sample's paths as `tar -t` prints them.
    private static func expectedListing(_ sample: ArchiveSample) -> [String] {
        sample.entries.map(\.header.path)
    }

    private static func listing(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init)
    }

    @Test(
        "GNU tar lists the entries",
        .enabled(if: ArchiveTools.isInstalled("tar")),
        arguments: [TarWriter.Compression.none, .gzip(level: 6)])
    func gnuTarLists(compression: TarWriter.Compression) throws {
        let scratch = try ScratchDirectory()
        let sample = try ArchiveSample(in: scratch)
        let path = try sample.write(toFile: scratch.path("layer"), compression: compression)
        let list = compression == .none ? "-t" : "-tz"
        let names = try ArchiveTools.run(
            ["tar", "--quoting-style=literal", list, "-f", path], in: scratch)
        #expect(names.status == 0, "\(names.stderr)")
        #expect(names.stderr.isEmpty, "\(names.stderr)")
        #expect(Self.listing(names.stdout) == Self.expectedListing(sample))

        let verbose = try ArchiveTools.run(
            ["tar", "--quoting-style=literal", "--numeric-owner", list + "v", "-f", path],
            in: scratch)
        #expect(verbose.status == 0, "\(verbose.stderr)")
        let lines = Self.listing(verbose.stdout)
        #expect(lines.count == sample.entries.count)
        #expect(lines.allSatisfy { $0.contains(" 0/0 ") }, "\(lines)")
        #expect(
            lines.contains {
                $0.hasPrefix("lrwxrwxrwx") && $0.hasSuffix("model/latest -> weights/big.bin")
            })
        #expect(lines.contains { $0.hasPrefix("-rw-r-----") && $0.contains(" 3145745 ") })
        #expect(lines.contains { $0.hasPrefix("drwx------") && $0.hasSuffix(" model/weights/") })
    }

    @Test(
        "GNU tar extracts the same bytes",
        .enabled(if: ArchiveTools.isInstalled("tar")),
        arguments: [TarWriter.Compression.none, .gzip(level: 6)])
    func gnuTarExtracts(compression: TarWriter.Compression) throws {
        let scratch = try ScratchDirectory()
        let sample = try ArchiveSample(in: scratch)
        let path = try sample.write(toFile: scratch.path("layer"), compression: compression)
        try FileManager.default.createDirectory(
            atPath: scratch.path("out"), withIntermediateDirectories: false)
        let result = try ArchiveTools.run(
            ["tar", compression == .none ? "-xf" : "-xzf", path, "-C", scratch.path("out")],
            in: scratch)
        #expect(result.status == 0, "\(result.stderr)")
        for entry in sample.entries where entry.header.kind == .file {
            let extracted = try Data(
                contentsOf: URL(fileURLWithPath: scratch.path("out/" + entry.header.path)))
            #expect(extracted == entry.data, "\(entry.header.path)")
        }
        let link = try FileManager.default.destinationOfSymbolicLink(
            atPath: scratch.path("out/model/latest"))
        #expect(link == "weights/big.bin")
    }

    @Test(
        "zstd accepts the output and tar lists what it decompresses",
        .enabled(if: ArchiveTools.isInstalled("zstd") && ArchiveTools.isInstalled("tar")))
    func zstdAgrees() throws {
        let scratch = try ScratchDirectory()
        let sample = try ArchiveSample(in: scratch)
        let path = try sample.write(
            toFile: scratch.path("layer.tar.zst"), compression: .zstd(level: 3))
        let test = try ArchiveTools.run(["zstd", "-t", path], in: scratch)
        #expect(test.status == 0, "\(test.stderr)")

        let decompressed = try ArchiveTools.run(["zstd", "-dc", path], in: scratch)
        #expect(decompressed.status == 0, "\(decompressed.stderr)")
        #expect(decompressed.stdoutData == (try sample.bytes(compression: .none)))
        let names = try ArchiveTools.run(
            ["tar", "--quoting-style=literal", "-tf", "-"], input: decompressed.stdoutData,
            in: scratch)
        #expect(names.status == 0, "\(names.stderr)")
        #expect(Self.listing(names.stdout) == Self.expectedListing(sample))
    }

    @Test(
        "TarReader reads what GNU tar writes, hard links included",
        .enabled(if: ArchiveTools.isInstalled("tar")))
    func readsGnuTar() throws {
        let scratch = try ScratchDirectory()
        let tree = scratch.path("tree")
        let manager = FileManager.default
        try manager.createDirectory(atPath: tree + "/sub", withIntermediateDirectories: true)
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: tree + "/sub/file.txt"))
        try manager.linkItem(atPath: tree + "/sub/file.txt", toPath: tree + "/sub/hard.txt")
        try manager.createSymbolicLink(atPath: tree + "/sub/soft", withDestinationPath: "file.txt")
        let archive = scratch.path("gnu.tar.gz")
        let result = try ArchiveTools.run(
            [
                "tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "-czf",
                archive, "-C", tree, "sub",
            ], in: scratch)
        try #require(result.status == 0, "\(result.stderr)")

        let entries = try TarReader.entries(ofFile: archive)
        let kinds = Dictionary(
            uniqueKeysWithValues: entries.map { ($0.header.path, $0.header.kind) })
        #expect(
            kinds == [
                "sub/": .directory, "sub/file.txt": .file, "sub/hard.txt": .hardlink,
                "sub/soft": .symlink,
            ])
        let byPath = Dictionary(uniqueKeysWithValues: entries.map { ($0.header.path, $0) })
        #expect(byPath["sub/file.txt"]?.data == Data("hello\n".utf8))
        #expect(byPath["sub/hard.txt"]?.header.linkTarget == "sub/file.txt")
        #expect(byPath["sub/soft"]?.header.linkTarget == "file.txt")
    }
}
