import "server-only";
import { isAscii } from "node:buffer";
import type { z } from "zod";
import { directRequestBody } from "@/lib/direct-path.mjs";
import { AppError } from "@/lib/errors";

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const tooLarge = (maxBytes: number) =>
  new AppError("payload_too_large", `Request body is larger than ${maxBytes} bytes`);

/** Reads the body as text, refusing it before parsing when it is larger than `maxBytes`. */
export async function readBodyText(req: Request, maxBytes = DEFAULT_BODY_LIMIT): Promise<string> {
  return utf8Text(await readBodyBytes(req, maxBytes));
}

/**
 * UTF-8 bytes as text. ASCII (checked at memory speed) is its own text byte for byte, and V8 builds
 * that string without decoding: for a 1 MB body, decoding plus JSON.parse took ~0.4 ms less.
 */
export function utf8Text(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}

async function readBodyBytes(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  // Read whole from the socket by scripts/serve.mjs's direct path.
  const whole = directRequestBody(req);
  if (whole) {
    if (whole.byteLength > maxBytes) throw tooLarge(maxBytes);
    return Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength);
  }
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Deeper JSON than this is refused before parsing: no request needs it, and recursive code downstream could overflow on it. */
export const MAX_JSON_DEPTH = 64;

/**
 * JSON routes take `application/json` (or a `+json` type) only. A form or `text/plain` body is what
 * a cross-site HTML form or a no-preflight fetch can send, so refusing it (415) is half the CSRF defence.
 */
function requireJsonContentType(req: Request): void {
  const type = req.headers.get("content-type")?.split(";")[0].trim().toLowerCase() ?? "";
  if (type === "application/json" || /^application\/[\w.-]+\+json$/.test(type)) return;
  throw new AppError("unsupported_media_type", `Content-Type must be application/json${type ? `, not ${type}` : ""}`);
}

export async function readJson(req: Request, maxBytes = DEFAULT_BODY_LIMIT): Promise<unknown> {
  requireJsonContentType(req);
  const bytes = await readBodyBytes(req, maxBytes);
  const text = utf8Text(bytes);
  if (text.trim() === "") throw new AppError("bad_request", "Request body is empty; expected JSON");
  return parseJsonText(text, bytes);
}

/**
 * JSON.parse, with a 400 for bad JSON and for nesting deeper than MAX_JSON_DEPTH. `bytes`, when
 * given, are the UTF-8 the text was decoded from.
 */
export function parseJsonText(text: string, bytes?: Uint8Array): unknown {
  if (jsonDepth(text) > MAX_JSON_DEPTH)
    throw new AppError("bad_request", `Request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "Request body is not valid JSON");
  }
  if (text.length >= SOURCE_KEPT_FROM) keepSourceTexts(text, parsed, bytes);
  if (bytes && parsed && typeof parsed === "object" && !text.includes("\\u")) storableText.add(parsed);
  return parsed;
}

/**
 * Parsed bodies that cannot hold text PostgreSQL refuses (refuseUnstorableText): decoded from UTF-8,
 * which never yields a lone surrogate, with no \u escape in their text — the only way JSON can write
 * a NUL or a lone surrogate (a raw control character in a string is not valid JSON). Walking every
 * string of a 1 MB prompt for them took ~0.4 ms.
 */
const storableText = new WeakSet<object>();

// A large body's big parts — a chat's messages, say — are sent upstream as they came: their JSON text
// is kept beside the parsed value (sourceTexts), so the body sent on is not serialised again.
// Serialising a 1 MB prompt took ~1.7 ms on the request's way; slicing its text out is a copy. When
// the body is plain ASCII (its characters are its bytes), the bytes are kept too, and the body sent on
// is made of them: turning a 1 MB string back into UTF-8 took another ~0.5 ms.

/** Bodies from this size on keep the text of their large top-level values… */
const SOURCE_KEPT_FROM = 64 * 1024;
/** …those of at least this many characters. */
const SOURCE_VALUE_MIN = 16 * 1024;
const sourceTexts = new WeakMap<object, string>();
const sourceBytes = new WeakMap<object, Buffer>();

/**
 * Keeps the JSON text of each large object or array at the top level of `parsed` (parsed from
 * `text`). Not when any top-level key is written with an escape or appears twice: what JSON.parse
 * made of those is not plainly the text's.
 */
function keepSourceTexts(text: string, parsed: unknown, bytes?: Uint8Array): void {
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return;
  const spans = topLevelSpans(text);
  if (!spans) return;
  const ascii = bytes !== undefined && bytes.byteLength === text.length && isAscii(bytes);
  for (const [key, [start, end]] of spans) {
    const value = (parsed as Record<string, unknown>)[key];
    if (end - start < SOURCE_VALUE_MIN || !value || typeof value !== "object") continue;
    sourceTexts.set(value, text.slice(start, end));
    if (ascii) sourceBytes.set(value, Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start));
  }
}

/**
 * Where each top-level value of the JSON object `text` (already parsed, so well-formed) begins and
 * ends, by key; null when a key has an escape or repeats. Strings are skipped with indexOf, as in
 * jsonDepth.
 */
export function topLevelSpans(text: string): Map<string, [number, number]> | null {
  const values = topLevelValues(text);
  if (!values) return null;
  const spans = new Map<string, [number, number]>();
  for (const [key, start, end] of values) {
    if (key === null || spans.has(key)) return null;
    spans.set(key, [start, end]);
  }
  return spans;
}

/**
 * Each top-level value of the JSON object or array `text` (already parsed, so well-formed): its key
 * (null in an array) and where its text begins and ends. Null when an object's key has an escape:
 * what JSON.parse made of it is not plainly the text's.
 */
function topLevelValues(text: string): Array<[string | null, number, number]> | null {
  const values: Array<[string | null, number, number]> = [];
  let inObject = false;
  let depth = 0;
  let key: string | null = null;
  let start = -1;
  const close = (end: number) => {
    if (start === -1) return;
    let last = end;
    while (last > start && text.charCodeAt(last - 1) <= 0x20) last--;
    values.push([key, start, last]);
    key = null;
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A value begins at its first character; in an object, only once its key has been read.
    if (
      depth === 1 &&
      start === -1 &&
      c > 0x20 &&
      c !== 0x2c &&
      c !== 0x5d &&
      c !== 0x7d &&
      (!inObject || key !== null)
    )
      start = i;
    if (c === 0x22) {
      const end = closingQuote(text, i);
      if (end === -1) return null;
      if (depth === 1 && inObject && key === null) {
        const name = text.slice(i + 1, end);
        if (name.includes("\\")) return null;
        key = name;
        i = text.indexOf(":", end + 1);
        if (i === -1) return null;
        continue;
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) inObject = c === 0x7b;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 1) close(i);
      depth--;
    } else if (c === 0x2c && depth === 1) close(i);
  }
  return values;
}

/**
 * The source text of member `key` of each element of the array `value`, when the array's text was
 * kept (keepSourceTexts): undefined for an element that is not an object or has no such member. The
 * whole answer is undefined when the text was not kept, or when an element's keys are escaped or
 * repeated, or when the text does not split into as many elements as the array has.
 */
export function keptMemberTexts(value: unknown, key: string): Array<string | undefined> | undefined {
  const text = keptSourceText(value);
  if (text === undefined || !Array.isArray(value)) return undefined;
  const elements = topLevelValues(text);
  if (elements?.length !== value.length) return undefined;
  const members: Array<string | undefined> = [];
  for (const [, start, end] of elements) {
    if (text.charCodeAt(start) !== 0x7b) {
      members.push(undefined);
      continue;
    }
    const element = text.slice(start, end);
    const spans = topLevelSpans(element);
    if (!spans) return undefined;
    const span = spans.get(key);
    members.push(span && element.slice(span[0], span[1]));
  }
  return members;
}

/** The JSON text `value` was parsed from, when keepSourceTexts kept it. */
export function keptSourceText(value: unknown): string | undefined {
  return value && typeof value === "object" ? sourceTexts.get(value) : undefined;
}

/**
 * JSON.stringify(body), but a top-level value whose source text was kept (keepSourceTexts) goes in
 * as that text, after the other members — or, when every such value's bytes were kept too, the body
 * as UTF-8 in parts: short pieces around the client's own bytes, which are not copied. Only for values
 * nobody changed in place since parsing: the gateway builds new objects when it translates or changes
 * a body, never edits the client's.
 */
export function stringifyKeepingSource(body: Record<string, unknown>): string | Buffer[] {
  const kept: Array<{ member: string; text: string; bytes?: Buffer }> = [];
  let rest: Record<string, unknown> | null = null;
  for (const key in body) {
    const value = body[key];
    const text = keptSourceText(value);
    if (text === undefined) continue;
    rest ??= { ...body };
    delete rest[key];
    kept.push({ member: `${kept.length ? "," : ""}${JSON.stringify(key)}:`, text, bytes: sourceBytes.get(value!) });
  }
  if (!rest) return JSON.stringify(body);
  const head = JSON.stringify(rest);
  const open = head === "{}" ? "{" : `${head.slice(0, -1)},`;
  if (kept.every((k) => k.bytes))
    return [Buffer.from(open), ...kept.flatMap((k) => [Buffer.from(k.member), k.bytes!]), Buffer.from("}")];
  return `${open}${kept.map((k) => k.member + k.text).join("")}}`;
}

/**
 * The deepest nesting of objects and arrays in JSON text (brackets inside strings do not count); one
 * pass, no recursion. A string is skipped with indexOf to its closing quote — one not escaped, i.e.
 * after an even run of backslashes — so a 1 MB prompt costs a fraction of a millisecond, not a
 * JavaScript step per character.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = closingQuote(text, i);
      if (i === -1) break;
    } else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Where the string opened at `open` ends, or -1 when it does not. */
function closingQuote(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return -1;
}

/** Turns the first zod issue into a 400 that names the field. */
export function validationError(error: z.ZodError): AppError {
  const { path, message } = specificIssue(error.issues[0], []);
  const field = path.join(".") || "body";
  return new AppError("validation_error", `${field}: ${message}`, { param: field });
}

type Issue = { code: string; path: PropertyKey[]; message: string; errors?: Issue[][] };

/**
 * A union's own message ("must be a string or an array of items") says less than the issue inside
 * the one alternative whose kind the input has (an array whose third item lacks a field): that one
 * is reported, with its full path.
 */
function specificIssue(issue: Issue, base: PropertyKey[]): { path: PropertyKey[]; message: string } {
  const path = [...base, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors?.length) {
    const matching = issue.errors.filter(
      (branch) => branch.length > 0 && !branch.some((i) => i.code === "invalid_type" && i.path.length === 0),
    );
    if (matching.length === 1) return specificIssue(matching[0][0], path);
  }
  return { path, message: issue.message };
}

/**
 * Text PostgreSQL cannot store: NUL characters (in any text column) and lone UTF-16 surrogates
 * (`"\ud800"` in JSON; jsonb refuses the escape, and a write deep in billing or history would fail
 * as a 500). Refused here, with the field's path, before anything is written. Iterative, so a
 * 10,000-deep value cannot overflow the stack.
 */
type PathNode = { key: string; parent: PathNode | null } | null;

function pathText(node: PathNode): string {
  const keys: string[] = [];
  for (let n = node; n; n = n.parent) keys.unshift(n.key);
  return keys.join(".") || "body";
}

export function refuseUnstorableText(input: unknown): void {
  if (input && typeof input === "object" && storableText.has(input)) return;
  const pending: Array<[unknown, PathNode]> = [[input, null]];
  while (pending.length) {
    const [value, path] = pending.pop()!;
    if (typeof value === "string") {
      if (value.includes("\0"))
        throw new AppError("validation_error", `${pathText(path)}: must not contain NUL characters`, {
          param: pathText(path),
        });
      if (!value.isWellFormed())
        throw new AppError(
          "validation_error",
          `${pathText(path)}: must not contain a lone UTF-16 surrogate (invalid Unicode)`,
          { param: pathText(path) },
        );
    } else if (value && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) pending.push([key, path], [child, { key, parent: path }]);
    }
  }
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  refuseUnstorableText(input);
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

export async function parseBody<S extends z.ZodType>(req: Request, schema: S, maxBytes?: number): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(req, maxBytes));
}

export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const params = new URL(req.url).searchParams;
  const obj: Record<string, string> = {};
  for (const [k, v] of params) obj[k] = v;
  return parseWith(schema, obj);
}

/** For POSTs whose fields are all optional: an empty body counts as `{}`. */
export async function parseOptionalBody<S extends z.ZodType>(
  req: Request,
  schema: S,
  maxBytes?: number,
): Promise<z.infer<S>> {
  const text = await readBodyText(req, maxBytes);
  if (text.trim() === "") return parseWith(schema, {});
  requireJsonContentType(req);
  return parseWith(schema, parseJsonText(text));
}
