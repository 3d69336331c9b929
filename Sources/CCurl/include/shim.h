#ifndef SHIPML_CCURL_SHIM_H
#define SHIPML_CCURL_SHIM_H
#include <curl/curl.h>

/* libcurl is opened on first use, not at process start (see lazy_load.h): curl.c defines each
   function shipml calls as a stub that forwards to the library. */

/* When libcurl cannot be loaded, every call fails as libcurl's own failures do
   (CURLE_FAILED_INIT, NULL), and curl_easy_strerror gives the loader's reason. */

/* curl_easy_setopt and curl_easy_getinfo are variadic and cannot be called from Swift, nor
   forwarded by a stub: these typed wrappers import as ordinary functions and call the
   library's own through a pointer of its variadic type, which passes `value` as a direct call
   would. */
typedef CURLcode (*shipml_curl_setopt_type)(CURL *handle, CURLoption option, ...);
typedef CURLcode (*shipml_curl_getinfo_type)(CURL *handle, CURLINFO info, ...);
shipml_curl_setopt_type shipml_curl_setopt_function(void);
shipml_curl_getinfo_type shipml_curl_getinfo_function(void);

#define shipml_curl_call(which, handle, option, value)                                       \
    (shipml_curl_##which##_function()                                                    \
         ? shipml_curl_##which##_function()((handle), (option), (value))                 \
         : CURLE_FAILED_INIT)

static inline CURLcode shipml_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return shipml_curl_call(setopt, handle, option, value);
}

static inline CURLcode shipml_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return shipml_curl_call(setopt, handle, option, value);
}

static inline CURLcode shipml_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return shipml_curl_call(setopt, handle, option, value);
}

static inline CURLcode shipml_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return shipml_curl_call(setopt, handle, option, value);
}

static inline CURLcode shipml_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return shipml_curl_call(setopt, handle, option, value);
}

typedef size_t (*shipml_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode shipml_curl_setopt_data_callback(CURL *handle, CURLoption option,
                                                        shipml_curl_data_callback callback) {
    return shipml_curl_call(setopt, handle, option, callback);
}

/* CURLOPT_SEEKFUNCTION: lets libcurl rewind an upload body, for example when it resends a
   request on a fresh connection after a kept-alive one turned out to be closed. */
static inline CURLcode shipml_curl_setopt_seek_callback(CURL *handle, CURLoption option,
                                                        curl_seek_callback callback) {
    return shipml_curl_call(setopt, handle, option, callback);
}

static inline CURLcode shipml_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return shipml_curl_call(getinfo, handle, info, value);
}

static inline CURLcode shipml_curl_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return shipml_curl_call(getinfo, handle, info, value);
}

static inline CURLcode shipml_curl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return shipml_curl_call(getinfo, handle, info, value);
}

static inline CURLcode shipml_curl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return shipml_curl_call(getinfo, handle, info, value);
}

#endif
