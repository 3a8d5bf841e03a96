// Clocks. The virtual clock starts at 0 ns (CLOCK_MONOTONIC) and moves only when a caller
// "sleeps" (a timed wait that found nothing ready, nanosleep). The real clock reads the
// host's monotonic timer. CLOCK_REALTIME is monotonic time plus a fixed boot offset.
export type ClockMode = "virtual" | "real";

export class Clock {
  private virtualNs = 0n;
  private readonly realBase: number;
  /** CLOCK_REALTIME at boot: 2026-01-01T00:00:00Z for the virtual clock, the host's time otherwise. */
  readonly bootRealtimeNs: bigint;

  constructor(readonly mode: ClockMode) {
    this.realBase = Clock.hostNowMs();
    this.bootRealtimeNs = mode === "virtual" ? 1767225600n * 1000000000n : BigInt(Date.now()) * 1000000n;
  }

  private static hostNowMs(): number {
    return typeof performance !== "undefined" ? performance.now() : Date.now();
  }

  /** CLOCK_MONOTONIC in nanoseconds. */
  now(): bigint {
    if (this.mode === "virtual") return this.virtualNs;
    return BigInt(Math.floor((Clock.hostNowMs() - this.realBase) * 1e6));
  }

  /** Move the virtual clock forward to `t` (never back; no-op for the real clock). */
  advanceTo(t: bigint): void {
    if (this.mode === "virtual" && t > this.virtualNs) this.virtualNs = t;
  }

  /** CLOCK_REALTIME in nanoseconds. */
  realtime(): bigint {
    return this.bootRealtimeNs + this.now();
  }
}
