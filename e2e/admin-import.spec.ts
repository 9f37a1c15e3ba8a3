// /admin/keys → Import: an admin picks a CSV of existing br_ keys, sees the dry-run preview, imports,
// and the imported key answers on /v1/models at once.
import { randomBytes } from "node:crypto";
import { admin, expect as baseExpect, test, uniqueEmail } from "./fixtures";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

test("an admin imports br_ keys from a CSV after a dry-run preview, and they work at once", async ({ page }) => {
  const res = await page.request.post("/api/auth/login", { data: { email: admin.email, password: admin.password } });
  expect(res.ok()).toBe(true);
  const key = `br_${randomBytes(20).toString("hex")}`;
  const email = uniqueEmail("imported");

  await page.goto("/admin/keys");
  await page.getByTestId("import-keys-open").click();
  await page.getByTestId("import-keys-file").setInputFiles({
    name: "keys.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`key,email,balance\n${key},${email},2.5\n`),
  });
  const preview = page.getByTestId("import-keys-preview");
  await expect(preview).toContainText("Would import 1 key(s) and create 1 user(s)");
  await expect(page.getByTestId("import-keys-row-2")).toContainText(key.slice(0, 10));
  // The preview wrote nothing: the key does not work yet.
  expect((await page.request.get("/api/v1/models", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(
    401,
  );

  await page.getByTestId("import-keys-apply").click();
  await expect(page.getByTestId("import-keys-result")).toContainText("Imported 1 key(s) (1 new user(s))");
  await page.getByTestId("import-keys-done").click();
  await expect(page.getByTestId("keys-table")).toContainText(email);
  expect((await page.request.get("/api/v1/models", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(
    200,
  );
});
