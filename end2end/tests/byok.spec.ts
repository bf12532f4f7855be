import { expect, test, type Page } from "@playwright/test";
import { SignUpPage, uniqueEmail, waitForHydration } from "./pages/auth";
import { SettingsPage } from "./pages/settings";
import { StudioPage } from "./pages/studio";
import { WorkspacePage } from "./pages/workspace";

// Keys the fake OpenRouter understands: any well-formed key is live; a `dead` prefix is revoked.
const hex = (prefix: string) => (prefix + "0123456789abcdef".repeat(4)).slice(0, 64);
const GOOD_KEY = `sk-or-v1-${hex("abc1")}`;
const DEAD_KEY = `sk-or-v1-${hex("dead")}`;
const SECRET_PART = GOOD_KEY.slice(12, 60);

/** Records every response body the page receives, to prove the key never comes back. */
function recordResponses(page: Page): string[] {
  const bodies: string[] = [];
  page.on("response", async (res) => {
    try {
      bodies.push(await res.text());
    } catch {
      // Redirects and aborted requests have no body.
    }
  });
  return bodies;
}

test("a new user adds a key, chats with streamed answers, removes the key, and a second user sees none of it", async ({ page, browser }, testInfo) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // The browser logs the deliberate 4xx answers (a malformed key, a rejected key) as failed
  // loads; anything else on the console is an error of the app's.
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource: .* 4\d\d/.test(m.text())) errors.push(m.text());
  });
  const bodies = recordResponses(page);
  // Every URL the page asks for, with the headers that would carry a key in a URL-borne leak.
  const urls: string[] = [];
  page.on("request", (req) => urls.push(`${req.url()} ${req.headers()["referer"] ?? ""}`));

  // Sign up; an anonymous visit to the studio went to sign-in and comes back.
  await page.goto("/studio");
  await expect(page).toHaveURL(/\/signin\?next=\/studio/);
  const signUp = new SignUpPage(page);
  await signUp.goto("/studio");
  await waitForHydration(page);
  await signUp.signUp(uniqueEmail("ada"));
  await expect(page).toHaveURL(/\/studio$/);

  // No key yet: the setup prompt, and a prompt typed now is kept.
  const studio = new StudioPage(page);
  await studio.goto();
  await expect(studio.setupPrompt).toBeVisible();
  await expect(studio.send).toBeDisabled();
  await studio.input.fill("hello from before setup");
  await page.screenshot({ path: testInfo.outputPath("studio-setup-prompt.png"), fullPage: true });

  // Settings: a malformed key, a key OpenRouter rejects, then a good key.
  await studio.setupPrompt.getByRole("link", { name: "Go to settings" }).click();
  const settings = new SettingsPage(page);
  await waitForHydration(page);
  await settings.keyInput.fill("sk-or-v1-abc");
  await expect(settings.hint).toContainText("Too short");
  await settings.saveButton.click();
  await expect(settings.error).toContainText("64 lowercase hexadecimal");
  await settings.saveKey(DEAD_KEY);
  await expect(settings.error).toContainText("OpenRouter rejected this key");
  await settings.saveKey(GOOD_KEY);
  await expect(settings.masked).toHaveText(`sk-${"*".repeat(19)}${GOOD_KEY.slice(-6)}`);
  await expect(settings.keyInput).toHaveValue("");
  await expect(settings.status).toContainText("Credit left");
  await expect(page.getByTestId("key-log")).toContainText("set");
  await expect(page.getByTestId("key-log").locator("time").first()).toHaveText(/just now|minute/);
  // The session list names the browser and its address, not a raw user-agent string.
  await expect(page.getByTestId("session-device").first()).toHaveText(/^Chrome on Linux, (127\.0\.0\.1|::1)$/);
  expect(await page.content()).not.toContain(SECRET_PART);
  await page.screenshot({ path: testInfo.outputPath("settings.png"), fullPage: true });

  // Back in the studio the kept prompt is there; the answer streams in.
  await studio.goto();
  await expect(studio.setupPrompt).toHaveCount(0);
  await expect(studio.input).toHaveValue("hello from before setup");
  await studio.send.click();
  await expect(studio.lastReply()).toContainText("You asked: hello from before setup");
  await page.screenshot({ path: testInfo.outputPath("studio-chat.png"), fullPage: true });

  // A workspace: completion is inserted at the cursor, generation writes code, both are saved.
  const ws = new WorkspacePage(page);
  await ws.create("Ada's sandbox");
  await ws.open("Ada's sandbox");
  const before = "fn main() {\n    ";
  const after = "\n}\n";
  await ws.write(before + after, before.length);
  await ws.complete.click();
  await expect.poll(() => ws.code()).toMatch(/println!\("Hello, world!"\);/); // the fake continues the code
  const completed = await ws.code();
  expect(completed.startsWith(before)).toBe(true);
  expect(completed.endsWith(after)).toBe(true);
  expect(completed.length).toBeGreaterThan((before + after).length);
  await ws.prompt.fill("a function that adds two numbers");
  await ws.select(0);
  await ws.generate.click();
  await expect.poll(() => ws.code()).not.toBe(completed);
  const generated = await ws.code();
  expect(generated.endsWith(completed)).toBe(true); // inserted at the cursor, at the start
  expect(generated.length).toBeGreaterThan(completed.length);
  await expect(ws.saveStatus).toHaveText("Saved");
  await page.screenshot({ path: testInfo.outputPath("workspace.png"), fullPage: true });
  await page.reload();
  await ws.ready();
  expect(await ws.code()).toBe(generated);

  // The usage page shows those calls.
  await page.goto("/usage");
  await expect(page.getByTestId("usage-calls")).toContainText("Chat");
  await expect(page.getByTestId("usage-by-feature")).toContainText("Code completion");
  await expect(page.getByTestId("usage-by-feature")).toContainText("Code generation");
  await expect(page.getByTestId("usage-calls")).not.toContainText("code_completion");
  // Times read as words once the page is hydrated, the exact time on hover.
  await expect(page.getByTestId("usage-calls").locator("time").first()).toHaveText(/just now|minute/);
  await expect(page.getByTestId("usage-calls").locator("time").first()).toHaveAttribute("title", /\d/);
  const chart = page.getByTestId("usage-chart");
  await expect(chart).toBeVisible();
  await expect(chart.getByTestId("chart-legend")).toContainText("Code completion");
  await expect(chart.getByTestId("chart-segment").first().locator("title")).toHaveText(/(Chat|Code (completion|generation)): \$/);
  await page.screenshot({ path: testInfo.outputPath("usage.png"), fullPage: true });

  // Removing the key brings the setup prompt back.
  await settings.goto();
  await settings.removeKey();
  await studio.goto();
  await expect(studio.setupPrompt).toBeVisible();

  expect(bodies.join("\n")).not.toContain(SECRET_PART);
  expect(urls.length).toBeGreaterThan(10);
  expect(urls.join("\n")).not.toContain(SECRET_PART);
  expect(errors).toEqual([]);

  // A second user sees none of the first user's key.
  const other = await browser.newContext();
  const page2 = await other.newPage();
  await new SignUpPage(page2).goto("/settings");
  await waitForHydration(page2);
  await new SignUpPage(page2).signUp(uniqueEmail("bob"));
  await expect(page2).toHaveURL(/\/settings$/);
  const settings2 = new SettingsPage(page2);
  await expect(settings2.status).toContainText("No key stored yet");
  await expect(page2.getByTestId("key-log")).toHaveCount(0);
  await page2.goto("/studio");
  await expect(page2.getByTestId("workspace-list")).toHaveCount(0);
  await expect(page2.getByText("No workspaces yet")).toBeVisible();
  await page2.goto("/usage");
  await expect(page2.getByText("No AI calls yet.")).toBeVisible();
  await other.close();
});

test("sign-in works before the WASM loads and returns to the page asked for", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const email = uniqueEmail("nojs");
  await page.goto("/signup?next=/settings");
  await new SignUpPage(page).signUp(email);
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await context.close();
});
