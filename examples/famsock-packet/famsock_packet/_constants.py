"""AF_PACKET's numbers, from <linux/if_packet.h>, <linux/if_ether.h> and <linux/if_arp.h>
(tests/vectors/sockaddr_ll.c prints them; the tests check the interpreter's agree)."""

from __future__ import annotations

__all__ = ["AF_PACKET", "CONSTANTS", "PKTTYPE_NAMES", "SOL_PACKET"]

AF_PACKET = 17
SOL_PACKET = 263
PACKET_STATISTICS = 6

#: What this family adds to ``famsock`` (the interpreter has some of them, with these values).
CONSTANTS: dict[str, int] = {
    "SOL_PACKET": SOL_PACKET,
    "ETH_P_ALL": 0x0003,
    "ETH_P_IP": 0x0800,
    "ETH_P_ARP": 0x0806,
    "ETH_P_IPV6": 0x86DD,
    "ETH_P_8021Q": 0x8100,
    "ETH_P_802_EX1": 0x88B5,  # IEEE 802 "local experimental": what the tests and the loopback use
    "ETH_ALEN": 6,
    "ETH_HLEN": 14,
    "ARPHRD_ETHER": 1,
    "ARPHRD_LOOPBACK": 772,
    "ARPHRD_NONE": 0xFFFE,
    "PACKET_HOST": 0,
    "PACKET_BROADCAST": 1,
    "PACKET_MULTICAST": 2,
    "PACKET_OTHERHOST": 3,
    "PACKET_OUTGOING": 4,
    "PACKET_LOOPBACK": 5,
    "PACKET_USER": 6,
    "PACKET_KERNEL": 7,
    "PACKET_FASTROUTE": 6,
    "PACKET_ADD_MEMBERSHIP": 1,
    "PACKET_DROP_MEMBERSHIP": 2,
    "PACKET_STATISTICS": PACKET_STATISTICS,
    "PACKET_AUXDATA": 8,
    "PACKET_IGNORE_OUTGOING": 23,
    "PACKET_MR_PROMISC": 1,
}

#: ``sll_pkttype`` values by their name in the text form (``packet:eth0:0x0800:broadcast``).
PKTTYPE_NAMES: dict[str, int] = {"host": 0, "broadcast": 1, "multicast": 2, "otherhost": 3, "outgoing": 4,
                                 "loopback": 5, "user": 6, "kernel": 7}
