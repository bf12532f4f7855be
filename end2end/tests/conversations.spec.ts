import { expect, test } from "@playwright/test";
import { SignInPage, SignUpPage, uniqueEmail, waitForHydration } from "./pages/auth";
import { ConversationsBar } from "./pages/conversations";
import { fakeKey } from "./pages/journey";
import { SettingsPage } from "./pages/settings";
import { shoot } from "./pages/shots";
import { WorkspacePage } from "./pages/workspace";

const KEY = fakeKey("c0c0");

test("a workspace keeps its conversations: back after a reload and on another device; start, rename, switch and delete", async ({ page, browser }) => {
  const email = uniqueEmail("conv");
  const signUp = new SignUpPage(page);
  await signUp.goto("/settings");
  await waitForHydration(page);
  await signUp.signUp(email);
  await expect(page).toHaveURL(/\/settings$/);
  const settings = new SettingsPage(page);
  await settings.goto();
  await settings.saveKey(KEY);
  await expect(settings.masked).toBeVisible();

  await page.goto("/studio");
  await waitForHydration(page);
  const ws = new WorkspacePage(page);
  await ws.create("notes");
  await ws.open("notes");
  const conv = new ConversationsBar(page);
  await expect(conv.current).toHaveText("New conversation");

  // The first prompt starts a conversation and names it.
  const answer = await conv.ask("How do I sort a Vec?");
  await expect(conv.current).toHaveText("How do I sort a Vec?");

  // After a reload the conversation is back, answer and all.
  await page.reload();
  await waitForHydration(page);
  await expect(conv.prompts()).toHaveCount(1);
  await expect(conv.prompts().first()).toContainText("How do I sort a Vec?");
  expect(answer.length).toBeGreaterThan(0);
  await expect.poll(() => conv.answerText(conv.lastAnswer())).toBe(answer);
  await expect(conv.current).toHaveText("How do I sort a Vec?");

  // And on another device.
  const url = page.url();
  const other = await browser.newPage();
  await other.goto(`/signin?next=${encodeURIComponent(new URL(url).pathname)}`);
  await waitForHydration(other);
  await new SignInPage(other).signIn(email);
  await expect(other).toHaveURL(url);
  await waitForHydration(other);
  const elsewhere = new ConversationsBar(other);
  await expect(elsewhere.prompts()).toHaveCount(1);
  await expect(elsewhere.prompts().first()).toContainText("How do I sort a Vec?");
  await other.close();

  // A new conversation starts empty, and is renamed.
  await conv.newConversation.click();
  await expect(conv.prompts()).toHaveCount(0);
  await expect(conv.pick.locator("option")).toHaveCount(2);
  await conv.ask("And iterators?");
  await conv.renameTo("Iterators");
  await expect(conv.prompts()).toHaveCount(1);

  // Switching back shows the first, and it stays current through a reload.
  await conv.switchTo("How do I sort a Vec?");
  await expect(conv.prompts().first()).toContainText("How do I sort a Vec?");
  await page.reload();
  await waitForHydration(page);
  await expect(conv.current).toHaveText("How do I sort a Vec?");
  await expect(conv.prompts().first()).toContainText("How do I sort a Vec?");
  await shoot(page, "conversations");

  // Deleting asks first; then the other one opens.
  await conv.remove.click();
  await expect(conv.bar.getByRole("alertdialog")).toContainText("Delete “How do I sort a Vec?” and its 2 messages?");
  await conv.bar.getByRole("button", { name: "Keep it" }).click();
  await expect(conv.pick.locator("option")).toHaveCount(2);
  await conv.remove.click();
  await conv.confirm.click();
  await expect(conv.pick.locator("option")).toHaveCount(1);
  await expect(conv.current).toHaveText("Iterators");
  await expect(conv.prompts().first()).toContainText("And iterators?");
  await page.reload();
  await waitForHydration(page);
  await expect(conv.current).toHaveText("Iterators");

  // On a phone the bar fits.
  await page.setViewportSize({ width: 390, height: 900 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await expect(conv.newConversation).toBeVisible();
});
