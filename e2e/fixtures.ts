// The `test` every spec imports: Playwright's, plus a typed client for Tollgate's API.
// The server, its admin and the fake upstream come from scripts/e2e.mjs through E2E_* variables.
import { randomUUID } from "node:crypto";
import { type APIRequestContext, type APIResponse, test as base } from "@playwright/test";

export { expect } from "@playwright/test";

export type User = { id: string; email: string; name: string; role: "USER" | "ADMIN" };

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests with \`npm run test:e2e\``);
  return value;
}

/** The bootstrap administrator the server was started with. */
export const admin = {
  get email() {
    return requiredEnv("E2E_ADMIN_EMAIL");
  },
  get password() {
    return requiredEnv("E2E_ADMIN_PASSWORD");
  },
};

/** An address no other test (or earlier run against the same database) has used. */
export function uniqueEmail(label = "user"): string {
  return `${label}-${randomUUID().slice(0, 8)}@e2e.test`;
}

/** Tollgate's API over Playwright's request context; the session cookie stays in that context. */
export class TollgateApi {
  constructor(private readonly request: APIRequestContext) {}

  /** Authorization header for the ADMIN_API_KEY bootstrap token. */
  adminToken(): Record<string, string> {
    return { authorization: `Bearer ${requiredEnv("E2E_ADMIN_TOKEN")}` };
  }

  async register(email: string, password: string, name: string): Promise<User> {
    const res = await this.request.post("/api/auth/register", { data: { email, password, name } });
    return (await okJson<{ user: User }>(res)).user;
  }

  async login(email: string, password: string): Promise<User> {
    const res = await this.request.post("/api/auth/login", { data: { email, password } });
    return (await okJson<{ user: User }>(res)).user;
  }

  /** The caller: the session in this context, or whoever `headers` authenticate. */
  async me(headers?: Record<string, string>): Promise<Pick<User, "email" | "name" | "role">> {
    const res = await this.request.get("/api/auth/me", { headers });
    return (await okJson<{ user: User }>(res)).user;
  }

  /** An account as the admin API shows it (by email), with its group and how it signs in. */
  async adminUserByEmail(email: string): Promise<{
    user: User & { group: { name: string } | null };
    signIn: { methods: string[]; lastSignInMethod: string | null };
  }> {
    const list = await okJson<{ items: Array<{ id: string; email: string }> }>(
      await this.request.get(`/api/admin/user/list?q=${encodeURIComponent(email)}`, { headers: this.adminToken() }),
    );
    const found = list.items.find((u) => u.email === email);
    if (!found) throw new Error(`no user ${email}`);
    return okJson(await this.request.get(`/api/admin/user/detail/${found.id}`, { headers: this.adminToken() }));
  }
}

async function okJson<T>(res: APIResponse): Promise<T> {
  if (!res.ok()) throw new Error(`${res.url()} answered ${res.status()}: ${await res.text()}`);
  return (await res.json()) as T;
}

export const test = base.extend<{ api: TollgateApi }>({
  api: async ({ request }, use) => {
    await use(new TollgateApi(request));
  },
});
