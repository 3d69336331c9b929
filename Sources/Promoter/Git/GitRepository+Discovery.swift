import CGit2
import Foundation
import ShipModel

extension GitRepository {
    /// Opens the repository that holds `path`, searching parent directories as `git` does;
    /// nil when `path` is not inside a repository.
    /// - Throws: ``GitError`` for a repository that exists but cannot be opened.
    public static func discover(containing path: String) throws -> GitRepository? {
        try LibGit2.ensureInitialized()
        var pointer: OpaquePointer?
        let code = git_repository_open_ext(&pointer, path, 0, nil)
        if code == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(code, "cannot open the repository holding \(path)")
        guard let pointer else { return nil }
        return GitRepository(handle: Handle(owning: pointer))
    }

    /// The URL of a configured remote (such as `origin`), with any user name or password
    /// removed; nil when there is no such remote.
    public func remoteURL(_ name: String) -> String? {
        handle.withPointer { repo -> String? in
            var raw: OpaquePointer?
            guard git_remote_lookup(&raw, repo, name) == 0, let raw else {
                git_error_clear()
                return nil
            }
            let remote = Handle<RemoteObject>(owning: raw)
            return remote.withPointer { pointer in
                git_remote_url(pointer).map { Self.withoutCredentials(String(cString: $0)) }
            }
        }
    }

    /// `https://user:token@host/x?t=1` → `https://host/x` (``Redaction``).
    static func withoutCredentials(_ url: String) -> String {
        Redaction.strippingCredentials(url)
    }

    /// A value of the user's git configuration (global, XDG and system files, as `git config
    /// --get` reads outside a repository), e.g. `user.name`; nil when it is not set.
    public static func userConfigValue(_ key: String) -> String? {
        guard (try? LibGit2.ensureInitialized()) != nil else { return nil }
        var raw: OpaquePointer?
        guard git_config_open_default(&raw) == 0, let raw else {
            git_error_clear()
            return nil
        }
        return stringValue(key, in: Handle<ConfigObject>(owning: raw))
    }

    /// A value of this repository's git configuration, its own file over the user's and the
    /// system's (as `git config --get` reads inside it); nil when it is not set.
    public func configValue(_ key: String) -> String? {
        configSnapshot().flatMap { Self.stringValue(key, in: $0) }
    }

    /// A path in this repository's git configuration, with `~/` expanded as git expands
    /// pathname settings (`http.sslCAInfo`); nil when it is not set.
    func configPath(_ key: String) -> String? {
        configSnapshot().flatMap { Self.bufferValue(key, in: $0, git_config_get_path) }
    }

    /// A boolean in this repository's git configuration, read as git reads booleans (`true`,
    /// `yes`, `on`, `1`, a bare key; `false`, `no`, `off`, `0`, empty); nil when it is not set
    /// or is not a boolean.
    func configBool(_ key: String) -> Bool? {
        configSnapshot().flatMap { config in
            config.withPointer { config -> Bool? in
                var value: Int32 = 0
                guard git_config_get_bool(&value, config, key) == 0 else {
                    git_error_clear()
                    return nil
                }
                return value != 0
            }
        }
    }

    private func configSnapshot() -> Handle<ConfigObject>? {
        var raw: OpaquePointer?
        let code = handle.withPointer { git_repository_config_snapshot(&raw, $0) }
        guard code == 0, let raw else {
            git_error_clear()
            return nil
        }
        return Handle<ConfigObject>(owning: raw)
    }

    private static func stringValue(_ key: String, in config: Handle<ConfigObject>) -> String? {
        bufferValue(key, in: config, git_config_get_string_buf)
    }

    private static func bufferValue(
        _ key: String, in config: Handle<ConfigObject>,
        _ get: (UnsafeMutablePointer<git_buf>?, OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    ) -> String? {
        config.withPointer { config -> String? in
            var buffer = git_buf()
            defer { git_buf_dispose(&buffer) }
            guard get(&buffer, config, key) == 0, let text = buffer.ptr else {
                git_error_clear()
                return nil
            }
            return String(cString: text)
        }
    }
}
