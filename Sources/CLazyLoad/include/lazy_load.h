#ifndef SHIPML_LAZY_LOAD_H
#define SHIPML_LAZY_LOAD_H
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

/* A shared library opened on first use (dlopen) instead of at process start.

   Linking libcurl and libarchive costs every shipml process about 6 ms before main: the
   dynamic loader maps and relocates them and the 40-odd libraries they pull in (GnuTLS,
   Kerberos, LDAP, libxml2, ICU, ...), even for commands that never touch a registry or an
   archive, such as `shipml history`. Their C modules therefore define each function they use
   as a small stub that opens the library once, looks the function up once, and calls it. */
struct shipml_library {
    /* The soname compiled against, e.g. "libcurl.so.4". */
    const char *soname;
    pthread_once_t once;
    void *handle;
    /* dlerror()'s text when the library could not be opened. */
    char error[512];
};

#define SHIPML_LIBRARY(soname) {(soname), PTHREAD_ONCE_INIT, NULL, {0}}

/* The address of `name` in `library`, opening it on first use; NULL when the library or the
   symbol is missing (then shipml_library_error says why). Thread-safe. */
void *shipml_library_symbol(struct shipml_library *library, const char *name);

/* Why the library or a symbol could not be loaded; empty when nothing failed. */
const char *shipml_library_error(struct shipml_library *library);

/* Defines `name` with the library's signature, forwarding to the library's own function; a
   missing library or function makes it return `failure`. */
#define SHIPML_FORWARD(library, failure, result, name, parameters, arguments)                  \
    result name parameters {                                                                  \
        static void *_Atomic cached;                                                          \
        void *function = atomic_load_explicit(&cached, memory_order_acquire);                 \
        if (function == NULL) {                                                               \
            function = shipml_library_symbol(&(library), #name);                              \
            if (function == NULL) return (failure);                                           \
            atomic_store_explicit(&cached, function, memory_order_release);                   \
        }                                                                                     \
        return ((result(*) parameters)function) arguments;                                    \
    }

/* The same for a function returning nothing: a missing library makes it do nothing. */
#define SHIPML_FORWARD_VOID(library, name, parameters, arguments)                              \
    void name parameters {                                                                    \
        static void *_Atomic cached;                                                          \
        void *function = atomic_load_explicit(&cached, memory_order_acquire);                 \
        if (function == NULL) {                                                               \
            function = shipml_library_symbol(&(library), #name);                              \
            if (function == NULL) return;                                                     \
            atomic_store_explicit(&cached, function, memory_order_release);                   \
        }                                                                                     \
        ((void (*) parameters)function) arguments;                                            \
    }

#endif
