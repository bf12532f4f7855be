import { expect, test, type Page } from "@playwright/test";
import { fakeRoot } from "../playwright.config";
import { fakeKey, signedUpWithKey } from "./pages/journey";
import { StudioPage } from "./pages/studio";

const KEY = fakeKey("c0de");

async function studioWithKey(page: Page): Promise<StudioPage> {
  await signedUpWithKey(page, "control", KEY);
  const studio = new StudioPage(page);
  await studio.goto();
  return studio;
}

async function cancelledStreams(page: Page): Promise<number> {
  const res = await page.request.get(`${fakeRoot}/__fake/streams`);
  return (await res.json()).cancelled as number;
}

test("Stop ends an answer and OpenRouter's stream; Escape stops too", async ({ page }) => {
  const studio = await studioWithKey(page);
  const before = await cancelledStreams(page);
  await studio.input.fill("TRICKLE tell me a very long story about a lighthouse keeper");
  await studio.send.click();
  const stop = page.getByTestId("stop-answer");
  await expect(stop).toBeVisible();
  // Stopped mid-answer: the text so far stays.
  await expect(studio.lastReply()).toContainText("You asked:");
  await stop.click();
  await expect(stop).toHaveCount(0);
  await expect(studio.send).toHaveText("Send");
  await expect(studio.lastReply().getByTestId("answer-cost")).toHaveText("Stopped.");
  await expect(studio.error).toBeEmpty();
  const partial = (await studio.lastReply().getByTestId("markdown").textContent()) ?? "";
  expect(partial).toMatch(/^You asked:/);
  expect(partial).not.toContain("lighthouse keeper");
  // The server dropped the upstream stream when the browser went away.
  await expect.poll(() => cancelledStreams(page)).toBeGreaterThan(before);

  // Escape, from the prompt box, stops the next one.
  await studio.input.fill("TRICKLE another long story about a lighthouse keeper");
  await studio.input.press("Control+Enter");
  await expect(stop).toBeVisible();
  await studio.input.press("Escape");
  await expect(stop).toHaveCount(0);
  await expect(studio.lastReply().getByTestId("answer-cost")).toHaveText("Stopped.");

  // The ledger kept both stopped calls, as cancelled.
  await expect
    .poll(async () => {
      await page.goto("/usage");
      return page.getByTestId("usage-calls").locator("tr", { hasText: "cancelled" }).count();
    })
    .toBe(2);
});

test("Ctrl+Enter sends; Regenerate asks again; Edit puts the last prompt back to change and resend", async ({ page }) => {
  const studio = await studioWithKey(page);
  await studio.input.fill("first question");
  await studio.input.press("Control+Enter");
  await expect(studio.lastReply()).toContainText("You asked: first question");
  await expect(studio.input).toHaveValue("");
  const replies = studio.log.locator("li[data-role='assistant']");
  await expect(replies).toHaveCount(1);

  await page.getByTestId("regenerate").click();
  await expect(studio.lastReply()).toContainText("You asked: first question");
  await expect(replies).toHaveCount(1);
  await expect(studio.log.locator("li[data-role='user']")).toHaveCount(1);

  await page.getByTestId("edit-last").click();
  await expect(studio.input).toHaveValue("first question");
  await expect(studio.input).toBeFocused();
  await expect(studio.log.locator("li")).toHaveCount(0);
  await studio.input.fill("a better question");
  await studio.send.click();
  await expect(studio.lastReply()).toContainText("You asked: a better question");
  await expect(studio.log).not.toContainText("first question");
});

test("a streaming answer is parsed again as it grows, and blocks already complete keep their DOM nodes", async ({ page }) => {
  test.setTimeout(90_000);
  const studio = await studioWithKey(page);
  await studio.input.fill("TRICKLE how do I sort a Vec?");
  await studio.send.click();
  const md = studio.lastReply().getByTestId("markdown");
  // Once the heading has begun, the paragraph before it is complete: mark its node.
  await expect(md.getByRole("heading").first()).toBeVisible({ timeout: 30_000 });
  const first = md.locator("p").first();
  await expect(first).toContainText("You asked:");
  await first.evaluate((el) => ((el as any).__kept = true));
  // Pieces later (a list has begun), the same node is there: it was not rebuilt or flashed.
  await expect(md.locator("li").first()).toBeVisible({ timeout: 45_000 });
  expect(await first.evaluate((el) => (el as any).__kept === true && el.isConnected)).toBe(true);
  await page.getByTestId("stop-answer").click();
  await expect(studio.send).toHaveText("Send");
});
