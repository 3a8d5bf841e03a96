// Compiled by tests/papercuts.test.ts with `tsc --strict --noEmit`: the public types as a
// user's strict TypeScript program sees them. Every @ts-expect-error line must be an error.
import { createKernel, errnoName, SIGTERM, type Thread } from "../../src/index.js";

export async function typed(): Promise<void> {
  const kernel = await createKernel();
  const t: Thread<[number, string]> = kernel.spawn(async (ts) => [await ts.epoll_create1(0), "made"] as [number, string]);
  const [fd, what] = await t.join();
  const n: number = fd;
  const s: string = what;
  // @ts-expect-error join() is typed by the thread's result: not a string
  const wrong: string = await kernel.spawn(async () => 42).join();
  const name: string = errnoName(SIGTERM);
  void n, s, wrong, name;
}
