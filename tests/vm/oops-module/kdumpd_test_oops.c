// SPDX-License-Identifier: GPL-2.0
/*
 * kdumpd's vm suite: an oops on purpose, for the "oops" scenario (Debian's
 * kernels have no LKDTM). Loading this module writes through a NULL
 * pointer in a function of its own, so the oops names that function and
 * this module ("RIP: 0010:kdumpd_test_oops_write+… [kdumpd_test_oops]");
 * with panic_on_oops the machine panics and the capture kernel dumps it.
 * Built once against the guest kernel's headers (tests/vm/checks.sh,
 * vm_test_module). GPL-2.0 as the kernel it is loaded into.
 */
#include <linux/init.h>
#include <linux/module.h>

/* volatile: the compiler must not see that the pointer is NULL. */
static int *volatile kdumpd_test_target;

static noinline void kdumpd_test_oops_write(int value)
{
	*kdumpd_test_target = value;
}

static int __init kdumpd_test_oops_init(void)
{
	pr_info("kdumpd_test_oops: writing through a NULL pointer now\n");
	kdumpd_test_oops_write(42);
	return 0;
}

static void __exit kdumpd_test_oops_exit(void)
{
}

module_init(kdumpd_test_oops_init);
module_exit(kdumpd_test_oops_exit);
MODULE_DESCRIPTION("kdumpd vm suite: a NULL pointer write on load");
MODULE_LICENSE("GPL");
