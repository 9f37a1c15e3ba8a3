import type { FileUIPart } from "ai";
import { IMAGE_MAX_BYTES, IMAGE_TYPES, IMAGES_PER_MESSAGE } from "@/lib/chat/limits";

/** Reads picked images as data URLs, refusing other types and images over the size limit. */
export async function readImages(files: FileList | File[], already: number): Promise<{ parts: FileUIPart[]; problems: string[] }> {
  const parts: FileUIPart[] = [];
  const problems: string[] = [];
  for (const file of Array.from(files)) {
    if (already + parts.length >= IMAGES_PER_MESSAGE) {
      problems.push(`At most ${IMAGES_PER_MESSAGE} images per message.`);
      break;
    }
    if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) {
      problems.push(`${file.name}: only PNG, JPEG, GIF and WebP images can be attached.`);
      continue;
    }
    if (file.size > IMAGE_MAX_BYTES) {
      problems.push(`${file.name} is larger than ${IMAGE_MAX_BYTES / 1024 / 1024} MB.`);
      continue;
    }
    const url = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
    parts.push({ type: "file", mediaType: file.type, filename: file.name, url });
  }
  return { parts, problems };
}
