/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "config.h"
#include "log.h"
#include "util/util.h"
#include "validate.h"
#include "version.h"

static const struct command {
    const char *name;
    cmd_fn fn;
    const char *help;
    const char *usage;
} commands[] = {
    {"create", cmd_create, "create a container",
     "[--bundle|-b DIR] [--pid-file FILE] [--console-socket PATH] [--no-pivot] [--no-new-keyring] [--preserve-fds N] <container-id>"},
    {"start", cmd_start, "executes the user defined process in a created container",
     "<container-id>"},
    {"run", cmd_run, "create and run a container",
     "[--bundle|-b DIR] [--pid-file FILE] [--console-socket PATH] [--detach|-d] [--keep] [--no-subreaper] [--no-pivot] [--no-new-keyring] [--preserve-fds N] <container-id>"},
    {"state", cmd_state, "output the state of a container", "<container-id>"},
    {"kill", cmd_kill,
     "kill sends the specified signal (default: SIGTERM) to the container's init process",
     "[--all|-a] <container-id> [signal]"},
    {"delete", cmd_delete,
     "delete any resources held by the container often used with detached containers",
     "[--force|-f] <container-id>"},
    {"list", cmd_list, "lists containers started by rt with the given root",
     "[--format|-f table|json] [--quiet|-q]"},
    {"spec", cmd_spec, "create a new specification file", "[--bundle|-b DIR] [--rootless]"},
    {"features", cmd_features, "show the enabled features", ""},
    {"exec", cmd_exec, "execute new process inside the container",
     "[--process|-p FILE] [--tty|-t] [--console-socket PATH] [--cwd DIR] [--env|-e KEY=VALUE]... [--user|-u UID[:GID]] [--additional-gids|-g GID]... [--cap|-c CAP]... [--no-new-privs] [--apparmor PROFILE] [--process-label LABEL] [--detach|-d] [--pid-file FILE] [--preserve-fds N] [--ignore-paused] [--cgroup [CONTROLLERS:]PATH]... <container-id> <command> [args...]"},
    {"ps", cmd_ps, "ps displays the processes running inside a container",
     "[--format|-f table|json] <container-id> [ps options]"},
    {"pause", cmd_pause, "pause suspends all processes inside the container", "<container-id>"},
    {"resume", cmd_resume, "resumes all processes that have been previously paused",
     "<container-id>"},
    {"update", cmd_update, "update container resource constraints",
     "[--resources|-r FILE|-] [--memory N] [--memory-reservation N] [--memory-swap N] [--cpu-period N] [--cpu-quota N] [--cpu-share N] [--cpu-rt-period N] [--cpu-rt-runtime N] [--cpuset-cpus LIST] [--cpuset-mems LIST] [--pids-limit N] [--blkio-weight N] [--l3-cache-schema S] [--mem-bw-schema S] <container-id>"},
    {"events", cmd_events,
     "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
     "[--stats] [--interval DURATION] <container-id>"},
    {"check", cmd_check,
     "report what this host offers rt: cgroups, LSMs, seccomp, namespaces, idmapped mounts, "
     "clone3, pidfd, criu",
     "[--format|-f text|json]"},
    {"checkpoint", cmd_not_yet, "checkpoint a running container (not implemented yet)",
     "<container-id>"},
    {"restore", cmd_not_yet, "restore a container from a previous checkpoint (not implemented yet)",
     "<container-id>"},
};

static void usage(FILE *f)
{
    size_t width = strlen("help, h");
    for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
        if (strlen(commands[i].name) > width)
            width = strlen(commands[i].name);
    fprintf(f,
            "NAME:\n   rt - Open Container Initiative runtime\n\n"
            "rt runs containers from OCI bundles (a directory with config.json and a root\n"
            "filesystem), with the command line of runc.\n\n"
            "To start a new instance of a container:\n\n"
            "    # rt run [ -b bundle ] <container-id>\n\n"
            "USAGE:\n   rt [global options] command [command options] [arguments...]\n\n"
            "VERSION:\n   %s\ncommit: %s\nspec: %s\n\nCOMMANDS:\n",
            RT_VERSION, RT_COMMIT, OCI_VERSION);
    for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
        fprintf(f, "   %-*s  %s\n", (int)width, commands[i].name, commands[i].help);
    fprintf(f, "   %-*s  %s\n", (int)width, "help, h",
            "Shows a list of commands or help for one command");
    fprintf(
        f,
        "\nGLOBAL OPTIONS:\n"
        "   --debug                enable debug logging\n"
        "   --log value            set the log file to write rt logs to (default: stderr)\n"
        "   --log-format value     set the log format ('text' (default), or 'json')\n"
        "   --root value           root directory for storage of container state "
        "(default: \"/run/rt\")\n"
        "   --systemd-cgroup       enable systemd cgroup support (cgroupsPath \"slice:prefix:name\")\n"
        "   --criu value           ignored (checkpoint and restore are not implemented)\n"
        "   --rootless value       ignore cgroup permission errors ('true', 'false', or "
        "'auto') (default: \"auto\")\n"
        "   --help, -h             show help\n"
        "   --version, -v          print the version\n");
}

/* The lines runc prints (clients such as Docker parse "commit:"). */
static void version(void)
{
    printf("rt version %s\ncommit: %s\nspec: %s\n", RT_VERSION, RT_COMMIT, OCI_VERSION);
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

static void command_usage(const struct command *c)
{
    printf("NAME:\n   rt %s - %s\n\nUSAGE:\n   rt %s %s\n", c->name, c->help, c->name, c->usage);
}

/* COMMAND --help / -h (before any "--") shows the command's usage. */
static bool wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return true;
    return false;
}

static int check_globals(const global_opts *g, rt_error **err)
{
    if (strcmp(g->log_format, "text") && strcmp(g->log_format, "json"))
        return rt_err(err, 0, "invalid log format \"%s\": must be text or json", g->log_format);
    if (strcmp(g->rootless, "auto") && strcmp(g->rootless, "true") && strcmp(g->rootless, "false"))
        return rt_err(err, 0, "invalid --rootless value \"%s\": must be true, false or auto",
                      g->rootless);
    if (!*g->root || g->root[0] != '/')
        return rt_err(err, 0, "--root must be an absolute path: \"%s\"", g->root);
    return 0;
}

/* runc's default root: /run/rt, or $XDG_RUNTIME_DIR/rt for a caller that
 * is not root, or root only of a user namespace (rootless podman): its own
 * runtime dir, where it can write. */
static const char *default_root(void)
{
    static char buf[4096];
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if ((geteuid() == 0 && !in_user_namespace()) || !xdg || xdg[0] != '/' ||
        snprintf(buf, sizeof(buf), "%s/rt", xdg) >= (int)sizeof(buf))
        return "/run/rt";
    return buf;
}

static int run_command(int argc, char **argv, rt_error **err)
{
    global_opts g = {
        .root = default_root(), .log_format = "text", .rootless = "auto", .criu = "criu"};
    bool help = false, show_version = false;
    const flag_spec flags[] = {
        {"root", 0, FLAG_STRING, &g.root},
        {"log", 0, FLAG_STRING, &g.log},
        {"log-format", 0, FLAG_STRING, &g.log_format},
        {"debug", 0, FLAG_BOOL, &g.debug},
        {"systemd-cgroup", 0, FLAG_BOOL, &g.systemd_cgroup},
        {"rootless", 0, FLAG_STRING, &g.rootless},
        {"criu", 0, FLAG_STRING, &g.criu},
        {"help", 'h', FLAG_BOOL, &help},
        {"version", 'v', FLAG_BOOL, &show_version},
        {0},
    };
    int used;
    if (flags_parse_prefix(argc - 1, argv + 1, flags, &used, err) < 0)
        return 1;
    int first = 1 + used;
    if (show_version) {
        version();
        return 0;
    }
    if (help || first >= argc) {
        usage(stdout);
        return 0;
    }
    const char *name = argv[first];
    /* help [COMMAND], or h: as runc. */
    if (!strcmp(name, "help") || !strcmp(name, "h")) {
        if (first + 1 >= argc) {
            usage(stdout);
            return 0;
        }
        const struct command *c = find_command(argv[first + 1]);
        if (!c)
            return rt_err(err, 0, "no help topic for \"%s\"", argv[first + 1]), 1;
        command_usage(c);
        return 0;
    }
    /* CVE-2019-5736: what a container can reach of ours must not be our binary. */
    if ((!strcmp(name, "create") || !strcmp(name, "run") || !strcmp(name, "exec")) &&
        sealed_self_reexec(argv, err) < 0)
        return 1;
    if (log_open(g.log, !strcmp(g.log_format, "json"), g.debug) < 0)
        return rt_err(err, 0, "open log file %s", g.log), 1;
    if (check_globals(&g, err) < 0)
        return 1;
    log_debug("rt version %s (commit %s): command %s", RT_VERSION, RT_COMMIT, name);
    const struct command *c = find_command(name);
    if (!c) {
        rt_err(err, 0, "unknown command \"%s\" (see rt --help)", name);
        return 1;
    }
    if (wants_help(argc - first - 1, argv + first + 1)) {
        command_usage(c);
        return 0;
    }
    return c->fn(&g, argc - first - 1, argv + first + 1, err);
}

int main(int argc, char **argv)
{
    cleanup_error rt_error *err = NULL;
    int status = run_command(argc, argv, &err);
    if (err) {
        log_error(err->msg);
        if (!status)
            status = 1;
    }
    return status;
}
