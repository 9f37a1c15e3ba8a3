// Issue 8 item 7: repeated wrong passwords for one account, or from one address, are blocked for
// a while (429 with Retry-After) — even the right password then — and other accounts and addresses
// are unaffected.
import { beforeAll, describe, expect, it } from "vitest";
import { call, startApp } from "../helpers/app";
import * as register from "@/app/api/auth/register/route";
import * as login from "@/app/api/auth/login/route";

beforeAll(startApp);

function attempt(email: string, password: string, address = "203.0.113.1") {
  return call(login.POST, { body: { email, password }, headers: { "x-forwarded-for": address } });
}

describe("POST /api/auth/login under password guessing", () => {
  it("blocks an account after repeated wrong passwords", async () => {
    await call(register.POST, { body: { email: "victim@example.com", password: "victim-password" } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await call(login.POST, { body: { email: "victim@example.com", password: `guess-${i}` } })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const right = await call(login.POST, { body: { email: "victim@example.com", password: "victim-password" } });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(60);
  });

  it("slows repeated wrong passwords down before blocking them", async () => {
    await call(register.POST, { body: { email: "slowed@example.com", password: "slowed-password" } });
    const took: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      expect((await attempt("slowed@example.com", `guess-${i}`, "198.51.100.60")).status).toBe(401);
      took.push(performance.now() - started);
    }
    // The third failure waits 250 ms, the fourth 500 ms, the fifth 1 s.
    expect(took[2]).toBeGreaterThanOrEqual(240);
    expect(took[3]).toBeGreaterThanOrEqual(490);
    expect(took[4]).toBeGreaterThanOrEqual(990);
    expect((await attempt("slowed@example.com", "guess-5", "198.51.100.60")).status).toBe(429);
  });

  it("blocks one address guessing across many accounts, not the others", async () => {
    await call(register.POST, { body: { email: "bystander@example.com", password: "bystander-password" } });
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await attempt(`nobody-${i}@example.com`, "guess", "198.51.100.7")).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    expect((await attempt("bystander@example.com", "bystander-password", "198.51.100.7")).status).toBe(429);
    expect((await attempt("bystander@example.com", "bystander-password", "198.51.100.8")).status).toBe(200);
  });

  it("counts the address our proxy appended, not one the client wrote before it", async () => {
    const statuses: number[] = [];
    // The client invents a new first entry each time; the proxy appends the real one last.
    for (let i = 0; i < 22; i++) statuses.push((await attempt(`someone-${i}@example.com`, "guess", `10.0.0.${i}, 192.0.2.44`)).status);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});
