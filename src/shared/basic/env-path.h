/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Paths a test moves: the soak test (tests/soak) runs kdumpd and kdumpctl
 * from the build tree against a fake kernel in a temporary directory, as
 * systemd's tests do with $SYSTEMD_* variables. None is set on a real
 * system; kdumpd(8), ENVIRONMENT, lists them. */
#pragma once

/* The value of the environment variable name when it is an absolute path
 * (and the program is not set-user-ID), else fallback. */
const char *env_path(const char *name, const char *fallback);
