import type { z } from "zod";

/** The first problem zod found, as "field: message", for a form's error note. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Check the form";
  return issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
}

/** "" → undefined, otherwise the trimmed text. */
export const optionalText = (s: string) => (s.trim() === "" ? undefined : s.trim());

/** A comma- or newline-separated list, blanks dropped. */
export const splitList = (s: string) =>
  s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);
