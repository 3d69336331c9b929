import Foundation
import ShipFiles
import ShipMLTestSupport
import Testing

@Suite("file systems")
struct FileSystemTests {
    @Test func atomicWritesReplaceWholeFilesAndLeaveNoTemporaries() throws {
        let scratch = try ScratchDirectory()
        let fileSystem = LocalFileSystem()
        let target = scratch.path("out/state.yaml")
        try fileSystem.createDirectory(at: scratch.path("out"))
        try fileSystem.writeText(at: target, "first\n")
        try fileSystem.writeText(at: target, "second\n")
        #expect(try fileSystem.readText(at: target) == "second\n")
        #expect(try fileSystem.contentsOfDirectory(at: scratch.path("out")) == ["state.yaml"])
        let mode =
            try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    @Test func aFailedWriteNamesThePathAndLeavesNothing() throws {
        let scratch = try ScratchDirectory()
        let fileSystem = LocalFileSystem()
        let error = #expect(throws: FileSystemError.self) {
            try fileSystem.writeText(at: scratch.path("missing/dir/file"), "x")
        }
        #expect(error?.path == scratch.path("missing/dir/file"))
        #expect(error?.reason.contains("temporary file") == true)
        // A directory in the way of the rename: the temporary file must be cleaned up.
        try fileSystem.createDirectory(at: scratch.path("taken/sub"))
        #expect(throws: FileSystemError.self) {
            try fileSystem.writeText(at: scratch.path("taken"), "x")
        }
        #expect(try fileSystem.contentsOfDirectory(at: scratch.path("")) == ["taken"])
    }

    @Test func readsSayWhatIsWrong() throws {
        let scratch = try ScratchDirectory()
        let fileSystem = LocalFileSystem()
        #expect(throws: FileSystemError(path: scratch.path("nope"), reason: "no such file")) {
            try fileSystem.readFile(at: scratch.path("nope"))
        }
        #expect(
            throws: FileSystemError(
                path: scratch.path(""), reason: "is a directory, expected a file")
        ) {
            try fileSystem.readFile(at: scratch.path(""))
        }
        try scratch.write("bad.txt", "")
        try Data([0xff, 0xfe]).write(to: scratch.url("bad.txt"))
        #expect(
            throws: FileSystemError(
                path: scratch.path("bad.txt"), reason: "is not valid UTF-8 text")
        ) {
            try fileSystem.readText(at: scratch.path("bad.txt"))
        }
    }

    @Test func symlinksReportWhatTheyPointAt() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("real/file", "x")
        try FileManager.default.createSymbolicLink(
            atPath: scratch.path("dirlink"), withDestinationPath: "real")
        try FileManager.default.createSymbolicLink(
            atPath: scratch.path("dangling"), withDestinationPath: "gone")
        let fileSystem = LocalFileSystem()
        #expect(fileSystem.fileKind(at: scratch.path("dirlink")) == .directory)
        #expect(fileSystem.fileKind(at: scratch.path("dangling")) == .symbolicLink)
        #expect(fileSystem.fileKind(at: scratch.path("real/file")) == .file)
        #expect(fileSystem.fileKind(at: scratch.path("absent")) == nil)
    }

    @Test func inMemoryMirrorsTheRealOne() throws {
        let fileSystem = InMemoryFileSystem(files: ["/a/b/c.txt": "c", "/a/d.txt": "d"])
        #expect(try fileSystem.contentsOfDirectory(at: "/a") == ["b", "d.txt"])
        #expect(fileSystem.isDirectory("/a/b"))
        #expect(try fileSystem.readText(at: "/a/./b/../d.txt") == "d")
        #expect(throws: FileSystemError(path: "/a/b", reason: "is a directory, expected a file")) {
            try fileSystem.writeText(at: "/a/b", "x")
        }
        #expect(throws: FileSystemError(path: "/nope", reason: "no such file")) {
            try fileSystem.readFile(at: "/nope")
        }
    }
}
