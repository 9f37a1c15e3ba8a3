import type { FileUIPart } from "ai";
import { DOCX_TYPE, IMAGE_MAX_BYTES, IMAGE_TYPES, IMAGES_PER_MESSAGE } from "@/lib/chat/limits";

// What the composer attaches: images (for models that take them) and documents the server reads as
// text. The server checks everything again, with the limits from the settings.

/** The defaults of the chatFiles setting; the server's answer names the real limit when it is lower. */
const FILE_MAX_BYTES = 5 * 1024 * 1024;
const FILES_PER_MESSAGE = 5;

const CODE =
  /\.(txt|log|json|jsonl|ya?ml|toml|ini|xml|html?|css|scss|js|jsx|mjs|cjs|ts|tsx|py|rb|go|rs|java|kt|swift|c|h|cc|cpp|hpp|cs|php|sh|bash|zsh|sql|r|lua|pl|scala|dart|vue|svelte|env|conf|cfg|dockerfile|gitignore)$/i;

/** The type a file travels as, by its type or name; null when it cannot be attached. */
export function attachmentType(file: { name: string; type: string }): string | null {
  if ((IMAGE_TYPES as readonly string[]).includes(file.type)) return file.type;
  const name = file.name.toLowerCase();
  if (file.type === "application/pdf" || name.endsWith(".pdf")) return "application/pdf";
  if (file.type === DOCX_TYPE || name.endsWith(".docx")) return DOCX_TYPE;
  if (name.endsWith(".md") || name.endsWith(".markdown") || file.type === "text/markdown") return "text/markdown";
  if (name.endsWith(".csv") || file.type === "text/csv") return "text/csv";
  if (file.type.startsWith("text/") || CODE.test(name) || name === "dockerfile" || name === "makefile")
    return "text/plain";
  return null;
}

export const ATTACH_ACCEPT = [
  ...IMAGE_TYPES,
  "application/pdf",
  ".pdf",
  ".docx",
  ".md",
  ".markdown",
  ".csv",
  ".txt",
  "text/*",
  ".json",
  ".yaml",
  ".yml",
  ".xml",
  ".html",
  ".css",
  ".js",
  ".jsx",
  ".ts",
  ".tsx",
  ".py",
  ".go",
  ".rs",
  ".java",
  ".c",
  ".cpp",
  ".h",
  ".cs",
  ".rb",
  ".php",
  ".sh",
  ".sql",
].join(",");

function readAsDataUrl(file: File, type: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^;,]*(;base64)?,/, `data:${type};base64,`));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** Reads picked files as data URLs, refusing what cannot be attached (with the reason). */
export async function readAttachments(
  files: FileList | File[],
  already: FileUIPart[],
  acceptsImages: boolean,
): Promise<{ parts: FileUIPart[]; problems: string[] }> {
  const parts: FileUIPart[] = [];
  const problems: string[] = [];
  const images = () => [...already, ...parts].filter((p) => p.mediaType.startsWith("image/")).length;
  for (const file of Array.from(files)) {
    if (already.length + parts.length >= FILES_PER_MESSAGE) {
      problems.push(`At most ${FILES_PER_MESSAGE} files per message.`);
      break;
    }
    const type = attachmentType(file);
    if (!type) {
      problems.push(`${file.name}: only images, PDF, Word (DOCX), text, Markdown, CSV and code files can be attached.`);
      continue;
    }
    const image = type.startsWith("image/");
    if (image && !acceptsImages) {
      problems.push(`${file.name}: this model does not accept images; pick a model marked "images".`);
      continue;
    }
    if (image && images() >= IMAGES_PER_MESSAGE) {
      problems.push(`At most ${IMAGES_PER_MESSAGE} images per message.`);
      continue;
    }
    const max = image ? IMAGE_MAX_BYTES : FILE_MAX_BYTES;
    if (file.size > max) {
      problems.push(`${file.name} is larger than ${max / 1024 / 1024} MB.`);
      continue;
    }
    parts.push({ type: "file", mediaType: type, filename: file.name, url: await readAsDataUrl(file, type) });
  }
  return { parts, problems };
}
