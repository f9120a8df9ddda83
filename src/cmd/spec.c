/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "util/util.h"
#include "validate.h"

/* The default config.json, the same container as runc's default spec; the
 * %s slots differ between the normal and the rootless form. */
static const char spec_template[] =
    "{\n"
    "\t\"ociVersion\": \"" OCI_VERSION "\",\n"
    "\t\"process\": {\n"
    "\t\t\"terminal\": true,\n"
    "\t\t\"user\": {\n\t\t\t\"uid\": 0,\n\t\t\t\"gid\": 0\n\t\t},\n"
    "\t\t\"args\": [\n\t\t\t\"sh\"\n\t\t],\n"
    "\t\t\"env\": [\n"
    "\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
    "\t\t\t\"TERM=xterm\"\n"
    "\t\t],\n"
    "\t\t\"cwd\": \"/\",\n"
    "\t\t\"capabilities\": {\n"
    "%s"
    "\t\t},\n"
    "\t\t\"rlimits\": [\n"
    "\t\t\t{\n\t\t\t\t\"type\": \"RLIMIT_NOFILE\",\n\t\t\t\t\"hard\": 1024,\n"
    "\t\t\t\t\"soft\": 1024\n\t\t\t}\n"
    "\t\t],\n"
    "\t\t\"noNewPrivileges\": true\n"
    "\t},\n"
    "\t\"root\": {\n\t\t\"path\": \"rootfs\",\n\t\t\"readonly\": true\n\t},\n"
    "\t\"hostname\": \"rt\",\n"
    "\t\"mounts\": [\n"
    "\t\t{\n\t\t\t\"destination\": \"/proc\",\n\t\t\t\"type\": \"proc\",\n"
    "\t\t\t\"source\": \"proc\"\n\t\t},\n"
    "\t\t{\n\t\t\t\"destination\": \"/dev\",\n\t\t\t\"type\": \"tmpfs\",\n"
    "\t\t\t\"source\": \"tmpfs\",\n\t\t\t\"options\": [\n\t\t\t\t\"nosuid\",\n"
    "\t\t\t\t\"strictatime\",\n\t\t\t\t\"mode=755\",\n\t\t\t\t\"size=65536k\"\n\t\t\t]\n"
    "\t\t},\n"
    "\t\t{\n\t\t\t\"destination\": \"/dev/pts\",\n\t\t\t\"type\": \"devpts\",\n"
    "\t\t\t\"source\": \"devpts\",\n\t\t\t\"options\": [\n\t\t\t\t\"nosuid\",\n"
    "\t\t\t\t\"noexec\",\n\t\t\t\t\"newinstance\",\n\t\t\t\t\"ptmxmode=0666\",\n"
    "\t\t\t\t\"mode=0620\"%s\n\t\t\t]\n"
    "\t\t},\n"
    "\t\t{\n\t\t\t\"destination\": \"/dev/shm\",\n\t\t\t\"type\": \"tmpfs\",\n"
    "\t\t\t\"source\": \"shm\",\n\t\t\t\"options\": [\n\t\t\t\t\"nosuid\",\n"
    "\t\t\t\t\"noexec\",\n\t\t\t\t\"nodev\",\n\t\t\t\t\"mode=1777\",\n"
    "\t\t\t\t\"size=65536k\"\n\t\t\t]\n"
    "\t\t},\n"
    "\t\t{\n\t\t\t\"destination\": \"/dev/mqueue\",\n\t\t\t\"type\": \"mqueue\",\n"
    "\t\t\t\"source\": \"mqueue\",\n\t\t\t\"options\": [\n\t\t\t\t\"nosuid\",\n"
    "\t\t\t\t\"noexec\",\n\t\t\t\t\"nodev\"\n\t\t\t]\n"
    "\t\t},\n"
    "\t\t{\n\t\t\t\"destination\": \"/sys\",\n%s"
    "\t\t\t\t\"nosuid\",\n\t\t\t\t\"noexec\",\n\t\t\t\t\"nodev\",\n\t\t\t\t\"ro\"\n\t\t\t]\n"
    "\t\t},\n"
    "\t\t{\n\t\t\t\"destination\": \"/sys/fs/cgroup\",\n\t\t\t\"type\": \"cgroup\",\n"
    "\t\t\t\"source\": \"cgroup\",\n\t\t\t\"options\": [\n\t\t\t\t\"nosuid\",\n"
    "\t\t\t\t\"noexec\",\n\t\t\t\t\"nodev\",\n\t\t\t\t\"relatime\",\n\t\t\t\t\"ro\"\n"
    "\t\t\t]\n"
    "\t\t}\n"
    "\t],\n"
    "\t\"linux\": {\n"
    "%s"
    "\t\t\"namespaces\": [\n"
    "\t\t\t{\n\t\t\t\t\"type\": \"pid\"\n\t\t\t},\n"
    "%s"
    "\t\t\t{\n\t\t\t\t\"type\": \"ipc\"\n\t\t\t},\n"
    "\t\t\t{\n\t\t\t\t\"type\": \"uts\"\n\t\t\t},\n"
    "\t\t\t{\n\t\t\t\t\"type\": \"mount\"\n\t\t\t}%s\n"
    "\t\t],\n"
    "\t\t\"maskedPaths\": [\n"
    "\t\t\t\"/proc/acpi\",\n\t\t\t\"/proc/asound\",\n\t\t\t\"/proc/kcore\",\n"
    "\t\t\t\"/proc/keys\",\n\t\t\t\"/proc/latency_stats\",\n\t\t\t\"/proc/timer_list\",\n"
    "\t\t\t\"/proc/timer_stats\",\n\t\t\t\"/proc/sched_debug\",\n\t\t\t\"/sys/firmware\",\n"
    "\t\t\t\"/proc/scsi\"\n"
    "\t\t],\n"
    "\t\t\"readonlyPaths\": [\n"
    "\t\t\t\"/proc/bus\",\n\t\t\t\"/proc/fs\",\n\t\t\t\"/proc/irq\",\n\t\t\t\"/proc/sys\",\n"
    "\t\t\t\"/proc/sysrq-trigger\"\n"
    "\t\t]\n"
    "\t}\n"
    "}\n";

static const char caps_sets[] =
    "\t\t\t\"%s\": [\n\t\t\t\t\"CAP_AUDIT_WRITE\",\n\t\t\t\t\"CAP_KILL\",\n"
    "\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n\t\t\t]%s\n";

static char *spec_text(bool rootless)
{
    const char *sets[] = {"bounding", "effective", "permitted", "ambient"};
    cleanup_free char *caps = xstrdup("");
    for (int i = 0; i < 4; i++) {
        char *part = xasprintf(caps_sets, sets[i], i < 3 ? "," : "");
        char *joined = xasprintf("%s%s", caps, part);
        free(part);
        free(caps);
        caps = joined;
    }
    const char *sysfs = rootless ? "\t\t\t\"type\": \"none\",\n\t\t\t\"source\": \"/sys\",\n"
                                   "\t\t\t\"options\": [\n\t\t\t\t\"rbind\",\n"
                                 : "\t\t\t\"type\": \"sysfs\",\n\t\t\t\"source\": \"sysfs\",\n"
                                   "\t\t\t\"options\": [\n";
    cleanup_free char *linux_head =
        rootless ? xasprintf("\t\t\"uidMappings\": [\n\t\t\t{\n\t\t\t\t\"containerID\": 0,\n"
                             "\t\t\t\t\"hostID\": %u,\n\t\t\t\t\"size\": 1\n\t\t\t}\n\t\t],\n"
                             "\t\t\"gidMappings\": [\n\t\t\t{\n\t\t\t\t\"containerID\": 0,\n"
                             "\t\t\t\t\"hostID\": %u,\n\t\t\t\t\"size\": 1\n\t\t\t}\n\t\t],\n",
                             geteuid(), getegid())
                 : xstrdup("\t\t\"resources\": {\n\t\t\t\"devices\": [\n\t\t\t\t{\n"
                           "\t\t\t\t\t\"allow\": false,\n\t\t\t\t\t\"access\": \"rwm\"\n"
                           "\t\t\t\t}\n\t\t\t]\n\t\t},\n");
    return xasprintf(spec_template, caps, rootless ? "" : ",\n\t\t\t\t\"gid=5\"", sysfs, linux_head,
                     rootless ? "" : "\t\t\t{\n\t\t\t\t\"type\": \"network\"\n\t\t\t},\n",
                     rootless ? ",\n\t\t\t{\n\t\t\t\t\"type\": \"user\"\n\t\t\t}" : "");
}

int cmd_spec(const global_opts *g, int argc, char **argv, rt_error **err)
{
    (void)g;
    const char *bundle = NULL;
    bool rootless = false;
    const flag_spec flags[] = {
        {"bundle", 'b', FLAG_STRING, &bundle},
        {"rootless", 0, FLAG_BOOL, &rootless},
        {0},
    };
    int n;
    if (flags_parse(argc, argv, flags, &n, err) < 0 || want_args(n, 0, "spec", "", err) < 0)
        return 1;
    cleanup_close int dirfd = open(bundle ? bundle : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return rt_err(err, errno, "bundle %s", bundle ? bundle : "."), 1;
    if (faccessat(dirfd, "config.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        return rt_err(err, 0, "File config.json exists. Remove it first"), 1;
    cleanup_free char *text = spec_text(rootless);
    cleanup_close int fd =
        openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
        return rt_err(err, errno, "write config.json"), 1;
    return 0;
}
