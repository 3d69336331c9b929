#include "shim.h"

#include <lazy_load.h>

#include <stdio.h>

static struct shipml_library curl = SHIPML_LIBRARY("libcurl.so.4");

static void *variadic(const char *name, void *_Atomic *cached) {
    void *function = atomic_load_explicit(cached, memory_order_acquire);
    if (function == NULL) {
        function = shipml_library_symbol(&curl, name);
        atomic_store_explicit(cached, function, memory_order_release);
    }
    return function;
}

shipml_curl_setopt_type shipml_curl_setopt_function(void) {
    static void *_Atomic cached;
    return (shipml_curl_setopt_type)variadic("curl_easy_setopt", &cached);
}

shipml_curl_getinfo_type shipml_curl_getinfo_function(void) {
    static void *_Atomic cached;
    return (shipml_curl_getinfo_type)variadic("curl_easy_getinfo", &cached);
}

SHIPML_FORWARD(curl, CURLE_FAILED_INIT, CURLcode, curl_global_init, (long flags), (flags))
SHIPML_FORWARD(curl, NULL, CURL *, curl_easy_init, (void), ())
SHIPML_FORWARD(curl, CURLE_FAILED_INIT, CURLcode, curl_easy_perform, (CURL *handle), (handle))
SHIPML_FORWARD_VOID(curl, curl_easy_reset, (CURL *handle), (handle))
SHIPML_FORWARD_VOID(curl, curl_easy_cleanup, (CURL *handle), (handle))
/* What curl_easy_strerror says when libcurl itself is missing: the loader's reason. */
static const char *unavailable(void) {
    static char text[sizeof curl.error + 64];
    snprintf(text, sizeof text, "libcurl could not be loaded (install libcurl4): %s",
             shipml_library_error(&curl));
    return text;
}

SHIPML_FORWARD(curl, unavailable(), const char *, curl_easy_strerror, (CURLcode code), (code))
SHIPML_FORWARD_VOID(curl, curl_free, (void *pointer), (pointer))
SHIPML_FORWARD(curl, NULL, struct curl_slist *, curl_slist_append,
               (struct curl_slist *list, const char *text), (list, text))
SHIPML_FORWARD_VOID(curl, curl_slist_free_all, (struct curl_slist *list), (list))
SHIPML_FORWARD(curl, NULL, CURLU *, curl_url, (void), ())
SHIPML_FORWARD_VOID(curl, curl_url_cleanup, (CURLU *handle), (handle))
SHIPML_FORWARD(curl, CURLUE_OUT_OF_MEMORY, CURLUcode, curl_url_get,
               (CURLU *handle, CURLUPart what, char **part, unsigned int flags),
               (handle, what, part, flags))
SHIPML_FORWARD(curl, CURLUE_OUT_OF_MEMORY, CURLUcode, curl_url_set,
               (CURLU *handle, CURLUPart what, const char *part, unsigned int flags),
               (handle, what, part, flags))
