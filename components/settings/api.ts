// The settings page's calls: JSON in, JSON out, the server's message as the error.
export async function requestJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, {
    cache: "no-store",
    ...init,
    headers: { "content-type": "application/json", ...init?.headers },
  });
  const body = (await res.json().catch(() => null)) as ({ error?: { message?: string } } & T) | null;
  if (!res.ok) throw new Error(body?.error?.message ?? `The server answered ${res.status}`);
  return body as T;
}

export type ApiKeyRecord = {
  id: string;
  name: string;
  prefix: string;
  role: "USER" | "ADMIN";
  allowedModels: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
};

export function keyStatus(k: ApiKeyRecord, now = Date.now()): "active" | "revoked" | "expired" {
  if (k.revokedAt) return "revoked";
  if (k.expiresAt && new Date(k.expiresAt).getTime() <= now) return "expired";
  return "active";
}
