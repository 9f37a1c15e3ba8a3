import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { type BatchListener, EventBoundaries, listenTo, SseRelay } from "@/lib/providers/http";
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
        out.push(...boundaries.push(Buffer.from(text.slice(at, next))).data);
        at = next;
      }
      // The last, unterminated event, as readSseData answers it.
      const rest = reference(boundaries.rest());
      const expected = reference(text);
      expect([...out, ...rest.filter((d) => d.trim())], JSON.stringify(text)).toEqual(expected);
    }
  });
});

describe("EventBoundaries", () => {
  const events = (pieces: Array<string | Buffer>) => {
    const boundaries = new EventBoundaries();
    const data: string[] = [];
    const spans: Array<string | undefined> = [];
    for (const piece of pieces) {
      const read = boundaries.push(typeof piece === "string" ? Buffer.from(piece) : piece);
      data.push(...read.data);
      spans.push(...read.spans.map((s) => (s ? Buffer.from(s).toString("latin1") : undefined)));
    }
    return { data, spans };
  };

  it("answers the bytes of each event that is exactly `data: <data>\\n\\n`, and of no other", () => {
    const usual = 'data: {"é":"ünïcödé ✓"}\n\n';
    const { data, spans } = events([
      `${usual}data:{"b":1}\n\n: comment\n\ndata: crlf\r\n\r\nevent: e\ndata: two lines\n\n`,
    ]);
    expect(data).toEqual(['{"é":"ünïcödé ✓"}', '{"b":1}', "crlf", "two lines"]);
    expect(spans).toEqual([Buffer.from(usual).toString("latin1"), undefined, undefined, undefined]);
  });

  it("answers views of the bytes it was given, not copies, and joins an event cut between reads", () => {
    const read = Buffer.from("data: 1\n\ndata: 2\n\ndata: 3");
    const boundaries = new EventBoundaries();
    const first = boundaries.push(read);
    expect(first.data).toEqual(["1", "2"]);
    expect(first.spans.every((s) => s?.buffer === read.buffer)).toBe(true);
    expect(first.spans[1]!.byteOffset).toBe(first.spans[0]!.byteOffset + first.spans[0]!.byteLength);
    const second = boundaries.push(Buffer.from("3\n\n"));
    expect(second.data).toEqual(["33"]);
    expect(Buffer.from(second.spans[0]!).toString()).toBe("data: 33\n\n");
  });

  it("does not pass on bytes that are not UTF-8: the event's text, with U+FFFD, is what is relayed", () => {
    const bad = Buffer.concat([Buffer.from('data: {"t":"a'), Buffer.from([0xff, 0xc3]), Buffer.from('"}\n\n')]);
    const { data, spans } = events([bad]);
    expect(data).toEqual(['{"t":"a\uFFFD\uFFFD"}']);
    expect(spans).toEqual([undefined]);
  });

  it("drops a leading byte-order mark, also one cut between reads, as TextDecoder does", () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const body = Buffer.concat([bom, Buffer.from("data: a\n\n")]);
    expect(events([body]).data).toEqual(["a"]);
    expect(events([body.subarray(0, 1), body.subarray(1, 2), body.subarray(2)])).toEqual({
      data: ["a"],
      spans: ["data: a\n\n"],
    });
    // Only at the start: a later one is the event's own text.
    expect(events([Buffer.concat([Buffer.from("data: a\n\n"), bom, Buffer.from("data: b\n\n")])]).data).toEqual(["a"]);
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

  /** A push-mode listener that keeps what it is told, and asks for a pause when `full()` says so. */
  function recorder(full: () => boolean = () => false) {
    const log: Array<number[] | "end" | Error> = [];
    const listener: BatchListener<number> = {
      batch: (items) => (log.push(items), !full()),
      end: () => void log.push("end"),
      fail: (err) => void log.push(err as Error),
    };
    return { log, listener };
  }

  it("pushes each batch as it comes once listened to, what came before first, and ends once", async () => {
    const body = pushBody();
    const relay = numbers(body);
    body.push(Buffer.from(`${event(0)}${event(1)}`));
    // The first batch read the way the gateway reads it, with the headers; what came with it is kept.
    expect(await relay.next()).toEqual({ value: [0, 1], done: false });
    body.push(Buffer.from(event(2)));
    await tick();
    const { log, listener } = recorder();
    relay.listen(listener);
    expect(log).toEqual([[2]]);
    body.push(Buffer.from(`${event(3)}${event(4)}`));
    await tick();
    expect(log).toEqual([[2], [3, 4]]);
    body.push(Buffer.from("data: stop\n\n"));
    body.push(Buffer.from(event(5)));
    body.push(null);
    await tick();
    expect(log).toEqual([[2], [3, 4], "end"]);
    // Stopped early: the rest drained, not destroyed (the connection goes back to the pool).
    expect(body.readableEnded).toBe(true);
    expect(body.errored).toBeNull();
  });

  it("takes the pieces of one read together once listened to: one batch for them all, before an end or a cut that came with them", async () => {
    // One read of a chunked body is handed over a piece per HTTP chunk; an event may span two pieces.
    const body = pushBody();
    const { log, listener } = recorder();
    numbers(body).listen(listener);
    body.push(Buffer.from(event(0)));
    body.push(Buffer.from(event(1)));
    body.push(Buffer.from("data: 2"));
    body.push(Buffer.from("2\n\n"));
    body.push(Buffer.from(event(3)));
    await tick();
    expect(log).toEqual([[0, 1, 22, 3]]);
    // The next read is a batch of its own, and an end that came in the same turn comes after it.
    body.push(Buffer.from(event(4)));
    body.push(Buffer.from(event(5)));
    body.push(Buffer.from("data: stop\n\n"));
    body.push(null);
    await tick();
    expect(log).toEqual([[0, 1, 22, 3], [4, 5], "end"]);

    const cut = pushBody();
    const b = recorder();
    numbers(cut).listen(b.listener);
    cut.push(Buffer.from(event(1)));
    cut.push(Buffer.from(event(2)));
    cut.destroy(new Error("ECONNRESET"));
    await tick();
    expect(b.log).toEqual([[1, 2], new UpstreamError("Upstream stream was cut off", 502, false, "network")]);
  });

  it("pauses the body while the listener asks it to, and flows again at resume()", async () => {
    const body = pushBody();
    const relay = numbers(body);
    let full = true;
    const { log, listener } = recorder(() => full);
    relay.listen(listener);
    body.push(Buffer.from(event(1)));
    await tick();
    expect(log).toEqual([[1]]);
    expect(body.isPaused()).toBe(true);
    for (let i = 2; i < 20; i++) body.push(Buffer.from(event(i)));
    await tick();
    // Nothing more read while paused: it waits in the body.
    expect(log).toEqual([[1]]);
    expect(body.readableLength).toBe(Array.from({ length: 18 }, (_, i) => event(i + 2)).join("").length);
    full = false;
    relay.resume();
    await tick();
    expect(log.flat()).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    expect(body.isPaused()).toBe(false);
  });

  it("tells the listener of a failed event after what came before it, and of a body cut under it", async () => {
    const bad = pushBody();
    const a = recorder();
    numbers(bad).listen(a.listener);
    bad.push(Buffer.from(`${event(1)}data: bad\n\n${event(2)}`));
    await tick();
    expect(a.log).toEqual([[1], new Error("bad event")]);

    const cut = pushBody();
    const b = recorder();
    numbers(cut).listen(b.listener);
    cut.push(Buffer.from(event(1)));
    await tick();
    cut.destroy(new Error("ECONNRESET"));
    await tick();
    expect(b.log).toEqual([[1], new UpstreamError("Upstream stream was cut off", 502, false, "network")]);
    expect(b.log.length).toBe(2);

    const aborted = pushBody();
    const c = recorder();
    numbers(aborted).listen(c.listener);
    const stalled = new UpstreamError("Upstream stalled between chunks", 504, false, "timeout");
    aborted.destroy(stalled);
    await tick();
    expect(c.log).toEqual([stalled]);
    expect(c.log[0]).toBe(stalled);
  });

  it("listenTo reads any other iterator batch by batch, waiting while the listener asked for a pause", async () => {
    let asked = 0;
    async function* batches() {
      for (let i = 0; i < 4; i++) {
        asked++;
        yield [i];
      }
      throw new Error("gone");
    }
    let full = true;
    const { log, listener } = recorder(() => full);
    const upstream = listenTo(batches(), listener);
    await tick();
    expect(log).toEqual([[0]]);
    await tick();
    expect(asked).toBe(1);
    full = false;
    upstream.resume();
    await tick();
    expect(log).toEqual([[0], [1], [2], [3], new Error("gone")]);

    const done = recorder();
    listenTo((async function* () {})(), done.listener);
    await tick();
    expect(done.log).toEqual(["end"]);
  });
});
