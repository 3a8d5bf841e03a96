// Socket buffer limits that SO_SNDBUF and SO_RCVBUF apply (sock_setsockopt), shared by the
// AF_UNIX and internet socket calls.

/**
 * net.core.wmem_max and rmem_max: SO_SNDBUF/SO_RCVBUF are capped at twice these. This
 * machine's values (4194304; Linux's default is 212992), which the differential oracle runs with.
 */
export const WMEM_MAX = 4194304, RMEM_MAX = 4194304;
/** SOCK_MIN_SNDBUF and SOCK_MIN_RCVBUF on x86-64 (2 × (2048 + skb) and 2048 + skb). */
export const SOCK_MIN_SNDBUF = 4608, SOCK_MIN_RCVBUF = 2304;
