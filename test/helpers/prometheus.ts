// Reads GET /api/metrics the way Prometheus would: parse the text format, then look samples up.
import parsePrometheusTextFormat, { type MetricFamily, type Sample } from "parse-prometheus-text-format";

export function parseMetrics(text: string): MetricFamily[] {
  return parsePrometheusTextFormat(text);
}

function find(families: MetricFamily[], name: string, labels: Record<string, string>): Sample | undefined {
  const family = families.find((f) => f.name === name);
  return family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

/** A counter's or gauge's value for these labels (0 when the series does not exist yet). */
export function sampleValue(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  return Number(find(families, name, labels)?.value ?? 0);
}

/**
 * A histogram's observation count for these labels, read from the `<name>_count{…}` line of the
 * raw text: parse-prometheus-text-format merges the buckets of labelled histograms into one.
 */
export function histogramCount(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split("\n").find((l) => l.startsWith(`${name}_count{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}
