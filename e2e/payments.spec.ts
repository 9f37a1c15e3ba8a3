// "Add credit": the chat's balance panel → Stripe's (fake) hosted checkout → "Pay" → back on the
// result page, which turns from pending to paid without a reload, while the chat tab's balance
// changes live. The settings page then lists the payment with its receipt.
import type { Page } from "@playwright/test";
import { expect as baseExpect, test, uniqueEmail } from "./fixtures";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

async function signUp(page: Page): Promise<string> {
  const email = uniqueEmail("payer");
  const res = await page.request.post("/api/auth/register", {
    data: { email, password: "payments-password-123", name: "" },
  });
  if (!res.ok()) throw new Error(`register answered ${res.status()}: ${await res.text()}`);
  return email;
}

test("Add credit through the fake Stripe Checkout credits the balance live", async ({ page, context }) => {
  await signUp(page);
  // A second tab stays on the chat page: its balance must change without a reload.
  const chat = await context.newPage();
  await chat.goto("/");
  await expect(chat.getByTestId("header-balance")).toHaveText("No limit");

  await page.goto("/");
  await page.getByTestId("header-balance").click();
  await page.getByTestId("add-credit-open").click();
  await page.getByTestId("add-credit-custom").fill("12.5");
  await page.getByTestId("add-credit-continue").click();

  await expect(page.getByTestId("fake-checkout-amount")).toHaveText("12.50 USD");
  await page.getByTestId("fake-checkout-pay").click();

  await expect(page).toHaveURL(/\/settings\/payments\/[a-z0-9]+$/);
  const result = page.getByTestId("payment-result");
  // The webhook arrives after the redirect: the page shows it turn to paid without a reload.
  await expect(result).toHaveAttribute("data-state", "PENDING");
  await expect(result).toHaveAttribute("data-state", "PAID");
  await expect(page.getByTestId("payment-balance")).toHaveText("12.50 USD");
  await expect(chat.getByTestId("header-balance")).toHaveText("$12.50");

  await page.goto("/settings");
  const rows = page.getByTestId("user-payments").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("12.50 USD");
  await expect(rows.first()).toContainText("Paid");
  await expect(rows.first().getByRole("link", { name: "Receipt" })).toHaveAttribute(
    "href",
    /^\/settings\/payments\/[a-z0-9]+$/,
  );
  await expect(page.getByTestId("settings-balance")).toHaveText("12.50 USD");
});

test("an amount below the minimum is refused on the page, before Stripe", async ({ page }) => {
  await signUp(page);
  await page.goto("/settings");
  await page.getByTestId("settings-add-credit").click();
  await page.getByTestId("add-credit-custom").fill("1");
  await page.getByTestId("add-credit-continue").click();
  await expect(page.getByTestId("add-credit-error")).toContainText("at least 5");
  await expect(page).toHaveURL(/\/settings$/);
});
