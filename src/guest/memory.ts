// A guest's linear memory as its syscalls see it: pointers are unsigned 32-bit offsets, and a
// range that does not lie inside the memory is a bad user pointer (the caller answers
// -EFAULT, as Linux's access_ok and copy_{to,from}_user do). The memory can grow while a
// call sleeps (another thread's malloc), which replaces its ArrayBuffer: views are taken
// afresh at each access and never kept across a pause.

/** Little-endian accessors over a WebAssembly.Memory. */
export class GuestMemory {
  #buf: ArrayBuffer | null = null;
  #u8: Uint8Array = new Uint8Array(0);
  #dv: DataView = new DataView(new ArrayBuffer(0));

  /** `memoryOf`: the instance's memory (known once it is instantiated). */
  constructor(private readonly memoryOf: () => WebAssembly.Memory) {}

  get memory(): WebAssembly.Memory {
    return this.memoryOf();
  }

  #fresh(): void {
    const b = this.memory.buffer;
    if (b !== this.#buf) {
      this.#buf = b;
      this.#u8 = new Uint8Array(b);
      this.#dv = new DataView(b);
    }
  }
  get u8(): Uint8Array {
    this.#fresh();
    return this.#u8;
  }
  get dv(): DataView {
    this.#fresh();
    return this.#dv;
  }
  /** Whether [ptr, ptr + len) lies inside the memory (ptr and len as the guest's unsigned values). */
  ok(ptr: number, len: number): boolean {
    const p = ptr >>> 0;
    const n = len >>> 0;
    return p + n <= this.memory.buffer.byteLength;
  }
  /** A copy of [ptr, ptr + len): the caller checked ok(). */
  copy(ptr: number, len: number): Uint8Array {
    return this.u8.slice(ptr >>> 0, (ptr >>> 0) + (len >>> 0));
  }
  i32(ptr: number): number {
    return this.dv.getInt32(ptr >>> 0, true);
  }
  u32(ptr: number): number {
    return this.dv.getUint32(ptr >>> 0, true);
  }
  u16(ptr: number): number {
    return this.dv.getUint16(ptr >>> 0, true);
  }
  u64(ptr: number): bigint {
    return this.dv.getBigUint64(ptr >>> 0, true);
  }
  i64(ptr: number): bigint {
    return this.dv.getBigInt64(ptr >>> 0, true);
  }
  setI32(ptr: number, v: number): void {
    this.dv.setInt32(ptr >>> 0, v, true);
  }
  setU16(ptr: number, v: number): void {
    this.dv.setUint16(ptr >>> 0, v, true);
  }
  setU64(ptr: number, v: bigint): void {
    this.dv.setBigUint64(ptr >>> 0, v, true);
  }
  setI64(ptr: number, v: bigint): void {
    this.dv.setBigInt64(ptr >>> 0, v, true);
  }
  /** Stores bytes at ptr (checked by the caller). */
  set(ptr: number, bytes: Uint8Array): void {
    this.u8.set(bytes, ptr >>> 0);
  }
  /** A NUL-terminated string of at most `max` bytes (UTF-8), or null if it runs off the memory or is longer. */
  cstr(ptr: number, max: number): string | null {
    const u8 = this.u8;
    const p = ptr >>> 0;
    const end = Math.min(u8.length, p + max + 1);
    for (let i = p; i < end; i++) if (u8[i] === 0) return new TextDecoder().decode(u8.subarray(p, i));
    return null;
  }
}
