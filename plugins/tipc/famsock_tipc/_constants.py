"""The constants AF_TIPC contributes to ``famsock``: every ``TIPC_*`` of the stdlib (its own values),
and the ones of ``<linux/tipc.h>`` it lacks (tests/vectors/tipc_structs.c checks each against
the header).
"""

from __future__ import annotations

import _socket

__all__ = ["CONSTANTS", "HEADER"]

#: ``<linux/tipc.h>`` (Linux 6.1 UAPI): name -> value; the header's ``(~0)`` timeout is -1 as in
#: the stdlib, its ``(~0U)`` rekeying value the unsigned one.
HEADER: dict[str, int] = {
    "SOL_TIPC": 271,
    # addresses: the modern names and the legacy ones (same numbers)
    "TIPC_SERVICE_RANGE": 1, "TIPC_SERVICE_ADDR": 2, "TIPC_SOCKET_ADDR": 3, "TIPC_ADDR_MCAST": 1,
    "TIPC_ADDR_NAMESEQ": 1, "TIPC_ADDR_NAME": 2, "TIPC_ADDR_ID": 3,
    # service types and scopes
    "TIPC_NODE_STATE": 0, "TIPC_TOP_SRV": 1, "TIPC_LINK_STATE": 2, "TIPC_RESERVED_TYPES": 64,
    "TIPC_CFG_SRV": 0, "TIPC_ZONE_SCOPE": 1, "TIPC_CLUSTER_SCOPE": 2, "TIPC_NODE_SCOPE": 3,
    "TIPC_MAX_USER_MSG_SIZE": 66000,
    "TIPC_LOW_IMPORTANCE": 0, "TIPC_MEDIUM_IMPORTANCE": 1, "TIPC_HIGH_IMPORTANCE": 2,
    "TIPC_CRITICAL_IMPORTANCE": 3,
    # why a message came back (TIPC_ERRINFO), or a connection ended
    "TIPC_OK": 0, "TIPC_ERR_NO_NAME": 1, "TIPC_ERR_NO_PORT": 2, "TIPC_ERR_NO_NODE": 3,
    "TIPC_ERR_OVERLOAD": 4, "TIPC_CONN_SHUTDOWN": 5,
    # the topology service
    "TIPC_SUB_PORTS": 1, "TIPC_SUB_SERVICE": 2, "TIPC_SUB_CANCEL": 4, "TIPC_WAIT_FOREVER": -1,
    "TIPC_PUBLISHED": 1, "TIPC_WITHDRAWN": 2, "TIPC_SUBSCR_TIMEOUT": 3,
    # ancillary data and socket options (level SOL_TIPC)
    "TIPC_ERRINFO": 1, "TIPC_RETDATA": 2, "TIPC_DESTNAME": 3,
    "TIPC_IMPORTANCE": 127, "TIPC_SRC_DROPPABLE": 128, "TIPC_DEST_DROPPABLE": 129,
    "TIPC_CONN_TIMEOUT": 130, "TIPC_NODE_RECVQ_DEPTH": 131, "TIPC_SOCK_RECVQ_DEPTH": 132,
    "TIPC_MCAST_BROADCAST": 133, "TIPC_MCAST_REPLICAST": 134, "TIPC_GROUP_JOIN": 135,
    "TIPC_GROUP_LEAVE": 136, "TIPC_SOCK_RECVQ_USED": 137, "TIPC_NODELAY": 138,
    "TIPC_GROUP_LOOPBACK": 1, "TIPC_GROUP_MEMBER_EVTS": 2,
    # names and ioctls
    "TIPC_NODEID_LEN": 16, "TIPC_MAX_MEDIA_NAME": 16, "TIPC_MAX_IF_NAME": 16, "TIPC_MAX_BEARER_NAME": 32,
    "TIPC_MAX_LINK_NAME": 68, "SIOCGETLINKNAME": 0x89E0, "SIOCGETNODEID": 0x89E1,
    "TIPC_AEAD_ALG_NAME": 32, "TIPC_AEAD_KEYLEN_MIN": 20, "TIPC_AEAD_KEYLEN_MAX": 36,
    "TIPC_REKEYING_NOW": 0xFFFFFFFF,
    # legacy <zone.cluster.node> addresses
    "TIPC_NODE_BITS": 12, "TIPC_CLUSTER_BITS": 12, "TIPC_ZONE_BITS": 8, "TIPC_NODE_OFFSET": 0,
    "TIPC_CLUSTER_OFFSET": 12, "TIPC_ZONE_OFFSET": 24, "TIPC_NODE_SIZE": 0xFFF, "TIPC_CLUSTER_SIZE": 0xFFF,
    "TIPC_ZONE_SIZE": 0xFF, "TIPC_NODE_MASK": 0xFFF, "TIPC_CLUSTER_MASK": 0xFFF000,
    "TIPC_ZONE_MASK": 0xFF000000, "TIPC_ZONE_CLUSTER_MASK": 0xFFFFF000,
}

#: What famsock gets: the header's names, the stdlib's own value where it has the name.
CONSTANTS: dict[str, int] = {
    **HEADER,
    **{name: int(value) for name, value in vars(_socket).items()
       if (name.startswith("TIPC_") or name == "SOL_TIPC") and type(value) is int},
}
