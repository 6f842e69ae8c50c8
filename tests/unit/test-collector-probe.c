/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/collector-probe.h: makedumpfile's --mem-usage report as the
 * Debian 13 guest printed it (1.7.6 on 6.12: no free page found), the
 * probe file, and when a build is warned. */
#include <sys/stat.h>
#include <unistd.h>

#include "collector-probe.h"
#include "tests.h"

/* makedumpfile 1.7.6, Linux 6.12.117+deb13-amd64, 1 GiB guest. */
static const char debian13_report[] =
        "The kernel version is not supported.\n"
        "The makedumpfile operation may be incomplete.\n"
        "\n"
        "TYPE\t\tPAGES\t\t\tEXCLUDABLE\tDESCRIPTION\n"
        "----------------------------------------------------------------------\n"
        "ZERO\t\t167307          \tyes\t\tPages filled with zero\n"
        "NON_PRI_CACHE\t17043           \tyes\t\tCache pages without private flag\n"
        "PRI_CACHE\t2262            \tyes\t\tCache pages with private flag\n"
        "USER\t\t2735            \tyes\t\tUser process pages\n"
        "FREE\t\t0               \tyes\t\tFree pages\n"
        "KERN_DATA\t83976           \tno\t\tDumpable kernel data \n"
        "\n"
        "page size:\t\t4096            \n"
        "Total pages on system:\t273323          \n"
        "Total size on system:\t1119531008       Byte\n";

TEST(mem_usage_parse_debian13) {
        MemUsage u;

        ASSERT_OK(mem_usage_parse(debian13_report, &u));
        ASSERT_TRUE(u.kernel_unsupported);
        ASSERT_EQ_U64(u.zero, 167307);
        ASSERT_EQ_U64(u.non_pri_cache, 17043);
        ASSERT_EQ_U64(u.pri_cache, 2262);
        ASSERT_EQ_U64(u.user, 2735);
        ASSERT_EQ_U64(u.free, 0);
        ASSERT_EQ_U64(u.kern_data, 83976);
        ASSERT_EQ_U64(u.total, 273323);
        ASSERT_EQ_U64(u.page_size, 4096);
}

/* makedumpfile 1.7.2, Linux 6.1.0-50-amd64, 1 GiB guest: the same
 * warning, and the free pages found all the same. */
static const char debian12_report[] =
        "The kernel version is not supported.\n"
        "The makedumpfile operation may be incomplete.\n"
        "\n"
        "TYPE\t\tPAGES\t\t\tEXCLUDABLE\tDESCRIPTION\n"
        "----------------------------------------------------------------------\n"
        "ZERO\t\t8345            \tyes\t\tPages filled with zero\n"
        "NON_PRI_CACHE\t16593           \tyes\t\tCache pages without private flag\n"
        "PRI_CACHE\t2060            \tyes\t\tCache pages with private flag\n"
        "USER\t\t2765            \tyes\t\tUser process pages\n"
        "FREE\t\t183088          \tyes\t\tFree pages\n"
        "KERN_DATA\t37944           \tno\t\tDumpable kernel data \n"
        "\n"
        "page size:\t\t4096            \n"
        "Total pages on system:\t250795          \n"
        "Total size on system:\t1027256320       Byte\n";

TEST(mem_usage_parse_debian12) {
        _cleanup_(collector_probe_done) CollectorProbe p = { .mem_free_bytes = 700ULL << 20 };

        ASSERT_OK(mem_usage_parse(debian12_report, &p.usage));
        ASSERT_TRUE(p.usage.kernel_unsupported);
        ASSERT_EQ_U64(p.usage.free, 183088);
        ASSERT_EQ_U64(p.usage.zero, 8345);
        ASSERT_EQ_U64(p.usage.total, 250795);
        /* "not supported", and harmless: no warning. */
        ASSERT_FALSE(collector_probe_free_pages_missed(&p));
}

TEST(mem_usage_parse_refuses_other_text) {
        MemUsage u;

        ASSERT_ERROR(mem_usage_parse("", &u), EBADMSG);
        ASSERT_ERROR(mem_usage_parse("show_mem_usage: No memory is reserved for crashkernel!\n"
                                     "makedumpfile Failed.\n", &u), EBADMSG);
        /* A row named like another's prefix is not that row. */
        ASSERT_ERROR(mem_usage_parse("FREEDOM 12\nTotal pages on system: 10\n", &u), EBADMSG);
}

TEST(version_parse) {
        _cleanup_free_ char *v = NULL;

        ASSERT_OK(makedumpfile_version_parse("makedumpfile: version 1.7.6 (released on 11 Oct 2024)\n"
                                             "lzo\tenabled\nsnappy\tenabled\n", &v));
        ASSERT_STREQ(v, "1.7.6");
        ASSERT_ERROR(makedumpfile_version_parse("makedumpfile: unknown option\n", &v), EBADMSG);
}

TEST(excludes_free_pages) {
        ASSERT_TRUE(collector_excludes_free_pages(STRV_MAKE("makedumpfile", "-l", "--message-level", "7", "-d", "31")));
        ASSERT_TRUE(collector_excludes_free_pages(STRV_MAKE("makedumpfile", "-d16")));
        ASSERT_TRUE(collector_excludes_free_pages(STRV_MAKE("/usr/sbin/makedumpfile", "--dump-level=17")));
        ASSERT_TRUE(collector_excludes_free_pages(STRV_MAKE("makedumpfile", "-d", "1,31")));
        ASSERT_FALSE(collector_excludes_free_pages(STRV_MAKE("makedumpfile", "-l", "-d", "15")));
        ASSERT_FALSE(collector_excludes_free_pages(STRV_MAKE("makedumpfile", "-l")));
        /* --message-level 31 is not a dump level. */
        ASSERT_FALSE(collector_excludes_free_pages(STRV_MAKE("makedumpfile", "--message-level", "31", "-d", "1")));
        ASSERT_FALSE(collector_excludes_free_pages(STRV_MAKE("cp", "-d", "31")));
}

static CollectorProbe probe_of(const char *kernel, const char *identity, uint64_t free_pages, uint64_t mem_free) {
        CollectorProbe p = {
                .kernel = strdup(kernel),
                .identity = strdup(identity),
                .version = strdup("1.7.6"),
                .mem_free_bytes = mem_free,
                .taken_at = 1796683817000000ULL,
        };
        ASSERT_OK(mem_usage_parse(debian13_report, &p.usage));
        p.usage.free = free_pages;
        return p;
}

TEST(probe_file_round_trip) {
        _cleanup_(collector_probe_done) CollectorProbe p = probe_of("6.12.117+deb13-amd64", "/usr/bin/x 1 2", 0, 800ULL << 20);
        _cleanup_(collector_probe_done) CollectorProbe q = {};
        _cleanup_free_ char *path = test_path(test_tmpdir(), "collector-probe");

        ASSERT_OK(collector_probe_write(path, &p));
        ASSERT_OK(collector_probe_read(path, &q));
        ASSERT_STREQ(q.kernel, p.kernel);
        ASSERT_STREQ(q.identity, p.identity);
        ASSERT_STREQ(q.version, "1.7.6");
        ASSERT_TRUE(q.usage.kernel_unsupported);
        ASSERT_EQ_U64(q.usage.zero, 167307);
        ASSERT_EQ_U64(q.usage.total, 273323);
        ASSERT_EQ_U64(q.mem_free_bytes, 800ULL << 20);
        ASSERT_EQ_U64(q.taken_at, p.taken_at);
        ASSERT_TRUE(collector_probe_free_pages_missed(&q));

        ASSERT_ERROR(collector_probe_parse("KERNEL=6.1\nFREE=x\n", &q), EBADMSG);
        ASSERT_ERROR(collector_probe_parse("KERNEL=6.1\n", &q), EBADMSG);
}

TEST(free_pages_missed) {
        _cleanup_(collector_probe_done) CollectorProbe none = probe_of("k", "i", 0, 800ULL << 20);
        _cleanup_(collector_probe_done) CollectorProbe some = probe_of("k", "i", 170000, 800ULL << 20);
        _cleanup_(collector_probe_done) CollectorProbe full = probe_of("k", "i", 0, 20ULL << 20);

        ASSERT_TRUE(collector_probe_free_pages_missed(&none));
        ASSERT_FALSE(collector_probe_free_pages_missed(&some));
        /* A machine with almost nothing free proves nothing. */
        ASSERT_FALSE(collector_probe_free_pages_missed(&full));
}

/* The warning needs the same kernel, the same makedumpfile and bit 16. */
TEST(warning_only_when_it_applies) {
        _cleanup_free_ char *dir = strdup(test_tmpdir()), *prog = NULL, *identity = NULL, *path = NULL;
        char *w = NULL;

        prog = test_write_file(dir, "bin/makedumpfile", "#!/bin/sh\n");
        ASSERT_OK(chmod(prog, 0755) < 0 ? -errno : 0);
        ASSERT_OK(collector_identity(prog, &identity));
        path = test_path(dir, "collector-probe");

        /* No probe file: nothing to say. */
        ASSERT_OK(collector_probe_warning(path, "6.12.117+deb13-amd64", STRV_MAKE(prog, "-d", "31"), &w));
        ASSERT_NULL(w);

        _cleanup_(collector_probe_done) CollectorProbe p = probe_of("6.12.117+deb13-amd64", identity, 0, 800ULL << 20);
        ASSERT_OK(collector_probe_write(path, &p));
        ASSERT_OK(collector_probe_warning(path, "6.12.117+deb13-amd64", STRV_MAKE(prog, "-l", "-d", "31"), &w));
        ASSERT_NOT_NULL(w);
        ASSERT_CONTAINS(w, "makedumpfile 1.7.6 does not exclude free pages on kernel 6.12.117+deb13-amd64");
        ASSERT_CONTAINS(w, "800 MiB were free");
        ASSERT_CONTAINS(w, "up to the machine's 1067 MiB");
        free(w);
        w = NULL;

        /* Another kernel: the probe says nothing about it. */
        ASSERT_OK(collector_probe_warning(path, "6.1.0-50-amd64", STRV_MAKE(prog, "-d", "31"), &w));
        ASSERT_NULL(w);
        /* No free-page bit asked for. */
        ASSERT_OK(collector_probe_warning(path, "6.12.117+deb13-amd64", STRV_MAKE(prog, "-d", "15"), &w));
        ASSERT_NULL(w);
        /* makedumpfile changed (an upgrade): the probe is stale. */
        ASSERT_OK(truncate(prog, 100) < 0 ? -errno : 0);
        ASSERT_OK(collector_probe_warning(path, "6.12.117+deb13-amd64", STRV_MAKE(prog, "-d", "31"), &w));
        ASSERT_NULL(w);
}
