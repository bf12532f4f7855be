import { expect, test, type Page } from "@playwright/test";
import { waitForHydration } from "./pages/auth";
import { Answer } from "./pages/answer";
import { fakeKey, signedUpWithKey } from "./pages/journey";
import { shoot } from "./pages/shots";
import { StudioPage } from "./pages/studio";
import { WorkspacePage } from "./pages/workspace";

const KEY = fakeKey("3d0c");

/** Sends `prompt` and waits for the whole answer (its cost line comes with the last event). */
async function answerTo(studio: StudioPage, prompt: string): Promise<Answer> {
  await studio.input.fill(prompt);
  await studio.send.click();
  const answer = new Answer(studio.lastReply());
  await expect(answer.cost).not.toBeEmpty();
  return answer;
}

/** Records every dialog the page opens (dismissing it) and every request it makes. */
function watch(page: Page): { dialogs: string[]; requests: string[] } {
  const seen = { dialogs: [] as string[], requests: [] as string[] };
  page.on("dialog", (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("request", (r) => seen.requests.push(r.url()));
  return seen;
}

for (const width of [1280, 390]) {
  test(`hostile Markdown in an answer is only text at ${width} px: no script, no handler, no javascript: or data: link, no remote image`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    const seen = watch(page);
    await signedUpWithKey(page, `hostile${width}`, KEY);
    const studio = new StudioPage(page);
    await studio.goto();
    const answer = await answerTo(studio, "FAKE_MARKDOWN:hostile render this");

    await expect(answer.body.getByRole("heading", { name: "Hostile answer" })).toBeVisible();
    // The markup is there to read, as text.
    await expect(answer.body).toContainText("<script>window.__pwned = 'script';</script>");
    await expect(answer.body).toContainText('<img src="x" onerror=');
    await expect(answer.body).toContainText("raw anchor");
    expect(await answer.liveParts()).toEqual([]);
    // Dropped links keep their words; safe ones open in a new tab without the opener.
    await expect(answer.body).toContainText("javascript link");
    await expect(answer.body.getByRole("link", { name: "javascript link" })).toHaveCount(0);
    await expect(answer.body.getByRole("link", { name: "data link" })).toHaveCount(0);
    const safe = answer.body.getByRole("link", { name: "a safe link" });
    await expect(safe).toHaveAttribute("href", "https://example.com/ok");
    await expect(safe).toHaveAttribute("rel", "noopener noreferrer");
    await expect(safe).toHaveAttribute("target", "_blank");
    await expect(answer.body.getByRole("link", { name: "https://example.com/docs" })).toHaveAttribute("rel", "noopener noreferrer");
    // The image is a link to it, never loaded.
    await expect(answer.body.getByRole("link", { name: /Image: remote image/ })).toHaveAttribute("href", "https://example.com/tracker.png");
    expect(seen.requests.filter((url) => url.includes("example.com"))).toEqual([]);
    // The code block shows its script as code; nothing ran.
    await expect(answer.code(0)).toHaveText("<script>alert('inside a code block is only text')</script>\n");
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(seen.dialogs).toEqual([]);
    // The studio page has no editor: no "Insert at cursor".
    await expect(answer.copy(0)).toBeVisible();
    await expect(answer.insert(0)).toHaveCount(0);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scroll).toBeLessThanOrEqual(width);
  });
}

for (const width of [1280, 390]) {
  test(`an answer beside the editor at ${width} px: heading, list, table and highlighted code; Copy copies and Insert puts the code at the cursor`, async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.setViewportSize({ width, height: 900 });
    await signedUpWithKey(page, `answers${width}`, KEY);
    await page.goto("/studio");
    await waitForHydration(page);
    const ws = new WorkspacePage(page);
    await ws.create("strings");
    await ws.open("strings");
    const before = "use std::io;\n\n";
    const after = "\nfn main() {}\n";
    await ws.write(before + after, before.length);

    const studio = new StudioPage(page);
    const answer = await answerTo(studio, "Write a function that reverses a string");
    await expect(answer.body).toContainText("You asked: Write a function that reverses a string");
    await expect(answer.body.getByRole("heading", { name: "Reversing a string in Rust" })).toBeVisible();
    await expect(answer.body.locator("strong")).toHaveText("In short:");
    await expect(answer.body.locator("ul > li")).toHaveCount(3);
    await expect(answer.body.locator("li code").first()).toHaveText("reverse");
    await expect(answer.body.locator("table th")).toHaveText(["task", "command"]);
    await expect(answer.codeBlock(0).locator(".code-lang")).toHaveText("rust");
    await expect(answer.code(0).locator("span.tok-kw")).toContainText(["pub", "fn"]);
    await expect(answer.code(0).locator("span.tok-com").first()).toContainText("/// Returns `s`");
    const code = "/// Returns `s` with its characters in reverse order.\npub fn reverse(s: &str) -> String {\n    s.chars().rev().collect()\n}";
    await expect(answer.code(0)).toHaveText(code + "\n");
    if (width === 1280) await shoot(page, "workspace-answer");

    await answer.copy(0).click();
    await expect(answer.copy(0)).toHaveText("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);

    // The cursor is still where it was put; the block goes there, and is saved.
    await answer.insert(0).click();
    await expect.poll(() => ws.code()).toBe(before + code + after);
    // A selection is replaced.
    await ws.select(0, "use std::io;".length);
    const saved = page.waitForResponse((r) => r.url().includes("save_workspace_code") && r.ok());
    await answer.insert(0).click();
    await expect.poll(() => ws.code()).toBe(code + "\n\n" + code + after);
    await saved;
    await page.reload();
    await ws.ready();
    await expect.poll(() => ws.code()).toBe(code + "\n\n" + code + after); // saved
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scroll).toBeLessThanOrEqual(width);
  });
}
