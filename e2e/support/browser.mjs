// Shared set-up for the tests: a fresh Chromium profile per test, screenshots, and the
// sign-in steps a user takes.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const baseUrl = process.env.TIDINGS_E2E_BASE_URL ?? "http://127.0.0.1:8080";
const artifactsDir =
  process.env.TIDINGS_E2E_ARTIFACTS ?? join(dirname(fileURLToPath(import.meta.url)), "..", "artifacts");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

export const demoPassword = "demo-password-123";
export const tokenKey = "tidings.token";

const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Opens Chromium on a fresh profile and hands `body` a page; always screenshots the
 * page as `artifacts/<name>.png` and closes the browser. Fails the test when the page
 * threw an uncaught error (a wasm panic shows up here) or wrote an error to the console
 * that the test did not say it expects: `expectedConsole` lists patterns of the errors a
 * test provokes on purpose (Chromium logs every refused request, e.g. "the server
 * responded with a status of 409").
 */
export async function withPage(
  name,
  body,
  { expectedConsole = [], viewport = { width: 1280, height: 800 }, timezoneId = undefined } = {},
) {
  const userDataDir = mkdtempSync(join(process.env.TIDINGS_E2E_SCRATCH ?? tmpdir(), "chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: chromiumArgs,
    viewport,
    timezoneId,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  const consoleErrors = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    if (!expectedConsole.some((pattern) => pattern.test(text))) consoleErrors.push(text);
  });
  try {
    try {
      await body(page);
    } catch (error) {
      // A step that timed out after a panic says less than the panic itself (the
      // reporter prints the stack, which holds the message as it was first written).
      let said = "";
      if (pageErrors.length > 0) said += `\n(the page threw: ${pageErrors.join("; ")})`;
      if (consoleErrors.length > 0) said += `\n(the console said: ${consoleErrors.join("; ")})`;
      if (said && error instanceof Error) {
        error.message += said;
        error.stack = `${error.stack ?? ""}${said}`;
      }
      throw error;
    }
    if (pageErrors.length > 0) {
      throw new Error(`the page threw: ${pageErrors.join("; ")}`);
    }
    if (consoleErrors.length > 0) {
      throw new Error(`the page logged errors it should not have: ${consoleErrors.join("; ")}`);
    }
  } finally {
    mkdirSync(artifactsDir, { recursive: true });
    await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true }).catch(() => {});
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/**
 * The console errors Chromium logs for refused requests with these statuses, for a test
 * that provokes them on purpose (a wrong password, a refused form).
 */
export function refusals(...statuses) {
  return statuses.map((status) => new RegExp(`responded with a status of ${status} `));
}

/** Resolves once the page's path is `pathname`. */
export async function waitForPath(page, pathname) {
  await page.waitForURL((url) => url.pathname === pathname);
}

/** Fills in and submits the sign-in form, as a user would. */
export async function submitSignIn(page, email, password) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in from the login page and waits for the signed-in header. */
export async function signIn(page, email, password = demoPassword) {
  await page.goto(`${baseUrl}/login`);
  await submitSignIn(page, email, password);
  await page.locator(".account-name").waitFor();
}

export function storedToken(page) {
  return page.evaluate((key) => window.localStorage.getItem(key), tokenKey);
}

/**
 * Calls the API as the user signed in on `page` (its stored token), for a test to set
 * up or read back what the page should show. The parsed JSON answer; a refusal throws.
 */
export async function callApi(page, path, { method = "GET", body } = {}) {
  const token = await storedToken(page);
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}
