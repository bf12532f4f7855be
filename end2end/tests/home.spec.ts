import { expect, test } from "@playwright/test";
import { HomePage } from "./pages/home";

test("the home page is rendered on the server before any script runs", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const home = new HomePage(page);
  await home.goto();
  await expect(home.heading).toBeVisible();
  await expect(home.nav.getByRole("link", { name: "Settings" })).toBeVisible();
  await expect(home.status).toHaveText("Not checked yet.");
  await context.close();
});

test("after hydration the server check runs a server function and shows the answer", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  const home = new HomePage(page);
  await home.goto();
  await home.waitForHydration();
  await home.checkButton.click();
  await expect(home.status).toHaveText(/Server .* is up; sqlite database answering\./);
  expect(errors).toEqual([]);
});

test("without the WASM the page still renders but the control stays inert", async ({ page }) => {
  await page.route("**/*.wasm", (route) => route.abort());
  const home = new HomePage(page);
  await home.goto();
  await expect(home.heading).toBeVisible();
  await home.checkButton.click();
  // Give a hydrated page ample time to have answered; an inert one keeps its server text.
  await page.waitForLoadState("networkidle");
  await expect(home.status).toHaveText("Not checked yet.");
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(0);
});
