import { expect, test } from "@playwright/test";
import { HomePage } from "./pages/home";

test("the home page is rendered on the server before any script runs", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const home = new HomePage(page);
  await home.goto();
  await expect(home.heading).toBeVisible();
  await expect(home.nav.getByRole("link", { name: "Settings" })).toBeVisible();
  await expect(home.status).toHaveText("Not checked yet.");
  await context.close();
});

test("after hydration the server check runs a server function and shows the answer", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  const home = new HomePage(page);
  await home.goto();
  await home.waitForHydration();
  await home.checkButton.click();
  await expect(home.status).toHaveText(/Server .* is up; sqlite database answering\./);
  expect(errors).toEqual([]);
});

test("without the WASM the page still renders but the control stays inert", async ({ page }) => {
  await page.route("**/*.wasm", (route) => route.abort());
  const home = new HomePage(page);
  await home.goto();
  await expect(home.heading).toBeVisible();
  await home.checkButton.click();
  // Give a hydrated page ample time to have answered; an inert one keeps its server text.
  await page.waitForLoadState("networkidle");
  await expect(home.status).toHaveText("Not checked yet.");
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(0);
});

test("a page fetches its own code only: the home page loads no other page's chunk, and the next page's arrives on navigation", async ({ page }) => {
  const wasm: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith(".wasm")) wasm.push(path.split("/").pop() ?? path);
  });
  const home = new HomePage(page);
  await home.goto();
  await home.waitForHydration();
  expect(wasm).toContain("studio.wasm");
  expect(wasm.some((f) => f.startsWith("split___home_route_view"))).toBe(true);
  expect(wasm.filter((f) => f.startsWith("split___") && !f.startsWith("split___home_route_view"))).toEqual([]);
  // A client-side navigation fetches the sign-in page's code, then the page works.
  await page.getByRole("link", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await expect.poll(() => wasm.some((f) => f.startsWith("split___sign_in_route_view"))).toBe(true);
  expect(wasm.some((f) => f.startsWith("split___workspace_route_view"))).toBe(false);
});

test("the WASM is served compressed: brotli, precompressed by the release build", async ({ page }) => {
  const served: { file: string; encoding: string | undefined; type: string | undefined }[] = [];
  page.on("response", async (r) => {
    const path = new URL(r.url()).pathname;
    if (!path.endsWith(".wasm")) return;
    const headers = await r.allHeaders();
    served.push({ file: path.split("/").pop() ?? path, encoding: headers["content-encoding"], type: headers["content-type"] });
  });
  const home = new HomePage(page);
  await home.goto();
  await home.waitForHydration();
  expect(served.map((s) => s.file)).toContain("studio.wasm");
  expect(served.length).toBeGreaterThan(1);
  for (const s of served) {
    expect(s, s.file).toMatchObject({ encoding: "br", type: "application/wasm" });
  }
});
