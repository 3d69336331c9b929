#include "shim.h"

#include <lazy_load.h>

#include <errno.h>

static struct shipml_library archive = SHIPML_LIBRARY("libarchive.so.13");

const char *shipml_archive_load_error(void) {
    return shipml_library_error(&archive);
}

void shipml_archive_set_error(struct archive *a, int code, const char *message) {
    typedef void (*set_error_type)(struct archive *, int, const char *, ...);
    static void *_Atomic cached;
    void *function = atomic_load_explicit(&cached, memory_order_acquire);
    if (function == NULL) {
        function = shipml_library_symbol(&archive, "archive_set_error");
        if (function == NULL) return;
        atomic_store_explicit(&cached, function, memory_order_release);
    }
    ((set_error_type)function)(a, code, "%s", message);
}

#define ENTRY_GETTER(result, name) \
    SHIPML_FORWARD(archive, 0, result, name, (struct archive_entry *entry), (entry))
#define ENTRY_SETTER(value, name) \
    SHIPML_FORWARD_VOID(archive, name, (struct archive_entry *entry, value v), (entry, v))
#define ARCHIVE_CALL(name) \
    SHIPML_FORWARD(archive, ARCHIVE_FATAL, int, name, (struct archive *a), (a))

SHIPML_FORWARD(archive, NULL, struct archive_entry *, archive_entry_new, (void), ())
SHIPML_FORWARD_VOID(archive, archive_entry_free, (struct archive_entry *entry), (entry))
ENTRY_GETTER(__LA_MODE_T, archive_entry_filetype)
ENTRY_GETTER(__LA_MODE_T, archive_entry_perm)
ENTRY_GETTER(la_int64_t, archive_entry_gid)
ENTRY_GETTER(la_int64_t, archive_entry_uid)
ENTRY_GETTER(la_int64_t, archive_entry_size)
ENTRY_GETTER(int, archive_entry_size_is_set)
ENTRY_GETTER(time_t, archive_entry_mtime)
ENTRY_GETTER(long, archive_entry_mtime_nsec)
ENTRY_GETTER(const char *, archive_entry_gname)
ENTRY_GETTER(const char *, archive_entry_gname_utf8)
ENTRY_GETTER(const char *, archive_entry_uname)
ENTRY_GETTER(const char *, archive_entry_uname_utf8)
ENTRY_GETTER(const char *, archive_entry_hardlink)
ENTRY_GETTER(const char *, archive_entry_hardlink_utf8)
ENTRY_GETTER(const char *, archive_entry_pathname)
ENTRY_GETTER(const char *, archive_entry_pathname_utf8)
ENTRY_GETTER(const char *, archive_entry_symlink)
ENTRY_GETTER(const char *, archive_entry_symlink_utf8)
ENTRY_SETTER(unsigned int, archive_entry_set_filetype)
ENTRY_SETTER(__LA_MODE_T, archive_entry_set_perm)
ENTRY_SETTER(la_int64_t, archive_entry_set_gid)
ENTRY_SETTER(la_int64_t, archive_entry_set_uid)
ENTRY_SETTER(la_int64_t, archive_entry_set_size)
SHIPML_FORWARD_VOID(archive, archive_entry_set_mtime,
                    (struct archive_entry *entry, time_t seconds, long nanoseconds),
                    (entry, seconds, nanoseconds))
SHIPML_FORWARD(archive, ARCHIVE_FATAL, int, archive_entry_update_pathname_utf8,
               (struct archive_entry *entry, const char *text), (entry, text))
SHIPML_FORWARD(archive, ARCHIVE_FATAL, int, archive_entry_update_symlink_utf8,
               (struct archive_entry *entry, const char *text), (entry, text))

SHIPML_FORWARD(archive, ENOMEM, int, archive_errno, (struct archive *a), (a))
SHIPML_FORWARD(archive, NULL, const char *, archive_error_string, (struct archive *a), (a))

SHIPML_FORWARD(archive, NULL, struct archive *, archive_read_new, (void), ())
ARCHIVE_CALL(archive_read_free)
ARCHIVE_CALL(archive_read_support_filter_all)
ARCHIVE_CALL(archive_read_support_format_tar)
SHIPML_FORWARD(archive, ARCHIVE_FATAL, int, archive_read_next_header,
               (struct archive *a, struct archive_entry **entry), (a, entry))
SHIPML_FORWARD(archive, ARCHIVE_FATAL, int, archive_read_open_filename,
               (struct archive *a, const char *path, size_t block_size), (a, path, block_size))
SHIPML_FORWARD(archive, ARCHIVE_FATAL, la_ssize_t, archive_read_data,
               (struct archive *a, void *buffer, size_t size), (a, buffer, size))

SHIPML_FORWARD(archive, NULL, struct archive *, archive_write_new, (void), ())
ARCHIVE_CALL(archive_write_free)
ARCHIVE_CALL(archive_write_close)
ARCHIVE_CALL(archive_write_fail)
ARCHIVE_CALL(archive_write_finish_entry)
ARCHIVE_CALL(archive_write_add_filter_gzip)
ARCHIVE_CALL(archive_write_add_filter_zstd)
ARCHIVE_CALL(archive_write_set_format_pax_restricted)
ARCHIVE_CALL(archive_write_set_format_raw)
SHIPML_FORWARD(archive, ARCHIVE_FATAL, int, archive_write_header,
               (struct archive *a, struct archive_entry *entry), (a, entry))
SHIPML_FORWARD(archive, ARCHIVE_FATAL, la_ssize_t, archive_write_data,
               (struct archive *a, const void *buffer, size_t size), (a, buffer, size))
SHIPML_FORWARD(archive, ARCHIVE_FATAL, int, archive_write_open_fd, (struct archive *a, int fd),
               (a, fd))
SHIPML_FORWARD(archive, ARCHIVE_FATAL, int, archive_write_open2,
               (struct archive *a, void *data, archive_open_callback *open,
                archive_write_callback *write, archive_close_callback *close,
                archive_free_callback *free),
               (a, data, open, write, close, free))
SHIPML_FORWARD(archive, ARCHIVE_FATAL, int, archive_write_set_bytes_per_block,
               (struct archive *a, int bytes), (a, bytes))
SHIPML_FORWARD(archive, ARCHIVE_FATAL, int, archive_write_set_bytes_in_last_block,
               (struct archive *a, int bytes), (a, bytes))
SHIPML_FORWARD(archive, ARCHIVE_FATAL, int, archive_write_set_filter_option,
               (struct archive *a, const char *module, const char *option, const char *value),
               (a, module, option, value))
