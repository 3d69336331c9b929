import Foundation
import ShipMLTestSupport
import Testing

/// libcurl and libarchive are opened on first use: commands that need neither run without
/// them, and the ones that need them say clearly that they are missing. The libraries are
/// hidden by bind-mounting /dev/null over them in a private mount namespace (`unshare -m`,
/// which needs root), so the machine's own files are never touched.
struct LazyLibraryTests {
    static let libraries = ["libcurl.so.4", "libarchive.so.13"]

    static let canHideLibraries: Bool = {
        guard getuid() == 0,
            let result = try? ProcessRunner.run(["unshare", "-m", "true"]), result.succeeded
        else { return false }
        return libraries.allSatisfy { resolved($0) != nil }
    }()

    /// The file the dynamic loader opens for `soname`.
    static func resolved(_ soname: String) -> String? {
        for directory in ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"] {
            let path = directory + "/" + soname
            if FileManager.default.fileExists(atPath: path) {
                return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            }
        }
        return nil
    }

    /// Runs shipml with both libraries replaced by an empty file.
    static func withoutLibraries(_ arguments: [String], in directory: String) throws
        -> ProcessResult
    {
        let mounts = libraries.compactMap(resolved).map { "mount --bind /dev/null '\($0)'" }
        let script = mounts.joined(separator: " && ") + " && exec \"$@\""
        return try ProcessRunner.run(
            ["unshare", "-m", "sh", "-c", script, "sh", ShipMLExecutable.path] + arguments,
            in: directory, environment: ["NO_COLOR": nil, "CI": nil])
    }

    @Test(.enabled(if: canHideLibraries, "needs root and unshare -m"))
    func stateCommandsNeedNeitherLibrary() throws {
        let scratch = try ScratchDirectory()
        let remote = try PromoteCommandTests.makeProject(scratch)
        let promote = try Self.withoutLibraries(
            ["promote", "--to", "dev", "--artifact", PromoteCommandTests.artifact("a")],
            in: scratch.path("project"))
        #expect(promote.status == 0, "\(promote.stderr)")
        let history = try Self.withoutLibraries(
            ["history", "--state", remote, "--env", "dev"], in: scratch.path("project"))
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("promote(sentiment): 1.2.0 → dev"))
    }

    @Test(.enabled(if: canHideLibraries, "needs root and unshare -m"))
    func aMissingLibraryIsAnEnvironmentFailureThatSaysWhich() throws {
        let scratch = try ScratchDirectory()
        let inspect = try Self.withoutLibraries(
            ["inspect", "127.0.0.1:1/ml/model:1.0"], in: scratch.path)
        #expect(inspect.status == 3)
        #expect(inspect.stderr.contains("libcurl could not be loaded"), "\(inspect.stderr)")
        #expect(inspect.stderr.contains("libcurl.so.4"))

        _ = try scratch.write("project/model/weights.safetensors", "weights")
        _ = try scratch.write(
            "project/shipml.yaml",
            """
            apiVersion: shipml/v1
            model: {name: m, version: 1.0.0, path: model}
            environments: [{name: dev}]

            """)
        let build = try Self.withoutLibraries(["build"], in: scratch.path("project"))
        #expect(build.status == 3)
        #expect(build.stderr.contains("libarchive could not be loaded"), "\(build.stderr)")
    }
}
