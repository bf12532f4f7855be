import { expect, test } from "@playwright/test";
import { waitForHydration } from "./pages/auth";
import { ModelPicker } from "./pages/models";
import { shoot } from "./pages/shots";
import { fakeKey, signedUpWithKey } from "./pages/journey";
import { StudioPage } from "./pages/studio";

const KEY = fakeKey("30de");

test("the assistant's model picker searches OpenRouter's list, shows prices and context, and its choice is kept", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const settings = await signedUpWithKey(page, "models", KEY);

  const studio = new StudioPage(page);
  await studio.goto();
  const picker = new ModelPicker(page, "assistant");
  // Each model with its price per million tokens and its context.
  await expect(picker.select.locator("option[value='openai/gpt-4o-mini']")).toHaveText(
    /GPT-4o.* · \$\d+\.\d+ in, \$\d+\.\d+ out per million · \d+k tokens/,
  );
  // Searching narrows the list to what matches (the default stays first).
  await picker.search.fill("haiku");
  await expect(picker.select.locator("option")).toHaveCount(2);
  await picker.choose("anthropic/claude-3.5-haiku");
  await expect(page.getByTestId("cost-estimate")).toContainText("anthropic/claude-3.5-haiku");
  await studio.input.fill("which model are you");
  await studio.send.click();
  await expect(studio.lastReply()).toContainText("You asked: which model are you");
  await expect(studio.lastReply().getByTestId("answer-cost")).toContainText("anthropic/claude-3.5-haiku");
  await shoot(page, "assistant-model-picker");

  // Kept through model-preferences: after a reload, and as the chat default in settings.
  await page.reload();
  await waitForHydration(page);
  await expect(picker.select).toHaveValue("anthropic/claude-3.5-haiku");
  await settings.goto();
  const chat = new ModelPicker(page, "default-chat");
  await expect(chat.select).toHaveValue("anthropic/claude-3.5-haiku");
  const completion = new ModelPicker(page, "default-completion");
  await completion.pick("gpt-4o", "openai/gpt-4o");
  await expect(page.getByTestId("model-defaults-status")).toHaveText("Saved.");
  const generation = new ModelPicker(page, "default-generation");
  await generation.pick("free", "z-ai/glm-4.5-air:free");
  await expect(page.getByTestId("model-defaults-status")).toHaveText("Saved.");
  await page.reload();
  await waitForHydration(page);
  await expect(completion.select).toHaveValue("openai/gpt-4o");
  await expect(generation.select).toHaveValue("z-ai/glm-4.5-air:free");
  await expect(chat.select).toHaveValue("anthropic/claude-3.5-haiku");
  // Back to the studio's default.
  await chat.choose("");
  await expect(page.getByTestId("model-defaults-status")).toHaveText("Saved.");
  await page.reload();
  await waitForHydration(page);
  await expect(chat.select).toHaveValue("");
  await shoot(page, "settings-model-defaults");
  expect(errors).toEqual([]);
});
