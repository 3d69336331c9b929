import Foundation
import ShipMLTestSupport
import Testing

/// A real OpenSSH server on 127.0.0.1 with its own configuration, host key and port, serving
/// a bare repository to one generated client key; stopped when the value goes away.
final class LoopbackSSHServer {
    let port: Int
    let pid: Int32
    let hostPublicKey: String
    let clientKey: String

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") }

    init(_ scratch: ScratchDirectory) throws {
        let directory = scratch.path("sshd")
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        // sshd insists on its privilege separation directory.
        try? FileManager.default.createDirectory(
            atPath: "/run/sshd", withIntermediateDirectories: true)
        for (name, file) in [("host", "host_key"), ("client", "client_key")] {
            let made = try ProcessRunner.run([
                "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f",
                "\(directory)/\(file)",
            ])
            try #require(made.succeeded, "ssh-keygen: \(made.stderr)")
        }
        hostPublicKey = try String(contentsOfFile: "\(directory)/host_key.pub", encoding: .utf8)
        clientKey = "\(directory)/client_key"
        try FileManager.default.copyItem(
            atPath: "\(directory)/client_key.pub", toPath: "\(directory)/authorized_keys")
        var lastError = ""
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            _ = try scratch.write(
                "sshd/sshd_config",
                """
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(directory)/host_key
                AuthorizedKeysFile \(directory)/authorized_keys
                PidFile \(directory)/sshd.pid
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                PermitRootLogin yes
                StrictModes no
                UsePAM no

                """)
            let log = "\(directory)/sshd-\(port).log"
            // sshd detaches itself (no -D): no process of ours stays tied to it, and it closes
            // every descriptor it inherited.
            let started = try ProcessRunner.run([
                "/usr/sbin/sshd", "-E", log, "-f", "\(directory)/sshd_config",
            ])
            for _ in 0..<100 where started.succeeded {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                if text.contains("Server listening"),
                    let pid = try? String(contentsOfFile: "\(directory)/sshd.pid", encoding: .utf8),
                    let number = Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines))
                {
                    self.port = port
                    self.pid = number
                    return
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            if let pid = try? String(contentsOfFile: "\(directory)/sshd.pid", encoding: .utf8),
                let number = Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                kill(number, SIGTERM)
            }
            lastError = started.stderr + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        }
        throw Failed(log: lastError)
    }

    struct Failed: Error, CustomStringConvertible {
        var log: String
        var description: String { "sshd did not start: \(log)" }
    }

    deinit { kill(pid, SIGTERM) }

    /// The `known_hosts` line for this server.
    var knownHostsLine: String {
        let fields = hostPublicKey.split(separator: " ")
        return "[127.0.0.1]:\(port) \(fields[0]) \(fields[1])\n"
    }
}

/// A real `ssh-agent` listening on a socket in the scratch directory; killed when the value
/// goes away.
///
/// It runs in the foreground (`-D`), as a child of the test: a daemonized ssh-agent keeps the
/// descriptors it inherited (Foundation's `Process` waits on one of them, so starting it
/// would never return), and inherits the test process's blocked SIGTERM.
final class LoopbackSSHAgent {
    let socket: String
    private let process: RunningProcess

    init(_ scratch: ScratchDirectory) throws {
        socket = scratch.path("agent.sock")
        process = try ProcessRunner.start(["ssh-agent", "-D", "-a", socket])
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: socket) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard FileManager.default.fileExists(atPath: socket) else {
            process.kill()
            throw Failed()
        }
    }

    deinit { process.kill() }

    struct Failed: Error, CustomStringConvertible {
        var description: String { "ssh-agent did not open its socket within 10 s" }
    }

    /// Adds a private key to the agent.
    func add(_ key: String) throws {
        let added = try ProcessRunner.run(
            ["ssh-add", key], environment: ["SSH_AUTH_SOCK": socket])
        try #require(added.succeeded, "ssh-add: \(added.stderr)")
    }
}

/// `ssh://` and `user@host:path` state remotes against a real sshd.
@Suite(
    .enabled(
        if: LoopbackSSHServer.isInstalled,
        "sshd is not installed (Debian: openssh-server; scripts/bootstrap installs it)"))
struct SSHRemoteTests {
    func run(
        _ arguments: [String], in scratch: ScratchDirectory, environment: [String: String?]
    ) throws -> ProcessResult {
        try ShipMLExecutable.run(
            arguments, in: scratch.path("project"),
            environment: [
                "HOME": scratch.path("home"), "GIT_AUTHOR_NAME": "carol",
                "GIT_AUTHOR_EMAIL": "carol@example.com", "GITHUB_ACTOR": nil,
                "SSH_AUTH_SOCK": nil,
            ].merging(environment) { _, new in new })
    }

    @Test func promoteOverSSHChecksTheHostKey() throws {
        let scratch = try ScratchDirectory()
        let server = try LoopbackSSHServer(scratch)
        let remote = scratch.path("remote.git")
        let url = "ssh://root@127.0.0.1:\(server.port)\(remote)"
        try PromoteCommandTests.makeProject(scratch, repository: url)
        try FileManager.default.createDirectory(
            atPath: scratch.path("home/.ssh"), withIntermediateDirectories: true)
        let key = ["SHIPML_GIT_SSH_KEY": server.clientKey]
        let promote = ["promote", "--to", "dev", "--artifact", PromoteCommandTests.artifact("a")]

        // An unknown host: refused, with a way out, and nothing pushed.
        let unknown = try run(promote, in: scratch, environment: key)
        #expect(unknown.status == 3, "\(unknown.stderr)")
        #expect(unknown.stderr.contains("is not in known_hosts"), "\(unknown.stderr)")
        #expect(!unknown.stderr.contains(server.clientKey), "no key path in the output")

        // A wrong key for the host: refused.
        _ = try scratch.write(
            "home/.ssh/known_hosts",
            "[127.0.0.1]:\(server.port) ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx7ZbBdQxvG2v0gGb8G2mX4OJq2Aqxq6R0Y7pVsmC2u\n"
        )
        let wrong = try run(promote, in: scratch, environment: key)
        #expect(wrong.status == 3)
        #expect(wrong.stderr.contains("does not match known_hosts"), "\(wrong.stderr)")

        _ = try scratch.write("home/.ssh/known_hosts", server.knownHostsLine)
        let promoted = try run(promote, in: scratch, environment: key)
        #expect(promoted.status == 0, "\(promoted.stderr)")
        #expect(
            try PromoteCommandTests.git(["--git-dir", remote, "log", "-1", "--format=%s"])
                == "promote(sentiment): 1.2.0 → dev\n")

        // The scp-like form of the same remote, read back by history.
        let history = try run(
            ["history", "--state", "root@127.0.0.1:\(remote)", "--env", "dev"], in: scratch,
            environment: key.merging(["SHIPML_GIT_SSH_STRICT_HOST_KEY_CHECKING": "no"]) {
                _, new in new
            })
        // Port 22 is not this server: scp-like URLs have no port, so this must fail cleanly.
        #expect(history.status == 3, "\(history.stdout)\(history.stderr)")

        // Without a usable key: an authentication failure, exit 3.
        let noKey = try run(
            ["promote", "--to", "staging"], in: scratch,
            environment: ["SHIPML_GIT_SSH_KEY": scratch.path("home/.ssh/none")])
        #expect(noKey.status == 3, "\(noKey.stderr)")
    }

    /// `shipml promote --to dev` over SSH with only an agent: no key file in ~/.ssh and no
    /// SHIPML_GIT_SSH_KEY; the agent holds the server's client key when `withKey`.
    func promoteThroughAnAgent(withKey: Bool) throws -> (
        result: ProcessResult, remote: String, socket: String
    ) {
        let scratch = try ScratchDirectory()
        let server = try LoopbackSSHServer(scratch)
        let agent = try LoopbackSSHAgent(scratch)
        if withKey { try agent.add(server.clientKey) }
        let remote = scratch.path("remote.git")
        try PromoteCommandTests.makeProject(
            scratch, repository: "ssh://root@127.0.0.1:\(server.port)\(remote)")
        _ = try scratch.write("home/.ssh/known_hosts", server.knownHostsLine)
        let result = try run(
            ["promote", "--to", "dev", "--artifact", PromoteCommandTests.artifact("a")],
            in: scratch,
            environment: ["SSH_AUTH_SOCK": agent.socket, "SHIPML_GIT_SSH_KEY": nil])
        let log = try ProcessRunner.run(
            ["git", "--git-dir", remote, "log", "-1", "--format=%s", "main"],
            environment: PromoteCommandTests.gitEnvironment)
        return (result, log.succeeded ? log.stdout : "", agent.socket)
    }

    /// The agent's key gets in.
    @Test func promoteWithTheAgentsKey() throws {
        let (result, landed, socket) = try promoteThroughAnAgent(withKey: true)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(landed == "promote(sentiment): 1.2.0 → dev\n")
        #expect(!result.stderr.contains(socket) && !result.stdout.contains(socket))
    }

    /// An agent holding no key and no key file: refused, exit 3, saying what to do, and
    /// nothing pushed.
    @Test func anEmptyAgentAndNoKeyFile() throws {
        let (result, landed, socket) = try promoteThroughAnAgent(withKey: false)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(
            result.stderr.contains("the SSH server accepted none of the keys offered"),
            "\(result.stderr)")
        #expect(result.stderr.contains("ssh-add"), "\(result.stderr)")
        #expect(result.stderr.contains("SHIPML_GIT_SSH_KEY"), "\(result.stderr)")
        #expect(!result.stderr.contains(socket))
        #expect(landed.isEmpty, "nothing was pushed")
    }

    @Test func theHostKeyCheckCanBeTurnedOff() throws {
        let scratch = try ScratchDirectory()
        let server = try LoopbackSSHServer(scratch)
        let remote = scratch.path("remote.git")
        try PromoteCommandTests.makeProject(
            scratch, repository: "ssh://root@127.0.0.1:\(server.port)\(remote)")
        let result = try run(
            ["promote", "--to", "dev", "--artifact", PromoteCommandTests.artifact("a")],
            in: scratch,
            environment: [
                "SHIPML_GIT_SSH_KEY": server.clientKey,
                "SHIPML_GIT_SSH_STRICT_HOST_KEY_CHECKING": "no",
            ])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
