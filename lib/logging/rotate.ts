import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import path from "node:path";

// LOG_PATH rotated by size: when the file passes `maxBytes` it becomes `<file>.1`, the older ones
// shift up to `<file>.<keep>` and the one beyond that is overwritten. Lines are written
// synchronously (one write per line), so a rotation falls exactly between two lines and none is
// lost or split. One process per file: give each instance its own LOG_PATH.

export function rotatedPath(file: string, n: number): string {
  return `${file}.${n}`;
}

export function rotatingFileStream(file: string, maxBytes: number, keep: number): { write(chunk: string): void } {
  // The log file is the operator's path, not part of the app: keep bundlers from tracing it.
  mkdirSync(/*turbopackIgnore: true*/ path.dirname(file), { recursive: true });
  let fd = openSync(/*turbopackIgnore: true*/ file, "a");
  let size = fstatSync(fd).size;

  function rotate() {
    closeSync(fd);
    for (let n = keep - 1; n >= 1; n--) {
      const older = rotatedPath(file, n);
      if (existsSync(/*turbopackIgnore: true*/ older))
        renameSync(/*turbopackIgnore: true*/ older, rotatedPath(file, n + 1));
    }
    renameSync(/*turbopackIgnore: true*/ file, rotatedPath(file, 1));
    fd = openSync(/*turbopackIgnore: true*/ file, "a");
    size = 0;
  }

  return {
    write(chunk: string) {
      size += writeSync(fd, chunk);
      if (size < maxBytes) return;
      try {
        rotate();
      } catch (err) {
        // A failed rotation must not take logging down: keep appending to the file and try later.
        size = 0;
        console.error(`Log rotation of ${file} failed: ${err instanceof Error ? err.message : String(err)}`);
        try {
          fd = openSync(/*turbopackIgnore: true*/ file, "a");
        } catch {
          // still failing: the next write throws to pino, which reports it on stderr
        }
      }
    },
  };
}
