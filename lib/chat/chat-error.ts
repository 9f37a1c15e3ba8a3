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
  /** For administrators only: what actually failed, and the request to look up in the admin thread view. */
  detail?: string;
  requestId?: string;
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
  // The browser lost the connection (or got something that is not ours): no detail a person can use.
  return { status: 0, code: "network", message: "The connection to the server was lost before the answer arrived." };
}

/** What people read when the model, not their request, is the problem: the technical text stays for admins. */
export function humanChatError(status: number, code: string, technical: string): string {
  if (status === 504 || code === "upstream_timeout")
    return "The model took too long to answer. Try again, or pick another model.";
  if (status === 502 || status === 503 || code === "upstream_error" || code === "no_provider")
    return "The model is not answering right now. Try again, or pick another model.";
  if (status >= 500) return "Something went wrong on our side. Try again in a moment.";
  return technical;
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
  if (info.status === 504) return "No answer in time";
  if (info.status >= 500) return "The model is not answering";
  return "Message not sent";
}

/** The next step for the user, in words. */
export function chatErrorAdvice(info: ChatErrorInfo, now = new Date()): string {
  if (info.resetsAt) {
    const at = new Date(info.resetsAt);
    const soon = at.getTime() - now.getTime() < 24 * 3600_000;
    return `It resets ${soon ? "at" : "on"} ${soon ? at.toLocaleTimeString() : at.toLocaleString()}; try again then, or ask an administrator to raise the limit.`;
  }
  if (info.status === 402 || info.limit === "balance")
    return "Ask an administrator to top up your balance, then send again.";
  if (info.status === 429) return "Wait a moment and send again.";
  if (info.status === 404) return "Pick another model in the model menu.";
  if (info.status === 0) return "Check your connection and press Retry.";
  if (info.status >= 500) return "Press Retry; if it keeps failing, pick another model in the model menu.";
  return "Change the message and send again.";
}
