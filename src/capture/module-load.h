/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loading kernel modules in the capture initramfs, where there is no udev. */
#pragma once

/* Loads each named module with its dependencies. Returns the number of
 * names that could not be loaded. A module's file is removed once it is
 * loaded: in the capture image it is RAM the next modules need. */
int modules_load_names(char * const *names);

/* Coldplug: loads the module for every device's modalias under /sys/bus,
 * again until no new module appears (a bus driver creates the devices the
 * next driver binds to). Only modules in the image can be found. */
int modules_coldplug(void);
