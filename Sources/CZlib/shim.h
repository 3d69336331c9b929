#ifndef SHIPML_CZLIB_SHIM_H
#define SHIPML_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro and does not import into Swift: a function that starts a raw-deflate
   stream (no zlib or gzip wrapper), as zip entries store them. */
static inline int shipml_inflate_init_raw(z_streamp stream) {
    return inflateInit2(stream, -MAX_WBITS);
}
#endif
