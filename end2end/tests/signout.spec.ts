import { expect, test, type Page } from "@playwright/test";
import { SignInPage, SignUpPage, UserMenu, uniqueEmail, waitForHydration } from "./pages/auth";
import { StudioPage } from "./pages/studio";

// Where the assistant keeps what the user typed but has not sent (app/src/components/ai_assistant.rs).
const DRAFT_KEY = "studio.assistant.draft";

const savedDraft = (page: Page) => page.evaluate((key) => localStorage.getItem(key), DRAFT_KEY);

test("signing out forgets the assistant's saved draft, so the next person here does not find it", async ({ page }) => {
  const email = uniqueEmail("draft");
  const signUp = new SignUpPage(page);
  await signUp.goto("/studio");
  await waitForHydration(page);
  await signUp.signUp(email);
  await expect(page).toHaveURL(/\/studio$/);
  // The top bar follows without a reload: the sign-up action outlives the page it was sent from.
  const currentUser = page.getByTestId("current-user");
  await expect(currentUser).toHaveText(email);

  const studio = new StudioPage(page);
  await studio.goto();
  await studio.input.fill("a draft nobody else should read");
  await expect.poll(() => savedDraft(page)).toBe("a draft nobody else should read");

  await new UserMenu(page).signOut();
  await expect(page).toHaveURL(/\/signin/);
  await expect(currentUser).toHaveCount(0);
  await expect.poll(() => savedDraft(page)).toBeNull();

  // Signing in again in this browser starts with an empty assistant.
  await waitForHydration(page);
  await new SignInPage(page).signIn(email);
  await expect(page).toHaveURL(/\/studio/);
  await expect(currentUser).toHaveText(email);
  await studio.goto();
  await expect(studio.input).toHaveValue("");
});
