#ifndef SHIPML_CGIT2_SHIM_H
#define SHIPML_CGIT2_SHIM_H
#include <git2.h>
#endif
