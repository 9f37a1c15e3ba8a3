import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { EventBoundaries, SseRelay } from "@/lib/providers/http";
import { UpstreamError } from "@/lib/providers/types";

// The SSE splitter every OpenAI-style stream goes through: events end at a blank line (LF or CRLF),
// an event's data is its `data:` lines joined by newlines, and where the body is cut between reads
// must not matter.

/** What the splitter must answer, written the plain way: split the whole text at once. */
function reference(text: string): string[] {
  const parts = text.split(/\r\n\r\n|\n\n/);
  const out: string[] = [];
  parts.forEach((event, i) => {
    const lines = event.split(/\r?\n/).filter((l) => l.startsWith("data:"));
    if (lines.length === 0) return;
    const data = lines.map((l) => l.slice(5).replace(/^ /, "")).join("\n");
    if (i < parts.length - 1 || data.trim()) out.push(data);
  });
  return out;
}

/** Each event's data, batch by batch, as the wire relays' steps receive it. */
const readSseData = (body: Readable) =>
  new SseRelay<string>(
    body,
    (data) => ({ items: data }),
    () => null,
  );

async function split(pieces: string[]): Promise<string[]> {
  const body = Readable.from(pieces.map((p) => Buffer.from(p)));
  const out: string[] = [];
  for await (const batch of readSseData(body)) out.push(...batch);
  return out;
}

const SAMPLE = [
  'data: {"a":1}\n\n',
  'data:{"b":"no space"}\r\n\r\n',
  ": a comment\n\n",
  "event: message\ndata: first line\ndata:  second, one space kept\n\n",
  "id: 7\r\ndata: crlf lines\r\ndata: two\r\n\r\n",
  'data: {"é":"ünïcödé ✓"}\n\n',
  "data: [DONE]\n\n",
  "data: tail without an end",
].join("");

describe("readSseData", () => {
  it("answers each event's data, with LF and CRLF endings, comments and multi-line data", async () => {
    expect(await split([SAMPLE])).toEqual([
      '{"a":1}',
      '{"b":"no space"}',
      "first line\n second, one space kept",
      "crlf lines\ntwo",
      '{"é":"ünïcödé ✓"}',
      "[DONE]",
      "tail without an end",
    ]);
    expect(await split([SAMPLE])).toEqual(reference(SAMPLE));
  });

  it("answers the same wherever the body is cut, also inside a terminator or a character", async () => {
    const bytes = Buffer.from(SAMPLE);
    const expected = reference(SAMPLE);
    for (let cut = 1; cut < bytes.length; cut++) {
      const body = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]);
      const out: string[] = [];
      for await (const batch of readSseData(body)) out.push(...batch);
      expect(out, `cut at byte ${cut}`).toEqual(expected);
    }
  });

  it("matches the plain split on random event streams read in random pieces", () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const atoms = [
      "data: x",
      "data:",
      'data: {"k":"v"}',
      ": c",
      "event: e",
      "\n",
      "\r\n",
      "\n\n",
      "\r\n\r\n",
      "\r",
      " ",
    ];
    for (let round = 0; round < 400; round++) {
      let text = "";
      for (let i = random(40); i > 0; i--) text += atoms[random(atoms.length)];
      const boundaries = new EventBoundaries();
      const out: string[] = [];
      let at = 0;
      while (at < text.length) {
        const next = Math.min(text.length, at + 1 + random(12));
        out.push(...boundaries.push(text.slice(at, next)));
        at = next;
      }
      // The last, unterminated event, as readSseData answers it.
      const rest = reference(boundaries.rest());
      const expected = reference(text);
      expect([...out, ...rest.filter((d) => d.trim())], JSON.stringify(text)).toEqual(expected);
    }
  });
});

// The relay every OpenAI-style stream is read through: one promise per batch, the body paused while
// nobody waits, drained (not destroyed) once the stream has said all it will.
describe("SseRelay", () => {
  const event = (n: number) => `data: ${n}\n\n`;
  /** A body the test pushes into, as an upstream's socket would. */
  function pushBody() {
    return new Readable({ read() {} });
  }
  const numbers = (body: Readable, onEnd: () => unknown = () => null) =>
    new SseRelay<number>(
      body,
      (data) => {
        const items: number[] = [];
        for (const d of data) {
          if (d === "stop") return { items, stop: true };
          if (d === "bad") return { items, error: new Error("bad event") };
          items.push(Number(d));
        }
        return { items };
      },
      onEnd,
    );
  const tick = () => new Promise((r) => setImmediate(r));

  it("reads nothing before it is asked, and pauses the body while nobody waits", async () => {
    const body = pushBody();
    const relay = numbers(body);
    for (let i = 0; i < 50; i++) body.push(Buffer.from(event(i)));
    await tick();
    // Not asked yet: all of it still in the body.
    const all = Array.from({ length: 50 }, (_, i) => event(i)).join("").length;
    expect(body.readableLength).toBe(all);
    expect(await relay.next()).toEqual({ value: [0], done: false });
    await tick();
    // One event answered; what came with it is kept and the body paused, not read to its end.
    expect(body.isPaused()).toBe(true);
    expect(body.readableLength).toBeGreaterThan(all / 2);
    const seen: number[] = [0];
    body.push(null);
    for await (const batch of relay) seen.push(...batch);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("stops at a `stop`, or when the reader returns, and drains the rest of the body instead of destroying it", async () => {
    const body = pushBody();
    const relay = numbers(body);
    body.push(Buffer.from(`${event(1)}${event(2)}data: stop\n\n${event(3)}`));
    expect(await relay.next()).toEqual({ value: [1, 2], done: false });
    expect(await relay.next()).toEqual({ value: undefined, done: true });
    body.push(Buffer.from(event(4)));
    body.push(null);
    await tick();
    expect(body.readableEnded).toBe(true);
    expect(body.errored).toBeNull();

    // Paused, a batch kept for a reader that returns instead of asking for it.
    const paused = pushBody();
    const left = numbers(paused);
    for (let i = 0; i < 5; i++) paused.push(Buffer.from(event(i)));
    expect(await left.next()).toEqual({ value: [0], done: false });
    await tick();
    expect(paused.isPaused()).toBe(true);
    expect(await left.return()).toEqual({ value: undefined, done: true });
    paused.push(null);
    await tick();
    expect(paused.readableEnded).toBe(true);
    expect(paused.errored).toBeNull();
    expect(await left.next()).toEqual({ value: undefined, done: true });

    // A body that fails after the reader has gone has nobody to tell: no listener-less 'error' to crash on.
    const late = pushBody();
    const gone = numbers(late);
    late.push(Buffer.from(event(1)));
    expect(await gone.next()).toEqual({ value: [1], done: false });
    await gone.return();
    late.destroy(new Error("late"));
    await tick();
    expect(late.errored?.message).toBe("late");
  });

  it("hands over what came before a failed event, then fails", async () => {
    const body = pushBody();
    const relay = numbers(body);
    body.push(Buffer.from(`${event(1)}data: bad\n\n${event(2)}`));
    expect(await relay.next()).toEqual({ value: [1], done: false });
    await expect(relay.next()).rejects.toThrow("bad event");
    expect(await relay.next()).toEqual({ value: undefined, done: true });

    // A step that throws instead tells the client nothing of its own error.
    const thrown = pushBody();
    const broken = new SseRelay<number>(
      thrown,
      () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x')");
      },
      () => null,
    );
    thrown.push(Buffer.from(event(1)));
    await expect(broken.next()).rejects.toThrow("Upstream stream was cut off");
  });

  it("names a body cut off or destroyed under it, and keeps the reason an aborted call gives", async () => {
    const cut = pushBody();
    const a = numbers(cut);
    cut.push(Buffer.from(event(1)));
    expect(await a.next()).toEqual({ value: [1], done: false });
    const waiting = a.next();
    cut.destroy(new Error("ECONNRESET"));
    await expect(waiting).rejects.toThrow("Upstream stream was cut off");

    const closed = pushBody();
    const b = numbers(closed);
    const wait = b.next();
    closed.destroy();
    await expect(wait).rejects.toThrow("Upstream stream was cut off");

    const aborted = pushBody();
    const c = numbers(aborted);
    const stalled = new UpstreamError("Upstream stalled between chunks", 504, false, "timeout");
    const pending = c.next();
    aborted.destroy(stalled);
    await expect(pending).rejects.toBe(stalled);
  });

  it("ends with the last unterminated event, then asks whether the end came too early", async () => {
    const body = pushBody();
    const early = new Error("ended before the answer finished");
    const relay = numbers(body, () => early);
    body.push(Buffer.from(`${event(1)}data: 2`));
    body.push(null);
    expect(await relay.next()).toEqual({ value: [1], done: false });
    expect(await relay.next()).toEqual({ value: [2], done: false });
    await expect(relay.next()).rejects.toBe(early);
  });
});
