#include "lazy_load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* pthread_once takes no argument: the library being opened is handed over through a
   thread-local, set by the thread that runs the once-routine. */
static _Thread_local struct shipml_library *opening;

static void open_library(void) {
    struct shipml_library *library = opening;
    /* RTLD_LOCAL: the library's symbols serve only lookups through its handle. */
    library->handle = dlopen(library->soname, RTLD_NOW | RTLD_LOCAL);
    if (library->handle == NULL) {
        const char *why = dlerror();
        snprintf(library->error, sizeof library->error, "%s", why ? why : library->soname);
    }
}

void *shipml_library_symbol(struct shipml_library *library, const char *name) {
    opening = library;
    pthread_once(&library->once, open_library);
    if (library->handle == NULL) return NULL;
    void *symbol = dlsym(library->handle, name);
    if (symbol == NULL && library->error[0] == 0) {
        snprintf(library->error, sizeof library->error, "%s: no symbol %s", library->soname, name);
    }
    return symbol;
}

const char *shipml_library_error(struct shipml_library *library) {
    return library->error;
}
