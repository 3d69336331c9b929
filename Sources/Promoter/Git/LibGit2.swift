import CGit2

/// libgit2's process-wide state: initialised once, on first use, and never shut down.
///
/// Shutting down would free global state under any repository another thread still holds, so
/// the library stays initialised until the process exits. Every entry point that can be the
/// first call into libgit2 (opening or creating a repository) calls ``ensureInitialized()``.
enum LibGit2 {
    /// The outcome of the only `git_libgit2_init()` call in the process; Swift runs a `static
    /// let` initialiser exactly once, even when several threads race to it. The CA bundle is
    /// not parsed then but before the first https fetch or push (``CertificateStore``).
    private static let initialization = Result { () throws(GitError) in
        try check(shipml_git_init_deferring_certificates(), "cannot initialise libgit2")
    }

    /// Initialises libgit2 if this is the first call in the process.
    /// - Throws: ``GitError`` when libgit2 could not set up its global state.
    static func ensureInitialized() throws(GitError) {
        try initialization.get()
    }
}

/// Turns a libgit2 return code into a Swift error: the one place that does so.
///
/// A negative `code` is a failure. Its details come from `git_error_last()`, which is
/// per-thread and describes the call that just failed, so this must be called synchronously
/// right after that call, never across an `await`. The error is cleared after it is read.
/// - Parameters:
///   - code: What the libgit2 function returned; zero and positive values are success.
///   - what: What was being done, lower-case, e.g. `cannot open repository at /x`.
/// - Throws: ``GitError`` with libgit2's code, class and message, and `what` as context.
func check(_ code: Int32, _ what: @autoclosure () -> String) throws(GitError) {
    guard code < 0 else { return }
    var errorClass: Int32 = 0
    var message = "unknown libgit2 error"
    if let last = git_error_last() {
        errorClass = last.pointee.klass
        if let text = last.pointee.message {
            message = String(cString: text)
        }
    }
    git_error_clear()
    throw GitError(
        code: GitError.Code(rawValue: code), errorClass: errorClass, message: message,
        context: what())
}

/// Calls `body` with a `git_strarray` holding copies of `strings`, valid only inside `body`.
func withStringArray<Result, Failure: Error>(
    _ strings: [String], _ body: (UnsafePointer<git_strarray>) throws(Failure) -> Result
) throws(Failure) -> Result {
    var copies: [UnsafeMutablePointer<CChar>?] = strings.map { string in
        let utf8 = string.utf8CString
        let copy = UnsafeMutableBufferPointer<CChar>.allocate(capacity: utf8.count)
        _ = copy.initialize(from: utf8)
        return copy.baseAddress
    }
    defer {
        for copy in copies { copy?.deallocate() }
    }
    var array = git_strarray(strings: nil, count: 0)
    return try copies.withUnsafeMutableBufferPointer { buffer throws(Failure) in
        array.strings = buffer.baseAddress
        array.count = buffer.count
        return try body(&array)
    }
}
