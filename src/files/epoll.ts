// The epoll file (anon inode "[eventpoll]"): its private data is an EventPoll in the core.
// ep->wq (threads sleeping in epoll_wait) and ep->poll_wait (poll() callers and outer
// epoll sets) are host wait queues; the core is told when either becomes (in)active so
// the event path calls out to the host only when somebody listens.
import { WQ_EP, WQ_POLL } from "../abi.js";
import { O_RDWR } from "../uapi.js";
import { OpenFile, pollWait, type PollTable } from "../kernel/file.js";
import { WaitQueueHead } from "../kernel/waitqueue.js";
import type { CoreExports } from "../core/loader.js";
import { Mutex } from "../kernel/mutex.js";

export class EpollFile extends OpenFile {
  readonly kind = "epoll";
  readonly wq = new WaitQueueHead();
  readonly pollWaitHead = new WaitQueueHead();
  /** The EventPoll handle; set right after the core allocates it. */
  ep = 0;
  /** ep->mtx: held by a thread across epoll_ctl and across a whole event transfer. */
  readonly mtx = new Mutex("ep->mtx");

  constructor(private readonly core: CoreExports) {
    super(O_RDWR);
    this.wq.onActive = (on) => core.set_waitqueue_active(this.ep, WQ_EP, on ? 1 : 0);
    this.pollWaitHead.onActive = (on) => core.set_waitqueue_active(this.ep, WQ_POLL, on ? 1 : 0);
  }

  /** ep_eventpoll_poll(): readable when a queued item is really ready; never consumes. */
  override poll(pt: PollTable | null, depth: number): number {
    pollWait(pt, this.pollWaitHead);
    return this.core.eventpoll_poll(this.ep, depth);
  }

  override release(): void {
    this.core.epoll_release(this.ep);
  }
}
