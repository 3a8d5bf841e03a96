// stateDump(k): everything about a kernel that is observable through public means, as a
// plain value that jest can compare with toEqual. Taking a dump may itself touch state
// the way any caller would (poll() on an epoll fd re-checks its ready list, epoll_wait on
// a level-triggered item re-queues it), so compare two dumps taken the same way.
import type { EpollEvent, Kernel, PollFd } from "../src/index";
import { F_GETFD, F_GETFL } from "../src/index";

/** Every poll bit a caller can ask for (POLLERR/POLLHUP/POLLNVAL are always reported). */
export const ALL_POLL_BITS = 0x1 | 0x2 | 0x4 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x2000;

export interface FdState {
  fd: number;
  getfl: number;
  getfd: number;
  revents: number;
  /** epoll_wait(fd, out, 64, 0): the result code and the events reported (any fd). */
  wait: number;
  events: EpollEvent[];
}

export interface StateDump {
  fds: number[];
  perFd: FdState[];
  pollResult: number;
  liveObjects: { eventpoll: number; epitem: number; eppollEntry: number };
  userWatches: number;
  hostWaitEntries: number;
  now: bigint;
}

export function stateDump(k: Kernel): StateDump {
  const fds = k.fdt.fds();
  const pfds: PollFd[] = fds.map((fd) => ({ fd, events: ALL_POLL_BITS, revents: 0 }));
  const pollResult = k.sys.poll(pfds, pfds.length, 0);
  const perFd = fds.map((fd, i) => {
    const out: EpollEvent[] = [];
    const wait = k.sys.epoll_wait(fd, out, 64, 0);
    return {
      fd,
      getfl: k.sys.fcntl(fd, F_GETFL),
      getfd: k.sys.fcntl(fd, F_GETFD),
      revents: pfds[i].revents,
      wait,
      events: wait > 0 ? out.slice(0, wait).map((e) => ({ events: e.events, data: e.data })) : [],
    };
  });
  return {
    fds,
    perFd,
    pollResult,
    liveObjects: k.liveObjects(),
    userWatches: k.userWatches(),
    hostWaitEntries: k.hostWaitEntries(),
    now: k.now(),
  };
}
