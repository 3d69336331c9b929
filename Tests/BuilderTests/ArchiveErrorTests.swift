import Builder
import Foundation
import ShipMLTestSupport
import Testing

@Suite("TarWriter and TarReader errors")
struct ArchiveErrorTests {
    private struct SinkFailure: Error, Equatable {
        var reason: String
    }

    @Test(
        "unsafe entry paths are rejected, naming the path",
        arguments: ["/etc/passwd", "..", "../x", "a/../../b", "a/..", "a//../b", "/", ""])
    func unsafePaths(path: String) throws {
        let scratch = try ScratchDirectory()
        let archive = scratch.path("layer.tar")
        let writer = try TarWriter(path: archive)
        let mtime = ArchiveSample.mtime
        let attempts: [() throws -> Void] = [
            { try writer.addFile(path: path, contents: Data("x".utf8), mtime: mtime) },
            { try writer.addFile(path: path, from: scratch.path("missing"), mtime: mtime) },
            { try writer.addDirectory(path: path, mtime: mtime) },
            { try writer.addSymlink(path: path, target: "x", mtime: mtime) },
        ]
        for attempt in attempts {
            let error = try #require(throws: ArchiveError.self) { try attempt() }
            #expect(error.path == path)
            #expect(error.code == .failed)
            #expect(error.description.hasPrefix("cannot add entry '\(path)': "))
        }
        // Nothing was written for them: the archive is still usable.
        try writer.addFile(path: "ok", contents: Data("ok".utf8), mtime: mtime)
        try writer.finish()
        #expect(try TarReader.entries(ofFile: archive).map(\.header.path) == ["ok"])
    }

    @Test("paths that only look unsafe are accepted")
    func lookalikePaths() throws {
        let scratch = try ScratchDirectory()
        let archive = scratch.path("layer.tar")
        let writer = try TarWriter(path: archive)
        for path in ["..a", "a..", "a/..b/c", "./a", "a/.../b"] {
            try writer.addFile(path: path, contents: Data(), mtime: ArchiveSample.mtime)
        }
        try writer.finish()
        #expect(try TarReader.entries(ofFile: archive).count == 5)
    }

    @Test("a mode beyond the permission bits is rejected")
    func badMode() throws {
        let writer = try TarWriter { _ in }
        let error = try #require(throws: ArchiveError.self) {
            try writer.addFile(path: "f", contents: Data(), mode: 0o100644, mtime: .now)
        }
        #expect(error.description.contains("100644"))
    }

    @Test(
        "an error thrown by the sink is the error the writer throws", arguments: archiveCompressions
    )
    func sinkErrorSurfaces(compression: TarWriter.Compression) throws {
        let scratch = try ScratchDirectory()
        let sample = try ArchiveSample(in: scratch)
        var calls = 0
        let writer = try TarWriter(compression: compression) { _ in
            calls += 1
            throw SinkFailure(reason: "disk full")
        }
        let error = try #require(throws: SinkFailure.self) { try sample.write(to: writer) }
        #expect(error == SinkFailure(reason: "disk full"))
        #expect(calls == 1)
        // The archive is incomplete now; later calls say so.
        let later = try #require(throws: ArchiveError.self) {
            try writer.addFile(path: "more", contents: Data(), mtime: ArchiveSample.mtime)
        }
        #expect(later.code == .fatal)
        #expect(later.description.contains("disk full"))
        #expect(throws: ArchiveError.self) { try writer.finish() }
    }

    @Test("a sink that fails only at the end surfaces from finish()")
    func sinkErrorAtFinish() throws {
        var received = 0
        let writer = try TarWriter(compression: .gzip(level: 6)) { buffer in
            received += buffer.count
            throw SinkFailure(reason: "closed")
        }
        try writer.addFile(path: "small", contents: Data("tiny".utf8), mtime: ArchiveSample.mtime)
        #expect(throws: SinkFailure(reason: "closed")) { try writer.finish() }
        #expect(received > 0)
    }

    @Test("dropping an unfinished writer does not call the sink")
    func unfinishedWriter() throws {
        var calls = 0
        do {
            let writer = try TarWriter(compression: .zstd(level: 3)) { _ in calls += 1 }
            try writer.addFile(path: "a", contents: Data("a".utf8), mtime: ArchiveSample.mtime)
        }
        #expect(calls == 0)
    }

    @Test(
        "a writer closes its output file, finished or not",
        .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd")))
    func outputFileClosed() throws {
        let scratch = try ScratchDirectory()
        /// Whether this process has a descriptor open on `path`.
        func isOpen(_ path: String) throws -> Bool {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").contains {
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0))
                    == path
            }
        }
        let finished = scratch.path("finished.tar.zst")
        let abandoned = scratch.path("abandoned.tar.zst")
        do {
            let writer = try TarWriter(path: finished, compression: .zstd(level: 3))
            try writer.addFile(path: "a", contents: Data("a".utf8), mtime: ArchiveSample.mtime)
            #expect(try isOpen(finished))
            try writer.finish()
            #expect(try !isOpen(finished))
        }
        do {
            let writer = try TarWriter(path: abandoned, compression: .zstd(level: 3))
            try writer.addFile(path: "a", contents: Data("a".utf8), mtime: ArchiveSample.mtime)
            #expect(try isOpen(abandoned))
        }
        #expect(try !isOpen(abandoned))
        // No trailer was written for the abandoned one: it does not read as an archive.
        #expect(throws: ArchiveError.self) { _ = try TarReader.entries(ofFile: abandoned) }
        #expect(try TarReader.entries(ofFile: finished).count == 1)
    }

    @Test("a finished writer refuses more entries; finishing again does nothing")
    func finishedWriter() throws {
        let writer = try TarWriter { _ in }
        try writer.finish()
        try writer.finish()
        let error = try #require(throws: ArchiveError.self) {
            try writer.addDirectory(path: "late", mtime: ArchiveSample.mtime)
        }
        #expect(error.description.contains("already finished"))
    }

    @Test(
        "an out-of-range compression level is rejected",
        arguments: [
            TarWriter.Compression.gzip(level: 42), .gzip(level: -3), .zstd(level: 99),
        ])
    func badLevel(compression: TarWriter.Compression) throws {
        let error = try #require(throws: ArchiveError.self) {
            _ = try TarWriter(compression: compression) { _ in }
        }
        #expect(error.description.hasPrefix("cannot set the "))
        #expect(error.description.contains("compression-level"))
    }

    @Test("a missing source file is named, and the writer stays usable")
    func missingSource() throws {
        let scratch = try ScratchDirectory()
        let archive = scratch.path("layer.tar")
        let writer = try TarWriter(path: archive)
        let missing = scratch.path("no-such-file")
        let error = try #require(throws: ArchiveError.self) {
            try writer.addFile(path: "weights", from: missing, mtime: ArchiveSample.mtime)
        }
        #expect(error.path == missing)
        #expect(error.description.contains(missing))
        #expect(error.description.contains("check that the path exists"))
        #expect(throws: ArchiveError.self) {
            try writer.addFile(path: "dir", from: scratch.path, mtime: ArchiveSample.mtime)
        }
        try writer.addFile(path: "ok", contents: Data(), mtime: ArchiveSample.mtime)
        try writer.finish()
        #expect(try TarReader.entries(ofFile: archive).map(\.header.path) == ["ok"])
    }

    @Test("an output file that cannot be created is named")
    func uncreatableOutput() throws {
        let scratch = try ScratchDirectory()
        let target = scratch.path("missing-dir/layer.tar")
        let error = try #require(throws: ArchiveError.self) { _ = try TarWriter(path: target) }
        #expect(error.path == target)
        #expect(error.description.contains(target))
    }

    @Test("a truncated archive fails, naming the file", arguments: archiveCompressions)
    func truncated(compression: TarWriter.Compression) throws {
        let scratch = try ScratchDirectory()
        let sample = try ArchiveSample(in: scratch)
        let bytes = try sample.bytes(compression: compression)
        let path = try scratch.write("truncated", bytes.prefix(bytes.count / 2))
        let error = try #require(throws: ArchiveError.self) {
            _ = try TarReader.entries(ofFile: path)
        }
        #expect(error.path == path)
        #expect(error.description.contains(path))
        #expect(error.code == .fatal)
    }

    @Test(
        "garbage is not an archive",
        arguments: [
            Data("this is not a tar archive, only some text that goes on.\n".utf8),
            archiveTestBytes(count: 4096, seed: 7),
        ])
    func garbage(bytes: Data) throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("garbage.tar", bytes)
        let error = try #require(throws: ArchiveError.self) {
            _ = try TarReader.entries(ofFile: path)
        }
        #expect(error.path == path)
        #expect(error.description.contains("'\(path)': "))
        #expect(error.description.contains("unrecognized archive format"))
    }

    @Test("a reader stops after a fatal error")
    func readerStaysFailed() throws {
        let scratch = try ScratchDirectory()
        let sample = try ArchiveSample(in: scratch)
        let tar = try sample.bytes(compression: .none)
        // Cut inside the 3 MiB file's contents.
        let path = try scratch.write("cut.tar", tar.prefix(2 * 1024 * 1024))
        let reader = try TarReader(path: path)
        let error = try #require(throws: ArchiveError.self) {
            while try reader.next() != nil { _ = try reader.readData() }
        }
        #expect(error.code == .fatal)
        #expect(error.description.hasPrefix("cannot read the contents of an entry in '\(path)': "))
        let again = try #require(throws: ArchiveError.self) { _ = try reader.next() }
        #expect(again.description.contains("an earlier error stopped the reading"))
    }

    @Test("a missing archive is named")
    func missingArchive() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("absent.tar")
        let error = try #require(throws: ArchiveError.self) { _ = try TarReader(path: path) }
        #expect(error.path == path)
        #expect(error.description.hasPrefix("cannot open archive '\(path)': "))
        #expect(error.description.hasSuffix("check that the path exists"))
    }

    @Test("readData before next() is an error")
    func readBeforeNext() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("a.tar")
        try TarWriter(path: path).finish()
        let reader = try TarReader(path: path)
        #expect(throws: ArchiveError.self) { _ = try reader.readData() }
    }
}
