// One line of the structured (pino) log, parsed for display. Lines that are not JSON are kept as text.

export const LEVELS = [
  { value: 10, name: "trace" },
  { value: 20, name: "debug" },
  { value: 30, name: "info" },
  { value: 40, name: "warn" },
  { value: 50, name: "error" },
  { value: 60, name: "fatal" },
] as const;

export type LogEntry = {
  raw: string;
  level: number | null;
  levelName: string;
  time: string | null;
  msg: string;
  extra: string;
};

const HIDDEN = new Set(["level", "time", "msg", "pid", "hostname", "service", "v"]);

function levelName(level: number | null): string {
  if (level === null) return "—";
  return [...LEVELS].reverse().find((l) => level >= l.value)?.name ?? String(level);
}

export function parseLogLine(raw: string): LogEntry {
  try {
    const obj = JSON.parse(raw) as Record<string, unknown>;
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new Error("not an object");
    const level = typeof obj.level === "number" ? obj.level : null;
    const time = typeof obj.time === "number" || typeof obj.time === "string" ? new Date(obj.time).toISOString() : null;
    const rest = Object.fromEntries(Object.entries(obj).filter(([k]) => !HIDDEN.has(k)));
    return {
      raw,
      level,
      levelName: levelName(level),
      time,
      msg: typeof obj.msg === "string" ? obj.msg : "",
      extra: Object.keys(rest).length ? JSON.stringify(rest) : "",
    };
  } catch {
    return { raw, level: null, levelName: "—", time: null, msg: raw, extra: "" };
  }
}
