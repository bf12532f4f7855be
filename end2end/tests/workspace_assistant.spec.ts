import { expect, test } from "@playwright/test";
import { waitForHydration } from "./pages/auth";
import { shoot } from "./pages/shots";
import { chatAsking } from "./pages/fake";
import { fakeKey, signedUpWithKey } from "./pages/journey";
import { StudioPage } from "./pages/studio";
import { WorkspacePage } from "./pages/workspace";

const KEY = fakeKey("5eed");
const CODE = "fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n";

test("the workspace page has the editor and the assistant side by side, and a question can take the code or the selection", async ({ page }) => {
  await signedUpWithKey(page, "pair", KEY);
  await page.goto("/studio");
  await waitForHydration(page);
  const ws = new WorkspacePage(page);
  await ws.create("adder");
  await ws.open("adder");
  await ws.write(CODE, 0);

  const studio = new StudioPage(page);
  const editorBox = (await ws.editor.boundingBox())!;
  const panelBox = (await page.getByTestId("ai-assistant").boundingBox())!;
  expect(panelBox.x).toBeGreaterThan(editorBox.x + editorBox.width - 1); // beside, at 1280 px

  // Without the box ticked, no code goes.
  await studio.input.fill("hello, adder");
  await studio.send.click();
  await expect(studio.lastReply()).toContainText("You asked: hello, adder");
  expect((await chatAsking(page, "hello, adder")).some((m) => m.role === "system" && m.content.includes("a + b"))).toBe(false);

  // The whole file, its size shown before sending.
  await page.getByTestId("include-code").check();
  await expect(page.getByTestId("included-part")).toHaveText("Sends lines 1–3 (44 characters) of adder.");
  await studio.input.fill("what does this do");
  await studio.send.click();
  await expect(studio.lastReply()).toContainText("You asked: what does this do");
  await expect(studio.log.getByTestId("turn-context").last()).toHaveText("With lines 1–3 (44 characters) of adder");
  let sent = await chatAsking(page, "what does this do");
  const system = sent.filter((m) => m.role === "system" && m.content.includes("```rust\n" + CODE));
  expect(system).toHaveLength(1);
  expect(sent[sent.length - 1]).toEqual({ role: "user", content: "what does this do" });

  // A selection goes alone.
  await ws.select(CODE.indexOf("a + b"), CODE.indexOf("a + b") + 5);
  await expect(page.getByTestId("included-part")).toHaveText("Sends your selection (line 2, 5 characters) of adder.");
  await studio.input.fill("explain the selection");
  await studio.send.click();
  await expect(studio.lastReply()).toContainText("You asked: explain the selection");
  sent = await chatAsking(page, "explain the selection");
  const systems = sent.filter((m) => m.role === "system" && m.content.includes("adder"));
  expect(systems).toHaveLength(1); // only the latest prompt's code
  expect(systems[0].content).toContain("```rust\na + b\n```");
  expect(systems[0].content).not.toContain("fn add");
  await shoot(page, "workspace");

  // Stacked on a phone.
  await page.setViewportSize({ width: 390, height: 900 });
  const narrowEditor = (await ws.editor.boundingBox())!;
  const narrowPanel = (await page.getByTestId("ai-assistant").boundingBox())!;
  expect(narrowPanel.y).toBeGreaterThan(narrowEditor.y + narrowEditor.height - 1);
});
