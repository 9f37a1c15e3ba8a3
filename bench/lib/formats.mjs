// The wire formats measured on Tollgate besides chat completions. Each entry becomes two scenarios
// (non-stream and stream at --connections, Tollgate only), compared with chat completions'
// throughput in the same run: a format is a translation at the edge of the same pipeline and
// should cost little more. A new format is one entry here (and its route in lib/direct-path.mjs's
// DIRECT_ROUTES, so it takes the same direct path as chat completions).
import { MODEL_ID } from "../mock-upstream.mjs";

const PROMPT = "Say hello in one short sentence.";

export const WIRE_FORMATS = {
  responses: {
    path: "/v1/responses",
    headers: {},
    // store: false — what is measured is the translation; a stored response adds one insert.
    body: (stream) =>
      JSON.stringify({
        model: MODEL_ID,
        input: PROMPT,
        max_output_tokens: 64,
        store: false,
        ...(stream ? { stream: true } : {}),
      }),
    answered: (text, stream) =>
      stream
        ? text.includes("event: response.completed")
        : text.includes('"output_text"') && text.includes('"status":"completed"'),
  },
  messages: {
    path: "/v1/messages",
    // What Claude Code sends besides the key (the harness adds the bearer key).
    headers: { "anthropic-version": "2023-06-01" },
    body: (stream) =>
      JSON.stringify({
        model: MODEL_ID,
        max_tokens: 64,
        messages: [{ role: "user", content: PROMPT }],
        ...(stream ? { stream: true } : {}),
      }),
    answered: (text, stream) =>
      stream
        ? text.includes("event: message_stop")
        : text.includes('"type":"message"') && text.includes('"stop_reason"'),
  },
};

/** The scenarios of every wire format, at `connections`. */
export function formatScenarios(connections) {
  return Object.keys(WIRE_FORMATS).flatMap((format) => [
    { id: `${format}${connections}`, label: `${format} @${connections}`, format, stream: false, connections },
    {
      id: `${format}-stream${connections}`,
      label: `${format} stream @${connections}`,
      format,
      stream: true,
      connections,
    },
  ]);
}
