import { defineConfig } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";

// The suite runs the release build against the fake OpenRouter and a fresh SQLite database.
// .ci/test.sh builds both binaries and passes their paths; the defaults suit a plain checkout.
const root = path.resolve(__dirname, "..");
const target = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const studioBin = process.env.STUDIO_BIN ?? path.join(target, "release", "studio");
const fakeBin = process.env.FAKE_OPENROUTER_BIN ?? path.join(target, "release", "fake-openrouter");
const port = Number(process.env.E2E_PORT ?? 3100);
const fakePort = Number(process.env.E2E_FAKE_PORT ?? 3199);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "studio-e2e-"));

export const fakeBaseUrl = `http://127.0.0.1:${fakePort}/api/v1`;
/** The fake's own control routes (`/__fake/...`). */
export const fakeRoot = `http://127.0.0.1:${fakePort}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  globalSetup: "./global-setup.ts",
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      command: `${fakeBin} --addr 127.0.0.1:${fakePort}`,
      url: `http://127.0.0.1:${fakePort}/api/v1/models`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: studioBin,
      cwd: root,
      url: `http://127.0.0.1:${port}/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: path.join(root, "target", "site"),
        DATABASE_URL: `sqlite://${path.join(dataDir, "studio.db")}`,
        OPENROUTER_BASE_URL: `http://127.0.0.1:${fakePort}/api/v1`,
        OPENROUTER_AUTH_URL: `http://127.0.0.1:${fakePort}/auth`,
        PUBLIC_URL: `http://localhost:${port}`,
        RUST_LOG: "warn",
        // Every test browser comes from 127.0.0.1: raise the per-address sign-up and key-check limits
        // (their own tests run in the cargo suite).
        LIMIT_SIGNUPS_PER_ADDRESS_HOUR: "10000",
        LIMIT_KEY_CHECKS_PER_ADDRESS_HOUR: "10000",
        LIMIT_KEY_CHECKS_PER_USER_HOUR: "10000",
      },
    },
  ],
});
