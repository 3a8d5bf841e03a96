// Models include/linux/rbtree.h (struct rb_node, struct rb_root_cached): an intrusive
// red-black tree whose nodes live inside the objects they index, with the leftmost node
// cached. Written from the textbook algorithm (Cormen et al., ch. 13), not from lib/rbtree.c.
//
// Node layout, as in the kernel (the colour rides in the low bit of the parent pointer,
// nodes being 4-byte aligned):
//
//   +0  __rb_parent_color   parent address | colour (0 = red, 1 = black)
//   +4  rb_right
//   +8  rb_left
//
// Invariants (checked by rb_check in the debug core): the root is black; a red node has
// no red child; every root-to-leaf path has the same number of black nodes; parent links
// agree with child links; rb_leftmost is the minimum node (0 for an empty tree).

@unmanaged
export class RbNode {
  __rb_parent_color: usize = 0;
  rb_right: usize = 0;
  rb_left: usize = 0;
}

@unmanaged
export class RbRootCached {
  rb_node: usize = 0;
  rb_leftmost: usize = 0;
}

const RB_RED: usize = 0;
const RB_BLACK: usize = 1;

// @ts-ignore: decorator
@inline function N(p: usize): RbNode {
  return changetype<RbNode>(p);
}
// @ts-ignore: decorator
@inline export function rb_parent(n: usize): usize {
  return N(n).__rb_parent_color & ~3;
}
// @ts-ignore: decorator
@inline export function rb_is_black(n: usize): bool {
  // Absent (nil) children count as black.
  return n == 0 || (N(n).__rb_parent_color & 1) == RB_BLACK;
}
// @ts-ignore: decorator
@inline function set_parent(n: usize, p: usize): void {
  N(n).__rb_parent_color = p | (N(n).__rb_parent_color & 1);
}
// @ts-ignore: decorator
@inline function set_color(n: usize, c: usize): void {
  N(n).__rb_parent_color = (N(n).__rb_parent_color & ~1) | c;
}
// @ts-ignore: decorator
@inline function color_of(n: usize): usize {
  return n == 0 ? RB_BLACK : N(n).__rb_parent_color & 1;
}

/** Replace `u` by `v` in u's parent (or as the root). */
function transplant(root: RbRootCached, u: usize, v: usize): void {
  const p = rb_parent(u);
  if (p == 0) root.rb_node = v;
  else if (N(p).rb_left == u) N(p).rb_left = v;
  else N(p).rb_right = v;
  if (v != 0) set_parent(v, p);
}

function rotate_left(root: RbRootCached, x: usize): void {
  const y = N(x).rb_right;
  const b = N(y).rb_left;
  N(x).rb_right = b;
  if (b != 0) set_parent(b, x);
  transplant(root, x, y);
  N(y).rb_left = x;
  set_parent(x, y);
}

function rotate_right(root: RbRootCached, x: usize): void {
  const y = N(x).rb_left;
  const b = N(y).rb_right;
  N(x).rb_left = b;
  if (b != 0) set_parent(b, x);
  transplant(root, x, y);
  N(y).rb_right = x;
  set_parent(x, y);
}

/**
 * Attach `node` as a red leaf under `parent` at the child slot whose address is `link`
 * (the caller found that slot by a key-ordered descent, as ep_rbtree_insert does).
 */
export function rb_link_node(node: usize, parent: usize, link: usize): void {
  N(node).__rb_parent_color = parent | RB_RED;
  N(node).rb_left = 0;
  N(node).rb_right = 0;
  store<usize>(link, node);
}

/** Rebalance after rb_link_node; `leftmost` says the descent never went right. */
export function rb_insert_color_cached(node: usize, root: RbRootCached, leftmost: bool): void {
  if (leftmost) root.rb_leftmost = node;
  let n = node;
  while (true) {
    const p = rb_parent(n);
    if (p == 0 || rb_is_black(p)) break;
    const g = rb_parent(p); // p is red, so it is not the root: g exists
    if (p == N(g).rb_left) {
      const u = N(g).rb_right;
      if (!rb_is_black(u)) {
        set_color(p, RB_BLACK);
        set_color(u, RB_BLACK);
        set_color(g, RB_RED);
        n = g;
        continue;
      }
      if (n == N(p).rb_right) {
        rotate_left(root, p);
        n = p;
      }
      const p2 = rb_parent(n);
      set_color(p2, RB_BLACK);
      set_color(g, RB_RED);
      rotate_right(root, g);
    } else {
      const u = N(g).rb_left;
      if (!rb_is_black(u)) {
        set_color(p, RB_BLACK);
        set_color(u, RB_BLACK);
        set_color(g, RB_RED);
        n = g;
        continue;
      }
      if (n == N(p).rb_left) {
        rotate_right(root, p);
        n = p;
      }
      const p2 = rb_parent(n);
      set_color(p2, RB_BLACK);
      set_color(g, RB_RED);
      rotate_left(root, g);
    }
  }
  set_color(root.rb_node, RB_BLACK);
}

export function rb_first(root: RbRootCached): usize {
  return root.rb_leftmost;
}

/** In-order successor, or 0. */
export function rb_next(node: usize): usize {
  let n = N(node).rb_right;
  if (n != 0) {
    while (N(n).rb_left != 0) n = N(n).rb_left;
    return n;
  }
  n = node;
  let p = rb_parent(n);
  while (p != 0 && n == N(p).rb_right) {
    n = p;
    p = rb_parent(p);
  }
  return p;
}

export function rb_erase_cached(z: usize, root: RbRootCached): void {
  if (root.rb_leftmost == z) root.rb_leftmost = rb_next(z);
  let x: usize;
  let xp: usize;
  let removedColor = color_of(z);
  if (N(z).rb_left == 0) {
    x = N(z).rb_right;
    xp = rb_parent(z);
    transplant(root, z, x);
  } else if (N(z).rb_right == 0) {
    x = N(z).rb_left;
    xp = rb_parent(z);
    transplant(root, z, x);
  } else {
    let y = N(z).rb_right;
    while (N(y).rb_left != 0) y = N(y).rb_left;
    removedColor = color_of(y);
    x = N(y).rb_right;
    if (rb_parent(y) == z) {
      xp = y;
    } else {
      xp = rb_parent(y);
      transplant(root, y, x);
      N(y).rb_right = N(z).rb_right;
      set_parent(N(y).rb_right, y);
    }
    transplant(root, z, y);
    N(y).rb_left = N(z).rb_left;
    set_parent(N(y).rb_left, y);
    set_color(y, color_of(z));
  }
  if (removedColor == RB_BLACK) erase_fixup(root, x, xp);
}

function erase_fixup(root: RbRootCached, x0: usize, xp0: usize): void {
  let x = x0;
  let xp = xp0;
  while (x != root.rb_node && rb_is_black(x)) {
    if (x == N(xp).rb_left) {
      let w = N(xp).rb_right;
      if (!rb_is_black(w)) {
        set_color(w, RB_BLACK);
        set_color(xp, RB_RED);
        rotate_left(root, xp);
        w = N(xp).rb_right;
      }
      if (rb_is_black(N(w).rb_left) && rb_is_black(N(w).rb_right)) {
        set_color(w, RB_RED);
        x = xp;
        xp = rb_parent(x);
      } else {
        if (rb_is_black(N(w).rb_right)) {
          set_color(N(w).rb_left, RB_BLACK);
          set_color(w, RB_RED);
          rotate_right(root, w);
          w = N(xp).rb_right;
        }
        set_color(w, color_of(xp));
        set_color(xp, RB_BLACK);
        set_color(N(w).rb_right, RB_BLACK);
        rotate_left(root, xp);
        x = root.rb_node;
        break;
      }
    } else {
      let w = N(xp).rb_left;
      if (!rb_is_black(w)) {
        set_color(w, RB_BLACK);
        set_color(xp, RB_RED);
        rotate_right(root, xp);
        w = N(xp).rb_left;
      }
      if (rb_is_black(N(w).rb_right) && rb_is_black(N(w).rb_left)) {
        set_color(w, RB_RED);
        x = xp;
        xp = rb_parent(x);
      } else {
        if (rb_is_black(N(w).rb_left)) {
          set_color(N(w).rb_right, RB_BLACK);
          set_color(w, RB_RED);
          rotate_left(root, w);
          w = N(xp).rb_left;
        }
        set_color(w, color_of(xp));
        set_color(xp, RB_BLACK);
        set_color(N(w).rb_left, RB_BLACK);
        rotate_right(root, xp);
        x = root.rb_node;
        break;
      }
    }
  }
  if (x != 0) set_color(x, RB_BLACK);
}

/**
 * Debug walk: verifies colour rules, parent links and the black height below `n`.
 * Returns the black height, or -1 on a violation. Keys are checked by the caller.
 */
export function rb_check_subtree(n: usize, parent: usize): i32 {
  if (n == 0) return 1;
  if (rb_parent(n) != parent) return -1;
  if (!rb_is_black(n) && (!rb_is_black(N(n).rb_left) || !rb_is_black(N(n).rb_right))) return -1;
  const l = rb_check_subtree(N(n).rb_left, n);
  const r = rb_check_subtree(N(n).rb_right, n);
  if (l < 0 || r < 0 || l != r) return -1;
  return l + (rb_is_black(n) ? 1 : 0);
}
