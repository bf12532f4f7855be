import { expect, test, type Page } from "@playwright/test";
import { waitForHydration } from "./pages/auth";
import { shoot } from "./pages/shots";
import { fakeKey, signedUpWithKey } from "./pages/journey";
import { StudioPage } from "./pages/studio";
import { WorkspacePage } from "./pages/workspace";

const KEY = fakeKey("1a70");

/** How far the page is wider than the window (0: no horizontal scroll). */
async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test("every page fits from 360 px up with no horizontal scroll, and the navigation folds into a menu", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  for (const path of ["/", "/signin", "/signup"]) {
    await page.goto(path);
    await waitForHydration(page);
    expect(await overflow(page), path).toBeLessThanOrEqual(0);
  }
  await signedUpWithKey(page, "narrow", KEY);
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.input.fill("hello on a phone");
  await studio.send.click();
  await expect(studio.lastReply()).toContainText("You asked: hello on a phone");
  const ws = new WorkspacePage(page);
  await ws.create("phone");
  await ws.open("phone");
  await ws.write("fn main() {\n    \n}\n", 16);
  await ws.complete.click();
  await expect.poll(() => ws.code()).not.toBe("fn main() {\n    \n}\n");
  const workspaceUrl = page.url();

  for (const path of ["/settings", "/studio", workspaceUrl, "/usage"]) {
    for (const width of [360, 390, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(path);
      await waitForHydration(page);
      if (path === workspaceUrl) await ws.ready(); // measured with CodeMirror in place
      expect(await overflow(page), `${path} at ${width} px`).toBeLessThanOrEqual(0);
    }
  }
  await shoot(page, "usage");

  // Narrow: the links hide behind "Menu", which opens them and closes again on navigation.
  await page.setViewportSize({ width: 360, height: 800 });
  const nav = page.getByRole("navigation", { name: "Main" });
  const toggle = page.getByTestId("nav-toggle");
  await expect(nav.getByRole("link", { name: "Settings" })).toBeHidden();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await nav.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(nav.getByRole("link", { name: "Usage" })).toBeHidden();
  // Wide: no menu button, the links are there.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(toggle).toBeHidden();
  await expect(nav.getByRole("link", { name: "Usage" })).toBeVisible();
});

test("the first Tab reaches a skip link that moves focus to the page's content", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
});
