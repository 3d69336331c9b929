import CArchive
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A tar archive could not be written or read.
///
/// It carries libarchive's status code and error text, what was being done, and the file or
/// entry path concerned when there is one.
public struct ArchiveError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A libarchive status code (`ARCHIVE_OK`, `ARCHIVE_WARN`, ...).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int

        public init(rawValue: Int) {
            self.rawValue = rawValue
        }

        /// `ARCHIVE_OK`: the call succeeded.
        public static let ok = Code(rawValue: Int(ARCHIVE_OK))
        /// `ARCHIVE_EOF`: the end of the archive came where it was not expected.
        public static let eof = Code(rawValue: Int(ARCHIVE_EOF))
        /// `ARCHIVE_RETRY`: the call may succeed if repeated.
        public static let retry = Code(rawValue: Int(ARCHIVE_RETRY))
        /// `ARCHIVE_WARN`: the call did its work, but not all of it faithfully.
        public static let warn = Code(rawValue: Int(ARCHIVE_WARN))
        /// `ARCHIVE_FAILED`: this operation failed; the archive may still be usable.
        public static let failed = Code(rawValue: Int(ARCHIVE_FAILED))
        /// `ARCHIVE_FATAL`: the archive can no longer be used.
        public static let fatal = Code(rawValue: Int(ARCHIVE_FATAL))

        public var description: String {
            switch self {
            case .ok: "ok"
            case .eof: "eof"
            case .retry: "retry"
            case .warn: "warn"
            case .failed: "failed"
            case .fatal: "fatal"
            default: "code \(rawValue)"
            }
        }
    }

    /// The status code libarchive returned; ``Code-swift.struct/failed`` for problems found
    /// before libarchive was called (an invalid entry path, an unreadable source file).
    public let code: Code
    /// libarchive's error text (or the system's, for a source file), as it was reported.
    public let message: String
    /// The `errno` value libarchive or the system reported, or 0.
    public let systemError: Int32
    /// What was being done, for example `cannot add entry`.
    public let operation: String
    /// The archive, entry or source file path concerned, when there is one.
    public let path: String?

    init(
        code: Code, message: String, systemError: Int32 = 0, operation: String,
        path: String?
    ) {
        self.code = code
        self.message = message
        self.systemError = systemError
        self.operation = operation
        self.path = path
    }

    /// An error for a failed system call, with `errno`'s text.
    static func system(_ operation: String, path: String?, errno number: Int32) -> ArchiveError {
        ArchiveError(
            code: .failed, message: String(cString: strerror(number)), systemError: number,
            operation: operation, path: path)
    }

    public var description: String {
        var text = operation
        if let path { text += " '\(path)'" }
        text += ": " + Self.lowercasingFirstWord(message)
        if let hint { text += "; " + hint }
        return text
    }

    /// What the user can do about a few common system errors.
    private var hint: String? {
        switch systemError {
        case ENOENT: "check that the path exists"
        case EACCES, EPERM: "check the file's permissions"
        case ENOSPC: "free some disk space"
        case EISDIR: "give the path of a file, not a directory"
        default: nil
        }
    }

    /// Lowercases the first letter of a message that starts with a capitalized word
    /// ("Truncated tar archive"), leaving words in capitals ("INTERNAL ERROR") alone.
    private static func lowercasingFirstWord(_ text: String) -> String {
        let firstWord = text.prefix { $0.isLetter }
        guard firstWord.count > 1, firstWord.dropFirst().allSatisfy(\.isLowercase),
            let first = text.first
        else { return text }
        return first.lowercased() + text.dropFirst()
    }
}

/// Which results other than `ARCHIVE_OK` a libarchive call may return without failing.
struct ArchiveSuccess: OptionSet {
    let rawValue: Int

    /// `ARCHIVE_EOF`, the end of the archive.
    static let endOfArchive = ArchiveSuccess(rawValue: 1 << 0)
    /// `ARCHIVE_WARN`; the caller reads the warning with ``archiveErrorText(_:)``.
    static let warning = ArchiveSuccess(rawValue: 1 << 1)
    /// Any non-negative value, which is a byte count (`archive_write_data`, `archive_read_data`).
    static let byteCount = ArchiveSuccess(rawValue: 1 << 2)
}

/// Turns the result of a libarchive call into a value or an ``ArchiveError``.
///
/// The one place libarchive results are interpreted. The error text is read from the archive
/// here, right after the call and on the same thread, before anything else can replace it.
///
/// - Parameters:
///   - result: what the call returned: a status code or, with `.byteCount`, a byte count.
///   - archive: the handle the call was made on, to read its error text; nil when the call
///     that failed was the one to make the handle.
///   - operation: what was being done, lowercase, for example `cannot add entry`.
///   - path: the archive, entry or source file path, when there is one.
///   - accepting: the results besides `ARCHIVE_OK` that are not errors.
/// - Returns: the result, as an `Int`.
/// - Throws: ``ArchiveError`` for any other result.
@discardableResult
func check(
    _ result: some BinaryInteger, _ archive: OpaquePointer?,
    _ operation: @autoclosure () -> String, path: String? = nil,
    accepting: ArchiveSuccess = []
) throws -> Int {
    let value = Int(result)
    switch value {
    case Int(ARCHIVE_OK):
        return value
    case Int(ARCHIVE_EOF) where accepting.contains(.endOfArchive):
        return value
    case Int(ARCHIVE_WARN) where accepting.contains(.warning):
        return value
    case 0... where accepting.contains(.byteCount):
        return value
    default:
        let message = archive.map(archiveErrorText) ?? "libarchive could not allocate a handle"
        let number = archive.map { archive_errno($0) } ?? ENOMEM
        throw ArchiveError(
            code: ArchiveError.Code(rawValue: value), message: message,
            systemError: number > 0 ? number : 0, operation: operation(), path: path)
    }
}

/// The error text libarchive holds for `archive`, or a stand-in when it holds none.
func archiveErrorText(_ archive: OpaquePointer) -> String {
    guard let text = archive_error_string(archive) else {
        return "libarchive gave no reason"
    }
    return String(cString: text)
}
