// Deferring libgit2's CA bundle until an https remote needs it.
//
// Debian's libgit2 is built with mbedTLS, and its git_libgit2_init() unconditionally loads the
// system CA bundle (/etc/ssl/certs/ca-certificates.crt, ~140 certificates) through
// mbedtls_x509_crt_parse_file(): 5-7 ms of every shipml command that touches git, even one
// that only reads a local repository. libgit2 offers no switch to skip it, but it reaches the
// function through the dynamic linker: libgit2.so leaves mbedtls_x509_crt_parse_file undefined
// and libmbedx509.so defines it. The executable comes first in the lookup order, and the link
// editor exports an executable's definition of any symbol a shared library in the link
// refers to, so the definition below is the one libgit2's call binds to (check with
// `nm -D .build/release/shipml | grep mbedtls_x509_crt_parse_file`: it must say `T`).
//
// While shipml_git_init_deferring_certificates() runs git_libgit2_init(), the definition
// returns 0 without parsing, and libgit2 installs an empty CA chain. At every other time it
// forwards to libmbedx509's own function, found with dlsym(RTLD_NEXT, ...). Before its first
// fetch or push over https, Promoter/Git calls shipml_git_set_certificate_locations() with
// the CA file and directory git's settings name (or the system bundle), and libgit2 parses
// them then. If that call were ever missed, libgit2 would trust no server rather than any.
//
// Where the interposition does not happen (a platform without ELF symbol interposition, a
// libgit2 built on OpenSSL), nothing changes: libgit2 loads its bundle at init as before and
// shipml_git_certificates_deferred() says 0.

#define _GNU_SOURCE
#include "shim.h"

#include <stdatomic.h>

#if defined(__linux__)
#include <dlfcn.h>
#endif

/// Set only while git_libgit2_init() runs, which happens once per process.
static atomic_int deferring = 0;
/// Set when a parse was skipped while deferring.
static atomic_int deferred = 0;

int shipml_git_init_deferring_certificates(void) {
    atomic_store(&deferring, 1);
    int result = git_libgit2_init();
    atomic_store(&deferring, 0);
    return result;
}

int shipml_git_certificates_deferred(void) {
    return atomic_load(&deferred);
}

int shipml_git_set_certificate_locations(const char *file, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, path);
}

#if defined(__linux__)

struct mbedtls_x509_crt;
typedef int (*parse_file_function)(struct mbedtls_x509_crt *chain, const char *path);

/// mbedTLS's MBEDTLS_ERR_X509_FILE_IO_ERROR: "read/write of file failed".
#define SHIPML_X509_FILE_IO_ERROR (-0x2900)

/// Interposes on libmbedx509's mbedtls_x509_crt_parse_file (same signature in mbedTLS 2 and
/// 3): skips the parse while libgit2 initialises, forwards every other call.
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path) {
    if (atomic_load(&deferring)) {
        atomic_store(&deferred, 1);
        return 0;
    }
    static _Atomic(parse_file_function) real = NULL;
    parse_file_function function = atomic_load(&real);
    if (function == NULL) {
        function = (parse_file_function)dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
        if (function == NULL) {
            return SHIPML_X509_FILE_IO_ERROR;
        }
        atomic_store(&real, function);
    }
    return function(chain, path);
}

#endif
