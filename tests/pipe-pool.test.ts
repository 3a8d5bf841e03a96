// The kernel's pool of pipe buffers (src/files/pipe.ts): buffers are named by index so a
// pipe's ring holds integers; at most `max` free buffers keep their page.
import { PipeBufferPool } from "../src/files/pipe";
import { PAGE_SIZE } from "../src/uapi";

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
