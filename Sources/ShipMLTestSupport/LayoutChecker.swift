public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Checks an OCI image layout with tools no one here wrote: `sha256sum` recomputes every
/// blob's digest, and the JSON files must parse. Returns the problems found (empty when sound).
public enum LayoutChecker {
    public static func problems(in layout: String) throws -> [String] {
        var problems: [String] = []
        let fileManager = FileManager.default
        let marker = try? String(contentsOfFile: layout + "/oci-layout", encoding: .utf8)
        if marker?.contains("\"imageLayoutVersion\"") != true {
            problems.append("oci-layout is missing")
        }
        guard let index = try? Data(contentsOf: URL(fileURLWithPath: layout + "/index.json")),
            (try? JSONSerialization.jsonObject(with: index)) != nil
        else { return problems + ["index.json is missing or not JSON"] }
        let blobs = layout + "/blobs/sha256"
        let names = try fileManager.contentsOfDirectory(atPath: blobs).sorted()
        for name in names {
            if name.hasPrefix(".") {
                problems.append("a temporary file was left behind: \(name)")
                continue
            }
            let result = try ProcessRunner.run(["sha256sum", blobs + "/" + name])
            let digest = String(result.stdout.prefix(64))
            if digest != name { problems.append("blob \(name) has digest \(digest)") }
        }
        return problems
    }
}

/// A process started in the background, for tests that run several at once.
public final class RunningProcess {
    let process: Process
    let stdout: URL
    let stderr: URL

    init(process: Process, stdout: URL, stderr: URL) {
        self.process = process
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Kills it at once (SIGKILL), as a crash or an out-of-memory killer would.
    public func kill() {
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
    }

    /// Waits for it to exit.
    public func wait() throws -> ProcessResult {
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(at: stdout)
            try? FileManager.default.removeItem(at: stderr)
        }
        return ProcessResult(
            status: process.terminationStatus, stdoutData: try Data(contentsOf: stdout),
            stderr: String(decoding: try Data(contentsOf: stderr), as: UTF8.self))
    }
}

extension ProcessRunner {
    /// Starts a process without waiting; its output goes to temporary files.
    public static func start(_ arguments: [String], in directory: String? = nil) throws
        -> RunningProcess
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "shipml-\(UUID().uuidString)")
        let stdout = base.appendingPathExtension("out")
        let stderr = base.appendingPathExtension("err")
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return RunningProcess(process: process, stdout: stdout, stderr: stderr)
    }
}
