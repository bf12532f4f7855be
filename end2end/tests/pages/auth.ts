import { expect, type Page } from "@playwright/test";

export const PASSWORD = "correct horse battery staple";

/** The sign-up page. */
export class SignUpPage {
  constructor(readonly page: Page) {}

  async goto(next?: string) {
    await this.page.goto(next ? `/signup?next=${encodeURIComponent(next)}` : "/signup");
  }

  async signUp(email: string, name = "Test User") {
    await this.page.getByLabel("Name").fill(name);
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(PASSWORD);
    await this.page.getByRole("button", { name: "Create account" }).click();
  }
}

/** The sign-in page. */
export class SignInPage {
  constructor(readonly page: Page) {}

  async signIn(email: string, password = PASSWORD) {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }
}

/** A fresh, unique email per run. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

export async function waitForHydration(page: Page) {
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1);
}

/** The top bar's account corner. */
export class UserMenu {
  constructor(readonly page: Page) {}

  async signOut() {
    await this.page.getByRole("button", { name: "Sign out", exact: true }).click();
  }
}
