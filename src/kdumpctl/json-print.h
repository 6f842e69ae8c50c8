/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writing JSON (RFC 8259) for scripts: kdumpctl's --json output. A writer
 * streams to a FILE as the calls come; it keeps the nesting and the commas
 * and escapes strings. A call that breaks the nesting (a value in an object
 * without a key, an end that does not match) marks the writer failed and
 * the rest is not written: json_writer_finish() says so. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH_MAX 32

typedef struct JsonWriter {
        FILE *f;
        bool pretty;        /* one element a line, indented by two spaces a level */
        unsigned depth;
        bool in_object[JSON_DEPTH_MAX + 1];
        bool has_element[JSON_DEPTH_MAX + 1];
        bool after_key;     /* a key was written; its value comes next */
        bool done;          /* the top-level value is complete */
        int error;          /* the first failure, or 0 */
} JsonWriter;

void json_writer_init(JsonWriter *w, FILE *f, bool pretty);

void json_object_begin(JsonWriter *w);
void json_object_end(JsonWriter *w);
void json_array_begin(JsonWriter *w);
void json_array_end(JsonWriter *w);

/* Inside an object: the name of the member whose value comes next. */
void json_key(JsonWriter *w, const char *key);

/* s may hold any bytes: control characters are escaped, and a byte that is
 * not part of valid UTF-8 becomes U+FFFD. NULL writes null. */
void json_string(JsonWriter *w, const char *s);
void json_int(JsonWriter *w, int64_t v);
void json_uint(JsonWriter *w, uint64_t v);
/* NaN and the infinities, which JSON cannot say, are written as null. */
void json_double(JsonWriter *w, double v);
void json_bool(JsonWriter *w, bool v);
void json_null(JsonWriter *w);

/* A member: json_key() and the value in one call. */
void json_field_string(JsonWriter *w, const char *key, const char *s);
void json_field_int(JsonWriter *w, const char *key, int64_t v);
void json_field_uint(JsonWriter *w, const char *key, uint64_t v);
void json_field_double(JsonWriter *w, const char *key, double v);
void json_field_bool(JsonWriter *w, const char *key, bool v);

/* Ends the document with a newline and flushes. 0, or -EINVAL when the
 * calls did not make one complete value, -EIO when writing failed. */
int json_writer_finish(JsonWriter *w);
