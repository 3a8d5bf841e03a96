// The core's ABI selectors and flags: literals shared by asc (assembly/) and tsc (src/), so
// the two sides cannot disagree. Not part of the public API (index.ts does not export it).

// ---- epoll_ctl: what the host knows about the target fd (`tflags`) ----
/** copy_from_user(event) succeeded. */
export const TF_HAS_EVENT = 1;
/** The fd names an open file. */
export const TF_VALID = 2;
/** file_can_poll(): the file has f_op->poll. */
export const TF_CAN_POLL = 4;
/** The target is the epoll file itself. */
export const TF_SAME_FILE = 8;
/** The target is an epoll file; `tep` names its EventPoll. */
export const TF_IS_EPOLL = 16;
/** The caller lacks CAP_BLOCK_SUSPEND (EPOLLWAKEUP is dropped). */
export const TF_NO_WAKEUP_CAP = 32;

// ---- handles: generation (8 bits) | slot (23 bits) ----
/** The slot bits of a handle. */
export const SLOT_MASK = 0x7fffff;
/** The generation's shift in a handle. */
export const GEN_SHIFT = 23;

// ---- cache_live(which) ----
export const CACHE_EVENTPOLL = 0;
export const CACHE_EPITEM = 1;
export const CACHE_EPPOLL_ENTRY = 2;
export const CACHE_EPITEMS_HEAD = 3;
export const CACHE_WAKEUP_SOURCE = 4;

// ---- ep_field(ep, which) ----
/** The set is scanning (a transfer is in progress). */
export const EP_SCANNING = 0;
/** ep->wq has waiters (as the host last said). */
export const EP_WQ_ACTIVE = 1;
/** ep->poll_wait has watchers (as the host last said). */
export const EP_POLL_ACTIVE = 2;
/** Items in the interest set. */
export const EP_NITEMS = 3;

// ---- set_waitqueue_active(ep, which, active) ----
/** ep->wq. */
export const WQ_EP = 0;
/** ep->poll_wait. */
export const WQ_POLL = 1;

// ---- epitem_field(epi, which) ----
export const EPI_FD = 0;
export const EPI_EVENTS = 1;
export const EPI_DATA_LO = 2;
export const EPI_DATA_HI = 3;
export const EPI_FILE = 4;
/** On rdllist or a transfer list (ep_is_linked). */
export const EPI_LINKED = 5;
/** Chained on ovflist. */
export const EPI_CHAINED = 6;

// ---- ep_list_next(ep, which, epi) ----
export const LIST_RDLLIST = 0;
export const LIST_OVFLIST = 1;
export const LIST_TXLIST = 2;

// ---- wakeup_source_field(ep, epi, which) ----
export const WS_ACTIVE = 0;
export const WS_EVENT_COUNT = 1;
export const WS_ACTIVE_COUNT = 2;
export const WS_RELAX_COUNT = 3;

// ---- file_watcher(head, ep, index) ----
/** As the index: answer 1 if any watching set is in mid-transfer. */
export const WATCHER_BUSY = -1;

// ---- the transfer record of a delivered event (step_event(which), events_log) ----
export const STEP_EVENTS = 0;
export const STEP_DATA_LO = 1;
export const STEP_DATA_HI = 2;
export const STEP_EPI = 3;
export const STEP_PREV_EVENTS = 4;

// ---- file_ready_word(file): a file's published readiness ----
/** The bit that marks a readiness word as published; the file's poll mask is the rest. */
export const READY_VALID = 0x80000000;
