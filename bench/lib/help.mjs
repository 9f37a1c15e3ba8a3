// A bench script's --help: the comment block it opens with, without the comment markers.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** @param {string} scriptUrl the script's import.meta.url */
export function headerHelp(scriptUrl) {
  const source = readFileSync(fileURLToPath(scriptUrl), "utf8").split("\n");
  return source
    .slice(
      0,
      source.findIndex((l) => !l.startsWith("//")),
    )
    .map((l) => l.slice(3))
    .join("\n");
}
