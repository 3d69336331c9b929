/// A git operation that failed: libgit2's code, class and message, and what shipml was doing.
///
/// The description reads `git: <context>: <message>`, for example
/// `git: cannot open repository at /x: could not find repository at '/x'`.
public struct GitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A libgit2 error code (`git_error_code`); more codes can be added without breaking callers.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32

        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        /// A failure libgit2 gives no more specific code for.
        public static let generic = Code(rawValue: -1)
        /// The object, reference or path does not exist.
        public static let notFound = Code(rawValue: -3)
        /// Something already exists where a new one was to be created.
        public static let exists = Code(rawValue: -4)
        /// A short id or name matches more than one object.
        public static let ambiguous = Code(rawValue: -5)
        /// The operation needs a working directory and the repository is bare, or the reverse.
        public static let bareRepository = Code(rawValue: -8)
        /// The branch HEAD names has no commits yet.
        public static let unbornBranch = Code(rawValue: -9)
        /// A push would lose commits on the remote: it is not a fast-forward.
        public static let nonFastForward = Code(rawValue: -11)
        /// A reference name or refspec is malformed.
        public static let invalidSpec = Code(rawValue: -12)
        /// Another process holds a lock file.
        public static let locked = Code(rawValue: -14)
        /// A reference no longer points where the caller expected: someone else moved it.
        public static let modified = Code(rawValue: -15)
        /// The remote asked for credentials that were not given or were refused.
        public static let authentication = Code(rawValue: -16)
        /// The input or the operation is not valid.
        public static let invalid = Code(rawValue: -21)

        public var description: String { "\(rawValue)" }
    }

    /// What libgit2 returned, or ``Code/invalid`` for input shipml rejected before calling it.
    public let code: Code
    /// libgit2's error class (`git_error_t`: 3 invalid, 4 reference, 6 repository, 12 net, …).
    public let errorClass: Int32
    /// libgit2's own message, or shipml's when the check happened in Swift.
    public let message: String
    /// What was being done, lower-case, e.g. `cannot open repository at /x`.
    public let context: String

    init(code: Code, errorClass: Int32, message: String, context: String) {
        self.code = code
        self.errorClass = errorClass
        self.message = message
        self.context = context
    }

    /// An error for input that shipml rejects itself, before asking libgit2.
    static func invalid(_ context: String, _ message: String) -> GitError {
        GitError(code: .invalid, errorClass: 3, message: message, context: context)
    }

    public var description: String {
        var text = "git: \(context): \(message)"
        if let hint = hint {
            text += " (\(hint))"
        }
        return text
    }

    /// What to do next, for the codes where the fix is known.
    private var hint: String? {
        switch code {
        case .nonFastForward:
            "the remote has commits this repository lacks: fetch, build on the remote tip, retry"
        case .modified:
            "another writer moved the reference since it was read: read it again and retry"
        case .locked:
            "another git process is writing; retry, or remove a stale .lock file"
        default:
            nil
        }
    }
}
