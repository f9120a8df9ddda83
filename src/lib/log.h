/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RT_LOG_H
#define RT_LOG_H

#include <stdbool.h>

/* Log records go to --log FILE (text or JSON, one record per line) when set;
 * errors are also printed as one `rt: ` line on stderr.  Warnings go to
 * stderr when there is no log file.  Debug records need --debug, and go to
 * stderr as records (logrus-style text `time="…" level=debug msg=…`, or JSON)
 * when there is no log file. */
int log_open(const char *path, bool json, bool debug);
void log_error(const char *msg);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
