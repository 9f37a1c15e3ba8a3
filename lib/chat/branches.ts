// A conversation is a tree: every message follows its parent. Editing a question adds a sibling
// question, regenerating an answer adds a sibling answer, and the conversation remembers which leaf
// it shows (ChatSession.leafId); the path from the root to that leaf is what the model answers,
// what history, search and the admin views show, and what export and share links contain.

export type TreeNode = { id: string; parentId: string | null; createdAt: Date | string };

/** Where a message sits among its siblings: 1-based index, how many, and their ids in order. */
export type BranchInfo = { index: number; count: number; siblingIds: string[] };

function byAge<T extends TreeNode>(a: T, b: T): number {
  const at = new Date(a.createdAt).getTime();
  const bt = new Date(b.createdAt).getTime();
  return at - bt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The messages from the root to `leafId`, oldest first. Without a known leaf the conversation was
 * written as one line (before branches, or by code that does not branch): all of it, in order.
 */
export function pathTo<T extends TreeNode>(rows: T[], leafId: string | null | undefined): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  if (!leafId || !byId.has(leafId)) return [...rows].sort(byAge);
  let current: T | undefined = byId.get(leafId);
  const path: T[] = [];
  const seen = new Set<string>();
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    path.push(current);
    current = current.parentId ? byId.get(current.parentId) : undefined;
  }
  return path.reverse();
}

/** The leaf reached from `id` by always taking the newest child: where a switch to that branch lands. */
export function newestLeafFrom<T extends TreeNode>(rows: T[], id: string): string {
  let leaf = id;
  const seen = new Set<string>();
  for (;;) {
    if (seen.has(leaf)) return leaf;
    seen.add(leaf);
    const child = rows
      .filter((r) => r.parentId === leaf)
      .sort(byAge)
      .at(-1);
    if (!child) return leaf;
    leaf = child.id;
  }
}

export function branchOf<T extends TreeNode>(rows: T[], message: T): BranchInfo {
  const siblings = rows.filter((r) => r.parentId === message.parentId).sort(byAge);
  return {
    index: siblings.findIndex((s) => s.id === message.id) + 1,
    count: siblings.length,
    siblingIds: siblings.map((s) => s.id),
  };
}

/** The shown path, each message with its place among its siblings. */
export function pathWithBranches<T extends TreeNode>(
  rows: T[],
  leafId: string | null | undefined,
): Array<T & { branch: BranchInfo }> {
  const linear = !leafId || !rows.some((r) => r.id === leafId);
  return pathTo(rows, leafId).map((m) => ({
    ...m,
    branch: linear ? { index: 1, count: 1, siblingIds: [m.id] } : branchOf(rows, m),
  }));
}
