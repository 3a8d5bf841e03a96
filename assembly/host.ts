// Every function the core imports from the TypeScript host, declared in one place.
// Files, wait queues and fd tables live in the host; the core sees files as integer ids
// and wait entries as handles: an item's first (embedded) entry as the item's handle
// negated, further ones as EppollEntry handles.

/**
 * vfs_poll(file, pt): the file's current readiness mask. When `epi` is non-zero the call
 * is ep_insert's queueing poll: for each wait queue head the file polls on, the host calls
 * the core's ep_ptable_queue_proc(epi, exclusive) and links a wait entry that will call
 * ep_poll_callback(pwq, key). `events` is pt->_key (the item's event mask).
 */
// @ts-ignore: decorator
@external("host", "vfs_poll")
export declare function host_vfs_poll(file: u32, epi: i32, events: u32, depth: i32): u32;

/** remove_wait_queue() for the wait entry the host linked under this entry handle. */
// @ts-ignore: decorator
@external("host", "remove_wait_queue")
export declare function host_remove_wait_queue(pwq: i32): void;

/**
 * The file's f_ep list gained its first item (watched 1) or lost its last (watched 0): the
 * host notes it with the file, so that closing an unwatched file costs no core call.
 */
// @ts-ignore: decorator
@external("host", "set_watched")
export declare function host_set_watched(file: u32, watched: i32): void;

/**
 * wake_up() on one of the EventPoll's host-owned wait queue heads: `which` 0 is ep->wq
 * (threads in epoll_wait, exclusive, nr_exclusive 1), 1 is ep->poll_wait (poll() callers
 * and outer epoll sets). Called only while the host has marked that head active.
 */
// @ts-ignore: decorator
@external("host", "wake_ep")
export declare function host_wake_ep(ep: i32, which: i32, key: u32): void;
