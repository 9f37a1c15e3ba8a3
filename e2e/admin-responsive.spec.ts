// /admin on a desktop and on a phone: a row's actions in one "⋯" menu (keyboard, Escape, a click
// outside, a destructive item that asks first); at 390 px the sections in a drawer, no page that
// scrolls sideways and tables that scroll inside their box; the overview chart opening on the recent
// past with every axis label inside the chart.

import type { Page } from "@playwright/test";
import { admin, expect as baseExpect, test, uniqueEmail } from "./fixtures";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 180_000 });

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

const ADMIN_PAGES = [
  "/admin",
  "/admin/users",
  "/admin/groups",
  "/admin/keys",
  "/admin/payments",
  "/admin/sessions",
  "/admin/threads",
  "/admin/models",
  "/admin/providers",
  "/admin/ollama",
  "/admin/usage",
  "/admin/flags",
  "/admin/logs",
  "/admin/settings",
  "/admin/audit",
];

async function signInAsAdmin(page: Page): Promise<void> {
  const res = await page.request.post("/api/auth/login", { data: { email: admin.email, password: admin.password } });
  if (!res.ok()) throw new Error(`admin login answered ${res.status()}: ${await res.text()}`);
}

/** A key issued through the admin API, for a new user. */
async function issueKey(page: Page, name: string): Promise<string> {
  const res = await page.request.post("/api/admin/api-key/apply", {
    data: { email: uniqueEmail("menu"), name, balance: "1" },
  });
  if (!res.ok()) throw new Error(`apply answered ${res.status()}: ${await res.text()}`);
  return ((await res.json()) as { api_key: { id: string } }).api_key.id;
}

/** The test id (or text) of the focused element. */
const focused = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.textContent);

test("a key's actions sit in one row menu: it opens, the keyboard moves through it, Escape and a click outside close it, and Revoke asks first", async ({
  page,
}) => {
  await signInAsAdmin(page);
  const name = `Menu key ${Date.now()}`;
  const id = await issueKey(page, name);
  await page.setViewportSize(DESKTOP);
  await page.goto(`/admin/keys?q=${encodeURIComponent(name)}`);
  const row = page.getByTestId(`key-row-${id}`);
  await expect(row).toBeVisible();
  // One button in the row instead of four.
  await expect(row.getByRole("button")).toHaveCount(1);
  const trigger = page.getByTestId(`key-actions-${id}`);
  await expect(trigger).toHaveAttribute("aria-haspopup", "menu");
  await expect(trigger).toHaveAttribute("aria-expanded", "false");

  // A click opens it with the focus on the first item; arrows, Home and End move, wrapping round.
  await trigger.click();
  const menu = page.getByRole("menu", { name: `Actions for key ${name}` });
  await expect(menu).toBeVisible();
  await expect(trigger).toHaveAttribute("aria-expanded", "true");
  await expect(menu.getByRole("menuitem")).toHaveText(["Edit", "Recharge", "Payments", "Revoke"]);
  await expect.poll(() => focused(page)).toBe(`edit-key-button-${id}`);
  await page.keyboard.press("ArrowDown");
  await expect.poll(() => focused(page)).toBe(`recharge-button-${id}`);
  await page.keyboard.press("End");
  await expect.poll(() => focused(page)).toBe(`revoke-button-${id}`);
  await page.keyboard.press("ArrowDown");
  await expect.poll(() => focused(page)).toBe(`edit-key-button-${id}`);
  await page.keyboard.press("ArrowUp");
  await expect.poll(() => focused(page)).toBe(`revoke-button-${id}`);
  await page.keyboard.press("Home");
  await expect.poll(() => focused(page)).toBe(`edit-key-button-${id}`);
  await page.keyboard.press("p");
  await expect.poll(() => focused(page)).toBe(`key-payments-${id}`);

  // Escape closes it and gives the focus back to the "⋯" button.
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  await expect.poll(() => focused(page)).toBe(`key-actions-${id}`);

  // From the keyboard alone: Enter opens, ArrowDown + Enter picks Recharge, whose dialog opens.
  await page.keyboard.press("Enter");
  await expect(menu).toBeVisible();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(menu).toBeHidden();
  await expect(page.getByTestId("recharge-amount")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("recharge-amount")).toBeHidden();

  // A click outside closes it.
  await trigger.click();
  await expect(menu).toBeVisible();
  await page.getByRole("heading", { name: "API keys" }).click();
  await expect(menu).toBeHidden();

  // Revoke asks first; Cancel leaves the key working.
  await trigger.click();
  await page.getByTestId(`revoke-button-${id}`).click();
  const confirm = page.getByTestId("confirm-dialog");
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText("Revoke this key?");
  await expect(confirm).toContainText(name);
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await expect(row.getByTestId("key-status")).toHaveAttribute("data-status", "active");

  // Confirmed, it revokes; the menu then offers no Recharge or Revoke.
  await trigger.click();
  await page.getByTestId(`revoke-button-${id}`).click();
  await confirm.getByTestId("confirm-button").click();
  await expect(confirm).toBeHidden();
  await expect(row.getByTestId("key-status")).toHaveAttribute("data-status", "revoked");
  await trigger.click();
  await expect(menu.getByRole("menuitem")).toHaveText(["Edit", "Payments"]);
  await page.keyboard.press("Escape");
});

test("a provider's and a model's actions are in the same row menu", async ({ page }) => {
  await signInAsAdmin(page);
  await page.setViewportSize(DESKTOP);
  await page.goto("/admin/providers");
  const providerMenu = page.locator('[data-testid^="provider-actions-"]').first();
  await expect(providerMenu).toBeVisible();
  await providerMenu.click();
  await expect(page.getByRole("menu").getByRole("menuitem")).toHaveText([
    "Test connection",
    "Refresh model list",
    "Edit",
    "Delete",
  ]);
  await page.keyboard.press("Escape");
  await page.goto("/admin/models");
  const modelMenu = page.getByTestId("model-actions").first();
  await expect(modelMenu).toBeVisible();
  await modelMenu.click();
  await expect(page.getByRole("menu").getByRole("menuitem")).toHaveText(["Edit", /^(Disable|Enable)$/, "Delete"]);
  await page.getByTestId("model-delete").click();
  // Delete asks first; cancelling deletes nothing.
  await expect(page.getByTestId("confirm-dialog")).toContainText("Delete");
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("model-actions").first()).toBeVisible();
});

test("on a phone the admin sections open in a drawer that navigates, and closes on navigation and Escape", async ({
  page,
}) => {
  await signInAsAdmin(page);
  await page.setViewportSize(PHONE);
  await page.goto("/admin");
  const toggle = page.getByTestId("admin-nav-toggle");
  const drawer = page.getByTestId("admin-nav-drawer");
  await expect(toggle).toBeVisible();
  await expect(drawer).toBeHidden();
  await expect(page.getByTestId("admin-nav-current")).toHaveText("Overview");

  await toggle.click();
  await expect(drawer).toBeVisible();
  // Every section, the focus on the current one, the drawer inside the screen.
  await expect(drawer.getByRole("link")).toHaveCount(ADMIN_PAGES.length);
  await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Overview");
  const box = (await drawer.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);

  await drawer.getByRole("link", { name: "API keys" }).click();
  await expect(page).toHaveURL(/\/admin\/keys$/);
  await expect(drawer).toBeHidden();
  await expect(page.getByTestId("admin-nav-current")).toHaveText("API keys");

  await toggle.click();
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole("link", { name: "API keys" })).toHaveAttribute("aria-current", "page");
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await expect.poll(() => focused(page)).toBe("admin-nav-toggle");

  // On a desktop the sidebar stays and the drawer's button is gone.
  await page.setViewportSize(DESKTOP);
  await expect(toggle).toBeHidden();
  await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link")).toHaveCount(ADMIN_PAGES.length);
});

test("at 390 px no admin page scrolls sideways, every table sits in its own scrolling box, and a wide one scrolls there", async ({
  page,
}) => {
  await signInAsAdmin(page);
  await issueKey(page, `Wide key ${Date.now()}`);
  const me = (await (await page.request.get("/api/auth/me")).json()) as { user: { id: string } };
  await page.setViewportSize(PHONE);
  const problems: string[] = [];
  for (const path of [...ADMIN_PAGES, `/admin/users/${me.user.id}`]) {
    await page.goto(path);
    await expect(page.locator("main").first()).toBeVisible();
    await page.waitForLoadState("networkidle").catch(() => {});
    const found = await page.evaluate(() => {
      const out: string[] = [];
      const doc = document.documentElement;
      if (doc.scrollWidth > doc.clientWidth) out.push(`the page is ${doc.scrollWidth} px wide`);
      // The app's shell clips the document, so the admin content's own box is where overflow would show.
      const content = document.querySelector<HTMLElement>('[data-testid="admin-content"]');
      if (content && content.scrollWidth > content.clientWidth)
        out.push(`the admin content is ${content.scrollWidth} px wide in ${content.clientWidth}`);
      const tables = [...document.querySelectorAll("table")];
      const loose = tables.filter((t) => !t.closest("[data-table-scroll]")).length;
      if (loose) out.push(`${loose} table(s) outside a scrolling box`);
      return out;
    });
    problems.push(...found.map((p) => `${path}: ${p}`));
  }
  expect(problems).toEqual([]);

  // The keys table is wider than a phone: it scrolls inside its box, the page stays put.
  await page.goto("/admin/keys");
  const box = page.getByTestId("keys-table");
  await expect(box.locator('[data-testid^="key-row-"]').first()).toBeVisible();
  const sizes = await box.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(sizes.scroll).toBeGreaterThan(sizes.client);
  expect(sizes.client).toBeLessThanOrEqual(PHONE.width);
  await box.evaluate((el) => el.scrollTo({ left: 200 }));
  await expect.poll(() => box.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(
    true,
  );
});

test("the overview chart opens on the recent past with more than one point, every axis label inside the chart", async ({
  page,
}) => {
  await signInAsAdmin(page);
  // The server samples every 5 s from start-up; two samples are there within 10 s of it.
  await expect
    .poll(
      async () =>
        ((await (await page.request.get("/api/admin/metrics/history")).json()) as { samples: unknown[] }).samples
          .length,
    )
    .toBeGreaterThan(1);

  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    await page.goto("/admin");
    const chart = page.getByTestId("metrics-chart");
    await expect(chart).not.toHaveAttribute("data-points", "0");
    // The first paint already holds the history, not just the stream's first sample.
    expect(Number(await chart.getAttribute("data-history-points"))).toBeGreaterThan(1);
    expect(Number(await chart.getAttribute("data-points"))).toBeGreaterThan(1);
    await expect(chart.locator(".recharts-line-curve").first()).toBeVisible();

    const labels = await chart.evaluate((el) => {
      return [...el.querySelectorAll<SVGTextElement>(".recharts-cartesian-axis-tick-value")].map((t) => {
        const svg = t.ownerSVGElement!.getBoundingClientRect();
        const r = t.getBoundingClientRect();
        return {
          text: t.textContent,
          inside:
            r.left >= svg.left - 0.5 &&
            r.right <= svg.right + 0.5 &&
            r.top >= svg.top - 0.5 &&
            r.bottom <= svg.bottom + 0.5,
        };
      });
    });
    expect(labels.map((l) => l.text)).toContain("100%");
    expect(labels.filter((l) => !l.inside)).toEqual([]);
  }
});
