/* Facts from the kernel's UAPI headers for famsock-netlink: constants, struct layouts, and
 * messages built with the headers' own macros (NLMSG_*, RTA_*, NLA_*).
 * Prints JSON. Regenerate: gcc -o /tmp/nlh netlink_headers.c && /tmp/nlh > netlink_headers.json
 * tests/test_headers.py checks the plugin's constants, declarations and codec against it. */
#include <linux/genetlink.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int first;
static void begin(const char *name) { printf("%s  \"%s\": {", first ? "" : ",\n", name); first = 0; }
static int item_first;
static void item(const char *name, long long value) {
    printf("%s\n    \"%s\": %lld", item_first ? "" : ",", name, value);
    item_first = 0;
}
static void end(void) { printf("\n  }"); item_first = 1; }
static void hex(const char *name, const void *data, size_t size) {
    printf("%s\n    \"%s\": \"", item_first ? "" : ",", name);
    for (size_t i = 0; i < size; i++) printf("%02x", ((const unsigned char *)data)[i]);
    printf("\"");
    item_first = 0;
}
#define C(x) item(#x, (long long)(x))
#define SIZE(s) item("sizeof", (long long)sizeof(struct s))
#define OFF(s, m) item(#m, (long long)offsetof(struct s, m))

/* an attribute with the rtnetlink macros, appended at the message's aligned end */
static void add_rta(struct nlmsghdr *n, unsigned short type, const void *data, size_t size) {
    struct rtattr *rta = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
    rta->rta_type = type;
    rta->rta_len = RTA_LENGTH(size);
    memcpy(RTA_DATA(rta), data, size);
    n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static struct rtattr *begin_nest(struct nlmsghdr *n, unsigned short type) {
    struct rtattr *nest = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
    add_rta(n, type | NLA_F_NESTED, NULL, 0); /* as libmnl's mnl_attr_nest_start() */
    return nest;
}

static void end_nest(struct nlmsghdr *n, struct rtattr *nest) {
    nest->rta_len = (unsigned short)((char *)n + n->nlmsg_len - (char *)nest);
}

int main(void) {
    static union { struct nlmsghdr h; char buf[1024]; } m;
    first = 1; item_first = 1;
    printf("{\n");

    begin("constants");
    /* <linux/netlink.h>: protocols */
    C(NETLINK_ROUTE); C(NETLINK_UNUSED); C(NETLINK_USERSOCK); C(NETLINK_FIREWALL); C(NETLINK_SOCK_DIAG);
    C(NETLINK_NFLOG); C(NETLINK_XFRM); C(NETLINK_SELINUX); C(NETLINK_ISCSI); C(NETLINK_AUDIT);
    C(NETLINK_FIB_LOOKUP); C(NETLINK_CONNECTOR); C(NETLINK_NETFILTER); C(NETLINK_IP6_FW);
    C(NETLINK_DNRTMSG); C(NETLINK_KOBJECT_UEVENT); C(NETLINK_GENERIC); C(NETLINK_SCSITRANSPORT);
    C(NETLINK_ECRYPTFS); C(NETLINK_RDMA); C(NETLINK_CRYPTO); C(NETLINK_SMC); C(NETLINK_INET_DIAG);
    /* socket options */
    C(SOL_NETLINK);
    C(NETLINK_ADD_MEMBERSHIP); C(NETLINK_DROP_MEMBERSHIP); C(NETLINK_PKTINFO); C(NETLINK_BROADCAST_ERROR);
    C(NETLINK_NO_ENOBUFS); C(NETLINK_RX_RING); C(NETLINK_TX_RING); C(NETLINK_LISTEN_ALL_NSID);
    C(NETLINK_LIST_MEMBERSHIPS); C(NETLINK_CAP_ACK); C(NETLINK_EXT_ACK); C(NETLINK_GET_STRICT_CHK);
    /* messages */
    C(NLM_F_REQUEST); C(NLM_F_MULTI); C(NLM_F_ACK); C(NLM_F_ECHO); C(NLM_F_DUMP_INTR); C(NLM_F_DUMP_FILTERED);
    C(NLM_F_ROOT); C(NLM_F_MATCH); C(NLM_F_ATOMIC); C(NLM_F_DUMP); C(NLM_F_REPLACE); C(NLM_F_EXCL);
    C(NLM_F_CREATE); C(NLM_F_APPEND); C(NLM_F_NONREC); C(NLM_F_BULK); C(NLM_F_CAPPED); C(NLM_F_ACK_TLVS);
    C(NLMSG_ALIGNTO); C(NLMSG_HDRLEN); C(NLMSG_NOOP); C(NLMSG_ERROR); C(NLMSG_DONE); C(NLMSG_OVERRUN);
    C(NLMSG_MIN_TYPE);
    C(NLMSGERR_ATTR_UNUSED); C(NLMSGERR_ATTR_MSG); C(NLMSGERR_ATTR_OFFS); C(NLMSGERR_ATTR_COOKIE);
    C(NLMSGERR_ATTR_POLICY); C(NLMSGERR_ATTR_MISS_TYPE); C(NLMSGERR_ATTR_MISS_NEST);
    C(NLA_F_NESTED); C(NLA_F_NET_BYTEORDER); C(NLA_TYPE_MASK & 0xffff); C(NLA_ALIGNTO); C(NLA_HDRLEN);
    /* <linux/genetlink.h> */
    C(GENL_NAMSIZ); C(GENL_HDRLEN); C(GENL_ID_CTRL); C(GENL_ADMIN_PERM); C(GENL_CMD_CAP_DO);
    C(GENL_CMD_CAP_DUMP); C(GENL_CMD_CAP_HASPOL); C(GENL_UNS_ADMIN_PERM);
    C(CTRL_CMD_NEWFAMILY); C(CTRL_CMD_DELFAMILY); C(CTRL_CMD_GETFAMILY); C(CTRL_CMD_NEWOPS);
    C(CTRL_CMD_DELOPS); C(CTRL_CMD_GETOPS); C(CTRL_CMD_NEWMCAST_GRP); C(CTRL_CMD_DELMCAST_GRP);
    C(CTRL_CMD_GETMCAST_GRP); C(CTRL_CMD_GETPOLICY);
    C(CTRL_ATTR_FAMILY_ID); C(CTRL_ATTR_FAMILY_NAME); C(CTRL_ATTR_VERSION); C(CTRL_ATTR_HDRSIZE);
    C(CTRL_ATTR_MAXATTR); C(CTRL_ATTR_OPS); C(CTRL_ATTR_MCAST_GROUPS); C(CTRL_ATTR_POLICY);
    C(CTRL_ATTR_OP_POLICY); C(CTRL_ATTR_OP);
    C(CTRL_ATTR_OP_ID); C(CTRL_ATTR_OP_FLAGS); C(CTRL_ATTR_MCAST_GRP_NAME); C(CTRL_ATTR_MCAST_GRP_ID);
    C(CTRL_ATTR_POLICY_DO); C(CTRL_ATTR_POLICY_DUMP);
    C(NL_POLICY_TYPE_ATTR_TYPE); C(NL_POLICY_TYPE_ATTR_MIN_VALUE_S); C(NL_POLICY_TYPE_ATTR_MAX_VALUE_S);
    C(NL_POLICY_TYPE_ATTR_MIN_VALUE_U); C(NL_POLICY_TYPE_ATTR_MAX_VALUE_U); C(NL_POLICY_TYPE_ATTR_MIN_LENGTH);
    C(NL_POLICY_TYPE_ATTR_MAX_LENGTH); C(NL_POLICY_TYPE_ATTR_POLICY_IDX);
    C(NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE); C(NL_POLICY_TYPE_ATTR_BITFIELD32_MASK); C(NL_POLICY_TYPE_ATTR_PAD);
    C(NL_POLICY_TYPE_ATTR_MASK);
    C(NL_ATTR_TYPE_FLAG); C(NL_ATTR_TYPE_U8); C(NL_ATTR_TYPE_U16); C(NL_ATTR_TYPE_U32); C(NL_ATTR_TYPE_U64);
    C(NL_ATTR_TYPE_S8); C(NL_ATTR_TYPE_S16); C(NL_ATTR_TYPE_S32); C(NL_ATTR_TYPE_S64); C(NL_ATTR_TYPE_BINARY);
    C(NL_ATTR_TYPE_STRING); C(NL_ATTR_TYPE_NUL_STRING); C(NL_ATTR_TYPE_NESTED); C(NL_ATTR_TYPE_NESTED_ARRAY);
    C(NL_ATTR_TYPE_BITFIELD32);
    /* <linux/rtnetlink.h> */
    C(RTM_NEWLINK); C(RTM_DELLINK); C(RTM_GETLINK); C(RTM_SETLINK);
    C(RTM_NEWADDR); C(RTM_DELADDR); C(RTM_GETADDR);
    C(RTNLGRP_LINK); C(RTNLGRP_NOTIFY); C(RTNLGRP_NEIGH); C(RTNLGRP_TC); C(RTNLGRP_IPV4_IFADDR);
    C(RTNLGRP_IPV4_MROUTE); C(RTNLGRP_IPV4_ROUTE); C(RTNLGRP_IPV4_RULE); C(RTNLGRP_IPV6_IFADDR);
    C(RTNLGRP_IPV6_MROUTE); C(RTNLGRP_IPV6_ROUTE); C(RTNLGRP_IPV6_IFINFO); C(RTNLGRP_IPV6_PREFIX);
    C(RTNLGRP_IPV6_RULE); C(RTNLGRP_ND_USEROPT); C(RTNLGRP_NSID); C(RTNLGRP_IPV4_NETCONF);
    C(RTNLGRP_IPV6_NETCONF); C(RTNLGRP_MPLS_ROUTE); C(RTNLGRP_NEXTHOP); C(RTNLGRP_BRVLAN);
    C(RTEXT_FILTER_VF); C(RTEXT_FILTER_SKIP_STATS);
    /* <linux/if_link.h>: link attributes */
    C(IFLA_ADDRESS); C(IFLA_BROADCAST); C(IFLA_IFNAME); C(IFLA_MTU); C(IFLA_LINK); C(IFLA_QDISC);
    C(IFLA_STATS); C(IFLA_COST); C(IFLA_PRIORITY); C(IFLA_MASTER); C(IFLA_WIRELESS); C(IFLA_PROTINFO);
    C(IFLA_TXQLEN); C(IFLA_MAP); C(IFLA_WEIGHT); C(IFLA_OPERSTATE); C(IFLA_LINKMODE); C(IFLA_LINKINFO);
    C(IFLA_NET_NS_PID); C(IFLA_IFALIAS); C(IFLA_NUM_VF); C(IFLA_VFINFO_LIST); C(IFLA_STATS64);
    C(IFLA_VF_PORTS); C(IFLA_PORT_SELF); C(IFLA_AF_SPEC); C(IFLA_GROUP); C(IFLA_NET_NS_FD);
    C(IFLA_EXT_MASK); C(IFLA_PROMISCUITY); C(IFLA_NUM_TX_QUEUES); C(IFLA_NUM_RX_QUEUES); C(IFLA_CARRIER);
    C(IFLA_PHYS_PORT_ID); C(IFLA_CARRIER_CHANGES); C(IFLA_PHYS_SWITCH_ID); C(IFLA_LINK_NETNSID);
    C(IFLA_PHYS_PORT_NAME); C(IFLA_PROTO_DOWN); C(IFLA_GSO_MAX_SEGS); C(IFLA_GSO_MAX_SIZE); C(IFLA_PAD);
    C(IFLA_XDP); C(IFLA_EVENT); C(IFLA_NEW_NETNSID); C(IFLA_TARGET_NETNSID); C(IFLA_CARRIER_UP_COUNT);
    C(IFLA_CARRIER_DOWN_COUNT); C(IFLA_NEW_IFINDEX); C(IFLA_MIN_MTU); C(IFLA_MAX_MTU); C(IFLA_PROP_LIST);
    C(IFLA_ALT_IFNAME); C(IFLA_PERM_ADDRESS); C(IFLA_PROTO_DOWN_REASON); C(IFLA_PARENT_DEV_NAME);
    C(IFLA_PARENT_DEV_BUS_NAME); C(IFLA_GRO_MAX_SIZE); C(IFLA_TSO_MAX_SIZE); C(IFLA_TSO_MAX_SEGS);
    C(IFLA_ALLMULTI);
    C(IFLA_INFO_KIND); C(IFLA_INFO_DATA); C(IFLA_INFO_XSTATS); C(IFLA_INFO_SLAVE_KIND);
    C(IFLA_INFO_SLAVE_DATA);
    C(IFLA_PROTO_DOWN_REASON_MASK); C(IFLA_PROTO_DOWN_REASON_VALUE);
    C(IFLA_INET_CONF);
    C(IFLA_INET6_FLAGS); C(IFLA_INET6_CONF); C(IFLA_INET6_STATS); C(IFLA_INET6_MCAST); C(IFLA_INET6_CACHEINFO);
    C(IFLA_INET6_ICMP6STATS); C(IFLA_INET6_TOKEN); C(IFLA_INET6_ADDR_GEN_MODE); C(IFLA_INET6_RA_MTU);
    C(IFLA_XDP_FD); C(IFLA_XDP_ATTACHED); C(IFLA_XDP_FLAGS); C(IFLA_XDP_PROG_ID); C(IFLA_XDP_DRV_PROG_ID);
    C(IFLA_XDP_SKB_PROG_ID); C(IFLA_XDP_HW_PROG_ID); C(IFLA_XDP_EXPECTED_FD);
    C(AF_INET); C(AF_INET6); C(AF_MCTP);
    C(IF_OPER_UNKNOWN); C(IF_OPER_NOTPRESENT); C(IF_OPER_DOWN); C(IF_OPER_LOWERLAYERDOWN);
    C(IF_OPER_TESTING); C(IF_OPER_DORMANT); C(IF_OPER_UP);
    C(IF_LINK_MODE_DEFAULT); C(IF_LINK_MODE_DORMANT); C(IF_LINK_MODE_TESTING);
    C(IFF_UP); C(IFF_BROADCAST); C(IFF_DEBUG); C(IFF_LOOPBACK); C(IFF_POINTOPOINT); C(IFF_NOTRAILERS);
    C(IFF_RUNNING); C(IFF_NOARP); C(IFF_PROMISC); C(IFF_ALLMULTI); C(IFF_MASTER); C(IFF_SLAVE);
    C(IFF_MULTICAST); C(IFF_PORTSEL); C(IFF_AUTOMEDIA); C(IFF_DYNAMIC); C(IFF_LOWER_UP); C(IFF_DORMANT);
    C(IFF_ECHO);
    /* <linux/if_addr.h> */
    C(IFA_ADDRESS); C(IFA_LOCAL); C(IFA_LABEL); C(IFA_BROADCAST); C(IFA_ANYCAST); C(IFA_CACHEINFO);
    C(IFA_MULTICAST); C(IFA_FLAGS); C(IFA_RT_PRIORITY); C(IFA_TARGET_NETNSID); C(IFA_PROTO);
    C(IFA_F_SECONDARY); C(IFA_F_NODAD); C(IFA_F_OPTIMISTIC); C(IFA_F_DADFAILED); C(IFA_F_HOMEADDRESS);
    C(IFA_F_DEPRECATED); C(IFA_F_TENTATIVE); C(IFA_F_PERMANENT); C(IFA_F_MANAGETEMPADDR);
    C(IFA_F_NOPREFIXROUTE); C(IFA_F_MCAUTOJOIN); C(IFA_F_STABLE_PRIVACY);
    C(RT_SCOPE_UNIVERSE); C(RT_SCOPE_SITE); C(RT_SCOPE_LINK); C(RT_SCOPE_HOST); C(RT_SCOPE_NOWHERE);
    end();

    begin("structs");
    printf("\n    \"sockaddr_nl\": {"); item_first = 1;
    SIZE(sockaddr_nl); OFF(sockaddr_nl, nl_family); OFF(sockaddr_nl, nl_pad); OFF(sockaddr_nl, nl_pid);
    OFF(sockaddr_nl, nl_groups); printf("},");
    printf("\n    \"nlmsghdr\": {"); item_first = 1;
    SIZE(nlmsghdr); OFF(nlmsghdr, nlmsg_len); OFF(nlmsghdr, nlmsg_type); OFF(nlmsghdr, nlmsg_flags);
    OFF(nlmsghdr, nlmsg_seq); OFF(nlmsghdr, nlmsg_pid); printf("},");
    printf("\n    \"nlattr\": {"); item_first = 1;
    SIZE(nlattr); OFF(nlattr, nla_len); OFF(nlattr, nla_type); printf("},");
    printf("\n    \"nlmsgerr\": {"); item_first = 1;
    SIZE(nlmsgerr); OFF(nlmsgerr, error); OFF(nlmsgerr, msg); printf("},");
    printf("\n    \"nl_pktinfo\": {"); item_first = 1;
    SIZE(nl_pktinfo); OFF(nl_pktinfo, group); printf("},");
    printf("\n    \"genlmsghdr\": {"); item_first = 1;
    SIZE(genlmsghdr); OFF(genlmsghdr, cmd); OFF(genlmsghdr, version); OFF(genlmsghdr, reserved); printf("},");
    printf("\n    \"ifinfomsg\": {"); item_first = 1;
    SIZE(ifinfomsg); OFF(ifinfomsg, ifi_family); OFF(ifinfomsg, ifi_type); OFF(ifinfomsg, ifi_index);
    OFF(ifinfomsg, ifi_flags); OFF(ifinfomsg, ifi_change); printf("},");
    printf("\n    \"ifaddrmsg\": {"); item_first = 1;
    SIZE(ifaddrmsg); OFF(ifaddrmsg, ifa_family); OFF(ifaddrmsg, ifa_prefixlen); OFF(ifaddrmsg, ifa_flags);
    OFF(ifaddrmsg, ifa_scope); OFF(ifaddrmsg, ifa_index); printf("},");
    printf("\n    \"ifa_cacheinfo\": {"); item_first = 1;
    SIZE(ifa_cacheinfo); OFF(ifa_cacheinfo, ifa_prefered); OFF(ifa_cacheinfo, ifa_valid);
    OFF(ifa_cacheinfo, cstamp); OFF(ifa_cacheinfo, tstamp); printf("},");
    printf("\n    \"rtnl_link_ifmap\": {"); item_first = 1;
    SIZE(rtnl_link_ifmap); OFF(rtnl_link_ifmap, mem_start); OFF(rtnl_link_ifmap, mem_end);
    OFF(rtnl_link_ifmap, base_addr); OFF(rtnl_link_ifmap, irq); OFF(rtnl_link_ifmap, dma);
    OFF(rtnl_link_ifmap, port); printf("},");
    printf("\n    \"rtnl_link_stats64\": {"); item_first = 1;
    SIZE(rtnl_link_stats64); OFF(rtnl_link_stats64, rx_packets); OFF(rtnl_link_stats64, tx_packets);
    OFF(rtnl_link_stats64, rx_bytes); OFF(rtnl_link_stats64, tx_bytes); OFF(rtnl_link_stats64, rx_errors);
    OFF(rtnl_link_stats64, tx_errors); OFF(rtnl_link_stats64, rx_dropped); OFF(rtnl_link_stats64, tx_dropped);
    OFF(rtnl_link_stats64, multicast); OFF(rtnl_link_stats64, collisions);
    OFF(rtnl_link_stats64, rx_length_errors); OFF(rtnl_link_stats64, rx_over_errors);
    OFF(rtnl_link_stats64, rx_crc_errors); OFF(rtnl_link_stats64, rx_frame_errors);
    OFF(rtnl_link_stats64, rx_fifo_errors); OFF(rtnl_link_stats64, rx_missed_errors);
    OFF(rtnl_link_stats64, tx_aborted_errors); OFF(rtnl_link_stats64, tx_carrier_errors);
    OFF(rtnl_link_stats64, tx_fifo_errors); OFF(rtnl_link_stats64, tx_heartbeat_errors);
    OFF(rtnl_link_stats64, tx_window_errors); OFF(rtnl_link_stats64, rx_compressed);
    OFF(rtnl_link_stats64, tx_compressed); OFF(rtnl_link_stats64, rx_nohandler);
    OFF(rtnl_link_stats64, rx_otherhost_dropped); printf("},");
    printf("\n    \"ifla_cacheinfo\": {"); item_first = 1;
    SIZE(ifla_cacheinfo); OFF(ifla_cacheinfo, max_reasm_len); OFF(ifla_cacheinfo, tstamp);
    OFF(ifla_cacheinfo, reachable_time); OFF(ifla_cacheinfo, retrans_time); printf("},");
    printf("\n    \"rtnl_link_stats\": {"); item_first = 1;
    SIZE(rtnl_link_stats); OFF(rtnl_link_stats, rx_packets); OFF(rtnl_link_stats, rx_nohandler); printf("}");
    end();

    begin("messages");
    /* RTM_GETLINK request for one link by name: ifinfomsg, IFLA_IFNAME "veth0", IFLA_EXT_MASK */
    memset(&m, 0, sizeof m);
    m.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    m.h.nlmsg_type = RTM_GETLINK;
    m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    m.h.nlmsg_seq = 7;
    m.h.nlmsg_pid = 0;
    ((struct ifinfomsg *)NLMSG_DATA(&m.h))->ifi_family = AF_UNSPEC;
    add_rta(&m.h, IFLA_IFNAME, "veth0", 6);
    {
        unsigned mask = RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS;
        add_rta(&m.h, IFLA_EXT_MASK, &mask, sizeof mask);
    }
    hex("getlink_veth0", &m, m.h.nlmsg_len);

    /* RTM_NEWLINK creating a veth: IFLA_IFNAME, IFLA_MTU, IFLA_LINKINFO { IFLA_INFO_KIND "veth" } */
    memset(&m, 0, sizeof m);
    m.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    m.h.nlmsg_type = RTM_NEWLINK;
    m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    m.h.nlmsg_seq = 0x01020304;
    m.h.nlmsg_pid = 4242;
    {
        struct ifinfomsg *ifi = NLMSG_DATA(&m.h);
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = 0;
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        unsigned mtu = 1400;
        add_rta(&m.h, IFLA_IFNAME, "fs0", 4);
        add_rta(&m.h, IFLA_MTU, &mtu, sizeof mtu);
        struct rtattr *info = begin_nest(&m.h, IFLA_LINKINFO);
        add_rta(&m.h, IFLA_INFO_KIND, "veth", 5);
        end_nest(&m.h, info);
    }
    hex("newlink_fs0", &m, m.h.nlmsg_len);

    /* RTM_NEWADDR: 198.18.0.1/15 on link 3, IFA_LOCAL, IFA_ADDRESS, IFA_LABEL, IFA_CACHEINFO, IFA_FLAGS */
    memset(&m, 0, sizeof m);
    m.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
    m.h.nlmsg_type = RTM_NEWADDR;
    m.h.nlmsg_flags = NLM_F_MULTI;
    m.h.nlmsg_seq = 99;
    m.h.nlmsg_pid = 4242;
    {
        struct ifaddrmsg *ifa = NLMSG_DATA(&m.h);
        unsigned char v4[4] = {198, 18, 0, 1};
        unsigned char v4b[4] = {198, 19, 255, 255};
        struct ifa_cacheinfo ci = {0xFFFFFFFFu, 0xFFFFFFFFu, 1234, 5678};
        unsigned flags = IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE;
        ifa->ifa_family = AF_INET;
        ifa->ifa_prefixlen = 15;
        ifa->ifa_flags = IFA_F_PERMANENT;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        ifa->ifa_index = 3;
        add_rta(&m.h, IFA_ADDRESS, v4, 4);
        add_rta(&m.h, IFA_LOCAL, v4, 4);
        add_rta(&m.h, IFA_BROADCAST, v4b, 4);
        add_rta(&m.h, IFA_LABEL, "veth0", 6);
        add_rta(&m.h, IFA_FLAGS, &flags, sizeof flags);
        add_rta(&m.h, IFA_CACHEINFO, &ci, sizeof ci);
    }
    hex("newaddr_v4", &m, m.h.nlmsg_len);

    /* NLMSG_ERROR with extended ack, as the kernel writes it with NETLINK_CAP_ACK on: error, the
       request's header only, then TLVs: NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS */
    memset(&m, 0, sizeof m);
    {
        struct nlmsgerr *err = NLMSG_DATA(&m.h);
        const char text[] = "Unknown device type";
        unsigned offs = 36;
        m.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct nlmsgerr));
        m.h.nlmsg_type = NLMSG_ERROR;
        m.h.nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
        m.h.nlmsg_seq = 0x01020304;
        m.h.nlmsg_pid = 4242;
        err->error = -95; /* EOPNOTSUPP */
        err->msg.nlmsg_len = 48;
        err->msg.nlmsg_type = RTM_NEWLINK;
        err->msg.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
        err->msg.nlmsg_seq = 0x01020304;
        err->msg.nlmsg_pid = 4242;
        add_rta(&m.h, NLMSGERR_ATTR_MSG, text, sizeof text);
        add_rta(&m.h, NLMSGERR_ATTR_OFFS, &offs, sizeof offs);
    }
    hex("error_extack", &m, m.h.nlmsg_len);

    /* CTRL_CMD_GETFAMILY for "nlctrl": genlmsghdr, CTRL_ATTR_FAMILY_NAME */
    memset(&m, 0, sizeof m);
    m.h.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
    m.h.nlmsg_type = GENL_ID_CTRL;
    m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    m.h.nlmsg_seq = 1;
    {
        struct genlmsghdr *g = NLMSG_DATA(&m.h);
        g->cmd = CTRL_CMD_GETFAMILY;
        g->version = 2;
        add_rta(&m.h, CTRL_ATTR_FAMILY_NAME, "nlctrl", 7);
    }
    hex("getfamily_nlctrl", &m, m.h.nlmsg_len);
    end();

    printf("\n}\n");
    return 0;
}
