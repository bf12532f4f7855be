import { expect, test, type Page } from "@playwright/test";
import { shoot } from "./pages/shots";
import { fakeKey, signedUpWithKey } from "./pages/journey";
import { StudioPage } from "./pages/studio";

const KEY = fakeKey("ec01");

async function studioWithKey(page: Page): Promise<StudioPage> {
  await signedUpWithKey(page, "recover", KEY);
  const studio = new StudioPage(page);
  await studio.goto();
  return studio;
}

async function ask(studio: StudioPage, text: string) {
  await studio.input.fill(text);
  await studio.send.click();
}

test("out of credits: the same prompt is retried with a free model", async ({ page }) => {
  const studio = await studioWithKey(page);
  await ask(studio, "FAKE_ERROR:payment_required explain lifetimes");
  await expect(studio.error).toContainText("retry with a free model");
  await shoot(page, "assistant-out-of-credits");
  await page.getByTestId("retry-free").click();
  await expect(studio.lastReply()).toContainText("You asked: FAKE_ERROR:payment_required explain lifetimes");
  await expect(studio.error).toBeEmpty();
  await expect(page.getByTestId("retry-free")).toHaveCount(0);
});

test("rate limited: the assistant counts down from Retry-After and retries once by itself", async ({ page }, testInfo) => {
  const studio = await studioWithKey(page);
  await ask(studio, "FAKE_ERROR_ONCE:rate_limit_exceeded what is a trait");
  const countdown = page.getByTestId("retry-countdown");
  await expect(countdown).toContainText(/Retrying in [1-3] s/);
  await page.screenshot({ path: testInfo.outputPath("assistant-countdown.png"), fullPage: true });
  await expect(studio.lastReply()).toContainText("You asked: FAKE_ERROR_ONCE:rate_limit_exceeded what is a trait", { timeout: 15_000 });
  await expect(countdown).toHaveCount(0);
});

test("a stream that breaks mid-answer keeps the partial answer and offers Continue", async ({ page }, testInfo) => {
  const studio = await studioWithKey(page);
  await ask(studio, "MIDSTREAM_FAIL tell me a story");
  await expect(page.getByTestId("continue-answer")).toBeVisible();
  const partial = await studio.lastReply().textContent();
  expect(partial).toContain("You asked:");
  await page.screenshot({ path: testInfo.outputPath("assistant-continue.png"), fullPage: true });
  await shoot(page, "assistant-continue");
  await page.getByTestId("continue-answer").click();
  await expect(studio.lastReply()).toContainText("You asked: Please continue");
  // The partial answer is still in the conversation.
  await expect(studio.log.locator("li[data-role='assistant']").first()).toHaveText(partial ?? "");
});

test("a conversation too long for the model offers to drop the oldest turns", async ({ page }) => {
  const studio = await studioWithKey(page);
  await ask(studio, "HUGE_CONTEXT a very long paste");
  await expect(studio.lastReply()).toContainText("You asked: HUGE_CONTEXT");
  await ask(studio, "and now a question");
  await expect(studio.error).toContainText("longer than this model can read");
  await page.getByTestId("drop-oldest").click();
  await expect(studio.lastReply()).toContainText("You asked: and now a question");
  await expect(studio.log).not.toContainText("HUGE_CONTEXT");
});
