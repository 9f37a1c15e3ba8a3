// Load generators: autocannon for throughput and latency, and a small sequential client for the
// time to the first byte of a stream.
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { Agent, request } from "undici";
import { percentile } from "./stats.mjs";

/**
 * One autocannon run. Latencies come from autocannon's per-response event (sub-millisecond;
 * its own histogram rounds to whole milliseconds, too coarse for "added latency ≤ 1 ms").
 */
export async function runLoad({ url, headers, headerSets, body, connections, durationS }) {
  const latencies = [];
  // With several header sets (one per API key), connection i sends set i mod n.
  let next = 0;
  const setupClient =
    headerSets?.length > 1 ? (client) => client.setHeaders(headerSets[next++ % headerSets.length]) : undefined;
  const instance = autocannon({
    url,
    method: "POST",
    headers,
    body,
    connections,
    duration: durationS,
    pipelining: 1,
    timeout: 30,
    setupClient,
  });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return {
    connections,
    durationS: result.duration,
    requests: result.requests.total,
    // Requests sent, including those still in flight when the run stopped (their work was done too).
    sent: Math.max(result.requests.sent ?? 0, result.requests.total),
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, v.count])),
    rps: result["2xx"] / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    latencies,
  };
}

/** `count` sequential streaming requests on one keep-alive connection: time to the first body chunk, and to the end. */
export async function measureTtfb({ url, headers, body, count }) {
  const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  const first = [];
  const total = [];
  let failures = 0;
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const res = await request(url, { method: "POST", headers, body, dispatcher });
      let firstAt = null;
      for await (const _chunk of res.body) firstAt ??= performance.now();
      if (res.statusCode !== 200 || firstAt === null) {
        failures++;
        continue;
      }
      first.push(firstAt - started);
      total.push(performance.now() - started);
    }
  } finally {
    await dispatcher.close();
  }
  first.sort((a, b) => a - b);
  total.sort((a, b) => a - b);
  return {
    count,
    failures,
    p50: percentile(first, 50),
    p99: percentile(first, 99),
    totalP50: percentile(total, 50),
    samples: first,
  };
}

const chatAnswered = (text, stream) =>
  stream ? text.includes("data: [DONE]") && text.includes('"content"') : text.includes('"choices"');

/** One request, checked: the run stops early with a clear message instead of measuring error pages. */
export async function checkTarget({ url, headers, body, stream, answered = chatAnswered }) {
  const res = await fetch(url, { method: "POST", headers, body });
  const text = await res.text();
  const ok = res.status === 200 && answered(text, stream);
  if (!ok)
    throw new Error(`${url} (${stream ? "stream" : "non-stream"}) answered ${res.status}: ${text.slice(0, 400)}`);
  return { headers: Object.fromEntries(res.headers), bytes: text.length };
}
