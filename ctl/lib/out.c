// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "lib/out.h"

#define OUT_LINE_MAX 1024

static struct {
	bool json;
	bool header_done;
	json_object *top;	/* array or object being built */
	json_object *row;
	char hdr[OUT_LINE_MAX];
	char line[OUT_LINE_MAX];
} out;

void out_init(bool json)
{
	memset(&out, 0, sizeof(out));
	out.json = json;
}

bool out_is_json(void)
{
	return out.json;
}

static void out_emit_json(void)
{
	puts(json_object_to_json_string_ext(out.top, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(out.top);
	out.top = NULL;
}

void out_list_begin(void)
{
	out.header_done = false;
	if (out.json)
		out.top = json_object_new_array();
}

void out_list_end(void)
{
	if (out.json)
		out_emit_json();
}

void out_row_begin(void)
{
	out.hdr[0] = out.line[0] = '\0';
	if (out.json)
		out.row = json_object_new_object();
}

void out_row_end(void)
{
	if (out.json) {
		json_object_array_add(out.top, out.row);
		out.row = NULL;
		return;
	}
	if (!out.header_done) {
		puts(out.hdr);
		out.header_done = true;
	}
	puts(out.line);
}

static void out_append(char *buf, int width, const char *s)
{
	size_t len = strlen(buf);

	if (len)
		snprintf(buf + len, OUT_LINE_MAX - len, " ");
	len = strlen(buf);
	snprintf(buf + len, OUT_LINE_MAX - len, "%*s", width, s);
}

void out_col_str(const char *key, const char *hdr, int width, const char *val)
{
	if (out.json) {
		json_object_object_add(out.row, key, json_object_new_string(val));
		return;
	}
	out_append(out.hdr, width, hdr);
	out_append(out.line, width, val);
}

void out_col_u64(const char *key, const char *hdr, int width, uint64_t val)
{
	char buf[32];

	if (out.json) {
		json_object_object_add(out.row, key, json_object_new_uint64(val));
		return;
	}
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)val);
	out_append(out.hdr, width, hdr);
	out_append(out.line, width, buf);
}

void out_obj_begin(void)
{
	if (out.json)
		out.top = json_object_new_object();
}

void out_obj_end(void)
{
	if (out.json)
		out_emit_json();
}

void out_kv_u64(const char *key, uint64_t val)
{
	if (out.json)
		json_object_object_add(out.top, key, json_object_new_uint64(val));
	else
		printf("%-28s %llu\n", key, (unsigned long long)val);
}

void out_kv_str(const char *key, const char *val)
{
	if (out.json)
		json_object_object_add(out.top, key, json_object_new_string(val));
	else
		printf("%-28s %s\n", key, val);
}

void xs_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (out.json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "error", json_object_new_string(msg));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		fprintf(stderr, "xsteer: %s\n", msg);
	}
}
