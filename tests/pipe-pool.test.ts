// The kernel's pool of pipe buffers (src/files/pipe.ts): buffers are named by index so a
// pipe's ring holds integers; at most `max` free buffers keep their page.
import { PipeBufferPool } from "../src/files/pipe";
import { O_NONBLOCK, PAGE_SIZE } from "../src/uapi";
import { newKernel } from "./helpers";

test("get hands out distinct indexes with empty, page-sized buffers; put makes an index reusable", () => {
  const pool = new PipeBufferPool(2);
  const a = pool.get(false);
  const b = pool.get(true);
  expect([a, b]).toEqual([0, 1]);
  expect(pool.buffer(a).page.length).toBe(PAGE_SIZE);
  expect(pool.buffer(b).packet).toBe(true);
  pool.buffer(a).len = 5;
  pool.buffer(a).offset = 3;
  pool.put(a);
  const c = pool.get(true);
  expect(c).toBe(a); // the most recently freed first
  expect(pool.buffer(c)).toMatchObject({ offset: 0, len: 0, packet: true });
});

test("beyond `max` free buffers the pages go; a buffer without one gets a new page when reused", () => {
  const pool = new PipeBufferPool(2);
  const ids = [pool.get(false), pool.get(false), pool.get(false)];
  const pages = ids.map((id) => pool.buffer(id).page);
  for (const id of ids) pool.put(id);
  expect(ids.map((id) => pool.buffer(id).page.length)).toEqual([PAGE_SIZE, PAGE_SIZE, 0]);
  // The third freed is taken first: it gets a fresh page; the other two keep theirs.
  const again = [pool.get(false), pool.get(false), pool.get(false)];
  expect(again).toEqual([ids[2], ids[1], ids[0]]);
  expect(pool.buffer(ids[2]).page.length).toBe(PAGE_SIZE);
  expect(pool.buffer(ids[2]).page).not.toBe(pages[2]);
  expect(pool.buffer(ids[1]).page).toBe(pages[1]);
  expect(pool.buffer(ids[0]).page).toBe(pages[0]);
  // Freed again, two keep pages (the cap), the last freed gives its page up.
  for (const id of again) pool.put(id);
  expect(again.map((id) => pool.buffer(id).page.length)).toEqual([PAGE_SIZE, PAGE_SIZE, 0]);
});

test("ring rows: one per pipe, all slots -1 when handed out, reused after free, kept across growth", () => {
  const pool = new PipeBufferPool();
  const rows = Array.from({ length: 70 }, () => pool.newRing()); // past the first 64 rows: grows
  expect(rows).toEqual(Array.from({ length: 70 }, (_, i) => i));
  expect(pool.ringsInUse).toBe(70);
  expect(pool.rings.length).toBe(128 * 16);
  expect(pool.rings.every((v) => v === -1)).toBe(true);
  pool.freeRing(3);
  pool.freeRing(9);
  expect(pool.ringsInUse).toBe(68);
  expect([pool.newRing(), pool.newRing(), pool.newRing()]).toEqual([9, 3, 70]);
});

test("a kernel's pipes: a row each while open, the rows back when both ends close, bytes kept when the table grows", () => {
  const k = newKernel();
  const s = k.sys;
  const p: number[] = [];
  expect(s.pipe2(p, O_NONBLOCK)).toBe(0);
  const [rd, wr] = p;
  expect(s.write(wr, new Uint8Array([7, 8, 9]), 3)).toBe(3);
  expect(s.write(wr, new Uint8Array(PAGE_SIZE).fill(5), PAGE_SIZE)).toBe(PAGE_SIZE); // a second buffer
  const rowsBefore = k.pipeBuffers.rings.length;
  const more: number[] = [];
  for (let i = 0; i < 100; i++) {
    expect(s.pipe2(p, O_NONBLOCK)).toBe(0);
    more.push(p[0], p[1]);
  }
  expect(k.pipeBuffers.rings.length).toBeGreaterThan(rowsBefore); // the table grew under the open pipe
  expect(k.pipeBuffers.ringsInUse).toBe(101);
  const got = new Uint8Array(PAGE_SIZE + 3);
  expect(s.read(rd, got, got.length)).toBe(PAGE_SIZE + 3);
  expect([...got.subarray(0, 4)]).toEqual([7, 8, 9, 5]);
  expect(got[PAGE_SIZE + 2]).toBe(5);
  // One end closed: the pipe lives on (a write still fails only for want of readers).
  expect(s.close(rd)).toBe(0);
  expect(k.pipeBuffers.ringsInUse).toBe(101);
  expect(s.write(wr, new Uint8Array([1]), 1)).toBe(-32); // EPIPE
  expect(s.close(wr)).toBe(0);
  expect(k.pipeBuffers.ringsInUse).toBe(100);
  for (const fd of more) expect(s.close(fd)).toBe(0);
  expect(k.pipeBuffers.ringsInUse).toBe(0);
  expect(k.pipeBuffers.rings.every((v) => v === -1)).toBe(true);
});
