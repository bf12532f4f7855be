import { type Locator, type Page } from "@playwright/test";

/** A model picker (`id` as the component was given it: `assistant`, `default-chat`, …). */
export class ModelPicker {
  readonly root: Locator;
  readonly search: Locator;
  readonly select: Locator;

  constructor(readonly page: Page, id: string) {
    this.root = page.getByTestId(`${id}-picker`);
    this.search = page.getByTestId(`${id}-search`);
    this.select = page.getByTestId(`${id}-model`);
  }

  /** Searches for `query`, then picks the model `id` from what is left. */
  async pick(query: string, id: string) {
    await this.search.fill(query);
    await this.choose(id);
  }

  /** Chooses `id` ("" for the studio's default) and waits until the choice is saved. */
  async choose(id: string) {
    const saved = this.page.waitForResponse((r) => r.url().includes("save_model_preferences") && r.ok());
    await this.select.selectOption(id);
    await saved;
  }
}
