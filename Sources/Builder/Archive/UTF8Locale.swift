#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A locale whose character type is UTF-8, for libarchive's name conversions.
///
/// libarchive converts entry names between UTF-8 and the current locale's character set.
/// Swift programs run in the "C" locale, whose ASCII set cannot hold a name like
/// `données/modèle.txt`: libarchive 3.6 refuses such a name, or worse. Every archive call runs
/// with this locale installed for the calling thread only (`uselocale`); the process-wide
/// locale is never changed.
private struct UTF8Locale: @unchecked Sendable {
    // `@unchecked Sendable`: the locale object is created once, never modified and never
    // freed, and POSIX allows any thread to install it with `uselocale`.
    let locale: locale_t?

    static let shared = UTF8Locale()

    private init() {
        var found: locale_t?
        for name in ["C.UTF-8", "en_US.UTF-8", "UTF-8"] {
            if let locale = newlocale(LC_CTYPE_MASK, name, nil) {
                found = locale
                break
            }
        }
        locale = found
    }
}

/// Runs `body` with a UTF-8 locale installed for the current thread, then restores the
/// thread's previous locale. Without a UTF-8 locale on the system, `body` runs as is (and
/// only ASCII names survive).
@discardableResult
func withUTF8Locale<T>(_ body: () throws -> T) rethrows -> T {
    guard let locale = UTF8Locale.shared.locale else { return try body() }
    let previous = uselocale(locale)
    defer { uselocale(previous) }
    return try body()
}
