// Large inputs (issue 26, item 6): a 1 MB prompt goes through and is billed from the upstream's
// usage; the passes over the prompt scale linearly and give the same results as before they were
// made cheaper; a body just over the gateway's limit is refused with a 413 that names the limit.
// How fast any of this is lives in bench/large-inputs.mjs, not here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  jsonDepth,
  keptMemberTexts,
  parseJsonText,
  refuseUnstorableText,
  stringifyKeepingSource,
  topLevelSpans,
} from "@/lib/api/body";
import { estimateTokens, promptTokenUpperBound, tokensOfLength } from "@/lib/billing/estimate";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb, LARGE_PARAMETER, largeValuesLast } from "@/lib/db/client";
import { LARGE_COLUMNS } from "@/lib/db/large-columns";
import {
  conversationHash,
  escapedContents,
  HASHED_OFF_THREAD_FROM,
  messageText,
  promptLength,
  sessionKeys,
  titleOf,
} from "@/lib/gateway/conversation";
import { GATEWAY_BODY_LIMIT } from "@/lib/gateway/pipeline";
import { promptForHistory } from "@/lib/gateway/prompt-record";
import { migrateDatabase } from "@/lib/startup";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { gatewayFetch, seedProviders, userWithKey } from "../helpers/gateway";

const MB = 1024 * 1024;
const up = await startFakeUpstream();
let key = "";
let keyId = "";

beforeAll(async () => {
  await startApp();
  await seedProviders(up, { input: "1", output: "2" });
  ({ key, keyId } = await userWithKey());
});
afterAll(() => up.close());

/** Prose-like text of exactly `chars` characters, with runs of spaces and newlines. */
function prose(chars: number): string {
  const line = "The quick  brown fox jumps over the lazy dog,\n\twhile the gateway counts every token.   ";
  return line.repeat(Math.ceil(chars / line.length)).slice(0, chars);
}

const chat = (body: string) =>
  gatewayFetch("http://tollgate.test/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body,
  });

describe("a 1 MB prompt", () => {
  it("is accepted, billed from the upstream's usage, and kept whole in the request's history", async () => {
    const content = prose(MB);
    const res = await chat(JSON.stringify({ model: "compat-fake", messages: [{ role: "user", content }] }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    // The fake upstream reports one token per 4 characters of message text.
    expect(body.usage.prompt_tokens).toBe(MB / 4);
    expect(up.requests.at(-1)!.body).toEqual({
      model: "fake-model",
      messages: [{ role: "user", content }],
      stream: false,
    });

    await flushRecords();
    const db = await getDb();
    const record = await db.request.findFirstOrThrow({ where: { apiKeyId: keyId }, orderBy: { createdAt: "desc" } });
    expect(record.status).toBe("OK");
    expect(record.usageEstimated).toBe(false);
    expect(record.promptTokens).toBe(MB / 4);
    expect(record.completionTokens).toBe(body.usage.completion_tokens);
    // 1 (input) and 2 (output) per million tokens, in micro-units.
    expect(record.cost).toBe(BigInt(Math.ceil(MB / 4 + 2 * body.usage.completion_tokens)));
    expect(record.prompt).toEqual([{ role: "user", content }]);
    // The reservation's worst case held the whole prompt: characters bound tokens from above.
    expect(record.reserved).toBeGreaterThanOrEqual(BigInt(MB));
  });

  it("is stored without pglz: lz4 on PostgreSQL, uncompressed on the embedded database", async () => {
    // pglz cost 7–25 ms of CPU per 1 MB prompt; on PGlite that is the server's own event loop.
    const db = await getDb();
    const columns = await db.$queryRaw<Array<{ table: string; column: string; compression: string; storage: string }>>`
      SELECT c.relname::text AS "table", a.attname::text AS "column", a.attcompression::text AS "compression", a.attstorage::text AS "storage"
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE a.attrelid IN ('"Request"'::regclass, '"StoredResponse"'::regclass)
        AND a.attname IN ('prompt', 'reply', 'messages', 'inputItems', 'response')
      ORDER BY 1, 2`;
    expect(columns.map((c) => `${c.table}.${c.column}`)).toEqual(
      Object.entries(LARGE_COLUMNS)
        .flatMap(([table, names]) => names.map((name) => `${table}.${name}`))
        .sort(),
    );
    const embedded = !process.env.DATABASE_URL;
    const wanted = embedded ? { storage: "e" } : { compression: "l", storage: "x" };
    for (const c of columns) expect(c).toMatchObject(wanted);
    // Each start checks again (after the migrations): a column set back to pglz is changed once more.
    if (embedded) await db.$executeRaw`ALTER TABLE "Request" ALTER COLUMN "reply" SET STORAGE EXTENDED`;
    else await db.$executeRaw`ALTER TABLE "Request" ALTER COLUMN "reply" SET COMPRESSION pglz`;
    expect(await migrateDatabase()).toEqual([]);
    const [reply] = await db.$queryRaw<Array<{ compression: string; storage: string }>>`
      SELECT attcompression::text AS "compression", attstorage::text AS "storage" FROM pg_attribute
      WHERE attrelid = '"Request"'::regclass AND attname = 'reply'`;
    expect(reply).toMatchObject(wanted);
    if (embedded) return;
    // The 1 MB prompt stored above is really compressed, and with lz4.
    const [stored] = await db.$queryRaw<Array<{ method: string | null; bytes: number }>>`
      SELECT pg_column_compression("prompt") AS "method", pg_column_size("prompt")::int AS "bytes"
      FROM "Request" WHERE "apiKeyId" = ${keyId} ORDER BY "createdAt" DESC LIMIT 1`;
    expect(stored.method).toBe("lz4");
    expect(stored.bytes).toBeLessThan(MB / 4);
  });

  it("is kept as JSON text, not parsed into jsonb", async () => {
    // PostgreSQL checks json text and stores it; parsing it into jsonb was most of its CPU per large
    // record. jsonb would give the text back respaced ("role": "user"). The history search parses
    // what it reads (test/admin/history.test.ts searches prompts).
    const content = prose(32 * 1024);
    const res = await chat(
      JSON.stringify({ model: "compat-fake", max_tokens: 5, messages: [{ role: "user", content }] }),
    );
    expect(res.status).toBe(200);
    await flushRecords();
    const db = await getDb();
    const [stored] = await db.$queryRaw<Array<{ type: string; text: string }>>`
      SELECT pg_typeof("prompt")::text AS "type", "prompt"::text AS "text" FROM "Request"
      WHERE "id" = ${res.headers.get("x-request-id")}`;
    expect(stored.type).toBe("json");
    expect(stored.text).toBe(JSON.stringify([{ role: "user", content }]));
  });

  it("is named in its session by its first 80 characters, whitespace collapsed", async () => {
    const content = prose(MB);
    const keys = await sessionKeys([{ role: "user", content }], { role: "assistant", content: "ok" }, null);
    expect(keys.title).toBe(content.replace(/\s+/g, " ").trim().slice(0, 80));
    expect(keys.title).toHaveLength(80);
  });
});

describe("a body just over the gateway's limit", () => {
  it("is refused with 413, naming the limit", async () => {
    const shell = JSON.stringify({ model: "compat-fake", messages: [{ role: "user", content: "" }] });
    const body = shell.replace('"content":""', `"content":"${"x".repeat(GATEWAY_BODY_LIMIT + 1 - shell.length)}"`);
    expect(Buffer.byteLength(body)).toBe(GATEWAY_BODY_LIMIT + 1);
    const before = up.requests.length;
    const res = await chat(body);
    expect(res.status).toBe(413);
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message).toContain(`${GATEWAY_BODY_LIMIT} bytes`);
    expect(up.requests.length).toBe(before);
  });

  it("is accepted at exactly the limit", async () => {
    const shell = JSON.stringify({ model: "compat-fake", max_tokens: 5, messages: [{ role: "user", content: "" }] });
    const body = shell.replace('"content":""', `"content":"${"x".repeat(GATEWAY_BODY_LIMIT - shell.length)}"`);
    expect(Buffer.byteLength(body)).toBe(GATEWAY_BODY_LIMIT);
    expect((await chat(body)).status).toBe(200);
  });
});

describe("token estimation", () => {
  const messages = (chars: number) => [
    { role: "system", content: "You are terse." },
    { role: "user", content: prose(chars) },
  ];

  it("is linear in the prompt: twice the text, twice the tokens above the fixed overhead", () => {
    const overhead = promptTokenUpperBound(messages(0));
    for (const chars of [1024, 100 * 1024, MB, 4 * MB]) {
      const once = promptTokenUpperBound(messages(chars)) - overhead;
      expect(once).toBe(chars);
      expect(promptTokenUpperBound(messages(2 * chars)) - overhead).toBe(2 * once);
      expect(estimateTokens(prose(2 * chars))).toBe(2 * estimateTokens(prose(chars)));
    }
  });

  it("bounds an image by a fixed budget, not by the size of its data", () => {
    const image = (bytes: number) => [
      {
        role: "user",
        content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${"A".repeat(bytes)}` } }],
      },
    ];
    expect(promptTokenUpperBound(image(4 * MB))).toBe(promptTokenUpperBound(image(1024)));
  });
});

describe("the passes made cheaper for large prompts", () => {
  it("jsonDepth skips strings whole, escaped quotes and brackets inside them included", () => {
    const inside = `[{"\\"[[[{{{ \\\\`.repeat(100_000);
    expect(jsonDepth(JSON.stringify({ a: [{ b: inside }], c: [[[]]] }))).toBe(4);
    expect(jsonDepth(`{"a":"x\\\\"}`)).toBe(1);
    expect(jsonDepth(`{"a":"x\\"}]]]`)).toBe(1);
    expect(jsonDepth(`[[["unterminated [[[[`)).toBe(3);
  });

  it("promptLength counts what joining every message's text would, without joining it", () => {
    type Msg = Parameters<typeof promptLength>[0][number];
    const joined = (messages: Msg[]) => messages.map((m) => messageText(m.content)).join("");
    const samples: Msg[][] = [
      [],
      [{ role: "user", content: "" }],
      [{ role: "user", content: prose(MB) }],
      [
        { role: "system", content: "be brief" },
        { role: "assistant", content: null },
        {
          role: "user",
          content: [
            { type: "text", text: "é😀 look" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
            { type: "text", text: 42 },
            { type: "text" },
            null,
          ],
        },
        { role: "tool", content: [{ type: "text", text: "out" }], tool_call_id: "t" },
      ] as Msg[],
    ];
    for (const messages of samples) {
      expect(promptLength(messages)).toBe(joined(messages).length);
      expect(tokensOfLength(promptLength(messages))).toBe(estimateTokens(joined(messages)));
    }
  });

  it("titleOf gives what collapsing the whole text would", () => {
    const samples = [
      "",
      "   ",
      "  a  b  ",
      `${" ".repeat(5000)}x`,
      `${"a ".repeat(40)}b`,
      "word\u00a0\u2028 ".repeat(9000),
    ];
    // 80 characters then only whitespace, past the first prefix read: the title must not end in a space.
    samples.push(`${"a".repeat(79)}${" ".repeat(400)}`, `${"a".repeat(80)}${" ".repeat(400)}b`);
    // Strings of words and whitespace of every length around the prefixes read (320, 1280 characters).
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pieces = ["a", "bc", " ", "  ", "\n", "\t ", "\u00a0"];
    for (let i = 0; i < 2_000; i++) {
      let text = "";
      const length = Math.floor(random() * 1_500);
      while (text.length < length) text += pieces[Math.floor(random() * (i % 2 ? 3 : pieces.length))];
      samples.push(text);
    }
    for (const text of samples) expect(titleOf(text)).toBe(text.replace(/\s+/g, " ").trim().slice(0, 80));
  });

  it("topLevelSpans finds each top-level value's text, whatever its strings hold", () => {
    const values = {
      model: "m",
      messages: [
        { role: "user", content: 'a "quoted" {brace}, [bracket], \\ and ,:' },
        { role: "user", content: "é😀" },
      ],
      n: 2,
      empty: {},
      nested: { a: [1, { b: "}" }], c: null },
      last: true,
    };
    for (const text of [
      JSON.stringify(values),
      JSON.stringify(values, null, 2),
      ` \n${JSON.stringify(values, null, "\t")}\n `,
    ]) {
      const spans = topLevelSpans(text.trim())!;
      expect([...spans.keys()]).toEqual(Object.keys(values));
      for (const [key, [start, end]] of spans)
        expect(JSON.parse(text.trim().slice(start, end))).toEqual(values[key as keyof typeof values]);
    }
    // What JSON.parse made of an escaped or repeated key is not plainly the text's: no spans then.
    expect(topLevelSpans(`{"m\\u0065ssages":[1],"n":1}`)).toBeNull();
    expect(topLevelSpans(`{"messages":[1],"messages":[2]}`)).toBeNull();
  });

  it("a large body goes upstream with its big values' own text, equal to what was parsed", () => {
    const messages = [
      { role: "system", content: "be brief", extra: { kept: [1, 2.5, -0, 1e21] } },
      { role: "user", content: `${prose(70_000)} \u00e9 "q" \\ 😀` },
    ];
    // Written as a client might: spaces, an escape where JSON.stringify would not use one.
    const text = `{ "model" : "x", "messages" : ${JSON.stringify(messages, null, 1).replace("be brief", "be \\u0062rief")} , "stream": false }`;
    const parsed = parseJsonText(text, Buffer.from(text)) as Record<string, unknown>;
    const sent = stringifyKeepingSource({ ...parsed, model: "upstream-id", stream: true });
    expect(typeof sent).toBe("string"); // not ASCII: the text, not the bytes
    expect(JSON.parse(sent as string)).toEqual({ ...parsed, model: "upstream-id", stream: true });
    expect(sent).toContain("be \\u0062rief"); // the client's own text, not serialised again
    // A value the gateway replaced is serialised as usual.
    expect(JSON.parse(stringifyKeepingSource({ ...parsed, messages: [] }) as string)).toEqual({
      ...parsed,
      messages: [],
    });
    // A small body is serialised as usual.
    const small = parseJsonText(JSON.stringify({ model: "x", messages: [{ role: "user", content: "hi" }] })) as object;
    expect(stringifyKeepingSource({ ...small })).toBe(JSON.stringify(small));
  });

  it("a large ASCII body goes upstream as the client's own bytes", () => {
    const text = `{"model":"x","messages":${JSON.stringify([{ role: "user", content: prose(70_000) }], null, 1)},"tools":${JSON.stringify([{ type: "function", function: { name: "f", description: prose(20_000) } }])}}`;
    const bytes = Buffer.from(text);
    const parsed = parseJsonText(text, bytes) as Record<string, unknown>;
    const parts = stringifyKeepingSource({ ...parsed, model: "upstream-id", stream: true });
    expect(Array.isArray(parts)).toBe(true);
    // The client's own bytes, not a copy of them.
    expect((parts as Buffer[]).some((p) => p.buffer === bytes.buffer && p.byteLength > 70_000)).toBe(true);
    const sent = Buffer.concat(parts as Buffer[]);
    expect(JSON.parse(sent.toString())).toEqual({ ...parsed, model: "upstream-id", stream: true });
    // The same text as without the bytes, and the client's own layout in it.
    const withoutBytes = stringifyKeepingSource({
      ...(parseJsonText(text) as object),
      model: "upstream-id",
      stream: true,
    });
    expect(sent.toString()).toBe(withoutBytes);
    expect(sent.toString()).toContain('\n  "role": "user"');
    // Bytes that are not the text's ASCII (a lone é): the text is sent.
    const latin = `{"model":"x","messages":[{"role":"user","content":"${"a".repeat(70_000)}é"}]}`;
    const notAscii = parseJsonText(latin, Buffer.from(latin)) as Record<string, unknown>;
    expect(typeof stringifyKeepingSource({ ...notAscii })).toBe("string");
  });

  it("the history's JSON of a large body is the client's own text, unless it may hold image data", () => {
    const big = prose(70_000);
    const parsedFrom = (messages: unknown[]) =>
      (parseJsonText(JSON.stringify({ model: "x", messages }, null, 1)) as { messages: unknown[] }).messages;
    const plain = parsedFrom([{ role: "user", content: big, extra: { kept: true } }]);
    const text = promptForHistory(structuredClone(plain), plain);
    expect(text).toContain('\n   "role": "user"'); // the client's own layout: not serialised again
    expect(JSON.parse(text)).toEqual(plain);
    // Image data is still replaced by its marker, and an escape that could spell "data:" is not trusted.
    const data = `data:image/png;base64,${"A".repeat(300)}`;
    const withImage = parsedFrom([
      {
        role: "user",
        content: [
          { type: "text", text: big },
          { type: "image_url", image_url: { url: data } },
        ],
      },
    ]);
    expect(JSON.parse(promptForHistory(withImage, withImage))).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: big },
          { type: "image_url", image_url: { url: `[image/png ${data.length} bytes]` } },
        ],
      },
    ]);
    const url = `data:image/png;base64,${"A".repeat(70_000)}`;
    const escaped = (
      parseJsonText(`{"messages":[{"role":"user","content":"\\u0064${url.slice(1)}"}]}`) as { messages: unknown[] }
    ).messages;
    expect(JSON.parse(promptForHistory(escaped, escaped))).toEqual([
      { role: "user", content: `[image/png ${url.length} bytes]` },
    ]);
  });

  it("keptMemberTexts finds each element's member text in a kept array, or gives up", () => {
    const big = prose(70_000);
    const messages = [
      { role: "system", content: 'brace } bracket ] comma , quote " colon :' },
      "not an object",
      { role: "user", content: big, extra: [1, { content: "inner" }] },
      { role: "assistant" },
    ];
    for (const indent of [undefined, 2, "\t"]) {
      const parsed = parseJsonText(JSON.stringify({ model: "x", messages }, null, indent)) as { messages: unknown[] };
      const members = keptMemberTexts(parsed.messages, "content")!;
      expect(members).toHaveLength(messages.length);
      expect(members.map((m) => m && JSON.parse(m))).toEqual([
        'brace } bracket ] comma , quote " colon :',
        undefined,
        big,
        undefined,
      ]);
    }
    // An escaped or repeated key in an element: no answer, not a wrong one.
    for (const element of [`{"c\\u006fntent":"a"}`, `{"content":"a","content":"b"}`]) {
      const parsed = parseJsonText(`{"messages":[${element},{"role":"user","content":${JSON.stringify(big)}}]}`) as {
        messages: unknown[];
      };
      expect(keptMemberTexts(parsed.messages, "content")).toBeUndefined();
    }
    // Nothing kept: a small body, or a value that is not the parsed array.
    const small = parseJsonText(JSON.stringify({ messages: [{ role: "user", content: "hi" }] })) as {
      messages: unknown[];
    };
    expect(keptMemberTexts(small.messages, "content")).toBeUndefined();
    expect(keptMemberTexts(structuredClone(messages), "content")).toBeUndefined();
  });

  it("session keys are the conversation's hashes, on the event loop and on the threadpool alike", async () => {
    const reply = {
      role: "assistant" as const,
      content: "ok",
      tool_calls: [{ function: { name: "f", arguments: "{}" } }],
    };
    const around = HASHED_OFF_THREAD_FROM / 2;
    const cases: Array<Array<{ role: string; content: unknown; tool_call_id?: string }>> = [
      [], // no messages: the prior hash is the empty array's
      [{ role: "user", content: "hi" }],
      [{ role: "user", content: prose(around - 100) }], // just under the threshold, with the reply
      [{ role: "user", content: prose(around) }],
      [{ role: "user", content: prose(2 * around) }], // over it in the last message alone
      [
        { role: "system", content: prose(2 * around) }, // over it in the prior messages alone
        { role: "assistant", content: [{ type: "text", text: "a" }] },
        { role: "tool", content: "r", tool_call_id: "t" },
        { role: "user", content: "next" },
      ],
      [
        { role: "user", content: `${prose(around)} é 😀 \u2028 "q"` }, // multi-byte UTF-8 in both parts
        { role: "user", content: `\u00e9${prose(around)}😀` },
      ],
      [{ role: "user", content: prose(3 * MB) }], // over the scratch buffer by the 3-bytes bound, not exactly
      [{ role: "user", content: prose(9 * MB) }], // over it exactly: hashed on the event loop
    ];
    for (const messages of cases) {
      const keys = await sessionKeys(messages, reply, null);
      expect(keys.priorHash).toBe(conversationHash(messages.slice(0, -1)));
      expect(keys.nextHash).toBe(conversationHash([...messages, reply]));
    }
    // Large conversations hashed at once (their text goes through one scratch buffer): each its own.
    const many = [1, 2, 3].map((n) => [{ role: "user", content: `${n} ${prose(2 * around)}` }]);
    const all = await Promise.all(many.map((messages) => sessionKeys(messages, reply, null)));
    all.forEach((keys, i) => expect(keys.nextHash).toBe(conversationHash([...many[i], reply])));
    // A large message hashed from the client's own text gives the same keys.
    const messages = [
      { role: "user", content: prose(2 * around) },
      { role: "assistant", content: "a" },
      { role: "user", content: `${prose(2 * around)} "quoted"\tand é` },
    ];
    const sent = (parseJsonText(JSON.stringify({ messages })) as { messages: unknown[] }).messages;
    expect(escapedContents(messages, sent)?.filter(Boolean)).toHaveLength(2);
    const keys = await sessionKeys(messages, reply, null, sent);
    expect(keys.priorHash).toBe(conversationHash(messages.slice(0, -1)));
    expect(keys.nextHash).toBe(conversationHash([...messages, reply]));
  });

  it("session keys are the same whether a large message is hashed from the client's text or serialised", async () => {
    const big = prose(70_000);
    const contents = [
      big,
      `${big} "quoted" back\\slash\ttab\bbell\fform\r\n é 😀 / end`,
      `${big} control \u0001 char`, // JSON.stringify writes \u0001: the client's text is not used
      ` ${big}`, // trimmed by the hash's normalisation…
      `\n\t \u00a0${big}\r\n \f\u3000`, // …whitespace written escaped or raw
      `${big}\u000b`, // JSON.stringify writes \u000b: the client's text is not used
      `${big} \u2028 separator`,
    ];
    const reply = { role: "assistant" as const, content: "ok" };
    for (const content of contents)
      for (const text of [
        JSON.stringify({
          model: "x",
          messages: [
            { role: "system", content: "s" },
            { role: "user", content },
          ],
        }),
        // Escapes a client may write where JSON.stringify would not.
        JSON.stringify({ model: "x", messages: [{ role: "user", content }] }).replace("end", "\\u0065nd"),
        JSON.stringify({ model: "x", messages: [{ role: "user", content }] }).replace(" / ", " \\/ "),
        JSON.stringify({ model: "x", messages: [{ role: "user", content, tool_call_id: "t" }] }, null, 1),
      ]) {
        const sent = (parseJsonText(text) as { messages: Array<{ role: string; content: string }> }).messages;
        const messages = structuredClone(sent);
        expect(await sessionKeys(messages, reply, null, sent)).toEqual(await sessionKeys(messages, reply, null));
      }
    // The client's text is really what is hashed when it can be: one plain large message, and one
    // beside a short message and an assistant turn.
    const plain = [
      { role: "system", content: "s" },
      { role: "user", content: contents[1] },
      { role: "assistant", content: "a" },
      { role: "user", content: big },
    ];
    const sent = (parseJsonText(JSON.stringify({ messages: plain }, null, 1)) as { messages: unknown[] }).messages;
    const escaped = (text: string) => JSON.stringify(text.trim()).slice(1, -1);
    expect(escapedContents(plain, sent)).toEqual([undefined, escaped(contents[1]), undefined, escaped(big)]);
    const spaced = [{ role: "user", content: contents[4] }];
    const spacedSent = (parseJsonText(JSON.stringify({ messages: spaced })) as { messages: unknown[] }).messages;
    expect(escapedContents(spaced, spacedSent)).toEqual([escaped(contents[4])]);
    // Messages that do not line up with the client's text (a translated body): not used.
    expect(escapedContents([{ role: "user", content: big }], sent)).toBeUndefined();
    expect(escapedContents([...plain.slice(0, 3), { role: "user", content: `${big}x` }], sent)?.[3]).toBeUndefined();
  });

  it("a body decoded from UTF-8 with no \\u escape is not walked for NUL and lone surrogates; any other is", () => {
    const parse = (text: string) => parseJsonText(text, Buffer.from(text)) as { messages: Array<{ content: string }> };
    // Only an escape can write them in JSON: those bodies are still refused.
    for (const content of ["a\\u0000b", "a\\ud800b", "\\u0061\\u0000"])
      expect(() => refuseUnstorableText(parse(`{"messages":[{"role":"user","content":"${content}"}]}`))).toThrow(
        /messages\.0\.content: must not contain/,
      );
    // A body without one is trusted as the text it was parsed from: a NUL put in afterwards is not looked for…
    const plain = parse(`{"messages":[{"role":"user","content":"${"x".repeat(1000)} é 😀"}]}`);
    plain.messages[0].content = "a\0b";
    expect(() => refuseUnstorableText(plain)).not.toThrow();
    // …while the same value, not parsed from UTF-8 here, is walked.
    expect(() => refuseUnstorableText(structuredClone(plain))).toThrow(/must not contain NUL/);
    const fromText = parseJsonText(`{"messages":[{"role":"user","content":"x"}]}`) as typeof plain;
    fromText.messages[0].content = "a\0b";
    expect(() => refuseUnstorableText(fromText)).toThrow(/must not contain NUL/);
  });

  it("the history's JSON is the prompt's, image data replaced by a marker", () => {
    const data = `data:image/png;base64,${"A".repeat(300)}`;
    const prompt = [{ role: "user", content: [{ type: "image_url", image_url: { url: data } }] }];
    expect(JSON.parse(promptForHistory(prompt))).toEqual([
      { role: "user", content: [{ type: "image_url", image_url: { url: `[image/png ${data.length} bytes]` } }] },
    ]);
  });
});

describe("largeValuesLast (a statement's large text values after its others)", () => {
  const big = "x".repeat(LARGE_PARAMETER);
  const values = (n: number, largeAt: number[]) =>
    Array.from({ length: n }, (_, i) => (largeAt.includes(i) ? `${i}${big}` : i % 2 ? i : `v${i}`));

  it("moves them to the end and renumbers every $n to match, $1 and $10 alike", () => {
    const text = "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) -- $1 again: $1";
    const given = values(11, [0, 9]);
    const { text: moved, values: after, statement } = largeValuesLast(text, given);
    expect(after).toEqual([...given.filter((_, i) => i !== 0 && i !== 9), given[0], given[9]]);
    // Every placeholder still names the value it named before.
    const named = (t: string, v: unknown[]) => [...t.matchAll(/\$(\d+)/g)].map((m) => v[Number(m[1]) - 1]);
    expect(named(moved, after)).toEqual(named(text, given));
    expect(statement).toBeUndefined();
  });

  it("leaves a statement without one, or whose only one is already last, as it is", () => {
    const text = "SELECT $1, $2, $3";
    for (const given of [values(3, []), values(3, [2])]) {
      expect(largeValuesLast(text, given, "named")).toEqual({ text, values: given, statement: "named" });
    }
  });

  it("gives a prepared statement whose text changes a name of its own for that text", () => {
    const a = largeValuesLast("SELECT $1, $2, $3", values(3, [0]), "tollgate_reserve");
    const b = largeValuesLast("SELECT $1, $2, $3", values(3, [1]), "tollgate_reserve");
    expect(a.statement).toBe("tollgate_reserve:0");
    expect(b.statement).toBe("tollgate_reserve:1");
    expect(a.text).toBe("SELECT $3, $1, $2");
    expect(b.text).toBe("SELECT $1, $3, $2");
  });
});
