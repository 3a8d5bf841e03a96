// Every function the core imports from the TypeScript host, declared in one place.
// Files, wait queues and fd tables live in the host; the core sees files as integer ids
// and wait entries as EppollEntry handles.

/**
 * vfs_poll(file, pt): the file's current readiness mask. When `epi` is non-zero the call
 * is ep_insert's queueing poll: for each wait queue head the file polls on, the host calls
 * the core's ep_ptable_queue_proc(epi, exclusive) and links a wait entry that will call
 * ep_poll_callback(pwq, key). `events` is pt->_key (the item's event mask).
 */
// @ts-ignore: decorator
@external("host", "vfs_poll")
export declare function host_vfs_poll(file: u32, epi: i32, events: u32, depth: i32): u32;

/** remove_wait_queue() for the wait entry the host linked for this EppollEntry. */
// @ts-ignore: decorator
@external("host", "remove_wait_queue")
export declare function host_remove_wait_queue(pwq: i32): void;

/**
 * The file's f_ep list head (an EpitemsHead handle) was created (head > 0) with its first
 * watch, or freed (head 0) with its last: the host keeps it with the file, passes it back
 * to epoll_ctl, and hands it to eventpoll_release_file when the file goes.
 */
// @ts-ignore: decorator
@external("host", "set_ephead")
export declare function host_set_ephead(file: u32, head: i32): void;

/**
 * wake_up() on one of the EventPoll's host-owned wait queue heads: `which` 0 is ep->wq
 * (threads in epoll_wait, exclusive, nr_exclusive 1), 1 is ep->poll_wait (poll() callers
 * and outer epoll sets). Called only while the host has marked that head active.
 */
// @ts-ignore: decorator
@external("host", "wake_ep")
export declare function host_wake_ep(ep: i32, which: i32, key: u32): void;
