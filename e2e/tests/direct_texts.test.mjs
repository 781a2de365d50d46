// One-to-one texts as staff send them against the seeded demo: a manager texts a new
// phone from the inbox ("New text") and lands in the conversation, assigned to them;
// a contact list's row opens the same dialog with the contact filled in; a number on
// the suppression list is refused, saying why.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, callApi, refusals, signIn, withPage } from "../support/browser.mjs";

test("a manager texts a phone one to one and the conversation opens in their inbox", async () => {
  await withPage("direct-text-inbox", async (page) => {
    await signIn(page, "manager@demo.test");
    await page.goto(`${baseUrl}/inbox`);
    await page.getByRole("button", { name: "New text" }).click();
    const dialog = page.getByRole("dialog", { name: "New text" });
    await dialog.locator("#new-text-from option").first().waitFor({ state: "attached" });
    await dialog.getByLabel("To").fill("(212) 555-0177");
    await dialog.getByLabel("First name (optional)").fill("Grace");
    await dialog.getByLabel("Message").fill("Hi Grace, this is Morgan from admissions.");
    await dialog.getByRole("button", { name: "Send text" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.waitForURL((url) => url.searchParams.get("view") === "mine" && url.searchParams.has("conversation"));
    const id = Number(new URL(page.url()).searchParams.get("conversation"));
    await page.locator(".activity-conversation").getByText("Hi Grace, this is Morgan from admissions.").waitFor();
    assert.equal(await page.locator(`#assignee-${id}`).inputValue() !== "", true, "assigned to the sender");
    const detail = await callApi(page, `/api/v1/conversations/${id}`);
    assert.equal(detail.conversation.contact.phone, "+12125550177");
    assert.equal(detail.conversation.assignee.name, "Morgan Manager");
  });
});

test("a contact list's row texts its contact, and an opted-out number is refused with the reason", async () => {
  await withPage("direct-text-list", async (page) => {
    await signIn(page, "manager@demo.test");
    await callApi(page, "/api/v1/opt-outs", { method: "POST", body: { phone: "+12125550166", reason: "asked us" } });
    const lists = await callApi(page, "/api/v1/contact-lists?limit=100");
    const list = lists.items.find((l) => l.name === "Fall 2026 applicants");
    assert.ok(list, "the demo list is there");
    const contacts = await callApi(page, `/api/v1/contact-lists/${list.id}/contacts?limit=5`);
    const contact = contacts.items.find((c) => !c.opted_out);
    await page.goto(`${baseUrl}/contact-lists/${list.id}`);
    await page.getByRole("button", { name: `Text ${contact.first_name} ${contact.last_name}` }).click();
    const dialog = page.getByRole("dialog", { name: "New text" });
    assert.equal(await dialog.getByLabel("To").inputValue(), contact.phone);
    assert.equal(await dialog.getByLabel("First name (optional)").inputValue(), contact.first_name);

    // The suppression list wins, and says so.
    await dialog.getByLabel("To").fill("(212) 555-0166");
    await dialog.getByLabel("Message").fill("Hello again");
    await dialog.getByRole("button", { name: "Send text" }).click();
    await dialog.getByRole("alert").filter({ hasText: "suppression list (manual" }).waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
  }, { expectedConsole: refusals(409) });
});
