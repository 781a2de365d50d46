// Signing in and out through the SPA, against the real server and the seeded demo
// organisation.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, refusals, signIn, storedToken, submitSignIn, waitForPath, withPage } from "../support/browser.mjs";

const manager = { email: "manager@demo.test", name: "Morgan Manager", organisation: "Demo College", office: "Main Campus" };

test("signing in shows the user's name and organisation in the shell", async () => {
  await withPage("sign-in", async (page) => {
    await page.goto(`${baseUrl}/`);
    await waitForPath(page, "/login");
    await submitSignIn(page, manager.email, "demo-password-123");

    await waitForPath(page, "/");
    assert.equal(await page.locator(".account-name").innerText(), manager.name);
    assert.equal(await page.locator(".account-organisation").innerText(), manager.organisation);
    const welcome = await page.getByRole("heading", { level: 1 }).innerText();
    assert.equal(welcome, "Welcome, Morgan");
    assert.match(await page.locator(".welcome").innerText(), new RegExp(manager.office));
    assert.ok(await storedToken(page), "the token is kept in localStorage");
  });
});

test("a wrong password shows the API's message and stays on the login page", async () => {
  await withPage("wrong-password", async (page) => {
    await page.goto(`${baseUrl}/login`);
    await submitSignIn(page, manager.email, "not-the-password");

    const alert = page.getByRole("alert");
    await alert.waitFor();
    const message = (await alert.innerText()).trim();
    assert.ok(message.length > 0, "the alert says what went wrong");
    assert.doesNotMatch(message, /HTTP \d+/, `the API's own words, not a generic failure: ${message}`);
    assert.equal(new URL(page.url()).pathname, "/login");
    assert.equal(await storedToken(page), null);
    assert.equal(await page.getByLabel("Email").inputValue(), manager.email, "the email is kept for the retry");
  }, { expectedConsole: refusals(401) });
});

test("repeated wrong passwords are throttled, and the page says when to try again", async () => {
  // An account of its own, so the other tests' sign-ins are not throttled.
  await withPage("throttled", async (page) => {
    await page.goto(`${baseUrl}/login`);
    let status;
    for (let attempt = 1; attempt <= 10 && status !== 429; attempt++) {
      const answered = page.waitForResponse((response) => response.url().endsWith("/api/v1/auth/login"));
      await submitSignIn(page, "limited@demo.test", `wrong-password-${attempt}`);
      status = (await answered).status();
    }
    assert.equal(status, 429, "the API throttles repeated failures");
    const alert = page.getByRole("alert");
    await alert.filter({ hasText: /try again/i }).waitFor();
    assert.match(await alert.innerText(), /\d+ seconds/);
    assert.equal(new URL(page.url()).pathname, "/login");
  }, { expectedConsole: refusals(401, 429) });
});

test("deep links render the app; signed-out visitors go to the login page and come back", async () => {
  await withPage("deep-link", async (page) => {
    // Signed out, the home page sends the visitor to the login page.
    await page.goto(`${baseUrl}/`);
    await waitForPath(page, "/login");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();

    // A deep link is served the app (not a 404), which asks for a sign-in and then
    // goes on to the page the visitor wanted.
    const deep = await page.goto(`${baseUrl}/some/deep/link`);
    assert.equal(deep?.status(), 200, "the server answers a deep link with the app");
    await waitForPath(page, "/login");
    assert.equal(new URL(page.url()).searchParams.get("next"), "/some/deep/link");
    await submitSignIn(page, manager.email, "demo-password-123");
    await waitForPath(page, "/some/deep/link");
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    assert.equal(await page.locator(".account-name").innerText(), manager.name);

    // Reloading a deep path keeps the session and renders the shell again.
    const reloaded = await page.reload();
    assert.equal(reloaded?.status(), 200);
    await page.locator(".account-name").waitFor();
    assert.equal(new URL(page.url()).pathname, "/some/deep/link");
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
  });
});

test("signing out returns to the login page, and a reload stays signed out", async () => {
  await withPage("sign-out", async (page) => {
    await signIn(page, manager.email);
    const token = await storedToken(page);
    assert.ok(token);

    await page.getByRole("button", { name: "Sign out" }).click();
    await waitForPath(page, "/login");
    assert.equal(new URL(page.url()).search, "", "a deliberate sign-out does not ask to come back");
    assert.equal(await storedToken(page), null);

    await page.reload();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/login");
    await page.goto(`${baseUrl}/`);
    await waitForPath(page, "/login");

    // The server revoked the token: putting it back gets a 401, which ends the session.
    await page.evaluate(([key, value]) => window.localStorage.setItem(key, value), ["tidings.token", token]);
    await page.goto(`${baseUrl}/`);
    await waitForPath(page, "/login");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(await storedToken(page), null, "a refused token is forgotten");
  }, { expectedConsole: refusals(401) });
});
