/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netdev.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>

#include "namespaces.h"
#include "util/util.h"

/* --- a minimal rtnetlink client ------------------------------------------- */

typedef struct nl_msg {
    union {
        struct nlmsghdr h;
        char buf[1024];
    };
} nl_msg;

static void nl_begin(nl_msg *m, uint16_t type, uint16_t flags, const void *hdr, size_t len)
{
    memset(m, 0, sizeof(*m));
    m->h.nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
    m->h.nlmsg_type = type;
    m->h.nlmsg_flags = NLM_F_REQUEST | flags;
    memcpy(NLMSG_DATA(&m->h), hdr, len);
}

static void nl_attr(nl_msg *m, unsigned short type, const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *)(m->buf + NLMSG_ALIGN(m->h.nlmsg_len));
    if (NLMSG_ALIGN(m->h.nlmsg_len) + RTA_SPACE(len) > sizeof(m->buf))
        abort(); /* our messages are small and fixed in shape */
    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    memcpy(RTA_DATA(a), data, len);
    m->h.nlmsg_len = (uint32_t)(NLMSG_ALIGN(m->h.nlmsg_len) + RTA_SPACE(len));
}

/* A NETLINK_ROUTE socket and the sequence number of its last request. */
typedef struct nl_sock {
    int fd;
    uint32_t seq;
} nl_sock;

static void nl_close(nl_sock *s)
{
    if (s->fd >= 0)
        close(s->fd);
}
#define cleanup_nl __attribute__((cleanup(nl_close)))

static int nl_open(nl_sock *s)
{
    s->seq = 0;
    s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    return s->fd;
}

/* Called for each message of a reply; returns 0 to go on, -1 with errno. */
typedef int (*nl_cb)(const struct nlmsghdr *h, void *arg);

/* Send m and read the replies up to its ack (or, for a dump, NLMSG_DONE).
 * Returns 0, or -1 with errno set (the kernel's error for a refusal). */
static int nl_talk(nl_sock *s, nl_msg *m, nl_cb cb, void *arg)
{
    m->h.nlmsg_seq = ++s->seq;
    if ((m->h.nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
        m->h.nlmsg_flags |= NLM_F_ACK;
    if (send(s->fd, m, m->h.nlmsg_len, 0) < 0)
        return -1;
    char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
    for (;;) {
        ssize_t n = recv(s->fd, buf, sizeof(buf), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        unsigned int len = (unsigned int)n;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
             h = NLMSG_NEXT(h, len)) {
            if (h->nlmsg_seq != m->h.nlmsg_seq)
                continue;
            if (h->nlmsg_type == NLMSG_DONE)
                return 0;
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
                    errno = EBADMSG;
                    return -1;
                }
                if (!e->error)
                    return 0;
                errno = -e->error;
                return -1;
            }
            if (cb && cb(h, arg) < 0)
                return -1;
        }
    }
}

/* --- what the kernel tells about links and addresses ---------------------- */

typedef struct index_list {
    int *v;
    size_t n;
} index_list;

static int collect_link(const struct nlmsghdr *h, void *arg)
{
    index_list *l = arg;
    if (h->nlmsg_type != RTM_NEWLINK)
        return 0;
    const struct ifinfomsg *ifi = NLMSG_DATA(h);
    int *v = realloc(l->v, (l->n + 1) * sizeof(int));
    if (!v)
        return -1;
    l->v = v;
    l->v[l->n++] = ifi->ifi_index;
    return 0;
}

static int link_indexes(nl_sock *s, index_list *l)
{
    nl_msg m;
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
    nl_begin(&m, RTM_GETLINK, NLM_F_DUMP, &ifi, sizeof(ifi));
    *l = (index_list){0};
    return nl_talk(s, &m, collect_link, l);
}

static bool has_index(const index_list *l, int idx)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == idx)
            return true;
    return false;
}

/* An address as RTM_NEWADDR needs it again in the new namespace. */
typedef struct saved_addr {
    struct ifaddrmsg ifa;
    unsigned char local[16], address[16], broadcast[16];
    unsigned short local_len, address_len, broadcast_len;
} saved_addr;

typedef struct addr_list {
    int index;
    saved_addr *v;
    size_t n;
} addr_list;

static void copy_attr(const struct rtattr *a, unsigned char *to, unsigned short *len)
{
    size_t n = RTA_PAYLOAD(a);
    if (n > 16)
        return;
    memcpy(to, RTA_DATA(a), n);
    *len = (unsigned short)n;
}

/* RTA_NEXT without its mix of int and unsigned. */
static const struct rtattr *attr_next(const struct rtattr *a, int *len)
{
    int step = (int)RTA_ALIGN(a->rta_len);
    *len -= step;
    return (const struct rtattr *)((const char *)a + step);
}

/* config-linux.md: keep the permanent addresses of global scope only. */
static int collect_addr(const struct nlmsghdr *h, void *arg)
{
    addr_list *l = arg;
    const struct ifaddrmsg *ifa = NLMSG_DATA(h);
    if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != l->index ||
        ifa->ifa_scope != RT_SCOPE_UNIVERSE)
        return 0;
    saved_addr s = {.ifa = *ifa};
    uint32_t flags = ifa->ifa_flags;
    int len = (int)IFA_PAYLOAD(h);
    for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = attr_next(a, &len)) {
        if (a->rta_type == IFA_LOCAL)
            copy_attr(a, s.local, &s.local_len);
        else if (a->rta_type == IFA_ADDRESS)
            copy_attr(a, s.address, &s.address_len);
        else if (a->rta_type == IFA_BROADCAST)
            copy_attr(a, s.broadcast, &s.broadcast_len);
        else if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) >= 4)
            memcpy(&flags, RTA_DATA(a), 4);
    }
    if (!(flags & IFA_F_PERMANENT))
        return 0;
    saved_addr *v = realloc(l->v, (l->n + 1) * sizeof(*v));
    if (!v)
        return -1;
    l->v = v;
    l->v[l->n++] = s;
    return 0;
}

static int save_addresses(nl_sock *s, int index, addr_list *l)
{
    nl_msg m;
    struct ifaddrmsg ifa = {.ifa_family = AF_UNSPEC};
    nl_begin(&m, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa));
    *l = (addr_list){.index = index};
    return nl_talk(s, &m, collect_addr, l);
}

static int add_address(nl_sock *s, int index, const saved_addr *a)
{
    nl_msg m;
    struct ifaddrmsg ifa = {
        .ifa_family = a->ifa.ifa_family,
        .ifa_prefixlen = a->ifa.ifa_prefixlen,
        .ifa_scope = a->ifa.ifa_scope,
        .ifa_index = (uint32_t)index,
    };
    nl_begin(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));
    if (a->local_len)
        nl_attr(&m, IFA_LOCAL, a->local, a->local_len);
    if (a->address_len)
        nl_attr(&m, IFA_ADDRESS, a->address, a->address_len);
    if (a->broadcast_len)
        nl_attr(&m, IFA_BROADCAST, a->broadcast, a->broadcast_len);
    return nl_talk(s, &m, NULL, NULL);
}

static int link_up(nl_sock *s, int index)
{
    nl_msg m;
    struct ifinfomsg ifi = {
        .ifi_family = AF_UNSPEC,
        .ifi_index = index,
        .ifi_flags = IFF_UP,
        .ifi_change = IFF_UP,
    };
    nl_begin(&m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
    return nl_talk(s, &m, NULL, NULL);
}

/* 1 when the namespace of s has an interface of that name, 0 when not. */
static int link_exists(nl_sock *s, const char *name)
{
    nl_msg m;
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
    nl_begin(&m, RTM_GETLINK, 0, &ifi, sizeof(ifi));
    nl_attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
    if (nl_talk(s, &m, NULL, NULL) == 0)
        return 1;
    return errno == ENODEV ? 0 : -1;
}

/* Move and rename in one RTM_NEWLINK, so the interface never carries its new
 * name on the host.  The kernel moves first and renames after: a name taken
 * in the target fails only once the interface is there, so the caller checks
 * it before. */
static int link_move(nl_sock *s, int index, int netns_fd, const char *name)
{
    nl_msg m;
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = index};
    nl_begin(&m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
    uint32_t nsfd = (uint32_t)netns_fd;
    nl_attr(&m, IFLA_NET_NS_FD, &nsfd, sizeof(nsfd));
    nl_attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
    return nl_talk(s, &m, NULL, NULL);
}

/* --- validation ----------------------------------------------------------- */

/* The kernel's dev_valid_name(), plus its rule for a "%d" template. */
static bool valid_name(const char *name)
{
    if (!name || !*name || strlen(name) >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
        return false;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
            return false;
    const char *pct = strchr(name, '%');
    return !pct || (pct[1] == 'd' && !strchr(pct + 2, '%'));
}

static const char *target_name(const oci_net_device *d)
{
    return d->name && *d->name ? d->name : d->host_name;
}

int netdev_validate(const oci_config *cfg, rt_error **err)
{
    const oci_linux *l = cfg->linux_;
    if (!l || !l->net_devices_len)
        return 0;
    if (!ns_has(cfg, "network"))
        return rt_err(err, 0,
                      "linux.netDevices: moving interfaces needs a network namespace in "
                      "linux.namespaces");
    for (size_t i = 0; i < l->net_devices_len; i++) {
        const oci_net_device *d = &l->net_devices[i];
        if (!valid_name(d->host_name) || strchr(d->host_name, '%'))
            return rt_err(err, 0, "linux.netDevices: invalid interface name \"%s\"",
                          d->host_name ? d->host_name : "");
        if (d->name && *d->name && !valid_name(d->name))
            return rt_err(err, 0, "linux.netDevices[\"%s\"].name: invalid interface name \"%s\"",
                          d->host_name, d->name);
        for (size_t j = 0; j < i; j++)
            if (!strchr(target_name(d), '%') &&
                !strcmp(target_name(d), target_name(&l->net_devices[j])))
                return rt_err(err, 0,
                              "linux.netDevices: \"%s\" and \"%s\" would both be named "
                              "\"%s\" in the container",
                              l->net_devices[j].host_name, d->host_name, target_name(d));
        if (!if_nametoindex(d->host_name))
            return rt_err(err, 0, "linux.netDevices: no interface \"%s\" on the host",
                          d->host_name);
    }
    return 0;
}

/* --- moving --------------------------------------------------------------- */

/* The network namespace the container will be in: the init's own, unless
 * linux.namespaces joins one by path (the init enters it only later). */
static int open_target_netns(const oci_config *cfg, pid_t pid, rt_error **err)
{
    const oci_linux *l = cfg->linux_;
    for (size_t i = 0; i < l->namespaces_len; i++) {
        const oci_namespace *n = &l->namespaces[i];
        if (strcmp(n->type, "network") || !n->path || !*n->path)
            continue;
        int fd = open(n->path, O_RDONLY | O_CLOEXEC);
        return fd >= 0 ? fd : rt_err(err, errno, "linux.netDevices: open %s", n->path);
    }
    cleanup_free char *path = xasprintf("/proc/%d/ns/net", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    return fd >= 0 ? fd : rt_err(err, errno, "linux.netDevices: open %s", path);
}

/* A netlink socket belongs to the namespace it was made in: step into the
 * target only for socket(), then back. */
static int socket_in_netns(nl_sock *s, int netns_fd, rt_error **err)
{
    cleanup_close int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        return rt_err(err, errno, "linux.netDevices: open /proc/self/ns/net");
    if (setns(netns_fd, CLONE_NEWNET) < 0)
        return rt_err(err, errno, "linux.netDevices: enter the container's network namespace");
    int fd = nl_open(s);
    int e = errno;
    if (setns(self, CLONE_NEWNET) < 0)
        return rt_err(err, errno, "linux.netDevices: return to the runtime's network namespace");
    return fd >= 0 ? 0 : rt_err(err, e, "linux.netDevices: netlink socket");
}

static int name_taken(const oci_net_device *d, const char *name, rt_error **err)
{
    return rt_err(err, 0,
                  "linux.netDevices: \"%s\": an interface named \"%s\" already exists in "
                  "the container's network namespace",
                  d->host_name, name);
}

/* Its index there (kept when free; a "%d" name is the kernel's choice): the
 * one link that was not there before the move.  0 when not found. */
static int new_link_index(nl_sock *target, const index_list *before)
{
    index_list after = {0};
    int found = 0;
    if (link_indexes(target, &after) == 0)
        for (size_t i = 0; i < after.n; i++)
            if (!has_index(before, after.v[i]))
                found = found ? -1 : after.v[i];
    free(after.v);
    return found > 0 ? found : 0;
}

/* Re-add the saved addresses under the new index, then set the link up. */
static int configure_moved(nl_sock *target, int index, const addr_list *addrs,
                           const oci_net_device *d, rt_error **err)
{
    for (size_t i = 0; i < addrs->n; i++)
        if (add_address(target, index, &addrs->v[i]) < 0)
            return rt_err(err, errno,
                          "linux.netDevices: restore an address of \"%s\" in the "
                          "container",
                          d->host_name);
    if (link_up(target, index) < 0)
        return rt_err(err, errno, "linux.netDevices: set \"%s\" up in the container",
                      target_name(d));
    return 0;
}

static int move_one(nl_sock *host, nl_sock *target, int netns_fd, const oci_net_device *d,
                    rt_error **err)
{
    const char *name = target_name(d);
    int index = (int)if_nametoindex(d->host_name);
    if (!index)
        return rt_err(err, 0, "linux.netDevices: no interface \"%s\" on the host", d->host_name);
    int taken = strchr(name, '%') ? 0 : link_exists(target, name);
    if (taken > 0)
        return name_taken(d, name, err);
    if (taken < 0)
        return rt_err(err, errno, "linux.netDevices: look for \"%s\" in the container", name);
    /* The kernel drops the addresses on the way: read them first. */
    addr_list addrs = {0};
    index_list before = {0};
    int r = -1;
    if (save_addresses(host, index, &addrs) < 0) {
        rt_err(err, errno, "linux.netDevices: addresses of \"%s\"", d->host_name);
    } else if (link_indexes(target, &before) < 0) {
        rt_err(err, errno, "linux.netDevices: interfaces of the container's network namespace");
    } else if (link_move(host, index, netns_fd, name) < 0) {
        if (errno == EEXIST)
            name_taken(d, name, err);
        else
            rt_err(err, errno, "linux.netDevices: move \"%s\" into the container as \"%s\"",
                   d->host_name, name);
    } else if (!(index = new_link_index(target, &before))) {
        rt_err(err, 0, "linux.netDevices: \"%s\" not found in the container after the move", name);
    } else {
        r = configure_moved(target, index, &addrs, d, err);
    }
    free(addrs.v);
    free(before.v);
    return r;
}

int netdev_move(const oci_config *cfg, pid_t pid, rt_error **err)
{
    const oci_linux *l = cfg->linux_;
    if (!l || !l->net_devices_len)
        return 0;
    cleanup_close int netns_fd = open_target_netns(cfg, pid, err);
    if (netns_fd < 0)
        return -1;
    cleanup_nl nl_sock host = {.fd = -1}, target = {.fd = -1};
    if (nl_open(&host) < 0)
        return rt_err(err, errno, "linux.netDevices: netlink socket");
    if (socket_in_netns(&target, netns_fd, err) < 0)
        return -1;
    for (size_t i = 0; i < l->net_devices_len; i++)
        if (move_one(&host, &target, netns_fd, &l->net_devices[i], err) < 0)
            return -1;
    return 0;
}
