import { createHash } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { fakeRoot } from "../playwright.config";
import { SignUpPage, uniqueEmail, waitForHydration } from "./pages/auth";
import { SettingsPage } from "./pages/settings";
import { shoot } from "./pages/shots";
import { StudioPage } from "./pages/studio";

/** A key whose hex starts with `prefix` (unique per test, so each sets its own facts). */
const keyOf = (prefix: string) => `sk-or-v1-${(prefix + "0123456789abcdef".repeat(4)).slice(0, 64)}`;
const days = (n: number) => new Date(Date.now() + n * 24 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, "Z");

/** Signs up, tells the fake what `/key` says about `prefix`, and saves that key. */
async function userWithKey(page: Page, prefix: string, data: Record<string, unknown>, disabled = false) {
  await page.request.put(`${fakeRoot}/__fake/keys/${prefix}`, { data: { data, disabled } });
  const signUp = new SignUpPage(page);
  await signUp.goto("/settings");
  await waitForHydration(page);
  await signUp.signUp(uniqueEmail("health"));
  await expect(page).toHaveURL(/\/settings$/);
  const settings = new SettingsPage(page);
  await settings.goto();
  await settings.saveKey(keyOf(prefix));
  await expect(settings.masked).toHaveText(`sk-${"*".repeat(19)}${keyOf(prefix).slice(-6)}`);
  return settings;
}

/** The banner shows on settings, on the studio and (compact) in the assistant. */
async function expectBannerEverywhere(page: Page, kind: string, text: RegExp, key: string) {
  const page_link = `https://openrouter.ai/keys/${createHash("sha256").update(key).digest("hex")}`;
  await page.goto("/settings");
  await waitForHydration(page);
  const banner = page.getByTestId("key-health");
  await expect(banner).toBeVisible();
  await expect(banner.locator(`[data-kind='${kind}']`)).toContainText(text);
  await expect(banner.getByTestId("key-page-link")).toHaveAttribute("href", page_link);
  await new StudioPage(page).goto();
  await expect(page.getByTestId("key-health").locator(`[data-kind='${kind}']`)).toBeVisible();
  await expect(page.getByTestId("key-health-assistant").locator(`[data-kind='${kind}']`)).toBeVisible();
}

test("a key that expires within a week gets a banner with its OpenRouter page", async ({ page }, testInfo) => {
  await userWithKey(page, "e7e1", { expires_at: days(3) });
  await expectBannerEverywhere(page, "expires_soon", /expires soon/i, keyOf("e7e1"));
  await expect(page.getByTestId("key-health").first()).toContainText("in 2 days");
  await page.screenshot({ path: testInfo.outputPath("studio-expires-soon.png"), fullPage: true });
  await shoot(page, "studio-expires-soon-banner");
});

test("an expired key gets a banner", async ({ page }) => {
  await userWithKey(page, "e7e2", { expires_at: days(-1) });
  await expectBannerEverywhere(page, "expired", /has expired/, keyOf("e7e2"));
});

test("a key with under a dollar of its limit left gets a banner", async ({ page }, testInfo) => {
  await userWithKey(page, "10b1", { limit: 10, limit_remaining: 0.4, usage: 9.6 });
  await expectBannerEverywhere(page, "low_balance", /running out/, keyOf("10b1"));
  await page.goto("/settings");
  await waitForHydration(page);
  await expect(page.getByTestId("key-health")).toContainText("Only $0.40 of your key's $10.00 limit is left");
  await page.screenshot({ path: testInfo.outputPath("settings-low-balance.png"), fullPage: true });
  await shoot(page, "settings-low-balance-banner");
});

test("a key disabled on OpenRouter is found out on the next call and gets a banner", async ({ page }) => {
  const settings = await userWithKey(page, "d15a", {});
  void settings;
  await page.request.put(`${fakeRoot}/__fake/keys/d15a`, { data: { data: {}, disabled: true } });
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.input.fill("hello");
  await studio.send.click();
  await expect(studio.error).toContainText("OpenRouter rejected your stored API key");
  await expect(page.getByTestId("key-health-assistant").locator("[data-kind='rejected']")).toBeVisible();
  await expectBannerEverywhere(page, "rejected", /rejected this key/, keyOf("d15a"));
});

test("a key that hit the free tier's daily cap gets a banner", async ({ page }) => {
  await userWithKey(page, "0429f", {});
  // The chat default is a free model, which this rate-limited key has used up for today.
  const prefs = await page.request.put("/api/user/model-preferences", {
    data: { chat: "z-ai/glm-4.5-air:free" },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(prefs.status()).toBe(200);
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.input.fill("one more free answer");
  await studio.send.click();
  await expect(studio.error).toContainText("today's free-model requests");
  await expectBannerEverywhere(page, "free_tier_cap", /free requests are used up/, keyOf("0429f"));
});
