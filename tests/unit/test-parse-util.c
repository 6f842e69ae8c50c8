/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/basic/parse-util.h: a number and nothing else. */
#include "parse-util.h"
#include "tests.h"

TEST(safe_atou64_takes_a_number) {
        uint64_t v = 0;

        ASSERT_OK(safe_atou64("0", &v));
        ASSERT_EQ_U64(v, 0);
        ASSERT_OK(safe_atou64("18446744073709551615", &v));
        ASSERT_EQ_U64(v, UINT64_MAX);
}

TEST(safe_atou64_refuses_the_rest) {
        uint64_t v = 7;

        ASSERT_ERROR(safe_atou64("", &v), EBADMSG);
        ASSERT_ERROR(safe_atou64(" 5", &v), EBADMSG);
        ASSERT_ERROR(safe_atou64("+5", &v), EBADMSG);
        ASSERT_ERROR(safe_atou64("-5", &v), EBADMSG);
        ASSERT_ERROR(safe_atou64("5 ", &v), EBADMSG);
        ASSERT_ERROR(safe_atou64("5x", &v), EBADMSG);
        ASSERT_ERROR(safe_atou64("18446744073709551616", &v), EBADMSG);
        ASSERT_ERROR(safe_atou64(NULL, &v), EBADMSG);
        ASSERT_EQ_U64(v, 7);
}
