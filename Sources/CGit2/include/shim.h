#ifndef SHIPML_CGIT2_SHIM_H
#define SHIPML_CGIT2_SHIM_H
#include <git2.h>

/// Calls git_libgit2_init() without letting it parse the system CA bundle (see shim.c).
/// Returns what git_libgit2_init() returned.
int shipml_git_init_deferring_certificates(void);

/// 1 when the CA bundle's parse during git_libgit2_init() was skipped, so libgit2 holds no CA
/// certificates until shipml_git_set_certificate_locations() is called; 0 when libgit2 loaded
/// its default bundle itself (the interposition did not take effect, or this libgit2 does
/// not use mbedTLS).
int shipml_git_certificates_deferred(void);

/// git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, path), which Swift cannot call
/// because it is variadic. Either argument may be NULL, not both.
int shipml_git_set_certificate_locations(const char *file, const char *path);

#endif
