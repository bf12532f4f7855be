import { expect, type Locator, type Page } from "@playwright/test";
import { waitForHydration } from "./auth";

/** The settings page and its ApiKeySettings card. */
export class SettingsPage {
  readonly keyInput: Locator;
  readonly hint: Locator;
  readonly error: Locator;
  readonly masked: Locator;
  readonly status: Locator;
  readonly saveButton: Locator;

  constructor(readonly page: Page) {
    const card = page.getByTestId("api-key-settings");
    this.keyInput = card.locator("#api-key-input");
    this.hint = card.getByTestId("api-key-hint");
    this.error = card.getByTestId("form-error").first();
    this.masked = card.getByTestId("masked-key");
    this.status = card.getByTestId("key-status");
    this.saveButton = card.getByRole("button", { name: /Save key|Verifying/ });
  }

  async goto() {
    await this.page.goto("/settings");
    await waitForHydration(this.page);
  }

  async saveKey(key: string) {
    await this.keyInput.fill(key);
    await this.saveButton.click();
  }

  async removeKey() {
    await this.page.getByRole("button", { name: "Remove key…" }).click();
    await this.page.getByRole("button", { name: "Yes, remove it" }).click();
    await expect(this.status).toContainText("No key stored yet");
  }
}
