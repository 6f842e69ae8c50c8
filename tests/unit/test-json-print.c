/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/kdumpctl/json-print.h: what the writer prints, byte for byte, and the
 * misuse it refuses. */
#include <math.h>

#include "json-print.h"
#include "tests.h"

typedef struct Out {
        char *text;
        size_t size;
        FILE *f;
        JsonWriter w;
} Out;

static void out_open(Out *o, bool pretty) {
        *o = (Out) {};
        o->f = ASSERT_NOT_NULL(open_memstream(&o->text, &o->size));
        json_writer_init(&o->w, o->f, pretty);
}

/* Finishes the document; the text written, and the result in *ret. */
static char *out_close(Out *o, int *ret) {
        *ret = json_writer_finish(&o->w);
        ASSERT_EQ(fclose(o->f), 0);
        return o->text;
}

static char *finished(Out *o) {
        int r;
        char *text = out_close(o, &r);
        ASSERT_OK(r);
        return text;
}

static void document(JsonWriter *w) {
        json_object_begin(w);
        json_field_string(w, "name", "kdump");
        json_field_int(w, "negative", INT64_MIN);
        json_field_uint(w, "big", UINT64_MAX);
        json_field_bool(w, "armed", true);
        json_field_bool(w, "loaded", false);
        json_key(w, "none");
        json_null(w);
        json_key(w, "list");
        json_array_begin(w);
        json_int(w, 1);
        json_string(w, "two");
        json_object_begin(w);
        json_object_end(w);
        json_array_begin(w);
        json_array_end(w);
        json_array_end(w);
        json_key(w, "nested");
        json_object_begin(w);
        json_field_double(w, "ratio", 0.25);
        json_object_end(w);
        json_object_end(w);
}

TEST(compact) {
        Out o;
        out_open(&o, false);
        document(&o.w);
        _cleanup_free_ char *text = finished(&o);
        ASSERT_STREQ(text, "{\"name\":\"kdump\",\"negative\":-9223372036854775808,\"big\":18446744073709551615,"
                           "\"armed\":true,\"loaded\":false,\"none\":null,\"list\":[1,\"two\",{},[]],"
                           "\"nested\":{\"ratio\":0.25}}\n");
}

TEST(pretty) {
        Out o;
        out_open(&o, true);
        document(&o.w);
        _cleanup_free_ char *text = finished(&o);
        ASSERT_STREQ(text, "{\n"
                           "  \"name\": \"kdump\",\n"
                           "  \"negative\": -9223372036854775808,\n"
                           "  \"big\": 18446744073709551615,\n"
                           "  \"armed\": true,\n"
                           "  \"loaded\": false,\n"
                           "  \"none\": null,\n"
                           "  \"list\": [\n"
                           "    1,\n"
                           "    \"two\",\n"
                           "    {},\n"
                           "    []\n"
                           "  ],\n"
                           "  \"nested\": {\n"
                           "    \"ratio\": 0.25\n"
                           "  }\n"
                           "}\n");
}

TEST(top_level_scalars) {
        Out o;
        out_open(&o, true);
        json_string(&o.w, "alone");
        _cleanup_free_ char *a = finished(&o);
        ASSERT_STREQ(a, "\"alone\"\n");

        out_open(&o, false);
        json_array_begin(&o.w);
        json_array_end(&o.w);
        _cleanup_free_ char *b = finished(&o);
        ASSERT_STREQ(b, "[]\n");
}

static char *string_json(const char *s) {
        Out o;
        out_open(&o, false);
        json_string(&o.w, s);
        return finished(&o);
}

TEST(string_escapes) {
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "", "\"\"\n" },
                { "plain /path", "\"plain /path\"\n" },
                { "quote \" backslash \\", "\"quote \\\" backslash \\\\\"\n" },
                { "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"\n" },
                { "\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"\n" },
                /* valid UTF-8 passes through */
                { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa5", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa5\"\n" },
                /* a stray byte, a cut sequence, an overlong NUL, a surrogate,
                 * above U+10FFFF: one U+FFFD per byte that is not valid */
                { "a\xff", "\"a\\ufffd\"\n" },
                { "\xe2\x82", "\"\\ufffd\\ufffd\"\n" },
                { "\xc0\x80", "\"\\ufffd\\ufffd\"\n" },
                { "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"\n" },
                { "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"\n" },
                { "\xe0\x9f\xbf", "\"\\ufffd\\ufffd\\ufffd\"\n" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *text = string_json(cases[i].in);
                test_set_context("case %zu", i);
                ASSERT_STREQ(text, cases[i].out);
        }
        _cleanup_free_ char *null = string_json(NULL);
        ASSERT_STREQ(null, "null\n");
}

TEST(keys_are_escaped) {
        Out o;
        out_open(&o, false);
        json_object_begin(&o.w);
        json_field_string(&o.w, "a\"b\n", "v");
        json_object_end(&o.w);
        _cleanup_free_ char *text = finished(&o);
        ASSERT_STREQ(text, "{\"a\\\"b\\n\":\"v\"}\n");
}

TEST(doubles) {
        static const struct {
                double in;
                const char *out;
        } cases[] = {
                { 0.1, "0.1" },   { 1.5, "1.5" },     { -2, "-2" },  { 1e300, "1e+300" },
                { 1.0 / 3, "0.33333333333333331" }, { NAN, "null" }, { -INFINITY, "null" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                Out o;
                out_open(&o, false);
                json_double(&o.w, cases[i].in);
                _cleanup_free_ char *text = finished(&o);
                test_set_context("case %zu", i);
                ASSERT_TRUE(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
                text[strlen(text) - 1] = 0;
                ASSERT_STREQ(text, cases[i].out);
        }
}

static void expect_refused(void (*calls)(JsonWriter *w), const char *what) {
        Out o;
        int r;
        out_open(&o, false);
        calls(&o.w);
        _cleanup_free_ char *text = out_close(&o, &r);
        test_set_context("%s", what);
        ASSERT_ERROR(r, EINVAL);
}

static void value_without_key(JsonWriter *w) {
        json_object_begin(w);
        json_int(w, 1);
        json_object_end(w);
}

static void key_in_array(JsonWriter *w) {
        json_array_begin(w);
        json_key(w, "k");
        json_int(w, 1);
        json_array_end(w);
}

static void key_without_value(JsonWriter *w) {
        json_object_begin(w);
        json_key(w, "k");
        json_object_end(w);
}

static void two_keys(JsonWriter *w) {
        json_object_begin(w);
        json_key(w, "a");
        json_key(w, "b");
        json_int(w, 1);
        json_object_end(w);
}

static void wrong_end(JsonWriter *w) {
        json_object_begin(w);
        json_array_end(w);
}

static void unclosed(JsonWriter *w) {
        json_array_begin(w);
        json_int(w, 1);
}

static void nothing(JsonWriter *w) {
}

static void two_values(JsonWriter *w) {
        json_int(w, 1);
        json_int(w, 2);
}

static void too_deep(JsonWriter *w) {
        for (unsigned i = 0; i <= JSON_DEPTH_MAX; i++)
                json_array_begin(w);
        for (unsigned i = 0; i <= JSON_DEPTH_MAX; i++)
                json_array_end(w);
}

static void null_key(JsonWriter *w) {
        json_object_begin(w);
        json_key(w, NULL);
        json_int(w, 1);
        json_object_end(w);
}

TEST(misuse_refused) {
        expect_refused(value_without_key, "value without key");
        expect_refused(key_in_array, "key in array");
        expect_refused(key_without_value, "key without value");
        expect_refused(two_keys, "two keys");
        expect_refused(wrong_end, "wrong end");
        expect_refused(unclosed, "unclosed");
        expect_refused(nothing, "nothing");
        expect_refused(two_values, "two values");
        expect_refused(too_deep, "too deep");
        expect_refused(null_key, "null key");
}

TEST(deepest_allowed) {
        Out o;
        out_open(&o, false);
        for (unsigned i = 0; i < JSON_DEPTH_MAX; i++)
                json_array_begin(&o.w);
        for (unsigned i = 0; i < JSON_DEPTH_MAX; i++)
                json_array_end(&o.w);
        _cleanup_free_ char *text = finished(&o);
        ASSERT_EQ(strlen(text), 2 * JSON_DEPTH_MAX + 1);
}

TEST(no_file) {
        JsonWriter w;
        json_writer_init(&w, NULL, false);
        json_int(&w, 1);
        ASSERT_ERROR(json_writer_finish(&w), EINVAL);
}
