import Foundation

/// Signs commits with an SSH key, as git does with `gpg.format=ssh`: the commit's bytes are
/// signed by `ssh-keygen -Y sign -n git`, and the armored signature goes in the commit's
/// `gpgsig` header, where `git verify-commit` and hosting services look for it.
public struct CommitSigner: Sendable, Equatable {
    /// A private key file; a public key file (the private key is then the agent's); or a
    /// public key itself, `key::ssh-ed25519 AAAA…` or `ssh-ed25519 AAAA…` (agent only).
    public var key: String
    /// The program that signs, `ssh-keygen` unless `gpg.ssh.program` names another.
    public var program: String

    public init(key: String, program: String = "ssh-keygen") {
        self.key = key
        self.program = program
    }

    /// The signer the configuration asks for, or nil when commits are not to be signed.
    ///
    /// `state.signingKey` in `shipml.yaml` asks for signing with that key. Otherwise git's
    /// own settings decide, as they would for `git commit`: `commit.gpgsign`, `gpg.format`
    /// (which must be `ssh`), `user.signingkey` and `gpg.ssh.program`.
    /// - Parameters:
    ///   - signingKey: `state.signingKey`, a path relative to the project already resolved.
    ///   - gitConfig: Reads a git configuration value.
    /// - Throws: ``SigningError`` when signing is asked for but cannot be done as asked.
    public static func configured(signingKey: String?, gitConfig: (String) -> String?) throws
        -> CommitSigner?
    {
        let program = gitConfig("gpg.ssh.program").flatMap { $0.isEmpty ? nil : $0 } ?? "ssh-keygen"
        if let signingKey { return CommitSigner(key: signingKey, program: program) }
        guard let sign = gitConfig("commit.gpgsign"), isTrue(sign) else { return nil }
        let format = gitConfig("gpg.format") ?? "openpgp"
        guard format.lowercased() == "ssh" else {
            throw SigningError(
                "commit.gpgsign is set with gpg.format=\(format); shipml signs only with SSH keys (gpg.format=ssh), or set state.signingKey in shipml.yaml"
            )
        }
        guard let key = gitConfig("user.signingkey"), !key.isEmpty else {
            throw SigningError(
                "commit.gpgsign is set with gpg.format=ssh but user.signingkey names no key")
        }
        return CommitSigner(key: key, program: program)
    }

    /// git's booleans: true, yes, on, 1.
    static func isTrue(_ text: String) -> Bool {
        ["true", "yes", "on", "1"].contains(text.lowercased())
    }

    /// Whether ``key`` is a public key written out rather than a file.
    var isLiteralKey: Bool { key.hasPrefix("key::") || key.hasPrefix("ssh-") }

    /// Signs a commit's bytes.
    /// - Returns: The armored signature, `-----BEGIN SSH SIGNATURE-----` …
    /// - Throws: ``SigningError`` naming the key and what the signing program said.
    public func sign(_ content: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "shipml-sign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let buffer = directory.appendingPathComponent("commit")
        try Data(content.utf8).write(to: buffer)
        var arguments = ["-Y", "sign", "-n", "git"]
        let keyFile: String
        if isLiteralKey {
            // As git does: a public key written out goes to a file, and the agent signs.
            let literal = key.hasPrefix("key::") ? String(key.dropFirst(5)) : key
            let file = directory.appendingPathComponent("key.pub")
            try Data((literal + "\n").utf8).write(to: file)
            keyFile = file.path
            arguments += ["-f", keyFile, "-U"]
        } else {
            keyFile = Self.expandingHome(key)
            guard FileManager.default.fileExists(atPath: keyFile) else {
                throw SigningError("the signing key \(key) does not exist")
            }
            arguments += ["-f", keyFile]
        }
        arguments.append(buffer.path)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw SigningError("cannot run \(program) to sign the commit: \(error)")
        }
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let signature = try? String(
            contentsOf: buffer.appendingPathExtension("sig"), encoding: .utf8)
        guard process.terminationStatus == 0, let signature,
            signature.hasPrefix("-----BEGIN SSH SIGNATURE-----")
        else {
            let reason = String(decoding: said, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let shown = isLiteralKey ? "the agent's key" : "the key \(key)"
            throw SigningError(
                "\(program) could not sign the commit with \(shown) (exit \(process.terminationStatus))"
                    + (reason.isEmpty ? "" : ": \(reason)"))
        }
        return signature
    }

    /// `~/x` as a path in the home directory.
    static func expandingHome(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        return FileManager.default.homeDirectoryForCurrentUser.path + String(path.dropFirst(1))
    }
}

/// Signing was asked for and could not be done: no commit is made.
public struct SigningError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "cannot sign the state commit: \(reason)" }
}
