public import Foundation

/// Credentials as docker keeps them: `$DOCKER_CONFIG/config.json` (or `~/.docker/config.json`)
/// with `auths` entries, per-registry `credHelpers` and a default `credsStore`, the helpers run
/// as `docker-credential-NAME get` exactly as docker runs them.
public struct DockerConfigCredentials: CredentialSource {
    /// The config file's path; it may not exist (then nothing is found).
    public let path: String

    /// The config docker itself would read, given an environment.
    public static func standard(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> DockerConfigCredentials {
        if let directory = environment["DOCKER_CONFIG"], !directory.isEmpty {
            return DockerConfigCredentials(path: directory + "/config.json")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return DockerConfigCredentials(path: home + "/.docker/config.json")
    }

    public init(path: String) { self.path = path }

    private struct File: Decodable {
        struct Entry: Decodable {
            var auth: String?
            var username: String?
            var password: String?
            var identitytoken: String?
        }
        var auths: [String: Entry]?
        var credHelpers: [String: String]?
        var credsStore: String?
    }

    public func credential(for host: String) throws -> Credential? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw RegistryError(
                .configuration,
                "\(path): not a valid docker config file (expected JSON with \"auths\", \"credHelpers\" or \"credsStore\")"
            )
        }
        let names = Self.serverNames(host)
        if let helper = names.lazy.compactMap({ file.credHelpers?[$0] }).first {
            return try Self.runHelper(helper, server: names[0], configPath: path)
        }
        for (key, entry) in file.auths ?? [:] where names.contains(Self.normalize(key)) {
            if let found = try Self.decode(entry, key: key, configPath: path) { return found }
        }
        if let store = file.credsStore, !store.isEmpty {
            // Docker asks the store under the name it logged in with: Docker Hub's legacy URL.
            let server = host == "docker.io" ? "https://index.docker.io/v1/" : host
            return try Self.runHelper(store, server: server, configPath: path)
        }
        return nil
    }

    /// The names a host may be stored under, normalized.
    static func serverNames(_ host: String) -> [String] {
        if ["docker.io", "index.docker.io", "registry-1.docker.io"].contains(host) {
            return ["docker.io", "index.docker.io", "registry-1.docker.io"]
        }
        return [host]
    }

    /// `https://index.docker.io/v1/` → `index.docker.io`; `http://host:5000` → `host:5000`.
    static func normalize(_ key: String) -> String {
        var text = Substring(key)
        for prefix in ["https://", "http://"] where text.hasPrefix(prefix) {
            text = text.dropFirst(prefix.count)
        }
        if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
        return String(text)
    }

    private static func decode(
        _ entry: File.Entry, key: String, configPath: String
    ) throws -> Credential? {
        if let token = entry.identitytoken, !token.isEmpty { return .identityToken(token) }
        if let auth = entry.auth, !auth.isEmpty {
            guard let decoded = Data(base64Encoded: auth),
                let text = String(data: decoded, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            else {
                throw RegistryError(
                    .configuration,
                    "\(configPath): auths[\"\(key)\"].auth: expected base64 of USER:PASSWORD")
            }
            return .basic(
                username: String(text[..<colon]),
                password: String(text[text.index(after: colon)...]))
        }
        if let username = entry.username, let password = entry.password {
            return .basic(username: username, password: password)
        }
        return nil
    }

    /// Runs `docker-credential-NAME get` with the server on standard input.
    static func runHelper(_ name: String, server: String, configPath: String) throws -> Credential?
    {
        let program = "docker-credential-\(name)"
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw RegistryError(
                .configuration, "\(configPath): credential helper \"\(name)\" is not a valid name")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program, "get"]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw RegistryError(.configuration, "\(configPath): cannot run \(program): \(error)")
        }
        input.fileHandleForWriting.write(Data(server.utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        if process.terminationStatus == 127 {
            throw RegistryError(
                .configuration,
                "\(configPath) names the credential helper \"\(name)\", but \(program) is not on PATH"
            )
        }
        guard process.terminationStatus == 0 else {
            // "credentials not found" is how every helper says it has nothing for this server.
            let combined = (text + String(decoding: message, as: UTF8.self)).lowercased()
            if combined.contains("not found") { return nil }
            throw RegistryError(
                .configuration,
                "\(program) get failed for \(server) (exit \(process.terminationStatus))")
        }
        struct Answer: Decodable {
            var username: String
            var secret: String
            enum CodingKeys: String, CodingKey {
                case username = "Username"
                case secret = "Secret"
            }
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: data) else {
            throw RegistryError(
                .configuration,
                "\(program) get for \(server) did not print {\"Username\", \"Secret\"} JSON")
        }
        if answer.username == "<token>" { return .identityToken(answer.secret) }
        return .basic(username: answer.username, password: answer.secret)
    }
}
