/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture's trace of itself for the next boot (crash-record.h): once
 * the dump is done, whatever became of it, the capture mounts the
 * filesystem that holds the state directory (mkdumprd recorded it in the
 * image as /etc/kdump/trace) and writes <store>/<boot ID>.trace: where the
 * dump is (a local filesystem, the NFS export, the ssh server), whether it
 * is complete, which step failed, the crashed kernel and its panic line.
 * That is how the next boot learns of a dump on a server, or of a capture
 * that failed before it had a dump directory. It never endangers the dump:
 * it comes last, with a deadline of its own, and its failure is only
 * logged. A raw dump needs none once the stream is written: the device
 * tells the next boot. */
#pragma once

#include "capture.h"

/* The TRACE step: always 0 (the dump's outcome is what it was). */
int capture_trace(Capture *c);

/* Reads the crashed kernel's release and panic line from its log (a
 * vmcore-dmesg.txt) into c, for the trace. */
void capture_crash_read(Capture *c, const char *dmesg_path);

/* The real mounting of the trace's filesystem (CaptureOps). */
int capture_trace_mount_real(Capture *c, uint64_t deadline_usec);
void capture_trace_unmount_real(Capture *c);

/* /etc/kdump/trace: "SPEC FSTYPE STORE" (STORE: the crash store's path
 * on that filesystem). */
#define CAPTURE_TRACE_SPEC "/etc/kdump/trace"
/* /etc/kdump/trace-modules: the modules that filesystem needs, one a line. */
#define CAPTURE_TRACE_MODULES "/etc/kdump/trace-modules"
