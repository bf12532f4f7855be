import { type Page } from "@playwright/test";
import * as path from "node:path";

/**
 * When SHOTS_DIR is set, saves full-page screenshots of `page` at 1280 and 390 px wide
 * (`<name>-1280.png`, `<name>-390.png`), then restores the viewport.
 */
export async function shoot(page: Page, name: string) {
  const dir = process.env.SHOTS_DIR;
  if (!dir) return;
  const before = page.viewportSize() ?? { width: 1280, height: 720 };
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(dir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
}
