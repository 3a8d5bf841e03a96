// A kernel's loopback network: the TCP and UDP port tables and the clock and timers that
// TCP's retransmission and TIME_WAIT run on. Packets do not exist: a segment sent on
// loopback is processed by its receiver before the send returns (on Linux the loopback
// device hands it to the receiving socket in the same softirq pass), so a connection is
// established, a byte delivered or a reset received by the time the call that caused it
// returns — which is what the real kernel shows a single thread (checked on Linux 6.18:
// a non-blocking connect returns EINPROGRESS and the socket polls writable at once).
// MODEL: one interface (lo), no routing, no packet loss, no delays.
import { PortTable } from "./inet-ports.js";
import type { TimerQueue } from "../kernel/timers.js";
import type { Clock } from "../kernel/clock.js";

export class InetNet {
  readonly tcp = new PortTable("tcp");
  readonly udp = new PortTable("udp");
  constructor(
    readonly timers: TimerQueue,
    readonly clock: Clock
  ) {}
}
