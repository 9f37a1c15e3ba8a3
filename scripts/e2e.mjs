// npm run test:e2e [-- <playwright args>]: the production build, served against a fake LLM upstream and a
// fresh embedded database, driven by Playwright with Debian's Chromium. Leaves nothing running.
//
//   E2E_DATABASE_URL / E2E_REDIS_URL   run the server against PostgreSQL / Redis instead of the embedded default
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startFakeStripe } from "../test/fake-stripe/server.mjs";
import { startFakeUpstream } from "../test/fake-upstream/server.mjs";
import { OIDC_CLIENT, startOidcProvider } from "../test/oidc-provider/server.mjs";
import { buildIfNeeded, freePort, serverEnv as productionEnv, startServer, waitHealthy } from "./lib/server.mjs";

const PLAYWRIGHT = "node_modules/@playwright/test/cli.js";

const ADMIN = {
  email: "admin@e2e.test",
  password: "admin-password-e2e",
  token: "e2e-admin-token-0123456789abcdef",
};

// Stripe is the fake in test/fake-stripe: its hosted checkout page sends signed webhooks back to the server.
const STRIPE_WEBHOOK_SECRET = "whsec_e2e_tollgate_fake_stripe";

const log = (message) => console.log(`[e2e] ${message}`);

function serverEnv({ port, dataDir, upstreamUrl, stripeUrl }) {
  const env = productionEnv(port, {
    DATA_DIR: dataDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ADMIN_API_KEY: ADMIN.token,
    OPENAI_COMPATIBLE_BASE_URL: `${upstreamUrl}/v1`,
    OPENAI_COMPATIBLE_API_KEY: "fake-key",
    OLLAMA_BASE_URL: upstreamUrl,
    STRIPE_SECRET_KEY: "sk_test_e2e_fake",
    STRIPE_WEBHOOK_SECRET,
    STRIPE_API_BASE: stripeUrl,
    APP_URL: `http://127.0.0.1:${port}`,
  });
  if (process.env.E2E_DATABASE_URL) {
    env.DATABASE_URL = process.env.E2E_DATABASE_URL;
    // Production with PostgreSQL refuses to start without a secret (the embedded default generates one).
    env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
  }
  if (process.env.E2E_REDIS_URL) env.REDIS_URL = process.env.E2E_REDIS_URL;
  return env;
}

/** A real OpenID provider (oidc-provider) for e2e/oidc.spec.ts: its sign-in button, claims mapped to group and role. */
function oidcEnv(issuer, baseUrl) {
  return {
    APP_URL: baseUrl,
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: OIDC_CLIENT.id,
    OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
    OIDC_NAME: "Test IdP",
    OIDC_ALLOW_SIGNUP: "true",
    OIDC_GROUP_CLAIM: "groups",
    OIDC_ADMIN_GROUPS: "tollgate-admins",
  };
}

function runPlaywright(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PLAYWRIGHT, "test", ...args], { stdio: "inherit", env });
    // Ctrl-C reaches Playwright through the terminal; a SIGTERM to this script is passed on.
    const forward = () => child.kill("SIGTERM");
    process.on("SIGTERM", forward);
    child.on("exit", (code, signal) => {
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main() {
  await buildIfNeeded(log);
  const dataDir = await mkdtemp(path.join(tmpdir(), "tollgate-e2e-"));
  let upstream;
  let oidc;
  let stripe;
  let server;
  // An interrupt during start-up stops waiting and cleans up instead of killing this script outright
  // (the server has its own process group and would outlive it).
  const startup = new AbortController();
  const interrupted = () => startup.abort(new Error("interrupted"));
  process.on("SIGINT", interrupted);
  process.on("SIGTERM", interrupted);
  try {
    upstream = await startFakeUpstream({ port: 0 });
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    // The webhook comes a moment after "Pay" sends the browser back, so the result page is seen turning to paid.
    stripe = await startFakeStripe({
      port: 0,
      webhookSecret: STRIPE_WEBHOOK_SECRET,
      webhookUrl: `${baseUrl}/api/payments/stripe/webhook`,
      payWebhookDelayMs: 1500,
    });
    log(`fake upstream at ${upstream.url}, data in ${dataDir}`);
    log(
      `starting the server at ${baseUrl}${process.env.E2E_DATABASE_URL ? " on PostgreSQL" : " on the embedded database"}`,
    );
    oidc = await startOidcProvider({ redirectUris: [`${baseUrl}/api/auth/callback/oidc`] });
    log(`OpenID provider at ${oidc.issuer}`);
    server = startServer("the server", port, {
      ...serverEnv({ port, dataDir, upstreamUrl: upstream.url, stripeUrl: stripe.url }),
      ...oidcEnv(oidc.issuer, baseUrl),
    });
    const started = Date.now();
    await waitHealthy(server, { signal: startup.signal });
    log(`server healthy after ${((Date.now() - started) / 1000).toFixed(1)} s; running Playwright`);

    const exitCode = await runPlaywright(process.argv.slice(2), {
      ...process.env,
      E2E_BASE_URL: baseUrl,
      E2E_FAKE_UPSTREAM_URL: upstream.url,
      E2E_FAKE_STRIPE_URL: stripe.url,
      E2E_ADMIN_EMAIL: ADMIN.email,
      E2E_ADMIN_PASSWORD: ADMIN.password,
      E2E_ADMIN_TOKEN: ADMIN.token,
      E2E_OIDC_ISSUER: oidc.issuer,
    });
    if (!server.running) server.printOutput("the server died while the tests ran");
    else if (exitCode !== 0) server.printOutput("server output (tests failed)");
    return exitCode;
  } finally {
    await server?.stop();
    await upstream?.close();
    await oidc?.close();
    await stripe?.close();
    await rm(dataDir, { recursive: true, force: true });
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[e2e] ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
