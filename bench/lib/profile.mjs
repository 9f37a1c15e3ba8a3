// Reads a V8 .cpuprofile (node --cpu-prof): self time per function, time per package (native and
// node: core time charged to the package that called it), and the app's own functions by inclusive
// time. Frames in Next.js's bundled server chunks are mapped back to their sources with the build's
// source maps.
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const mapCache = new Map();

function sourceMapFor(file) {
  if (!mapCache.has(file)) {
    let map = null;
    try {
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      map = null;
    }
    mapCache.set(file, map);
  }
  return mapCache.get(file);
}

/** A readable path: the app's files relative to `appDir`, packages from `node_modules/`. */
function tidy(file, appDir) {
  const nm = file.lastIndexOf("node_modules/");
  if (nm >= 0) return file.slice(nm);
  if (appDir && file.startsWith(`${appDir}/`)) return file.slice(appDir.length + 1);
  return file;
}

const linesCache = new Map();

/** The original name of a minified function: the identifier at its position in the original source. */
function originalName(map, entry, absolute) {
  if (!linesCache.has(absolute)) {
    const { sources = [], sourcesContent = [] } = map.payload ?? {};
    let text = sourcesContent[sources.indexOf(entry.originalSource)];
    if (text == null && existsSync(absolute)) text = readFileSync(absolute, "utf8");
    linesCache.set(absolute, text ? text.split("\n") : []);
  }
  const line = linesCache.get(absolute)[entry.originalLine] ?? "";
  const m =
    /^(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\s*\*?\s*|class\s+|get\s+|set\s+|static\s+)?([A-Za-z_$][\w$]*)/.exec(
      line.slice(entry.originalColumn),
    );
  return m && !["function", "async", "return", "await", "new"].includes(m[1]) ? m[1] : null;
}

/** Where a frame's code came from (original source + line when a source map knows it), and its original name. */
function locate(callFrame, appDir) {
  const name = callFrame.functionName;
  if (!callFrame.url) return { source: "", line: 0, name };
  const file = callFrame.url.startsWith("file://") ? fileURLToPath(callFrame.url) : callFrame.url;
  if (file.startsWith("node:") || file.startsWith("wasm:"))
    return { source: file, line: callFrame.lineNumber + 1, name };
  if (file.includes("/.next/")) {
    const map = sourceMapFor(file);
    const entry = map?.findEntry(callFrame.lineNumber, callFrame.columnNumber);
    if (entry?.originalSource) {
      const absolute = path.resolve(
        path.dirname(file),
        decodeURIComponent(entry.originalSource.replace(/^file:\/\//, "")),
      );
      const minified = !name || name.length <= 2;
      return {
        source: tidy(absolute, appDir),
        line: entry.originalLine + 1,
        name: (minified && originalName(map, entry, absolute)) || name,
      };
    }
  }
  return { source: tidy(file, appDir), line: callFrame.lineNumber + 1, name };
}

/** A frame's owner: an npm package, the app's own code, Node.js core, V8 (native, GC…). */
function ownerOf(source, name) {
  if (!source) return name.startsWith("(") ? name : "(native)";
  if (source.startsWith("node:")) return "node: (core)";
  if (source.startsWith("wasm:")) return "(wasm)";
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (m) return m[1];
  if (source.includes(".next/")) return ".next (unmapped bundle)";
  return `app: ${source.split("/").slice(0, 2).join("/")}`;
}

const ENGINE = new Set(["(garbage collector)", "(program)", "(idle)", "(root)"]);
const isCoreOwner = (owner) => owner === "(native)" || owner === "node: (core)";

/** The samples taken within `window` ([startUs, endUs] on the monotonic clock); all without one. */
function samplesIn(profile, window) {
  const picked = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (!window || (t >= window[0] && t <= window[1])) picked.push({ id: profile.samples[i], us: delta });
  }
  const windowUs = window
    ? Math.min(window[1], profile.endTime) - Math.max(window[0], profile.startTime)
    : profile.endTime - profile.startTime;
  return { picked, windowUs };
}

function addTo(map, key, value, init) {
  const entry = map.get(key) ?? init();
  entry.ms += value;
  map.set(key, entry);
  return entry;
}

export function summarizeProfile(file, { top = 15, appDir, window } = {}) {
  const raw = JSON.parse(readFileSync(file, "utf8"));
  const { picked, windowUs } = samplesIn(raw, window);
  const byId = new Map(raw.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of raw.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

  const frames = new Map();
  const frame = (id) => {
    if (!frames.has(id)) {
      const { callFrame } = byId.get(id);
      const located = locate(callFrame, appDir);
      const { source, line } = located;
      const name = located.name || (callFrame.url ? "(anonymous)" : "(native)");
      const owner = ownerOf(source, name);
      frames.set(id, {
        name,
        where: source ? `${source}:${line}` : "",
        key: `${name}\u0000${source}:${line}`,
        owner,
        app: owner.startsWith("app: "),
      });
    }
    return frames.get(id);
  };
  /** The nearest frame (itself included) that is not native or node: core — who asked for this work. */
  const responsible = (id) => {
    for (let at = id; at !== undefined; at = parentOf.get(at)) if (!isCoreOwner(frame(at).owner)) return frame(at);
    return frame(id);
  };

  const functions = new Map();
  const owners = new Map();
  const inclusive = new Map();
  let idleMs = 0;
  let totalMs = 0;
  for (const { id, us } of picked) {
    const ms = us / 1000;
    totalMs += ms;
    const self = frame(id);
    if (self.name === "(idle)") {
      idleMs += ms;
      continue;
    }
    const fn = addTo(functions, self.key, ms, () => ({
      name: self.name,
      where: self.where,
      ms: 0,
      callers: new Map(),
    }));
    const caller = isCoreOwner(self.owner) ? responsible(id) : null;
    if (caller && caller !== self)
      addTo(fn.callers, caller.key, ms, () => ({ name: caller.name, where: caller.where, ms: 0 }));
    addTo(owners, ENGINE.has(self.name) ? self.name : responsible(id).owner, ms, () => ({
      name: ENGINE.has(self.name) ? self.name : responsible(id).owner,
      ms: 0,
    }));
    const seen = new Set();
    for (let at = id; at !== undefined; at = parentOf.get(at)) {
      const f = frame(at);
      if (f.app && !seen.has(f.key)) {
        seen.add(f.key);
        addTo(inclusive, f.key, ms, () => ({ name: f.name, where: f.where, ms: 0 }));
      }
    }
  }
  const busyMs = totalMs - idleMs;
  const rank = (list) =>
    list.sort((a, b) => b.ms - a.ms).map((f) => ({ ...f, pct: busyMs ? (100 * f.ms) / busyMs : 0 }));
  return {
    file,
    windowMs: windowUs / 1000,
    busyMs,
    functions: rank([...functions.values()])
      .slice(0, top)
      .map((f) => ({ ...f, callers: rank([...f.callers.values()]).slice(0, 2) })),
    owners: rank([...owners.values()]).slice(0, top),
    appInclusive: rank([...inclusive.values()]).slice(0, top),
  };
}

/**
 * Reads a sampling heap profile (bench/lib/alloc-sampler.mjs): bytes allocated per function (its own
 * allocations; node: core's and native ones also name the app or package function that asked), per
 * owner, and the app's functions by inclusive bytes — what a request's garbage is made of.
 */
export function summarizeAllocations(file, { top = 15, appDir } = {}) {
  const raw = JSON.parse(readFileSync(file, "utf8"));
  const self = new Map();
  const owners = new Map();
  const inclusive = new Map();
  let total = 0;
  const describe = (callFrame) => {
    const located = locate(callFrame, appDir);
    const name = located.name || (callFrame.url ? "(anonymous)" : "(native)");
    const owner = ownerOf(located.source, name);
    const where = located.source ? `${located.source}:${located.line}` : "";
    return { name, where, key: `${name}\u0000${where}`, owner, app: owner.startsWith("app: ") };
  };
  // Depth first, with the stack of frames above each node: who asked is the nearest non-core frame.
  const walk = (node, stack) => {
    const f = describe(node.callFrame);
    const frames = [...stack, f];
    let bytes = node.selfSize;
    for (const child of node.children ?? []) bytes += walk(child, frames);
    if (node.selfSize > 0) {
      total += node.selfSize;
      const asker = frames.findLast((x) => !isCoreOwner(x.owner) && !ENGINE.has(x.name)) ?? f;
      const entry = addTo(self, f.key, node.selfSize, () => ({
        name: f.name,
        where: f.where,
        ms: 0,
        callers: new Map(),
      }));
      if (isCoreOwner(f.owner) && asker !== f)
        addTo(entry.callers, asker.key, node.selfSize, () => ({ name: asker.name, where: asker.where, ms: 0 }));
      addTo(owners, asker.owner, node.selfSize, () => ({ name: asker.owner, ms: 0 }));
    }
    if (f.app && !stack.some((x) => x.key === f.key))
      addTo(inclusive, f.key, bytes, () => ({ name: f.name, where: f.where, ms: 0 }));
    return bytes;
  };
  walk(raw.head, []);
  // `ms` holds bytes here (addTo's field); reported as bytes.
  const rank = (list) =>
    list.sort((a, b) => b.ms - a.ms).map(({ ms, ...f }) => ({ ...f, bytes: ms, pct: total ? (100 * ms) / total : 0 }));
  return {
    file,
    bytes: total,
    functions: rank([...self.values()])
      .slice(0, top)
      .map((f) => ({ ...f, callers: rank([...f.callers.values()]).slice(0, 2) })),
    owners: rank([...owners.values()]).slice(0, top),
    appInclusive: rank([...inclusive.values()]).slice(0, top),
  };
}
