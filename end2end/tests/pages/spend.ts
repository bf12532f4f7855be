import { type Locator, type Page } from "@playwright/test";
import { waitForHydration } from "./auth";

/** The settings page's SpendLimitSettings card. */
export class SpendSettings {
  readonly card: Locator;
  readonly amount: Locator;
  readonly period: Locator;
  readonly save: Locator;
  readonly message: Locator;
  readonly current: Locator;

  constructor(readonly page: Page) {
    this.card = page.getByTestId("spend-settings");
    this.amount = this.card.getByLabel("Limit (USD)");
    this.period = this.card.getByLabel("per", { exact: true });
    this.save = this.card.getByTestId("spend-save");
    this.message = this.card.getByTestId("spend-message");
    this.current = this.card.getByTestId("spend-current");
  }

  async goto() {
    await this.page.goto("/settings");
    await waitForHydration(this.page);
  }

  async setLimit(amount: string, period: "day" | "week" | "month") {
    await this.amount.fill(amount);
    await this.period.selectOption(period);
    await this.save.click();
  }
}

/** The spending-limit banner, wherever it shows (studio, usage page). */
export function spendAlert(page: Page): Locator {
  return page.getByTestId("spend-alert");
}
