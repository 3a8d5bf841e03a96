// The debug core's invariant walk, run by the tests after every operation they care about.
// Returns 0 when everything holds, otherwise the number of the first violated rule:
//
//   1  rb-tree colour / black-height / parent-link rule broken
//   2  rb-tree keys not strictly increasing by (file, fd) in order
//   3  rb_leftmost is not the minimum
//   4  tree size differs from ep->nitems
//   5  an item in the tree belongs to another set or is not live
//   6  rdllist links inconsistent (next->prev != self) or too long (cycle)
//   7  an item on rdllist is not an item of this set
//   8  ovflist active, or an item chained on it, outside a scan; during a scan, a broken
//      ovflist chain or transfer list
//   9  an EppollEntry does not point back to its item, or is not live
//  10  cache accounting: live objects differ from what the sets reach
//  11  tep->refs holds an item that does not target tep
//  12  the root is red
//  13  an f_ep list (a file's word in the file table, or an EventPoll's refs) is broken:
//      an item on the wrong list, a word left on tfile_check_list, or items missing
//  14  hash index: an item in a bucket other than (fd & mask)
//  15  hash index: an item's back link (pprev) is not the link that holds it
//  (1-3 and 12 are the rb-tree's; with the hash index, 2 and 3 do not apply.)

import { rb_check_subtree, rb_is_black } from "./rbtree";
import { live_slot, SLAB_LIVE } from "./slab";
import {
  ep_cache, epi_cache, pwq_cache, ext_cache, EP, EPI, PWQ, EventPoll, rdllist_of, epi_tep, epi_ext, epi_pwqlist,
  epi_wait_hooked, wait_entries, rbr_of, epi_of_rdllink, EP_UNACTIVE_PTR, epoll_watches,
} from "./eventpoll";
import { FEP_LISTED, fep_capacity, fep_word, fep_files, tfile_count } from "./fep";
import { lh } from "./list";
import { index_hash, ep_hash_check, ep_index_first, ep_index_next } from "./epindex";

function check_ep(ep: usize): i32 {
  if (index_hash) {
    const h = ep_hash_check(ep);
    if (h != 0) return h;
  } else {
    const root = EP(ep).rbr_node;
    if (rb_check_subtree(root, 0) < 0) return 1;
    if (!rb_is_black(root)) return 12;
    // The cached leftmost is the minimum.
    const n = rbr_of(ep).rb_leftmost;
    if (root == 0 && n != 0) return 3;
    if (root != 0) {
      let m = root;
      while (load<usize>(m, 8) != 0) m = load<usize>(m, 8);
      if (m != n) return 3;
    }
  }
  const scanning = EP(ep).scanning != 0;
  let chained: u32 = 0;
  let count: u32 = 0;
  let prev: usize = 0;
  // Every item, in the index's order (the tree's: strictly increasing keys).
  for (let epi = ep_index_first(ep); epi != 0; epi = ep_index_next(ep, epi)) {
    if ((load<u32>(epi) & SLAB_LIVE) == 0 || EPI(epi).ep != ep) return 5;
    if (!index_hash && prev != 0) {
      const pf = EPI(prev).file;
      const f = EPI(epi).file;
      if (pf > f || (pf == f && EPI(prev).fd >= EPI(epi).fd)) return 2;
    }
    if (EPI(epi).next != EP_UNACTIVE_PTR) {
      if (!scanning) return 8;
      chained++;
    }
    const x = epi_ext(epi);
    if (x != 0 && (load<u32>(x) & SLAB_LIVE) == 0) return 9;
    let pwq = epi_pwqlist(epi);
    while (pwq != 0) {
      if ((load<u32>(pwq) & SLAB_LIVE) == 0 || PWQ(pwq).base != epi) return 9;
      pwq = PWQ(pwq).next;
    }
    prev = epi;
    if (++count > EP(ep).nitems) return 4;
  }
  if (count != EP(ep).nitems) return 4;
  // Ready list: well linked, short enough, only our items.
  const head = rdllist_of(ep);
  let l = lh(head).next;
  let steps: u32 = 0;
  if (lh(lh(head).next).prev != head) return 6;
  while (l != head) {
    if (lh(lh(l).next).prev != l) return 6;
    if (++steps > count) return 6;
    const epi = epi_of_rdllink(l);
    if ((load<u32>(epi) & SLAB_LIVE) == 0 || EPI(epi).ep != ep) return 7;
    l = lh(l).next;
  }
  if (!scanning) {
    if (EP(ep).ovflist != EP_UNACTIVE_PTR) return 8;
  } else {
    // Mid-transfer (another thread holds ep->mtx): ovflist is a NULL-terminated chain of
    // exactly the items whose `next` is set, and the private txlist is well linked.
    let n: u32 = 0;
    for (let x = EP(ep).ovflist; x != 0; x = EPI(x).next) {
      if (x == EP_UNACTIVE_PTR || (load<u32>(x) & SLAB_LIVE) == 0 || EPI(x).ep != ep || ++n > count) return 8;
    }
    if (n != chained) return 8;
    const tx = ep + offsetof<EventPoll>("txl_next");
    let t = lh(tx).next;
    let tsteps: u32 = 0;
    while (t != tx) {
      if (lh(lh(t).next).prev != t || ++tsteps > count) return 8;
      const epi = epi_of_rdllink(t);
      if ((load<u32>(epi) & SLAB_LIVE) == 0 || EPI(epi).ep != ep) return 8;
      t = lh(t).next;
    }
  }
  let r = EP(ep).refs;
  while (r != 0) {
    if ((load<u32>(r) & SLAB_LIVE) == 0 || epi_tep(r) != ep) return 11;
    r = EPI(r).fllink;
  }
  return 0;
}

/** Walks one f_ep list from `headlink`: items of `tep`, or of file `file`; the count, or -1 if broken. */
function check_fep(headlink: usize, tep: usize, file: u32): i32 {
  let n: i32 = 0;
  let epi = load<usize>(headlink);
  if ((epi & FEP_LISTED) != 0) return -1; // only inside do_epoll_ctl
  while (epi != 0) {
    if ((load<u32>(epi) & SLAB_LIVE) == 0) return -1;
    if (epi_tep(epi) != tep || (tep == 0 && EPI(epi).file != file)) return -1;
    if (++n > <i32>epi_cache.live) return -1;
    epi = EPI(epi).fllink;
  }
  return n;
}

export function check_invariants(): i32 {
  let items: u32 = 0;
  let pwqs: u32 = 0;
  let eps: u32 = 0;
  for (let i: u32 = 1; i <= ep_cache.top; i++) {
    const ep = live_slot(ep_cache, i);
    if (ep == 0) continue;
    eps++;
    const rc = check_ep(ep);
    if (rc != 0) return rc;
    items += EP(ep).nitems;
  }
  for (let i: u32 = 1; i <= pwq_cache.top; i++) if (live_slot(pwq_cache, i) != 0) pwqs++;
  if (eps != ep_cache.live || items != epi_cache.live || items != epoll_watches) return 10;
  if (pwqs != pwq_cache.live) return 10;
  // Every live entry must hang off a live item (walk from the items' side), and every
  // EpItemExt must belong to one item.
  let reached: u32 = 0;
  let hooked: u32 = 0;
  let exts: u32 = 0;
  for (let i: u32 = 1; i <= epi_cache.top; i++) {
    const epi = live_slot(epi_cache, i);
    if (epi == 0) continue;
    if (epi_wait_hooked(epi)) hooked++;
    if (epi_ext(epi) != 0) exts++;
    let pwq = epi_pwqlist(epi);
    while (pwq != 0) {
      reached++;
      pwq = PWQ(pwq).next;
    }
  }
  if (reached != pwqs || wait_entries != pwqs + hooked || exts != ext_cache.live) return 10;
  // Every item is on exactly one f_ep list: its epoll target's refs or its file's word.
  if (tfile_count != 0) return 13;
  let onlists: u32 = 0;
  for (let i: u32 = 1; i <= ep_cache.top; i++) {
    const ep = live_slot(ep_cache, i);
    if (ep == 0) continue;
    const n = check_fep(ep + offsetof<EventPoll>("refs"), ep, 0);
    if (n < 0) return 13;
    onlists += <u32>n;
  }
  // Each watched file's list is walked once, from the item at its head: the walk's cost
  // follows the items, not the file table (whose size follows the largest id ever given).
  let files: u32 = 0;
  for (let i: u32 = 1; i <= epi_cache.top; i++) {
    const epi = live_slot(epi_cache, i);
    if (epi == 0 || epi_tep(epi) != 0) continue;
    const f = EPI(epi).file;
    if (f >= fep_capacity()) return 13;
    const head = fep_word(f);
    if ((load<usize>(head) & ~FEP_LISTED) != epi) continue; // counted from its list's head
    const n = check_fep(head, 0, f);
    if (n < 0) return 13;
    files++;
    onlists += <u32>n;
  }
  if (onlists != epi_cache.live || files != fep_files) return 13;
  return 0;
}
