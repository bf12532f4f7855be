import { expect, type Page } from "@playwright/test";
import { SignUpPage, uniqueEmail, waitForHydration } from "./auth";
import { SettingsPage } from "./settings";

/** A fake key that is live: `sk-or-v1-` and 64 hex digits starting with `prefix`. */
export function fakeKey(prefix: string): string {
  return `sk-or-v1-${(prefix + "0123456789abcdef".repeat(4)).slice(0, 64)}`;
}

/** Signs a new user up (an email starting with `who`) and saves `key` in settings. */
export async function signedUpWithKey(page: Page, who: string, key: string): Promise<SettingsPage> {
  const signUp = new SignUpPage(page);
  await signUp.goto("/settings");
  await waitForHydration(page);
  await signUp.signUp(uniqueEmail(who));
  await expect(page).toHaveURL(/\/settings$/);
  const settings = new SettingsPage(page);
  await settings.goto();
  await settings.saveKey(key);
  await expect(settings.masked).toBeVisible();
  return settings;
}
