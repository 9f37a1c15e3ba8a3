// Issue 19 item 3, the two abuses of the sign-in throttle:
// - dodging it by writing a new X-Forwarded-For each time: the header counts only when the socket's
//   peer is a proxy in TRUSTED_PROXIES, and then only the hops trusted proxies appended;
// - dodging it by sending the guesses all at once, before any of them has been counted;
// - turning it against a user: guesses against an account (the admin's) from other addresses never
//   keep its owner out when signing in from an address that has not failed.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as register from "@/app/api/auth/register/route";
import { resetConfig } from "@/lib/config";
import { clientIp } from "@/lib/net/client-ip";
import { PEER_ADDRESS_HEADER, stampPeerAddresses } from "@/lib/net/peer-address";
import { ADMIN_EMAIL, call, startApp } from "../helpers/app";

const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD!;

beforeAll(startApp);
afterEach(() => {
  delete process.env.TRUSTED_PROXIES;
  resetConfig();
});

function attempt(email: string, password: string, peer: string, forwardedFor?: string) {
  const headers: Record<string, string> = { [PEER_ADDRESS_HEADER]: peer };
  if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
  return call(login.POST, { body: { email, password }, headers });
}

const ipOf = (peer: string, forwardedFor?: string) =>
  clientIp(
    new Request("http://localhost/", {
      headers: { [PEER_ADDRESS_HEADER]: peer, ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
    }),
  );

describe("dodging the throttle with X-Forwarded-For", () => {
  it("ignores the header from a client that is not a trusted proxy", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push((await attempt(`dodger-${i}@example.com`, "guess", "203.0.113.50", `10.1.${i}.1`)).status);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });

  it("believes only the hops trusted proxies appended, however many the client wrote before them", async () => {
    process.env.TRUSTED_PROXIES = "10.0.0.0/8";
    resetConfig();
    const statuses: number[] = [];
    // The client invents a new first entry each time; our proxy (10.0.0.2) appends the real one last.
    for (let i = 0; i < 22; i++)
      statuses.push(
        (await attempt(`someone-${i}@example.com`, "guess", "10.0.0.2", `192.0.2.${i}, 198.51.100.44`)).status,
      );
    expect(statuses.slice(20)).toEqual([429, 429]);
  });

  it("reads the client address through a chain of trusted proxies, and stops at a forged entry", () => {
    expect(ipOf("203.0.113.9", "1.2.3.4")).toBe("203.0.113.9");
    process.env.TRUSTED_PROXIES = "private";
    resetConfig();
    expect(ipOf("::ffff:172.18.0.3", "1.2.3.4, 198.51.100.1, 10.0.0.7")).toBe("198.51.100.1");
    expect(ipOf("127.0.0.1", "not-an-ip, 10.0.0.1")).toBe("10.0.0.1");
    expect(ipOf("127.0.0.1")).toBe("127.0.0.1");
    expect(ipOf("203.0.113.9", "1.2.3.4")).toBe("203.0.113.9");
  });

  it("is not dodged behind the bundled nginx preset: nginx appends the address it saw, and compose trusts nginx", async () => {
    const read = (file: string) => readFileSync(path.resolve(import.meta.dirname, "../..", file), "utf8");
    const nginx = read("deploy/nginx.conf");
    const forwarded = /proxy_set_header\s+X-Forwarded-For\s+([^;]+);/i.exec(nginx)?.[1].trim();
    expect(forwarded).toBe("$proxy_add_x_forwarded_for");
    expect(nginx).toMatch(/proxy_set_header\s+Host\s+\$http_host;/); // the origin check compares with the browser's host
    const trusted = /TRUSTED_PROXIES:\s*\$\{TRUSTED_PROXIES:-([^}]+)\}/.exec(read("docker-compose.yml"))?.[1];
    expect(trusted).toBeTruthy();
    process.env.TRUSTED_PROXIES = trusted;
    resetConfig();
    // nginx's $proxy_add_x_forwarded_for: whatever the client sent, then the address nginx saw.
    const viaNginx = (clientSent: string, client: string) => (clientSent ? `${clientSent}, ${client}` : client);
    const NGINX = "172.18.0.5"; // nginx on the compose network
    expect(ipOf(NGINX, viaNginx("1.2.3.4", "203.0.113.7"))).toBe("203.0.113.7");
    expect(ipOf(NGINX, viaNginx("10.0.0.1, 192.168.1.1", "203.0.113.7"))).toBe("203.0.113.7");
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push(
        (await attempt(`behind-nginx-${i}@example.com`, "guess", NGINX, viaNginx(`10.9.${i}.1`, "203.0.113.90")))
          .status,
      );
    expect(statuses.slice(20)).toEqual([429, 429]);
    // Another client behind the same nginx has its own allowance.
    expect((await attempt("behind-nginx-0@example.com", "guess", NGINX, viaNginx("", "203.0.113.91"))).status).toBe(
      401,
    );
  });

  describe("the peer address a client cannot forge", () => {
    let server: Server;
    beforeAll(async () => {
      stampPeerAddresses();
      server = createServer((req, res) => res.end(String(req.headers[PEER_ADDRESS_HEADER])));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("is the socket's peer, whatever the client sent in its place", async () => {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER_ADDRESS_HEADER]: "192.0.2.200" } });
      expect(await res.text()).toBe("127.0.0.1");
    });

    it("travels under a header name that is random per process, so a client cannot know it", () => {
      expect(PEER_ADDRESS_HEADER).toMatch(/^x-tollgate-peer-[0-9a-f]{16}$/);
      expect(ipOf("198.51.100.1")).toBe("198.51.100.1");
      const guessed = new Request("http://localhost/", { headers: { "x-tollgate-peer": "198.51.100.1" } });
      expect(clientIp(guessed)).toBe("unknown");
    });
  });
});

describe("dodging the throttle with guesses sent all at once", () => {
  const statusesOf = async (sent: Array<Promise<Response>>) => (await Promise.all(sent)).map((res) => res.status);
  const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

  it("checks no more passwords than one guess at a time would have", async () => {
    await call(register.POST, { body: { email: "parallel@example.com", password: "parallel-password" } });
    const one = await statusesOf(
      Array.from({ length: 30 }, (_, i) => attempt("parallel@example.com", `guess-${i}`, "203.0.113.80")),
    );
    expect({ wrong: count(one, 401), refused: count(one, 429) }).toEqual({ wrong: 5, refused: 25 });
    const many = await statusesOf(
      Array.from({ length: 40 }, (_, i) => attempt(`sprayed-${i}@example.com`, "guess", "203.0.113.81")),
    );
    expect({ wrong: count(many, 401), refused: count(many, 429) }).toEqual({ wrong: 20, refused: 20 });
  });

  it("still lets a burst of right passwords from one address through (a script signing in in parallel)", async () => {
    await call(register.POST, { body: { email: "burst@example.com", password: "burst-password" } });
    const burst = await statusesOf(
      Array.from({ length: 10 }, () => attempt("burst@example.com", "burst-password", "203.0.113.82")),
    );
    expect(burst).toEqual(Array(10).fill(200));
  });
});

describe("locking a user out with wrong guesses", () => {
  it("never keeps the admin out: 60 guesses from many addresses, then the right password from a clean one", async () => {
    for (let i = 0; i < 60; i++) await attempt(ADMIN_EMAIL, `guess-${i}`, `198.51.100.${100 + (i % 6)}`);
    // The guessers are refused…
    expect((await attempt(ADMIN_EMAIL, ADMIN_PASSWORD, "198.51.100.100")).status).toBe(429);
    // …the admin is not.
    expect((await attempt(ADMIN_EMAIL, ADMIN_PASSWORD, "192.0.2.10")).status).toBe(200);
  });

  it("lets the owner in from a clean address after guesses from one address, where a hard lockout refused everyone for 15 minutes", async () => {
    await call(register.POST, { body: { email: "target@example.com", password: "target-password" } });
    for (let i = 0; i < 10; i++) await attempt("target@example.com", `guess-${i}`, "203.0.113.66");
    expect((await attempt("target@example.com", "target-password", "203.0.113.66")).status).toBe(429);
    expect((await attempt("target@example.com", "target-password", "203.0.113.67")).status).toBe(200);
  });

  it("still slows guesses spread across many addresses once the account as a whole has failed often", async () => {
    await call(register.POST, { body: { email: "spread@example.com", password: "spread-password" } });
    // Twelve addresses, one guess each: past the account's ten free failures…
    for (let i = 0; i < 12; i++)
      expect((await attempt("spread@example.com", "guess", `192.0.2.${i + 20}`)).status).toBe(401);
    // …an address that has already guessed waits…
    expect((await attempt("spread@example.com", "guess-again", "192.0.2.20")).status).toBe(429);
    // …one that has not is let through.
    expect((await attempt("spread@example.com", "spread-password", "192.0.2.99")).status).toBe(200);
  });
});
