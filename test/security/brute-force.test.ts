// Password guessing (issue 8 item 7, reworked by issue 19 item 3): wrong guesses from one address
// for one account, or from one address across many accounts, are refused past a few free ones with a
// doubling wait (429 + Retry-After); other addresses and other accounts are unaffected.
import { beforeAll, describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as register from "@/app/api/auth/register/route";
import { backoffMs } from "@/lib/auth/login-throttle";
import { PEER_ADDRESS_HEADER } from "@/lib/net/peer-address";
import { call, startApp } from "../helpers/app";

beforeAll(startApp);

/** A sign-in from `address`, as the socket's peer (no proxy in between). */
export function attempt(email: string, password: string, address: string, headers: Record<string, string> = {}) {
  return call(login.POST, { body: { email, password }, headers: { [PEER_ADDRESS_HEADER]: address, ...headers } });
}

describe("POST /api/auth/login under password guessing", () => {
  it("refuses an address that keeps guessing one account, with a wait that doubles", async () => {
    await call(register.POST, { body: { email: "guessed@example.com", password: "guessed-password" } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await attempt("guessed@example.com", `guess-${i}`, "203.0.113.1")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const blocked = await attempt("guessed@example.com", "guessed-password", "203.0.113.1");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(4);
    // The same account from elsewhere is not affected.
    expect((await attempt("guessed@example.com", "guessed-password", "203.0.113.2")).status).toBe(200);
  });

  it("waits 5 s once the free failures are used up, doubling with each further failure up to 15 minutes", () => {
    expect([4, 5, 6, 7, 8].map((n) => backoffMs(n, 5))).toEqual([0, 5000, 10_000, 20_000, 40_000]);
    expect(backoffMs(40, 5)).toBe(15 * 60_000);
  });

  it("refuses one address guessing across many accounts, not the others", async () => {
    await call(register.POST, { body: { email: "bystander@example.com", password: "bystander-password" } });
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push((await attempt(`nobody-${i}@example.com`, "guess", "198.51.100.7")).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    expect((await attempt("bystander@example.com", "bystander-password", "198.51.100.7")).status).toBe(429);
    expect((await attempt("bystander@example.com", "bystander-password", "198.51.100.8")).status).toBe(200);
  });
});
