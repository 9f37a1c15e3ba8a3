import { displayMoney } from "@/lib/billing/money";
import type { AnswerDetails, ChatUIMessage } from "@/lib/chat/ui-message";

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The small footer under an answer: model, tokens in → out, cost, time to first word. */
export function MessageDetails({ model, details }: { model: string | null | undefined; details: AnswerDetails }) {
  const parts = [
    model,
    `${details.promptTokens.toLocaleString("en-US")} in · ${details.completionTokens.toLocaleString("en-US")} out`,
    displayMoney(details.cost),
    details.ttftMs !== null ? `first word after ${seconds(details.ttftMs)}` : null,
  ].filter(Boolean);
  return (
    <span
      data-testid="message-details"
      className="text-xs tabular-nums text-zinc-500"
      title="Model · tokens in and out · cost · time to first word"
    >
      {parts.join(" · ")}
    </span>
  );
}

/** What the conversation's answers cost so far, as their footers show it. */
export function conversationTotals(messages: ChatUIMessage[]): { cost: bigint; tokens: number; answers: number } {
  let cost = 0n;
  let tokens = 0;
  let answers = 0;
  for (const m of messages) {
    const d = m.metadata?.details;
    if (!d) continue;
    const [whole, frac = ""] = d.cost.split(".");
    cost += BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, "0").slice(0, 6) || "0");
    tokens += d.promptTokens + d.completionTokens;
    answers += 1;
  }
  return { cost, tokens, answers };
}

export function ConversationTotal({ messages }: { messages: ChatUIMessage[] }) {
  const { cost, tokens, answers } = conversationTotals(messages);
  if (answers === 0) return null;
  return (
    <span
      data-testid="conversation-total"
      data-cost={cost.toString()}
      title={`${answers} answer${answers === 1 ? "" : "s"} so far`}
      className="whitespace-nowrap text-xs tabular-nums text-zinc-500"
    >
      {displayMoney(cost)}
      <span className="max-sm:hidden"> · {tokens.toLocaleString("en-US")} tokens</span>
    </span>
  );
}
