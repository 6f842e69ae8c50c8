/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "json-print.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

void json_writer_init(JsonWriter *w, FILE *f, bool pretty) {
        *w = (JsonWriter) { .f = f, .pretty = pretty };
        if (!f)
                w->error = -EINVAL;
}

static void newline_indent(JsonWriter *w, unsigned depth) {
        if (!w->pretty)
                return;
        fputc('\n', w->f);
        for (unsigned i = 0; i < depth; i++)
                fputs("  ", w->f);
}

/* Before any value: the comma and the line break that the place needs,
 * or the failure when a value may not stand here. */
static bool value_start(JsonWriter *w) {
        if (w->error)
                return false;
        if (w->done || (w->depth > 0 && w->in_object[w->depth] && !w->after_key)) {
                w->error = -EINVAL;
                return false;
        }
        if (w->after_key) {
                w->after_key = false;
                return true;
        }
        if (w->depth > 0) {
                if (w->has_element[w->depth])
                        fputc(',', w->f);
                w->has_element[w->depth] = true;
                newline_indent(w, w->depth);
        }
        return true;
}

static void value_end(JsonWriter *w) {
        if (w->depth == 0)
                w->done = true;
}

static void container_begin(JsonWriter *w, bool object) {
        if (!value_start(w))
                return;
        if (w->depth >= JSON_DEPTH_MAX) {
                w->error = -EINVAL;
                return;
        }
        fputc(object ? '{' : '[', w->f);
        w->depth++;
        w->in_object[w->depth] = object;
        w->has_element[w->depth] = false;
}

static void container_end(JsonWriter *w, bool object) {
        if (w->error)
                return;
        if (w->depth == 0 || w->in_object[w->depth] != object || w->after_key) {
                w->error = -EINVAL;
                return;
        }
        w->depth--;
        if (w->has_element[w->depth + 1])
                newline_indent(w, w->depth);
        fputc(object ? '}' : ']', w->f);
        value_end(w);
}

void json_object_begin(JsonWriter *w) {
        container_begin(w, true);
}

void json_object_end(JsonWriter *w) {
        container_end(w, true);
}

void json_array_begin(JsonWriter *w) {
        container_begin(w, false);
}

void json_array_end(JsonWriter *w) {
        container_end(w, false);
}

/* The length of the valid UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_valid_length(const unsigned char *s) {
        unsigned char c = s[0];
        size_t len;
        uint32_t cp;

        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf) {
                len = 2;
                cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
                len = 3;
                cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
                len = 4;
                cp = c & 0x07;
        } else
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
                        return 0;
                cp = cp << 6 | (s[i] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return len;
}

static void string_write(FILE *f, const char *s) {
        const unsigned char *p = (const unsigned char *) s;

        fputc('"', f);
        while (*p) {
                unsigned char c = *p;
                switch (c) {
                case '"': fputs("\\\"", f); p++; continue;
                case '\\': fputs("\\\\", f); p++; continue;
                case '\b': fputs("\\b", f); p++; continue;
                case '\f': fputs("\\f", f); p++; continue;
                case '\n': fputs("\\n", f); p++; continue;
                case '\r': fputs("\\r", f); p++; continue;
                case '\t': fputs("\\t", f); p++; continue;
                default: break;
                }
                if (c < 0x20) {
                        fprintf(f, "\\u%04x", c);
                        p++;
                        continue;
                }
                size_t n = utf8_valid_length(p);
                if (n == 0) {
                        fputs("\\ufffd", f);
                        p++;
                        continue;
                }
                fwrite(p, 1, n, f);
                p += n;
        }
        fputc('"', f);
}

void json_key(JsonWriter *w, const char *key) {
        if (w->error)
                return;
        if (!key || w->depth == 0 || !w->in_object[w->depth] || w->after_key) {
                w->error = -EINVAL;
                return;
        }
        if (w->has_element[w->depth])
                fputc(',', w->f);
        w->has_element[w->depth] = true;
        newline_indent(w, w->depth);
        string_write(w->f, key);
        fputs(w->pretty ? ": " : ":", w->f);
        w->after_key = true;
}

void json_string(JsonWriter *w, const char *s) {
        if (!s) {
                json_null(w);
                return;
        }
        if (!value_start(w))
                return;
        string_write(w->f, s);
        value_end(w);
}

void json_int(JsonWriter *w, int64_t v) {
        if (!value_start(w))
                return;
        fprintf(w->f, "%" PRId64, v);
        value_end(w);
}

void json_uint(JsonWriter *w, uint64_t v) {
        if (!value_start(w))
                return;
        fprintf(w->f, "%" PRIu64, v);
        value_end(w);
}

void json_double(JsonWriter *w, double v) {
        if (!isfinite(v)) {
                json_null(w);
                return;
        }
        if (!value_start(w))
                return;
        /* The shorter form when it reads back as the same double; 17
         * significant digits always do. (The C locale's '.': kdumpctl
         * never calls setlocale().) */
        char buf[32];
        snprintf(buf, sizeof(buf), "%.15g", v);
        if (strtod(buf, NULL) != v)
                snprintf(buf, sizeof(buf), "%.17g", v);
        fputs(buf, w->f);
        value_end(w);
}

void json_bool(JsonWriter *w, bool v) {
        if (!value_start(w))
                return;
        fputs(v ? "true" : "false", w->f);
        value_end(w);
}

void json_null(JsonWriter *w) {
        if (!value_start(w))
                return;
        fputs("null", w->f);
        value_end(w);
}

void json_field_string(JsonWriter *w, const char *key, const char *s) {
        json_key(w, key);
        json_string(w, s);
}

void json_field_int(JsonWriter *w, const char *key, int64_t v) {
        json_key(w, key);
        json_int(w, v);
}

void json_field_uint(JsonWriter *w, const char *key, uint64_t v) {
        json_key(w, key);
        json_uint(w, v);
}

void json_field_double(JsonWriter *w, const char *key, double v) {
        json_key(w, key);
        json_double(w, v);
}

void json_field_bool(JsonWriter *w, const char *key, bool v) {
        json_key(w, key);
        json_bool(w, v);
}

int json_writer_finish(JsonWriter *w) {
        if (!w->f)
                return -EINVAL;
        if (w->error)
                return w->error;
        if (!w->done)
                return -EINVAL;
        fputc('\n', w->f);
        if (fflush(w->f) != 0 || ferror(w->f))
                return -EIO;
        return 0;
}
