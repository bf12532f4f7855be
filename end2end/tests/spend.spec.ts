import { expect, test } from "@playwright/test";
import * as fs from "node:fs";
import { SignUpPage, uniqueEmail, waitForHydration } from "./pages/auth";
import { SettingsPage } from "./pages/settings";
import { SpendSettings, spendAlert } from "./pages/spend";
import { StudioPage } from "./pages/studio";

const hex = (prefix: string) => (prefix + "0123456789abcdef".repeat(4)).slice(0, 64);
const GOOD_KEY = `sk-or-v1-${hex("5be1")}`;
const SHOTS = process.env.SPEND_SHOTS_DIR;

test("a user sets a spending cap, hits it, and sees the alert in the studio and on the usage page", async ({ page }) => {
  if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource: .* 4\d\d/.test(m.text())) errors.push(m.text());
  });
  const signUp = new SignUpPage(page);
  await signUp.goto("/studio");
  await waitForHydration(page);
  await signUp.signUp(uniqueEmail("cap"));
  await expect(page).toHaveURL(/\/studio$/);
  const settings = new SettingsPage(page);
  await settings.goto();
  await settings.saveKey(GOOD_KEY);
  await expect(settings.status).toContainText("Credit left");

  // Before sending: the estimate with the chosen model; after: the answer's real cost and tokens.
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.input.fill("hello");
  await expect(page.getByTestId("cost-estimate")).toContainText("Estimated cost with openai/gpt-4o-mini: $");
  await studio.send.click();
  await expect(studio.lastReply()).toContainText("You asked: hello");
  await expect(studio.lastReply().getByTestId("answer-cost")).toContainText(/\$0\.0000\d+ · \d+ tokens \(\d+ in, \d+ out\) · openai\/gpt-4o-mini/);
  await expect(spendAlert(page)).toHaveCount(0);

  // A daily cap below one call's worst case (8192 answer tokens of gpt-4o-mini, about $0.0049).
  const spend = new SpendSettings(page);
  await spend.goto();
  await expect(spend.current).toHaveText("No limit is set.");
  await spend.setLimit("0.004", "day");
  await expect(spend.message).toContainText("Saved: at most $0.004 daily.");
  await expect(spend.current).toContainText("of $0.004 daily used this period");
  if (SHOTS) {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `${SHOTS}/settings-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 720 });
  }

  // The next call would pass it: refused, with when it resets; then the banner.
  await studio.goto();
  await studio.input.fill("one more");
  await studio.send.click();
  await expect(studio.error).toContainText("limit resets at 00:00 UTC on");
  await studio.goto();
  await expect(spendAlert(page)).toHaveAttribute("data-level", "100");
  await expect(spendAlert(page)).toContainText("You have reached your $0.004 daily spending limit");

  // The usage page: the banner, the period's spend against the cap, the pace, the export.
  await page.goto("/usage");
  await waitForHydration(page);
  await expect(spendAlert(page)).toBeVisible();
  await expect(page.getByTestId("spend-summary")).toContainText("of your $0.004 daily limit");
  await expect(page.getByTestId("spend-pace")).toContainText("At this rate, $");
  await expect(page.getByTestId("usage-csv")).toHaveAttribute("href", /\/api\/user\/usage\.csv\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d/);
  const csv = await page.request.get((await page.getByTestId("usage-csv").getAttribute("href")) ?? "");
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toMatch(/^time,feature,model,/);
  if (SHOTS) {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `${SHOTS}/usage-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 720 });
  }

  // Once dismissed it stays dismissed for the period.
  const dismissed = page.waitForResponse((r) => r.url().includes("/api/dismiss_spend_alert"));
  await spendAlert(page).getByRole("button", { name: "Dismiss" }).click();
  expect((await dismissed).status()).toBe(200);
  await expect(spendAlert(page)).toHaveCount(0);
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("spend-summary")).toBeVisible();
  await expect(spendAlert(page)).toHaveCount(0);
  await studio.goto();
  await expect(spendAlert(page)).toHaveCount(0);
  expect(errors).toEqual([]);
});
