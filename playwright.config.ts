// End-to-end tests. Run through `npm run test:e2e` (scripts/e2e.mjs), which builds the app, starts it
// against a fake LLM upstream and a throw-away data directory, and passes E2E_BASE_URL here.
// Browsers are never downloaded: Debian's Chromium is used as installed.
import { defineConfig, devices } from "@playwright/test";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/",
  timeout: 60_000,
  // One server with one embedded database: specs run one after another. In CI a failed spec runs once
  // more and, if it then passes, is reported as flaky rather than failing the run: one spec
  // (chat-small-things, the typing indicator) failed once in four full runs and its cause is not
  // found yet; a flaky spec stays a defect to fix, listed in Playwright's report.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["html", { outputFolder: "playwright-report", open: "never" }]],
  use: {
    ...devices["Desktop Chrome"],
    baseURL: process.env.E2E_BASE_URL,
    // API calls made through Playwright's request context (no page) carry our Origin, as a browser
    // on one of our pages would: cookie-authenticated changes need it (lib/api/same-origin.ts).
    extraHTTPHeaders: process.env.E2E_BASE_URL ? { origin: process.env.E2E_BASE_URL } : {},
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
