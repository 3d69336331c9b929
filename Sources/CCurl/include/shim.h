#ifndef SHIPML_CCURL_SHIM_H
#define SHIPML_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic and cannot be called from Swift.
   These typed wrappers import as ordinary functions. */

static inline CURLcode shipml_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shipml_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shipml_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shipml_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shipml_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*shipml_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode shipml_curl_setopt_data_callback(CURL *handle, CURLoption option,
                                                        shipml_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/* CURLOPT_SEEKFUNCTION: lets libcurl rewind an upload body, for example when it resends a
   request on a fresh connection after a kept-alive one turned out to be closed. */
static inline CURLcode shipml_curl_setopt_seek_callback(CURL *handle, CURLoption option,
                                                        curl_seek_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode shipml_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode shipml_curl_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode shipml_curl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode shipml_curl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
