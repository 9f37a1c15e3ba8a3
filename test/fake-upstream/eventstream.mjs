// AWS event stream binary framing (application/vnd.amazon.eventstream):
//   [total len u32][headers len u32][prelude crc u32][headers][payload][message crc u32]
// CRCs are CRC32 (IEEE); the message CRC covers everything before it.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Encode one message; headers are all string headers (type 7). */
export function encodeEventStreamMessage(headers, payload) {
  const body =
    Buffer.isBuffer(payload) || payload instanceof Uint8Array
      ? Buffer.from(payload)
      : Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload));
  const parts = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name);
    const v = Buffer.from(String(value));
    const h = Buffer.alloc(1 + n.length + 1 + 2);
    h.writeUInt8(n.length, 0);
    n.copy(h, 1);
    h.writeUInt8(7, 1 + n.length);
    h.writeUInt16BE(v.length, 2 + n.length);
    parts.push(h, v);
  }
  const hdr = Buffer.concat(parts);
  const total = 12 + hdr.length + body.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(hdr.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  hdr.copy(out, 12);
  body.copy(out, 12 + hdr.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return out;
}

/**
 * Decode a complete buffer of messages. Throws on CRC mismatch or a truncated
 * frame. Returns [{ headers, payload (Buffer), json (parsed payload or undefined) }].
 */
export function decodeEventStream(input) {
  const buf = Buffer.from(input.buffer ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : input);
  const messages = [];
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 16) throw new Error(`truncated event-stream prelude at ${off}`);
    const total = buf.readUInt32BE(off);
    const hdrLen = buf.readUInt32BE(off + 4);
    if (buf.readUInt32BE(off + 8) !== crc32(buf.subarray(off, off + 8))) {
      throw new Error(`prelude CRC mismatch at ${off}`);
    }
    if (total < 16 || off + total > buf.length) throw new Error(`truncated event-stream message at ${off}`);
    const msg = buf.subarray(off, off + total);
    if (msg.readUInt32BE(total - 4) !== crc32(msg.subarray(0, total - 4))) {
      throw new Error(`message CRC mismatch at ${off}`);
    }
    const headers = decodeHeaders(msg.subarray(12, 12 + hdrLen));
    const payload = Buffer.from(msg.subarray(12 + hdrLen, total - 4));
    let json;
    try {
      json = payload.length ? JSON.parse(payload.toString("utf8")) : undefined;
    } catch {
      json = undefined;
    }
    messages.push({ headers, payload, json });
    off += total;
  }
  return messages;
}

function decodeHeaders(b) {
  const headers = {};
  let i = 0;
  while (i < b.length) {
    const nameLen = b.readUInt8(i);
    const name = b.subarray(i + 1, i + 1 + nameLen).toString("utf8");
    i += 1 + nameLen;
    const type = b.readUInt8(i++);
    let value;
    switch (type) {
      case 0:
        value = true;
        break;
      case 1:
        value = false;
        break;
      case 2:
        value = b.readInt8(i);
        i += 1;
        break;
      case 3:
        value = b.readInt16BE(i);
        i += 2;
        break;
      case 4:
        value = b.readInt32BE(i);
        i += 4;
        break;
      case 5:
        value = b.readBigInt64BE(i);
        i += 8;
        break;
      case 8:
        value = new Date(Number(b.readBigInt64BE(i)));
        i += 8;
        break;
      case 9:
        value = Buffer.from(b.subarray(i, i + 16));
        i += 16;
        break;
      case 6:
      case 7: {
        const len = b.readUInt16BE(i);
        const raw = b.subarray(i + 2, i + 2 + len);
        value = type === 7 ? raw.toString("utf8") : Buffer.from(raw);
        i += 2 + len;
        break;
      }
      default:
        throw new Error(`unknown event-stream header type ${type}`);
    }
    headers[name] = value;
  }
  return headers;
}
