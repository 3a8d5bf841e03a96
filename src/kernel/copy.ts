// Byte copies on the event path without making typed-array views: a short copy (the
// common case: one byte, an 8-byte counter) is a plain loop; a long one uses set().
export function copyBytes(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, n: number): void {
  if (n <= 64) {
    for (let i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i];
  } else {
    dst.set(src.subarray(srcOff, srcOff + n), dstOff);
  }
}
