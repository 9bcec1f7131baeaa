/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One code path for human tables and JSON, as iproute2's print_*(PRINT_ANY):
 * a command emits fields once; the mode decides how they look.
 */
#ifndef XS_OUT_H
#define XS_OUT_H

#include <stdbool.h>
#include <stdint.h>

void out_init(bool json);
bool out_is_json(void);

/* A list of rows: a JSON array of objects, or a table with a header. */
void out_list_begin(void);
void out_list_end(void);
void out_row_begin(void);
void out_row_end(void);
/* width < 0: left-aligned; the header is printed once, above the first row */
void out_col_str(const char *key, const char *hdr, int width, const char *val);
void out_col_u64(const char *key, const char *hdr, int width, uint64_t val);

/* A single object of key/value pairs ("name value" lines as a table). */
void out_obj_begin(void);
void out_obj_end(void);
void out_kv_u64(const char *key, uint64_t val);
void out_kv_str(const char *key, const char *val);

/* Errors: "xsteer: msg" on stderr, or {"error": "msg"} on stdout with -j. */
void xs_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
