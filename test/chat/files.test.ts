import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as fileRoute from "@/app/api/chat/files/[id]/route";
import { setSetting } from "@/lib/settings";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";
import { chatUser, db, postChat, readEvents, settled } from "./helpers";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
beforeEach(() => up.reset());
afterAll(() => up.close());

/** A one-page PDF whose page shows `text` (offsets computed, so any reader accepts it). */
function pdfWith(text: string, pages = 1): Buffer {
  const kids = Array.from({ length: pages }, (_, i) => `${4 + i * 2} 0 R`).join(" ");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  for (let i = 0; i < pages; i++) {
    const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`,
    );
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  }
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

function dataUrl(type: string, data: Buffer): string {
  return `data:${type};base64,${data.toString("base64")}`;
}

function withFiles(text: string, files: Array<{ name: string; type: string; data: Buffer }>) {
  return {
    id: `m${Math.random().toString(36).slice(2, 12)}`,
    role: "user" as const,
    parts: [
      ...files.map((f) => ({
        type: "file" as const,
        mediaType: f.type,
        filename: f.name,
        url: dataUrl(f.type, f.data),
      })),
      { type: "text" as const, text },
    ],
  };
}

function promptOf(request: { body: { messages: Array<{ content: unknown }> } }): string {
  return JSON.stringify(request.body.messages);
}

describe("files as context", () => {
  it("a PDF and a CSV reach the model as text, are billed as input, stored with the message and downloadable by their owner only", async () => {
    const a = await chatUser({ balance: 1_000_000n });
    const b = await chatUser();
    const pdf = pdfWith("The secret word is lighthouse");
    const csv = Buffer.from("name,age\nada,36\n");
    const res = await postChat(a.cookie, {
      model: "compat-fake",
      message: withFiles("What is the secret word?", [
        { name: "notes.pdf", type: "application/pdf", data: pdf },
        { name: "people.csv", type: "text/csv", data: csv },
      ]),
    });
    expect(res.status).toBe(200);
    const sessionId = res.headers.get("x-chat-session-id")!;
    await readEvents(res);
    const prompt = promptOf(up.requests.at(-1)!);
    expect(prompt).toContain("The secret word is lighthouse");
    expect(prompt).toContain("ada,36");
    expect(prompt).not.toContain("base64");

    const d = await db();
    const request = await settled(async () => d.request.findFirst({ where: { sessionId, status: "OK" } }));
    expect(request.promptTokens).toBeGreaterThan(10);
    const files = await d.chatFile.findMany({ where: { userId: a.user.id }, orderBy: { name: "asc" } });
    expect(files.map((f) => f.name)).toEqual(["notes.pdf", "people.csv"]);
    const stored = await d.message.findFirstOrThrow({ where: { sessionId, role: "user" } });
    expect(JSON.stringify(stored.parts)).toContain(`/api/chat/files/${files[0].id}`);
    expect(JSON.stringify(stored.parts)).not.toContain("base64");

    const download = await call(fileRoute.GET, { cookie: a.cookie, params: { id: files[0].id } });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="notes.pdf"/);
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
    expect((await call(fileRoute.GET, { cookie: b.cookie, params: { id: files[0].id } })).status).toBe(404);
    expect((await call(fileRoute.GET, { params: { id: files[0].id } })).status).toBe(401);

    // The next turn still shows the model the file's text.
    await readEvents(
      await postChat(a.cookie, { sessionId, model: "compat-fake", message: withFiles("And again?", []) }),
    );
    expect(promptOf(up.requests.at(-1)!)).toContain("The secret word is lighthouse");
  });

  it("a corrupt or oversized file, too many pages or files get a clear 400 and nothing is stored", async () => {
    const { cookie, user } = await chatUser();
    const count = async () => (await db()).message.count({ where: { session: { userId: user.id } } });
    const refused = async (files: Array<{ name: string; type: string; data: Buffer }>) => {
      const res = await postChat(cookie, { model: "compat-fake", message: withFiles("read this", files) });
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { message: string } }).error.message;
    };
    expect(
      await refused([{ name: "broken.pdf", type: "application/pdf", data: Buffer.from("%PDF-1.4 garbage") }]),
    ).toMatch(/'broken.pdf' is not a readable PDF/);
    expect(
      await refused([
        {
          name: "fake.docx",
          type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          data: Buffer.from("not a zip"),
        },
      ]),
    ).toMatch(/'fake.docx' is not a readable Word document/);
    expect(
      await refused([{ name: "binary.txt", type: "text/plain", data: Buffer.from([0xff, 0xfe, 0x00, 0x01]) }]),
    ).toMatch(/'binary.txt' is not UTF-8 text/);
    await setSetting("chatFiles", { maxBytes: 4096, maxFiles: 2, maxPdfPages: 2 });
    try {
      expect(await refused([{ name: "big.txt", type: "text/plain", data: Buffer.alloc(8192, "a") }])).toMatch(
        /'big.txt' is larger than/,
      );
      expect(await refused([{ name: "long.pdf", type: "application/pdf", data: pdfWith("page", 3) }])).toMatch(
        /'long.pdf' has 3 pages; at most 2/,
      );
      const three = [1, 2, 3].map((i) => ({ name: `f${i}.txt`, type: "text/plain", data: Buffer.from("hi") }));
      expect(await refused(three)).toMatch(/at most 2 files per message/);
    } finally {
      await setSetting("chatFiles", { maxBytes: 5 * 1024 * 1024, maxFiles: 5, maxPdfPages: 100 });
    }
    expect(await refused([{ name: "x.exe", type: "application/x-msdownload", data: Buffer.from("MZ") }])).toMatch(
      /only images .* can be attached/,
    );
    expect(await count()).toBe(0);
    expect(await (await db()).chatFile.count({ where: { userId: user.id } })).toBe(0);
    expect(up.requests).toHaveLength(0);
  });
});
