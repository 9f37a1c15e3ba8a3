// Turns Ollama's /api/pull stream (one line per layer update) into progress lines for the admin:
// overall percent across all layers, bytes, and the time left at the rate seen so far.

export type OllamaPullLine = { status?: string; digest?: string; total?: number; completed?: number; error?: string };
export type ProgressLine = {
  status: string;
  percent: number;
  completed: number;
  total: number;
  eta_seconds: number | null;
};

export class PullProgress {
  private layers = new Map<string, { total: number; completed: number }>();
  private rateFrom: { at: number; completed: number } | null = null;

  constructor(private readonly clock: () => number = Date.now) {}

  update(line: OllamaPullLine): ProgressLine {
    if (line.digest && typeof line.total === "number" && line.total > 0) {
      this.layers.set(line.digest, { total: line.total, completed: Math.min(line.completed ?? 0, line.total) });
    }
    const { total, completed } = this.totals();
    // The rate is measured from the first byte seen, so time spent on the manifest does not count.
    if (!this.rateFrom && total > 0) this.rateFrom = { at: this.clock(), completed };
    return {
      status: line.status ?? "pulling",
      percent: percentOf(completed, total),
      completed,
      total,
      eta_seconds: this.eta(completed, total),
    };
  }

  done(): ProgressLine {
    const { total } = this.totals();
    return { status: "success", percent: 100, completed: total, total, eta_seconds: 0 };
  }

  private totals() {
    let total = 0;
    let completed = 0;
    for (const l of this.layers.values()) {
      total += l.total;
      completed += l.completed;
    }
    return { total, completed };
  }

  private eta(completed: number, total: number): number | null {
    if (!this.rateFrom || total === 0) return null;
    if (completed >= total) return 0;
    const seconds = (this.clock() - this.rateFrom.at) / 1000;
    const rate = seconds > 0 ? (completed - this.rateFrom.completed) / seconds : 0;
    return rate > 0 ? Math.ceil((total - completed) / rate) : null;
  }
}

function percentOf(completed: number, total: number): number {
  return total > 0 ? Math.floor((completed / total) * 1000) / 10 : 0;
}
