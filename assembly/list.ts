// Models include/linux/list.h: the intrusive, circular, doubly linked list_head.
//
//   head ──► [next|prev] ──► [next|prev] ──► … ──► back to head
//
// A list_head is two words (next, prev) embedded in a larger object. An empty list, and a
// node that is on no list after list_del_init, point at themselves; that is what
// list_empty() / ep_is_linked() test. All addresses are wasm32 linear-memory offsets.

@unmanaged
export class ListHead {
  next: usize = 0;
  prev: usize = 0;
}

// @ts-ignore: decorator
@inline export function lh(p: usize): ListHead {
  return changetype<ListHead>(p);
}

// @ts-ignore: decorator
@inline export function INIT_LIST_HEAD(h: usize): void {
  lh(h).next = h;
  lh(h).prev = h;
}

// @ts-ignore: decorator
@inline export function list_empty(h: usize): bool {
  return lh(h).next == h;
}

// @ts-ignore: decorator
@inline function __list_add(n: usize, prev: usize, next: usize): void {
  lh(next).prev = n;
  lh(n).next = next;
  lh(n).prev = prev;
  lh(prev).next = n;
}

/** Insert `n` right after `head` (stack order). */
// @ts-ignore: decorator
@inline export function list_add(n: usize, head: usize): void {
  __list_add(n, head, lh(head).next);
}

/** Insert `n` right before `head`, i.e. at the tail (queue order). */
// @ts-ignore: decorator
@inline export function list_add_tail(n: usize, head: usize): void {
  __list_add(n, lh(head).prev, head);
}

/** Unlink `e` and make it point at itself, so list_empty(e) is true afterwards. */
// @ts-ignore: decorator
@inline export function list_del_init(e: usize): void {
  const next = lh(e).next;
  const prev = lh(e).prev;
  lh(next).prev = prev;
  lh(prev).next = next;
  INIT_LIST_HEAD(e);
}

// @ts-ignore: decorator
@inline function __list_splice(list: usize, prev: usize, next: usize): void {
  const first = lh(list).next;
  const last = lh(list).prev;
  lh(first).prev = prev;
  lh(prev).next = first;
  lh(last).next = next;
  lh(next).prev = last;
}

/** Move every entry of `list` to the front of `head`; `list` itself is left stale. */
// @ts-ignore: decorator
@inline export function list_splice(list: usize, head: usize): void {
  if (!list_empty(list)) __list_splice(list, head, lh(head).next);
}

/** Move every entry of `list` to the front of `head` and reinitialise `list` as empty. */
// @ts-ignore: decorator
@inline export function list_splice_init(list: usize, head: usize): void {
  if (!list_empty(list)) {
    __list_splice(list, head, lh(head).next);
    INIT_LIST_HEAD(list);
  }
}
