// What went wrong with a chat answer, as the server puts it into the stream and the page shows it.
// The server sends it JSON-encoded as the stream's error text; anything else is shown as it is.

export type ChatErrorInfo = {
  status: number;
  code: string;
  message: string;
  /** Which limit stopped the request: balance, monthly_quota, tokens, daily_requests, rpm, tpm, global_daily_requests. */
  limit?: string;
  /** At which level: key, user, group, global. */
  level?: string;
  resetsAt?: string;
};

export function encodeChatError(info: ChatErrorInfo): string {
  return JSON.stringify({ tollgateError: info });
}

export function isEncodedChatError(text: string): boolean {
  return text.startsWith('{"tollgateError":');
}

export function decodeChatError(text: string | undefined): ChatErrorInfo {
  if (text) {
    try {
      const parsed = JSON.parse(text) as { tollgateError?: ChatErrorInfo };
      if (parsed?.tollgateError?.message) return parsed.tollgateError;
      const apiError = (parsed as { error?: { code?: string; message?: string } }).error;
      if (apiError?.message) return { status: 400, code: apiError.code ?? "error", message: apiError.message };
    } catch {
      // plain text
    }
  }
  return { status: 0, code: "network", message: text || "The answer could not be loaded" };
}

const limitTitles: Record<string, string> = {
  balance: "Balance used up",
  monthly_quota: "Monthly quota reached",
  tokens: "Token allowance used up",
  daily_requests: "Daily request limit reached",
  global_daily_requests: "Service-wide daily limit reached",
  rpm: "Too many requests per minute",
  tpm: "Too many tokens per minute",
};

export function chatErrorTitle(info: ChatErrorInfo): string {
  if (info.limit && limitTitles[info.limit]) return limitTitles[info.limit];
  if (info.status === 402) return "Not enough balance";
  if (info.status === 429) return "Limit reached";
  if (info.status === 404) return "Model not available";
  if (info.status === 0) return "Connection problem";
  if (info.status >= 500) return "The model could not answer";
  return "Message not sent";
}

/** The next step for the user, in words. */
export function chatErrorAdvice(info: ChatErrorInfo, now = new Date()): string {
  if (info.resetsAt) {
    const at = new Date(info.resetsAt);
    const soon = at.getTime() - now.getTime() < 24 * 3600_000;
    return `It resets ${soon ? "at" : "on"} ${soon ? at.toLocaleTimeString() : at.toLocaleString()}; try again then, or ask an administrator to raise the limit.`;
  }
  if (info.status === 402 || info.limit === "balance") return "Ask an administrator to top up your balance, then send again.";
  if (info.status === 429) return "Wait a moment and send again.";
  if (info.status === 404) return "Pick another model in the model menu.";
  if (info.status === 0) return "Check your connection and press Retry.";
  if (info.status >= 500) return "Press Retry; if it keeps failing, try another model.";
  return "Change the message and send again.";
}
