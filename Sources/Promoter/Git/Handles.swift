import CGit2
import Foundation

/// A kind of libgit2 object that a ``Handle`` owns, and how to free it.
protocol HandleKind {
    /// Frees one object of this kind; called exactly once, by ``Handle``'s `deinit`.
    static func free(_ pointer: OpaquePointer)
}

/// The one owner of a libgit2 object: it frees the object in `deinit`.
///
/// The raw pointer is lent only to a closure (``withPointer(_:)``), during which the handle is
/// kept alive, so no pointer outlives its owner. Handles are not `Sendable`: libgit2 objects
/// must not be used from two threads at once.
final class Handle<Kind: HandleKind> {
    private let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        Kind.free(pointer)
    }

    /// Lends the pointer to `body`; it must not escape `body`.
    func withPointer<Result, Failure: Error>(
        _ body: (OpaquePointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        defer { withExtendedLifetime(self) {} }
        return try body(pointer)
    }

    /// Lends the pointers of several handles at once, in order; they must not escape `body`.
    static func withPointers<Result, Failure: Error>(
        _ handles: [Handle], _ body: ([OpaquePointer?]) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        defer { withExtendedLifetime(handles) {} }
        return try body(handles.map { $0.pointer })
    }

    /// Calls a libgit2 constructor that writes a new object to its out-parameter, and takes
    /// ownership of the result.
    /// - Parameters:
    ///   - what: The error context if the call fails, e.g. `cannot look up tree 1a2b…`.
    ///   - make: Calls the C function with the out-parameter and returns its code.
    /// - Throws: ``GitError`` when the call fails or returns no object.
    static func make(
        _ what: @autoclosure () -> String, _ make: (inout OpaquePointer?) -> Int32
    ) throws(GitError) -> Handle {
        var raw: OpaquePointer?
        let code = make(&raw)
        try check(code, what())
        guard let raw else {
            throw GitError(
                code: .generic, errorClass: 0, message: "libgit2 returned no object",
                context: what())
        }
        return Handle(owning: raw)
    }
}

enum RepositoryObject: HandleKind {
    static func free(_ pointer: OpaquePointer) { git_repository_free(pointer) }
}

enum CommitObject: HandleKind {
    static func free(_ pointer: OpaquePointer) { git_commit_free(pointer) }
}

enum TreeObject: HandleKind {
    static func free(_ pointer: OpaquePointer) { git_tree_free(pointer) }
}

enum TreeEntryObject: HandleKind {
    static func free(_ pointer: OpaquePointer) { git_tree_entry_free(pointer) }
}

enum TreeBuilderObject: HandleKind {
    static func free(_ pointer: OpaquePointer) { git_treebuilder_free(pointer) }
}

enum BlobObject: HandleKind {
    static func free(_ pointer: OpaquePointer) { git_blob_free(pointer) }
}

enum GenericObject: HandleKind {
    static func free(_ pointer: OpaquePointer) { git_object_free(pointer) }
}

enum ReferenceObject: HandleKind {
    static func free(_ pointer: OpaquePointer) { git_reference_free(pointer) }
}

enum RevwalkObject: HandleKind {
    static func free(_ pointer: OpaquePointer) { git_revwalk_free(pointer) }
}

enum RemoteObject: HandleKind {
    static func free(_ pointer: OpaquePointer) { git_remote_free(pointer) }
}

enum ConfigObject: HandleKind {
    static func free(_ pointer: OpaquePointer) { git_config_free(pointer) }
}

/// The one owner of a `git_signature`, which libgit2 defines as a struct rather than an opaque
/// type; frees it in `deinit` and lends it only to a closure.
final class SignatureHandle {
    private let pointer: UnsafeMutablePointer<git_signature>

    /// Makes a libgit2 signature from a Swift one.
    /// - Throws: ``GitError`` when libgit2 rejects the name or email (e.g. it contains `<`).
    init(_ signature: Signature) throws(GitError) {
        var raw: UnsafeMutablePointer<git_signature>?
        let seconds = git_time_t(signature.time.timeIntervalSince1970.rounded(.down))
        try check(
            git_signature_new(
                &raw, signature.name, signature.email, seconds,
                Int32(clamping: signature.timeZoneOffsetMinutes)),
            "cannot use signature \(signature.name) <\(signature.email)>")
        guard let raw else {
            throw GitError(
                code: .generic, errorClass: 0, message: "libgit2 returned no signature",
                context: "cannot use signature \(signature.name) <\(signature.email)>")
        }
        pointer = raw
    }

    deinit {
        git_signature_free(pointer)
    }

    /// Lends the pointer to `body`; it must not escape `body`.
    func withPointer<Result, Failure: Error>(
        _ body: (UnsafePointer<git_signature>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        defer { withExtendedLifetime(self) {} }
        return try body(pointer)
    }
}
