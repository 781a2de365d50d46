// Browser hardening: the security headers on the page and the API, the app starting
// under its Content-Security-Policy (no inline script), and hostile text — a contact's
// name and fields, a template, a contact's message, an agent's reply and a tag — shown
// as text and never run.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, callApi, signIn, withPage } from "../support/browser.mjs";

const hostile = {
  name: `<img src=x onerror="window.__pwned='name'">`,
  field: `<script>window.__pwned='field'</script>`,
  template: `Hi {first_name} <img src=x onerror="window.__pwned='template'">`,
  message: `<img src=x onerror="window.__pwned='message'"> ok?`,
  reply: `<script>window.__pwned='reply'</script><b>noted</b>`,
  tag: "<i>tag</i>",
};

/** Nothing hostile ran or became markup on the page shown now. */
async function assertInert(page, where) {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, `${where}: no hostile text ran`);
  assert.equal(await page.locator('img[src="x"], b:text("noted")').count(), 0, `${where}: no hostile markup`);
}

test("the page and the API carry the security headers, and the app starts under them", async () => {
  await withPage("hardening-headers", async (page) => {
    const response = await page.goto(`${baseUrl}/login`);
    const headers = response.headers();
    assert.match(headers["content-security-policy"], /script-src 'self' 'wasm-unsafe-eval';/);
    assert.match(headers["content-security-policy"], /frame-ancestors 'none'/);
    assert.equal(headers["x-content-type-options"], "nosniff");
    assert.equal(headers["referrer-policy"], "no-referrer");
    // The start-up code is not inline: the policy lets the app start (a refused script
    // would also be a console error, which fails the test).
    await page.getByLabel("Email").waitFor();
    const api = await page.request.get(`${baseUrl}/api/v1/me`);
    assert.equal(api.status(), 401);
    assert.equal(api.headers()["x-content-type-options"], "nosniff");
    assert.match(api.headers()["content-security-policy"], /default-src 'self'/);
  });
});

test("hostile text in names, fields, templates, messages, replies and tags shows as text", async () => {
  await withPage("hardening-hostile-text", async (page) => {
    await signIn(page, "manager@demo.test");
    const me = await callApi(page, "/api/v1/me");
    const stamp = Date.now() % 100_000;
    const phone = `+1212555${3000 + (stamp % 6000)}`;
    const imported = await callApi(page, "/api/v1/contact-lists", {
      method: "POST",
      body: {
        name: `Hostile ${stamp}`,
        office_id: me.office.id,
        rows: [{ first_name: hostile.name, last_name: "Hostile", phone, fields: { Note: hostile.field } }],
      },
    });
    const campaign = await callApi(page, "/api/v1/campaigns", {
      method: "POST",
      body: {
        title: `Hostile text ${stamp}`,
        office_id: me.office.id,
        phone_number: { kind: "single_use" },
        contact_list_id: imported.contact_list.id,
        message_template: hostile.template,
        operated_by: "agent",
        agent_ids: [me.id],
      },
    });
    const launched = await callApi(page, `/api/v1/campaigns/${campaign.id}/launch`, { method: "POST", body: {} });
    await callApi(page, "/api/v1/simulator/inbound", {
      method: "POST",
      body: { from: phone, to: launched.phone_number.e164, body: hostile.message },
    });
    const answer = await callApi(page, `/api/v1/campaigns/${campaign.id}/conversations?limit=10`);
    const [conversation] = answer.sections.flatMap((s) => s.items);
    await callApi(page, `/api/v1/conversations/${conversation.id}`, { method: "PATCH", body: { tags: [hostile.tag] } });

    await page.goto(`${baseUrl}/campaigns/${campaign.id}?tab=activity&conversation=${conversation.id}`);
    const head = page.locator(".conversation-head h2");
    await head.waitFor();
    assert.ok((await head.innerText()).includes(hostile.name), "the name reads as typed");
    await page.locator(".transcript .bubble.inbound", { hasText: hostile.message }).waitFor();
    await page.locator(".transcript .bubble", { hasText: "Hi <img src=x" }).first().waitFor();
    await page.locator(".tag-editor .chip", { hasText: hostile.tag }).waitFor();
    await page.getByLabel("Your reply").fill(hostile.reply);
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await page.locator(".transcript .bubble.outbound", { hasText: hostile.reply }).waitFor();
    await assertInert(page, "Activity");

    await page.goto(`${baseUrl}/campaigns/${campaign.id}?tab=contacts`);
    await page.getByText(hostile.field).first().waitFor();
    await assertInert(page, "Contacts tab");
    await page.goto(`${baseUrl}/contact-lists/${imported.contact_list.id}`);
    await page.getByText(hostile.field).first().waitFor();
    await assertInert(page, "contact list");
  });
});
