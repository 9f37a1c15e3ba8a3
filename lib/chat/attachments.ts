import "server-only";
import { AppError } from "@/lib/errors";
import type { UserMessageInput } from "@/lib/validations/chat";
import { IMAGE_MAX_BYTES, IMAGE_TYPES } from "./limits";

// Images are checked here, whatever the browser already checked: declared type, real content
// (magic bytes) and decoded size.

const SIGNATURES: Record<(typeof IMAGE_TYPES)[number], (b: Buffer) => boolean> = {
  "image/png": (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  "image/jpeg": (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/gif": (b) => b.subarray(0, 4).toString("latin1") === "GIF8",
  "image/webp": (b) =>
    b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
};

function isImageType(type: string): type is (typeof IMAGE_TYPES)[number] {
  return (IMAGE_TYPES as readonly string[]).includes(type);
}

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/;

function invalid(message: string): AppError {
  return new AppError("validation_error", `message.parts: ${message}`, { param: "message.parts" });
}

export function checkImageAttachmentsOrThrow(
  message: UserMessageInput,
  modelAcceptsImages: boolean,
  modelId: string,
): void {
  const files = message.parts.flatMap((p) =>
    p.type === "file" && isImageType(p.mediaType) ? [{ ...p, mediaType: p.mediaType }] : [],
  );
  if (files.length === 0) return;
  if (!modelAcceptsImages)
    throw invalid(
      `the model '${modelId}' does not accept images; pick a model marked "images" or remove the attachment`,
    );
  for (const file of files) {
    const name = file.filename ? `'${file.filename}'` : "an image";
    const match = DATA_URL.exec(file.url);
    if (!match) throw invalid(`${name} is not a base64 data URL`);
    if (match[1] !== file.mediaType) throw invalid(`${name} says it is ${file.mediaType} but its data is ${match[1]}`);
    const approxBytes = Math.floor((match[2].length * 3) / 4);
    if (approxBytes > IMAGE_MAX_BYTES + 3) throw invalid(`${name} is larger than ${IMAGE_MAX_BYTES / 1024 / 1024} MB`);
    const bytes = Buffer.from(match[2], "base64");
    if (bytes.length > IMAGE_MAX_BYTES) throw invalid(`${name} is larger than ${IMAGE_MAX_BYTES / 1024 / 1024} MB`);
    if (!SIGNATURES[file.mediaType](bytes))
      throw invalid(`${name} is not a valid ${file.mediaType.slice(6).toUpperCase()} image`);
  }
}
