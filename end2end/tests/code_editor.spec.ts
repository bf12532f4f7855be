import { expect, test, type Page } from "@playwright/test";
import { waitForHydration } from "./pages/auth";
import { chatAsking } from "./pages/fake";
import { fakeKey, signedUpWithKey } from "./pages/journey";
import { shoot } from "./pages/shots";
import { StudioPage } from "./pages/studio";
import { WorkspacePage } from "./pages/workspace";

const KEY = fakeKey("c0de");

/** Records the page's Content-Security-Policy violations in `window.__csp` from the first script on. */
async function watchCsp(page: Page) {
  await page.addInitScript(() => {
    (window as any).__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as any).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as any).__csp as string[]);
}

/** How far the page is wider than the window, in pixels (0: no horizontal scroll). */
async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

for (const width of [1280, 390]) {
  test(`at ${width} px the editor highlights Rust, numbers lines, indents with Tab, undoes, and saves as one types`, async ({ page }) => {
    await watchCsp(page);
    await page.setViewportSize({ width, height: 900 });
    await signedUpWithKey(page, `typist${width}`, KEY);
    await page.goto("/studio");
    await waitForHydration(page);
    const ws = new WorkspacePage(page);
    await ws.create("typing");
    await ws.open("typing");

    // Typed as a person types: the brackets close themselves, Enter indents inside them.
    await ws.input.click();
    await page.keyboard.type("fn main() {");
    await page.keyboard.press("Enter");
    await page.keyboard.type('let greeting = "hi"; // say it');
    await expect.poll(() => ws.code()).toBe('fn main() {\n    let greeting = "hi"; // say it\n}');
    await expect(ws.tokens("keyword").filter({ hasText: /^fn$/ })).toHaveCount(1);
    await expect(ws.tokens("keyword").filter({ hasText: /^let$/ })).toHaveCount(1);
    await expect(ws.tokens("string")).toHaveText(['"hi"']);
    await expect(ws.tokens("comment")).toHaveText(["// say it"]);
    await expect(ws.lineNumbers.getByText("3", { exact: true })).toBeVisible();

    // Tab indents the line (four spaces), Shift+Tab takes it back; Ctrl+Z undoes, Ctrl+Shift+Z redoes.
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("x");
    // CodeMirror makes one undo step of edits less than half a second apart (as of quick
    // typing); a person pauses between these, and so does the test.
    await page.waitForTimeout(600);
    await page.keyboard.press("Tab");
    await expect.poll(() => ws.code()).toMatch(/\n {4}x$/);
    await expect(ws.input).toBeFocused(); // Tab stayed in the editor
    await page.waitForTimeout(600);
    await page.keyboard.press("Shift+Tab");
    await expect.poll(() => ws.code()).toMatch(/\}\nx$/);
    await page.keyboard.press("ControlOrMeta+z");
    await expect.poll(() => ws.code()).toMatch(/\n {4}x$/);
    await page.keyboard.press("ControlOrMeta+z");
    await expect.poll(() => ws.code()).toMatch(/\}\nx$/);
    await page.keyboard.press("ControlOrMeta+Shift+KeyZ");
    await expect.poll(() => ws.code()).toMatch(/\n {4}x$/);
    const typed = await ws.code();

    // Saved with no button pressed; after a reload the server's page has the code (in the textarea
    // that works without JavaScript) and the editor has it again.
    await expect(ws.saveStatus).toHaveText("Saved");
    const html = await (await page.request.get(page.url())).text();
    // The page streams: what waited for the workspace comes in a template the page's script
    // puts in place, so the textarea is looked for there too.
    const served = await page.evaluate((h) => {
      const doc = new DOMParser().parseFromString(h, "text/html");
      const roots: ParentNode[] = [doc, ...Array.from(doc.querySelectorAll("template"), (t) => t.content)];
      const area = roots.map((r) => r.querySelector<HTMLTextAreaElement>("textarea#code")).find((t) => t);
      return area?.defaultValue;
    }, html);
    expect(served).toBe(typed);
    await page.reload();
    await ws.ready();
    await expect.poll(() => ws.code()).toBe(typed);
    await expect(ws.saveStatus).toHaveText("Saved");

    // The page never scrolls sideways, however long a line is: the editor scrolls inside.
    await ws.write(`// ${"wide ".repeat(80)}\n${typed}`, 0);
    await expect(ws.saveStatus).toHaveText("Saved");
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shoot(page, "editor");
    expect(await cspViolations(page)).toEqual([]);
  });

  test(`at ${width} px Complete inserts at the cursor placed by click and keyboard, and the selection is what the assistant gets`, async ({ page }) => {
    await watchCsp(page);
    await page.setViewportSize({ width, height: 900 });
    await signedUpWithKey(page, `cursor${width}`, KEY);
    await page.goto("/studio");
    await waitForHydration(page);
    const ws = new WorkspacePage(page);
    await ws.create("cursor");
    await ws.open("cursor");
    const code = "fn main() {\n    let a = 1;\n    let b = 2;\n}\n";
    await ws.write(code, 0);

    // Click line 2, then End: the cursor is after "let a = 1;".
    await ws.line(2).click();
    await page.keyboard.press("End");
    await ws.complete.click();
    await expect.poll(() => ws.code()).not.toBe(code);
    const before = "fn main() {\n    let a = 1;";
    const after = "\n    let b = 2;\n}\n";
    const completed = await ws.code();
    expect(completed.startsWith(before)).toBe(true);
    expect(completed.endsWith(after)).toBe(true);
    expect(completed.length).toBeGreaterThan(code.length);
    await expect(ws.saveStatus).toHaveText("Saved");
    // The completion is one step of the editor's history.
    await ws.input.focus();
    await page.keyboard.press("ControlOrMeta+z");
    await expect.poll(() => ws.code()).toBe(code);

    // Select "let b = 2;" with the keyboard (line 3, End, Shift+Home): that is what goes.
    await ws.line(3).click();
    await page.keyboard.press("End");
    await page.keyboard.press("Shift+Home");
    await page.getByTestId("include-code").check();
    await expect(page.getByTestId("included-part")).toHaveText("Sends your selection (line 3, 10 characters) of cursor.");
    const studio = new StudioPage(page);
    const question = `what is b, at ${width} px`;
    await studio.input.fill(question);
    await studio.send.click();
    await expect(studio.log.getByTestId("turn-context").last()).toHaveText("With your selection (line 3, 10 characters) of cursor");
    const systems = (await chatAsking(page, question)).filter((m) => m.role === "system" && m.content.includes("cursor"));
    expect(systems).toHaveLength(1);
    expect(systems[0].content).toContain("```rust\nlet b = 2;\n```");
    expect(systems[0].content).not.toContain("let a = 1;");
    expect(await cspViolations(page)).toEqual([]);
  });
}

test("a Python workspace is highlighted as Python", async ({ page }) => {
  await watchCsp(page);
  await signedUpWithKey(page, "snake", KEY);
  await page.goto("/studio");
  await waitForHydration(page);
  const ws = new WorkspacePage(page);
  await ws.create("snake", "python");
  await ws.open("snake");
  await ws.write("def greet(name):\n    return 'hi ' + name  # friendly\n", 0);
  await expect(ws.tokens("keyword").filter({ hasText: /^def$/ })).toHaveCount(1);
  await expect(ws.tokens("keyword").filter({ hasText: /^return$/ })).toHaveCount(1);
  await expect(ws.tokens("comment")).toHaveText(["# friendly"]);
  await expect(ws.tokens("string")).toHaveText(["'hi '"]);
  await expect(ws.saveStatus).toHaveText("Saved");
  expect(await cspViolations(page)).toEqual([]);
});
