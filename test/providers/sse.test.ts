import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { EventBoundaries, readSseData } from "@/lib/providers/http";

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
