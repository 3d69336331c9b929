public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A docker-registry (Debian's distribution 2.8) of the test's own on a free loopback port,
/// with a temporary configuration and storage; stopped and removed by ``stop()`` or deinit.
/// Used for the instances a test needs beyond the one `.ci/run` starts: basic auth, token
/// auth, a registry killed and restarted.
public final class RegistryServer: @unchecked Sendable {
    /// How clients must authenticate.
    public enum Auth: Sendable {
        case none
        /// `htpasswd` basic auth with one user.
        case basic(username: String, password: String)
        /// Bearer tokens from `realm`, signed by the key of the certificate at `certificate`.
        case token(realm: String, service: String, issuer: String, certificate: String)
    }

    /// `127.0.0.1:PORT`.
    public let address: String
    /// The storage directory: survives ``restart()``.
    public let directory: String
    private let configPath: String
    private var process: Process?

    /// Starts a registry and waits until it answers; with `tls`, HTTPS with that certificate
    /// and key (PEM files).
    public init(auth: Auth = .none, tls: (certificate: String, key: String)? = nil) throws {
        let port = try Self.freePort()
        address = "127.0.0.1:\(port)"
        directory = NSTemporaryDirectory() + "shipml-registry-\(UUID().uuidString)"
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        configPath = directory + "/config.yml"
        var config = """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(directory)/data
              delete:
                enabled: true
            http:
              addr: \(address)
              secret: shipml-test-\(port)

            """
        if let tls {
            config += """
                  tls:
                    certificate: \(tls.certificate)
                    key: \(tls.key)

                """
        }
        switch auth {
        case .none:
            break
        case .basic(let username, let password):
            let result = try ProcessRunner.run(["htpasswd", "-Bbn", username, password])
            guard result.succeeded else {
                throw RegistryServerError("htpasswd failed: \(result.stderr)")
            }
            try result.stdoutData.write(to: URL(fileURLWithPath: directory + "/htpasswd"))
            config += """
                auth:
                  htpasswd:
                    realm: shipml-test
                    path: \(directory)/htpasswd

                """
        case .token(let realm, let service, let issuer, let certificate):
            config += """
                auth:
                  token:
                    realm: \(realm)
                    service: \(service)
                    issuer: \(issuer)
                    rootcertbundle: \(certificate)

                """
        }
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
        try launch()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Kills the registry at once (SIGKILL), as a crash would; its storage stays.
    public func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Starts it again on the same port and storage.
    public func restart() throws {
        kill()
        try launch()
    }

    /// Stops it.
    public func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    private func launch() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["docker-registry", "serve", configPath]
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        for _ in 0..<200 {
            if Self.answers(address) { return }
            guard process.isRunning else {
                throw RegistryServerError("docker-registry exited at start (\(configPath))")
            }
            usleep(50_000)
        }
        throw RegistryServerError("docker-registry did not answer on \(address)")
    }

    /// Whether something accepts connections at the address.
    private static func answers(_ address: String) -> Bool {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { return false }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = port.bigEndian
        target.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// A port nobody listens on now: bind port 0, read what the kernel chose, let it go.
    public static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RegistryServerError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw RegistryServerError("bind failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(fd, $0, &length)
            }
        }
        guard named == 0 else { throw RegistryServerError("getsockname failed") }
        return UInt16(bigEndian: address.sin_port)
    }
}

/// A test registry could not be started.
public struct RegistryServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
