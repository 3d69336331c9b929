#ifndef SHIPML_CARCHIVE_SHIM_H
#define SHIPML_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>

/* libarchive is opened on first use, not at process start (see lazy_load.h): archive.c
   defines each function shipml calls as a stub that forwards to the library. */

/* Why libarchive could not be loaded; empty when it was, or has not been tried. */
const char *shipml_archive_load_error(void);

/* libarchive's file-type macros (AE_IFREG, ...) are casts and do not import into Swift:
   re-export them as enum constants with the same values. */
enum shipml_archive_filetype {
    SHIPML_AE_IFMT = 0170000,
    SHIPML_AE_IFREG = 0100000,
    SHIPML_AE_IFLNK = 0120000,
    SHIPML_AE_IFSOCK = 0140000,
    SHIPML_AE_IFCHR = 0020000,
    SHIPML_AE_IFBLK = 0060000,
    SHIPML_AE_IFDIR = 0040000,
    SHIPML_AE_IFIFO = 0010000,
};

/* archive_set_error is variadic and cannot be called from Swift: a fixed-argument wrapper that
   passes the message through "%s", so no formatting directive in it is ever interpreted. */
void shipml_archive_set_error(struct archive *a, int code, const char *message);
#endif
