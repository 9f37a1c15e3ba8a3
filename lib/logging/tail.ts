import "server-only";
import { open } from "node:fs/promises";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { recentLogLines } from "./logger";
import { rotatedPath } from "./rotate";

// The tail of the structured log: the LOG_PATH file (and the one rotated before it) when one is
// configured, else the lines this process keeps in memory.

const MAX_READ_BYTES = 4 * 1024 * 1024;

export async function tailLogs(count: number): Promise<{ source: "file" | "memory"; lines: string[] }> {
  const path = config().LOG_PATH;
  if (!path) return { source: "memory", lines: recentLogLines(count) };
  const lines = await tailFile(path, count);
  // Just after a rotation the current file is short: the rest comes from the previous one.
  if (lines.length < count) lines.unshift(...(await tailFile(rotatedPath(path, 1), count - lines.length)));
  return { source: "file", lines };
}

async function tailFile(path: string, count: number): Promise<string[]> {
  let file;
  try {
    file = await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new AppError("unavailable", "The log file (LOG_PATH) cannot be read");
  }
  try {
    const { size } = await file.stat();
    const length = Math.min(size, MAX_READ_BYTES);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    const lines = buffer.toString("utf8").split("\n");
    if (length < size) lines.shift(); // the first line was cut by the window
    return lines.filter((l) => l.trim() !== "").slice(-count);
  } finally {
    await file.close();
  }
}
