import Builder
import Foundation
import ShipMLTestSupport
import Testing

@Suite("TarWriter and TarReader round trip")
struct ArchiveRoundTripTests {
    @Test("entries read back as written", arguments: archiveCompressions)
    func roundTrip(compression: TarWriter.Compression) throws {
        let scratch = try ScratchDirectory()
        let sample = try ArchiveSample(in: scratch)
        let path = try sample.write(toFile: scratch.path("layer.tar"), compression: compression)

        let entries = try TarReader.entries(ofFile: path)
        let expected = sample.entries
        #expect(entries.map(\.header.path) == expected.map(\.header.path))
        for (entry, wanted) in zip(entries, expected) {
            #expect(entry.header == wanted.header)
            #expect(entry.data == wanted.data, "contents of \(wanted.header.path)")
        }
        let big = try #require(entries.first { $0.header.path == "model/weights/big.bin" })
        #expect(big.data.count == 3 * 1024 * 1024 + 17)
        #expect(big.header.uid == 0 && big.header.gid == 0)
        #expect(big.header.userName.isEmpty && big.header.groupName.isEmpty)
    }

    @Test("the sink receives the same bytes as the file", arguments: archiveCompressions)
    func sinkMatchesFile(compression: TarWriter.Compression) throws {
        let scratch = try ScratchDirectory()
        let sample = try ArchiveSample(in: scratch)
        let path = try sample.write(toFile: scratch.path("layer"), compression: compression)
        let fromFile = try Data(contentsOf: URL(fileURLWithPath: path))
        let fromSink = try sample.bytes(compression: compression)
        #expect(!fromSink.isEmpty)
        #expect(fromSink == fromFile)
    }

    @Test("the same entries give the same bytes", arguments: archiveCompressions)
    func reproducible(compression: TarWriter.Compression) throws {
        let scratch = try ScratchDirectory()
        let sample = try ArchiveSample(in: scratch)
        let first = try sample.bytes(compression: compression)
        // The source file's own metadata must not leak into the archive.
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 12_345), .posixPermissions: 0o600],
            ofItemAtPath: sample.bigSourcePath)
        let second = try sample.bytes(compression: compression)
        #expect(first == second)
    }

    @Test("the gzip header carries no timestamp")
    func gzipHeaderHasNoTimestamp() throws {
        let scratch = try ScratchDirectory()
        let output = try ArchiveSample(in: scratch).bytes(compression: .gzip(level: 9))
        let header = [UInt8](output.prefix(10))
        try #require(header.count == 10)
        #expect(header[0] == 0x1f && header[1] == 0x8b)
        #expect(header[4...7] == [0, 0, 0, 0])
    }

    @Test(
        "compression levels change the output",
        arguments: [
            (TarWriter.Compression.gzip(level: 1), TarWriter.Compression.gzip(level: 9)),
            (.zstd(level: 1), .zstd(level: 19)),
        ])
    func levels(low: TarWriter.Compression, high: TarWriter.Compression) throws {
        let scratch = try ScratchDirectory()
        let text = Data(String(repeating: "weights and biases, ", count: 50_000).utf8)
        func compressed(_ compression: TarWriter.Compression) throws -> Data {
            var output = Data()
            let writer = try TarWriter(compression: compression) { output.append(contentsOf: $0) }
            try writer.addFile(path: "text", contents: text, mtime: ArchiveSample.mtime)
            try writer.finish()
            return output
        }
        let fast = try compressed(low)
        let small = try compressed(high)
        #expect(fast != small)
        #expect(small.count < text.count / 10)
        let path = try scratch.write("small", small)
        #expect(try TarReader.entries(ofFile: path).first?.data == text)
    }

    @Test("PAX headers only for entries ustar cannot hold")
    func paxOnlyWhereNeeded() throws {
        let scratch = try ScratchDirectory()
        let tar = try ArchiveSample(in: scratch).bytes(compression: .none)
        #expect(tar.count % 512 == 0)
        let headers = archiveRawHeaders(tar)
        // One each for the path too long for ustar, the non-ASCII file and its directory.
        let pax = headers.filter { $0.type == UInt8(ascii: "x") }
        #expect(pax.count == 3, "\(pax.map(\.name))")
        let paxNamed = headers.indices.dropFirst().filter {
            headers[$0 - 1].type == UInt8(ascii: "x")
        }
        #expect(
            paxNamed.map { headers[$0].type } == Array("500".utf8),
            "\(paxNamed.map { headers[$0].name })")
        // Nothing but files, directories, symlinks and those PAX headers; no global header.
        let types = Set(headers.map(\.type))
        #expect(types.isSubset(of: Set("05x2".utf8)), "\(types)")
        // The first header is ustar: magic and version.
        let bytes = [UInt8](tar)
        #expect(bytes[257..<265] == Array("ustar\u{0}00".utf8)[...])
        // The 101+ byte path fits ustar: its name field holds only the last part.
        #expect(headers.contains { $0.name == String(repeating: "n", count: 60) + ".bin" })
    }

    @Test("readData(into:) streams a large entry in bounded chunks")
    func chunkedRead() throws {
        let scratch = try ScratchDirectory()
        let sample = try ArchiveSample(in: scratch)
        let path = try sample.write(
            toFile: scratch.path("layer.tar.zst"), compression: .zstd(level: 3))
        let reader = try TarReader(path: path)
        var chunks: [Int] = []
        var contents = Data()
        while let header = try reader.next() {
            guard header.path == "model/weights/big.bin" else { continue }
            try reader.readData { buffer in
                chunks.append(buffer.count)
                contents.append(contentsOf: buffer)
            }
            // Already read: nothing more.
            #expect(try reader.readData().isEmpty)
        }
        #expect(contents == sample.big)
        #expect(chunks.count >= 4)
        #expect(chunks.allSatisfy { $0 <= 1 << 20 })
        #expect(try reader.next() == nil)
        #expect(reader.warnings.isEmpty)
    }

    @Test("a writer with no entries writes an empty archive", arguments: archiveCompressions)
    func emptyArchive(compression: TarWriter.Compression) throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("empty.tar")
        try TarWriter(path: path, compression: compression).finish()
        #expect(try TarReader.entries(ofFile: path).isEmpty)
    }

    @Test("sub-second modification times are dropped")
    func wholeSeconds() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("times.tar")
        let writer = try TarWriter(path: path)
        try writer.addFile(
            path: "a", contents: Data("a".utf8), mtime: Date(timeIntervalSince1970: 99.999))
        try writer.addDirectory(path: "old", mtime: Date(timeIntervalSince1970: 0))
        try writer.finish()
        let headers = try TarReader.entries(ofFile: path).map(\.header)
        #expect(headers.map(\.mtime.timeIntervalSince1970) == [99, 0])
    }
}
