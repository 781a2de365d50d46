// The template library as staff use it against the seeded demo: save one on the
// Templates page (a refusal first), take one in the wizard's message step (one using
// a field the list lacks cannot be taken), and answer with a saved reply in the
// composer, both by the picker and by typing "/" — merge fields filled from the contact.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, callApi, refusals, signIn, withPage } from "../support/browser.mjs";

const manager = "manager@demo.test";

/** Saves a template through the API unless one of that name exists. */
async function ensureTemplate(page, name, body) {
  const existing = await callApi(page, `/api/v1/templates?q=${encodeURIComponent(name)}`);
  if (existing.items.some((t) => t.name === name)) return;
  await callApi(page, "/api/v1/templates", { method: "POST", body: { name, body } });
}

test("a manager saves a template on the Templates page and sees its segments", async () => {
  await withPage("templates-page", async (page) => {
    await signIn(page, manager);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates" }).click();
    await page.getByRole("heading", { name: "Templates", level: 1 }).waitFor();
    await page.getByRole("button", { name: "New template" }).click();
    const dialog = page.getByRole("dialog", { name: "New template" });
    await dialog.getByLabel("Text").fill("Hi {first_name}, our office is open 9–5 ☀");
    await dialog.locator(".segment-summary", { hasText: "UCS-2" }).waitFor();
    // No name: the API's reason shows at the field, and nothing is saved.
    await dialog.getByRole("button", { name: "Save template" }).click();
    await dialog.locator("#template-name-errors", { hasText: "must be 1 to 80 characters" }).waitFor();
    await dialog.getByLabel("Name").fill("Opening hours (page)");
    await dialog.getByLabel("Tags").fill("hours, front desk");
    await dialog.getByRole("button", { name: "Save template" }).click();
    await dialog.waitFor({ state: "detached" });
    const row = page.locator(".admin-table tbody tr", { hasText: "Opening hours (page)" });
    await row.waitFor();
    assert.match(await row.innerText(), /Every office[\s\S]*1 segment · UCS-2[\s\S]*hours, front desk/);
    const saved = await callApi(page, "/api/v1/templates?q=Opening%20hours%20(page)");
    assert.deepEqual(saved.items[0].placeholders, ["first_name"]);

    // Edited from its row: the new text is what the list shows.
    await page.getByRole("button", { name: "Edit Opening hours (page)" }).click();
    const edit = page.getByRole("dialog", { name: "Edit template" });
    await edit.getByLabel("Text").fill("Hi {first_name}, we open at 9.");
    await edit.getByRole("button", { name: "Save template" }).click();
    await edit.waitFor({ state: "detached" });
    await row.filter({ hasText: "1 segment · GSM-7" }).waitFor();
  }, { expectedConsole: refusals(422) });
});

test("the wizard's message step takes a template that fits the chosen list", async () => {
  await withPage("templates-wizard", async (page) => {
    await signIn(page, manager);
    await ensureTemplate(page, "Program welcome", "Hi {first_name}, welcome to {Program}!");
    await ensureTemplate(page, "GPA check", "Hi {first_name}, your GPA is {GPA}.");
    await page.goto(`${baseUrl}/campaigns/new`);
    await page.getByRole("button", { name: "Start from scratch" }).click();
    await page.getByLabel("Title", { exact: true }).fill("Templated welcome");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("heading", { name: "Contact list" }).waitFor();
    await page.getByRole("button", { name: "Choose an existing list" }).click();
    // A demo list, whose columns include Program (other tests add lists without it).
    await page.locator(".list-choice", { hasText: "Fall 2026 applicants" }).locator("input[type=radio]").check();
    await page.getByRole("navigation", { name: "Campaign creation steps" }).getByRole("button", { name: "Message" }).click();
    await page.getByRole("heading", { name: "Message", level: 2 }).waitFor();

    await page.getByRole("button", { name: "Use a template" }).click();
    const dialog = page.getByRole("dialog", { name: "Templates" });
    await dialog.getByLabel("Find a template by name").fill("gpa");
    const gpa = dialog.locator(".template-choice", { hasText: "GPA check" });
    await gpa.locator(".field-errors", { hasText: "uses {GPA}, which is not a field of the contact list" }).waitFor();
    assert.equal(await gpa.getByRole("button", { name: "Use GPA check" }).isDisabled(), true);
    await dialog.getByLabel("Find a template by name").fill("program");
    await dialog.getByRole("button", { name: "Use Program welcome" }).click();
    await dialog.waitFor({ state: "detached" });
    assert.equal(
      await page.getByRole("textbox", { name: "Message" }).inputValue(),
      "Hi {first_name}, welcome to {Program}!",
    );
    // The preview fills it for the list's first contact.
    await page.getByTestId("message-preview").filter({ hasText: /^Hi \S+, welcome to (Nursing|Computer Science|Business|Biology)!/ }).waitFor();
  });
});

test("the composer answers with a saved reply, by the picker or by typing /", async () => {
  await withPage("templates-composer", async (page) => {
    await signIn(page, manager);
    await ensureTemplate(page, "Visit invite", "Hi {first_name}, come visit the {Program} open day!");
    await ensureTemplate(page, "Thanks", "Thank you, {first_name}!");
    const found = await callApi(page, "/api/v1/campaigns?state=active&q=Fall%20application%20reminder");
    const campaign = found.items[0].id;
    const answer = await callApi(page, `/api/v1/campaigns/${campaign}/conversations?limit=100`);
    const conversation = answer.sections
      .flatMap((s) => s.items)
      .find((c) => !c.contact.opted_out && c.route !== "closed" && c.contact.id);
    assert.ok(conversation, "the demo campaign has a conversation to answer");
    const detail = await callApi(page, `/api/v1/conversations/${conversation.id}`);
    const program = detail.contact_fields.find((f) => f.name === "Program")?.value;
    assert.ok(program, `the contact has a Program: ${JSON.stringify(detail.contact_fields)}`);
    const first = conversation.contact.first_name;

    await page.goto(`${baseUrl}/campaigns/${campaign}?tab=activity&conversation=${conversation.id}`);
    const reply = page.getByRole("textbox", { name: "Your reply" });
    await reply.waitFor();

    // "/" and part of a name: the suggestions narrow; Enter takes the highlighted one.
    await reply.fill("/visit");
    const suggestions = page.getByRole("listbox", { name: "Saved replies" });
    await suggestions.getByRole("option", { name: /Visit invite/ }).waitFor();
    assert.equal(await suggestions.getByRole("option").count(), 1);
    await reply.press("Enter");
    assert.equal(await reply.inputValue(), `Hi ${first}, come visit the ${program} open day!`);
    await suggestions.waitFor({ state: "detached" });
    // The text is the reply's, not yet sent: Undo goes back to what was typed.
    await page.getByRole("button", { name: "Undo" }).click();
    assert.equal(await reply.inputValue(), "/visit");
    await reply.press("Escape");
    await suggestions.waitFor({ state: "detached" });
    await reply.fill("");

    // The picker: the same templates, filled the same way.
    await page.getByRole("button", { name: "Saved replies" }).click();
    const dialog = page.getByRole("dialog", { name: "Templates" });
    await dialog.getByRole("button", { name: "Use Thanks", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    assert.equal(await reply.inputValue(), `Thank you, ${first}!`);
  });
});

test("an agent campaign's optional script takes a template without merge fields", async () => {
  await withPage("templates-script", async (page) => {
    await signIn(page, manager);
    await page.goto(`${baseUrl}/campaigns/new`);
    await page.getByRole("button", { name: "Start from scratch" }).click();
    await page.getByLabel("Title", { exact: true }).fill("Agents with a script");
    await page.getByRole("navigation", { name: "Campaign creation steps" }).getByRole("button", { name: "Operator" }).click();
    await page.getByRole("heading", { name: "Operator", level: 2 }).waitFor();
    await page.getByLabel("Give it a Virtual Assistant script too").check();
    const fallback = page.getByLabel("Fallback reply");
    await fallback.waitFor();
    // The fallback's picker: the one after the fallback box.
    await page.locator(".form-field", { has: fallback }).getByRole("button", { name: "Use a template" }).click();
    const dialog = page.getByRole("dialog", { name: "Templates" });
    const reminder = dialog.locator(".template-choice", { hasText: "Application reminder" });
    await reminder.locator(".field-errors", { hasText: "the assistant sends its replies as written" }).waitFor();
    assert.equal(await reminder.getByRole("button").isDisabled(), true);
    await dialog.getByRole("button", { name: "Use Aid deadline" }).click();
    await dialog.waitFor({ state: "detached" });
    assert.match(await fallback.inputValue(), /^The financial aid deadline is March 1\./);
  });
});
