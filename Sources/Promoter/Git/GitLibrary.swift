/// libgit2's process-wide start-up, for a caller that wants it done early.
public enum GitLibrary {
    /// Initialises libgit2 now, if nothing has yet: 1 to 3 ms here (OpenSSL for the SSH
    /// transport, seeding mbedTLS's random generator), which a command that will read the
    /// state repository can spend on another thread while it parses its arguments. A failure
    /// is not reported here: the first real use reports it.
    public static func prepare() {
        _ = try? LibGit2.ensureInitialized()
    }
}
