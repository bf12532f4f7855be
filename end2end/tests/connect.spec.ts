import { expect, test, type Page } from "@playwright/test";
import { fakeRoot } from "../playwright.config";
import { SignUpPage, uniqueEmail, waitForHydration } from "./pages/auth";
import { SettingsPage } from "./pages/settings";
import { shoot } from "./pages/shots";
import { StudioPage } from "./pages/studio";

/** Signs a fresh user up and leaves them on `next`. */
async function signUp(page: Page, next: string) {
  const signUp = new SignUpPage(page);
  await signUp.goto(next);
  await waitForHydration(page);
  await signUp.signUp(uniqueEmail("connect"));
  await expect(page).toHaveURL(new RegExp(`${next}$`));
}

/** The keys the fake handed out or was asked about, from its request log. */
async function keysSeenByFake(page: Page): Promise<string[]> {
  const res = await page.request.get(`${fakeRoot}/__fake/requests`);
  const log = (await res.json()) as { path: string; authorization: string | null }[];
  return log
    .filter((r) => r.path === "/api/v1/key" && r.authorization)
    .map((r) => (r.authorization ?? "").replace("Bearer ", ""));
}

test("connecting with OpenRouter from settings stores a key without the user ever seeing it", async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const urls: string[] = [];
  page.on("request", (req) => urls.push(req.url()));
  const bodies: string[] = [];
  page.on("response", async (res) => {
    try {
      bodies.push(await res.text());
    } catch {
      // Redirects have no body.
    }
  });
  await page.request.delete(`${fakeRoot}/__fake/requests`);
  await signUp(page, "/settings");
  const settings = new SettingsPage(page);
  await settings.goto();
  await expect(settings.status).toContainText("No key stored yet");

  await page.getByTestId("connect-openrouter").click();
  // OpenRouter's page (the fake's), with the PKCE challenge.
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/auth\?callback_url=.*code_challenge=.*code_challenge_method=S256/);
  const challenge = new URL(page.url()).searchParams.get("code_challenge") ?? "";
  expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await page.screenshot({ path: testInfo.outputPath("openrouter-authorize.png"), fullPage: true });
  await page.getByRole("button", { name: "Authorize" }).click();

  await expect(page).toHaveURL(/\/settings\?connect=connected$/);
  await waitForHydration(page);
  await expect(page.getByTestId("connect-outcome")).toContainText("Connected with OpenRouter");
  const [key] = await keysSeenByFake(page);
  expect(key).toMatch(/^sk-or-v1-c0de[0-9a-f]{60}$/);
  await expect(settings.masked).toHaveText(`sk-${"*".repeat(19)}${key.slice(-6)}`);
  await expect(page.getByTestId("key-log")).toContainText("connected via OpenRouter");
  await page.screenshot({ path: testInfo.outputPath("settings-connected.png"), fullPage: true });
  await shoot(page, "settings-connected");

  const secret = key.slice(12, 60);
  expect(await page.content()).not.toContain(secret);
  expect(urls.filter((u) => u.includes(secret))).toEqual([]);
  expect(bodies.filter((b) => b.includes(secret))).toEqual([]);

  // The key works: the assistant answers with it.
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.input.fill("hello through OAuth");
  await studio.send.click();
  await expect(studio.lastReply()).toContainText("You asked: hello through OAuth");
  expect(errors).toEqual([]);
});

test("the assistant's setup prompt connects too; a replayed callback and a refused key end on settings with nothing changed", async ({ page }) => {
  await signUp(page, "/studio");
  const studio = new StudioPage(page);
  await studio.goto();
  await expect(studio.setupPrompt).toBeVisible();
  const callbacks: string[] = [];
  page.on("request", (req) => {
    if (req.url().includes("/api/user/api-key/connect/callback")) callbacks.push(req.url());
  });

  // OpenRouter hands back a management key first: refused like a pasted one.
  await page.request.put(`${fakeRoot}/__fake/auth/key-prefix`, { data: { prefix: "0a11" } });
  try {
    await studio.setupPrompt.getByTestId("connect-openrouter").click();
    await page.getByRole("button", { name: "Authorize" }).click();
    await expect(page).toHaveURL(/\/settings\?connect=management_key$/);
    await expect(page.getByTestId("connect-outcome")).toContainText("management key");
    await expect(page.getByTestId("connect-outcome")).toContainText("Nothing was stored");
    await expect(new SettingsPage(page).status).toContainText("No key stored yet");
  } finally {
    await page.request.put(`${fakeRoot}/__fake/auth/key-prefix`, { data: { prefix: null } });
  }

  // Then a live key, from the setup prompt again.
  await studio.goto();
  await studio.setupPrompt.getByTestId("connect-openrouter").click();
  await page.getByRole("button", { name: "Authorize" }).click();
  await expect(page).toHaveURL(/\/settings\?connect=connected$/);
  const masked = await new SettingsPage(page).masked.textContent();

  // The same callback again (a replay) is refused, and the key stays as it was.
  const replay = callbacks[callbacks.length - 1];
  expect(replay).toContain("code=");
  await page.goto(replay);
  await expect(page).toHaveURL(/\/settings\?connect=unknown_state$/);
  await waitForHydration(page);
  await expect(page.getByTestId("connect-outcome")).toContainText("already used");
  await expect(new SettingsPage(page).masked).toHaveText(masked ?? "");
  await expect(page.getByTestId("key-log").locator("tbody tr")).toHaveCount(1);
});
