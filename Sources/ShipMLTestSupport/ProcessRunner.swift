public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished process left behind.
public struct ProcessResult: Sendable, Equatable {
    public var status: Int32
    /// Standard output, as bytes.
    public var stdoutData: Data
    public var stderr: String

    /// Standard output, as UTF-8 text.
    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }

    /// Whether it exited with status 0.
    public var succeeded: Bool { status == 0 }
}

/// Runs real tools (`git`, `tar`, `skopeo`, the built `shipml`) from tests.
public enum ProcessRunner {
    /// Runs `arguments[0]` (looked up on `PATH` unless it is a path) and waits for it.
    /// - Parameters:
    ///   - directory: the working directory.
    ///   - environment: variables added to (or, with a nil value, removed from) this process's.
    ///   - input: bytes written to its standard input, which is otherwise empty.
    public static func run(
        _ arguments: [String], in directory: String? = nil,
        environment: [String: String?] = [:], input: Data = Data()
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        process.environment = variables
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        // Read both pipes while the process runs, so a chatty tool never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data()
        nonisolated(unsafe) var err = Data()
        DispatchQueue.global().async(group: group) {
            out = stdout.fileHandleForReading.readDataToEndOfFile()
        }
        DispatchQueue.global().async(group: group) {
            err = stderr.fileHandleForReading.readDataToEndOfFile()
        }
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return ProcessResult(
            status: process.terminationStatus, stdoutData: out,
            stderr: String(decoding: err, as: UTF8.self))
    }
}

extension ProcessRunner {
    /// The full path of a tool on `PATH`, or nil when it is not installed.
    public static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// The `shipml` binary that `swift build` put beside the test bundle.
public enum ShipMLExecutable {
    /// Its path: `$SHIPML_BINARY`, or `shipml` in the directory of the running test bundle.
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["SHIPML_BINARY"] { return override }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the tests run from `.build/debug/shipmlPackageTests.xctest`; on macOS from
        // inside the bundle.
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shipml").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return "shipml"
    }

    /// Runs `shipml` with `arguments` in `directory`, with colour and CI variables cleared.
    public static func run(
        _ arguments: [String], in directory: String, environment: [String: String?] = [:],
        input: Data = Data()
    ) throws -> ProcessResult {
        var variables: [String: String?] = ["NO_COLOR": nil, "CI": nil, "GITHUB_ACTIONS": nil]
        for (name, value) in environment { variables[name] = value }
        return try ProcessRunner.run(
            [path] + arguments, in: directory, environment: variables, input: input)
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
