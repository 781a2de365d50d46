// The management pages against the seeded demo organisation: contact lists, phone
// numbers with their unsolicited message settings, users and offices, and who sees
// them. Other test files share the server, so these tests only change what they
// create themselves (a refused deletion changes nothing).

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, refusals, signIn, withPage } from "../support/browser.mjs";

const admin = "admin@demo.test";
const manager = "manager@demo.test";

/** The main navigation's entries, as the user sees them. */
/** The navigation's entries, without the Needs Attention count an entry may carry. */
async function navigation(page) {
  const labels = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allInnerTexts();
  return labels.map((label) => label.replace(/\s*\d+$/, "").trim());
}

function tableRow(page, text) {
  return page.locator(".admin-table tbody tr", { hasText: text });
}

test("a non-administrator sees no Users or Offices, and their addresses say why", async () => {
  await withPage("admin-navigation-standard", async (page) => {
    await signIn(page, manager);
    assert.deepEqual(await navigation(page), ["Home", "Campaigns", "Inbox", "Contact lists", "Templates", "Phone numbers"]);
    await page.goto(`${baseUrl}/users`);
    await page.getByRole("heading", { name: "For administrators" }).waitFor();
    assert.equal(await page.locator(".admin-table").count(), 0);
  });
  await withPage("admin-navigation-admin", async (page) => {
    await signIn(page, admin);
    assert.deepEqual(await navigation(page), [
      "Home",
      "Campaigns",
      "Inbox",
      "Contact lists",
      "Templates",
      "Phone numbers",
      "Users",
      "Offices",
      "Opt-outs",
      "Settings",
    ]);
  });
});

test("a CSV upload becomes a list whose contacts and fields can be browsed, then deleted", async () => {
  await withPage("admin-contact-lists", async (page) => {
    await signIn(page, manager);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Contact lists" }).click();
    await page.getByRole("heading", { name: "Contact lists", level: 1 }).waitFor();
    await tableRow(page, "Fall 2026 applicants").waitFor();

    await page.getByRole("button", { name: "Upload a list" }).click();
    // More rows than one page of contacts, so the list's page needs "Load more".
    const more = Array.from({ length: 103 }, (_, i) => `Student,Number ${i + 3},(212) 555-${1000 + i},S-${2000 + i}`);
    const csv = [
      "First Name,Last Name,Mobile,Student ID",
      "Rosalind,Franklin,(212) 555-0170,S-1001",
      "Barbara,McClintock,(212) 555-0171,S-1002",
      "Lise,Meitner,12,S-1003",
      ...more,
    ].join("\n");
    await page.getByLabel("CSV file").setInputFiles({
      name: "admin-scientists.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`${csv}\n`),
    });
    await page.getByLabel("Phone column").waitFor();
    await page.getByLabel("List name").fill("E2E scientists");
    await page.getByRole("button", { name: "Upload and import" }).click();
    const report = page.locator(".import-report");
    await report.getByText("Imported 105 of 106 rows into “E2E scientists”.").waitFor();
    assert.match(await report.locator(".report-table tbody tr").first().innerText(), /^3\s/);
    // The new list joins the office's lists, newest first.
    const row = tableRow(page, "E2E scientists");
    await row.waitFor();
    assert.match(await row.innerText(), /E2E scientists\s+105\s+Student ID\s+No campaign/);

    await report.getByRole("link", { name: "Browse its contacts" }).click();
    await page.waitForURL((url) => /^\/contact-lists\/\d+$/.test(url.pathname));
    // A deep link survives a reload.
    await page.reload();
    await page.getByRole("heading", { name: "E2E scientists", level: 1 }).waitFor();
    const headings = await page.locator(".contacts-table thead th").allTextContents();
    assert.deepEqual(headings.map((h) => h.trim()), ["Row", "First name", "Last name", "Phone", "Student ID", "Opted out", "Actions"]);
    const contacts = page.locator(".contacts-table tbody tr");
    await page.getByText("Showing 100 of 105 contacts.").waitFor();
    assert.equal(await contacts.count(), 100);
    assert.match(await contacts.nth(0).innerText(), /1\s+Rosalind\s+Franklin\s+\(212\) 555-0170\s+S-1001/);
    assert.match(await contacts.nth(1).innerText(), /Barbara\s+McClintock\s+\(212\) 555-0171\s+S-1002/);
    await page.getByRole("button", { name: "Load more" }).click();
    await page.getByText("Showing 105 of 105 contacts.").waitFor();
    assert.match(await contacts.nth(104).innerText(), /^106\s+Student\s+Number 105\s+\(212\) 555-1102\s+S-2102/);
    assert.equal(await page.getByRole("button", { name: "Load more" }).count(), 0);

    await page.getByLabel("Search contacts by name or phone").fill("mcclin");
    await contacts.filter({ hasText: "Rosalind" }).waitFor({ state: "detached" });
    assert.equal(await contacts.count(), 1);

    await page.getByRole("button", { name: "Delete list" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete “E2E scientists”?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Delete list" }).click();
    await page.waitForURL((url) => url.pathname === "/contact-lists");
    await tableRow(page, "Fall 2026 applicants").waitFor();
    assert.equal(await tableRow(page, "E2E scientists").count(), 0);
  });
});

test("deleting a list that a launched campaign uses shows the API's refusal", async () => {
  await withPage("admin-contact-list-in-use", async (page) => {
    await signIn(page, manager);
    await page.goto(`${baseUrl}/contact-lists`);
    await page.getByRole("button", { name: "Delete Fall 2026 applicants" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete “Fall 2026 applicants”?" });
    await dialog.waitFor();
    // Focus moves into the dialog, on its safe choice.
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), "Cancel");
    await dialog.getByRole("button", { name: "Delete list" }).click();
    await dialog.getByRole("alert").waitFor();
    assert.match(await dialog.getByRole("alert").innerText(), /campaign/i);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await tableRow(page, "Fall 2026 applicants").waitFor();
  }, { expectedConsole: refusals(409) });
});

test("an administrator adds a number; its unsolicited settings and edited details persist after a reload", async () => {
  await withPage("admin-phone-numbers", async (page) => {
    await signIn(page, admin);
    await page.goto(`${baseUrl}/phone-numbers`);
    await tableRow(page, "Main Campus Admissions").waitFor();
    assert.match(await tableRow(page, "Main Campus Admissions").innerText(), /\(212\) 555-0142\s+Reusable/);

    await page.getByRole("button", { name: "Add a number" }).click();
    const add = page.getByRole("dialog", { name: "Add a phone number" });
    await add.getByLabel("Name").fill("E2E evening line");
    await add.getByLabel("Number", { exact: true }).fill("not a number");
    await add.getByLabel("Number type").selectOption("long_code");
    await add.getByRole("button", { name: "Add number" }).click();
    await add.locator("#number-e164-errors").getByText(/is not a phone number/).waitFor();
    await add.getByLabel("Number", { exact: true }).fill("(303) 555-0177");
    await add.getByRole("button", { name: "Add number" }).click();
    await add.waitFor({ state: "detached" });
    const row = tableRow(page, "E2E evening line");
    await row.waitFor();
    assert.match(await row.innerText(), /\(303\) 555-0177\s+Reusable\s+Long code\s+In service\s+1 office inbox/);

    await row.getByRole("link", { name: "E2E evening line" }).click();
    await page.getByRole("heading", { name: "Unsolicited message settings" }).waitFor();
    const settings = page.locator(".unsolicited");
    await settings.getByLabel("Main Campus", { exact: true }).waitFor();
    assert.equal(await settings.getByLabel("Main Campus", { exact: true }).isChecked(), true, "a new number starts with its office inbox");
    await settings.getByLabel("Main Campus", { exact: true }).uncheck();
    await settings.getByLabel("West Campus", { exact: true }).check();
    await settings.getByLabel(/Morgan Manager/).check();
    await settings.getByRole("button", { name: "Save settings" }).click();
    await settings.getByText(/^Saved\./).waitFor();

    await page.reload();
    await settings.getByLabel("West Campus", { exact: true }).waitFor();
    assert.equal(await settings.getByLabel("West Campus", { exact: true }).isChecked(), true);
    assert.equal(await settings.getByLabel("Main Campus", { exact: true }).isChecked(), false);
    assert.equal(await settings.getByLabel(/Morgan Manager/).isChecked(), true);
    assert.equal(await settings.getByLabel(/Ada Admin/).isChecked(), false);
    assert.equal(await settings.getByRole("button", { name: "Save settings" }).isDisabled(), true);

    // Its details: a refused name is shown at its field; the saved ones after a reload.
    await page.getByRole("button", { name: "Edit details" }).click();
    const details = page.getByRole("dialog", { name: "Edit E2E evening line" });
    await details.getByLabel("Name").fill("   ");
    await details.getByRole("button", { name: "Save changes" }).click();
    await details.locator("#number-name-errors").getByText(/must not be empty/).waitFor();
    await details.getByLabel("Name").fill("E2E late line");
    await details.getByLabel("Description").fill("Evenings and weekends");
    await details.getByLabel("Owner").selectOption({ label: "Morgan Manager · manager@demo.test" });
    await details.getByLabel("Answered by when no campaign runs").selectOption("assistant");
    await details.getByRole("button", { name: "Save changes" }).click();
    await details.waitFor({ state: "detached" });
    await page.getByText("The details of E2E late line were saved.").waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "E2E late line", level: 1 }).waitFor();
    const facts = await page.locator(".number-facts").innerText();
    assert.match(facts, /Answered by when no campaign runs\s+Virtual Assistant/);
    assert.match(facts, /Owner\s+Morgan Manager/);
    assert.match(facts, /Description\s+Evenings and weekends/);

    await page.getByRole("link", { name: "All numbers of Main Campus" }).click();
    assert.match(await tableRow(page, "E2E late line").innerText(), /1 office inbox, 1 person/);

    // Released again, so the other tests find the demo office's numbers as seeded.
    await page.getByRole("button", { name: "Release E2E late line" }).click();
    const release = page.getByRole("dialog", { name: "Release E2E late line, (303) 555-0177?" });
    await release.getByRole("button", { name: "Release number" }).click();
    await page.getByText("E2E late line, (303) 555-0177, was released.").waitFor();
    await tableRow(page, "E2E late line").waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Released", exact: true }).click();
    assert.match(await tableRow(page, "E2E late line").innerText(), /Released/);
  }, { expectedConsole: refusals(409, 422) });
});

test("an administrator creates a user (a bad email is refused at its field), edits and deactivates them", async () => {
  await withPage("admin-users", async (page) => {
    await signIn(page, admin);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
    await tableRow(page, "manager@demo.test").waitFor();

    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog", { name: "New user" });
    await dialog.getByLabel("Name").fill("Erin Evening");
    await dialog.getByLabel("Email").fill("erin-at-demo");
    await dialog.getByLabel("Password").fill("a long enough password");
    await dialog.getByLabel("Role").selectOption("standard");
    await dialog.getByLabel("Office", { exact: true }).selectOption({ label: "West Campus" });
    await dialog.getByRole("button", { name: "Create user" }).click();
    const emailErrors = dialog.locator("#user-email-errors");
    await emailErrors.waitFor();
    assert.match(await emailErrors.innerText(), /must be an email address/);
    assert.equal(await dialog.locator("#user-name-errors").count(), 0);

    await dialog.getByLabel("Email").fill("erin@demo.test");
    await dialog.getByRole("button", { name: "Create user" }).click();
    await dialog.waitFor({ state: "detached" });
    const row = tableRow(page, "erin@demo.test");
    await row.waitFor();
    assert.match(await row.innerText(), /Erin Evening\s+erin@demo.test\s+Standard\s+West Campus\s+Active/);

    await row.getByRole("button", { name: "Edit Erin Evening" }).click();
    const edit = page.getByRole("dialog", { name: "Edit Erin Evening" });
    await edit.getByLabel("Role").selectOption("limited");
    await edit.getByLabel("Office", { exact: true }).selectOption({ label: "Main Campus" });
    await edit.getByRole("button", { name: "Save changes" }).click();
    await edit.waitFor({ state: "detached" });
    await page.getByText("Erin Evening (erin@demo.test) was updated.").waitFor();
    await row.filter({ hasText: "Limited" }).waitFor();
    assert.match(await row.innerText(), /Erin Evening\s+erin@demo.test\s+Limited\s+Main Campus\s+Active/);

    await row.getByRole("button", { name: "Deactivate Erin Evening" }).click();
    await page.getByRole("dialog", { name: "Deactivate Erin Evening?" }).getByRole("button", { name: "Deactivate" }).click();
    await page.getByText("Erin Evening was deactivated.").waitFor();
    await row.getByText("Deactivated").waitFor();
    await row.getByRole("button", { name: "Reactivate Erin Evening" }).waitFor();
  }, { expectedConsole: refusals(422) });
});

test("an administrator creates and renames an office; an office with users cannot be deleted", async () => {
  await withPage("admin-offices", async (page) => {
    await signIn(page, admin);
    await page.goto(`${baseUrl}/offices`);
    await tableRow(page, "West Campus").waitFor();

    await page.getByRole("button", { name: "New office" }).click();
    const create = page.getByRole("dialog", { name: "New office" });
    assert.equal(await page.evaluate(() => document.activeElement?.id), "office-name", "focus moves into the dialog");
    await create.getByLabel("Name").fill("E2E Harbour Campus");
    await create.getByLabel("Time zone").fill("Mars/Olympus");
    await create.getByRole("button", { name: "Create office" }).click();
    await create.locator("#office-zone-errors").getByText(/not an IANA time zone/).waitFor();
    await create.getByLabel("Time zone").fill("Europe/Lisbon");
    await create.getByRole("button", { name: "Create office" }).click();
    await create.waitFor({ state: "detached" });
    await tableRow(page, "E2E Harbour Campus").waitFor();
    assert.match(await tableRow(page, "E2E Harbour Campus").innerText(), /Europe\/Lisbon/);

    await page.getByRole("button", { name: "Edit E2E Harbour Campus" }).click();
    const edit = page.getByRole("dialog", { name: "Edit E2E Harbour Campus" });
    await edit.getByLabel("Name").fill("E2E Riverside Campus");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await edit.waitFor({ state: "detached" });
    await tableRow(page, "E2E Riverside Campus").waitFor();
    assert.equal(await tableRow(page, "E2E Harbour Campus").count(), 0);
    await page.reload();
    await tableRow(page, "E2E Riverside Campus").waitFor();

    await page.getByRole("button", { name: "Delete West Campus" }).click();
    const refuse = page.getByRole("dialog", { name: "Delete West Campus?" });
    await refuse.getByRole("button", { name: "Delete office" }).click();
    await refuse.getByRole("alert").getByText(/still has users/).waitFor();
    await refuse.getByRole("button", { name: "Cancel" }).click();
    await refuse.waitFor({ state: "detached" });
    await tableRow(page, "West Campus").waitFor();

    // An office nothing belongs to yet can go (and the other tests see the demo offices only).
    await page.getByRole("button", { name: "Delete E2E Riverside Campus" }).click();
    await page.getByRole("dialog", { name: "Delete E2E Riverside Campus?" }).getByRole("button", { name: "Delete office" }).click();
    await page.getByText("The office E2E Riverside Campus was deleted.").waitFor();
    await tableRow(page, "E2E Riverside Campus").waitFor({ state: "detached" });
  }, { expectedConsole: refusals(409, 422) });
});

test("the suppression list: add a number with a reason, find it by source, read its history, lift it; a STOP is the contact's to lift", async () => {
  await withPage("admin-suppression-list", async (page) => {
    await signIn(page, admin);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Opt-outs" }).click();
    await page.getByRole("heading", { name: "Suppression list", level: 1 }).waitFor();

    await page.getByRole("button", { name: "Add a number" }).click();
    const add = page.getByRole("dialog", { name: "Add a number to the suppression list" });
    await add.getByLabel("Phone number").fill("(303) 555-0199");
    await add.getByLabel("Reason").fill("Asked at the front desk <script>alert(1)</script>");
    await add.getByRole("button", { name: "Add to the list" }).click();
    await add.waitFor({ state: "detached" });
    await page.getByText("+13035550199 is on the suppression list.").waitFor();
    const row = tableRow(page, "(303) 555-0199");
    await row.waitFor();
    assert.match(await row.innerText(), /Staff/);
    assert.match(await row.innerText(), /Asked at the front desk <script>alert\(1\)<\/script>/, "a reason is shown as text");

    await page.getByLabel("Source").selectOption("manual");
    await row.waitFor();
    await page.getByLabel("Source").selectOption("keyword");
    await row.waitFor({ state: "detached" });
    const stop = page.locator(".admin-table tbody tr").first();
    await stop.waitFor();
    assert.match(await stop.innerText(), /The contact's STOP/);
    assert.match(await stop.innerText(), /Only their START lifts it/);
    assert.equal(await stop.getByRole("button", { name: /^Lift/ }).count(), 0);
    await page.screenshot({ path: `${process.env.TIDINGS_E2E_ARTIFACTS ?? "."}/admin-suppression-list.png` });
    await page.getByLabel("Source").selectOption("");

    await row.getByRole("button", { name: "History of +13035550199" }).click();
    const history = page.getByRole("dialog", { name: "History of +13035550199" });
    await history.getByText(/Added by Ada Admin: Asked at the front desk/).waitFor();
    await history.getByRole("button", { name: "Close" }).click();
    await history.waitFor({ state: "detached" });

    await row.getByRole("button", { name: "Lift +13035550199" }).click();
    const lift = page.getByRole("dialog", { name: "Lift +13035550199?" });
    await lift.getByRole("button", { name: "Lift" }).click();
    await lift.getByText("is required").waitFor();
    await lift.getByLabel("Reason").fill("Ported to a new phone");
    await lift.getByRole("button", { name: "Lift" }).click();
    await lift.waitFor({ state: "detached" });
    await row.waitFor({ state: "detached" });
    await page.getByLabel("Include lifted entries").check();
    await row.waitFor();
    assert.match(await row.innerText(), /Lifted .* by Ada Admin: Ported to a new phone/);
  }, { expectedConsole: refusals(422) });
});

test("an administrator creates an API key, sees it once, an integration uses it, and after Revoke it is refused", async () => {
  await withPage(
    "admin-api-keys",
    async (page) => {
      await signIn(page, admin);
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
      await page.getByRole("link", { name: "API keys" }).click();
      await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();

      const name = `SIS nightly sync ${Date.now() % 100_000}`;
      await page.getByRole("button", { name: "New API key" }).click();
      const dialog = page.getByRole("dialog", { name: "New API key" });
      // A key needs a name: the API's reason is shown at the field.
      await dialog.getByRole("button", { name: "Create key" }).click();
      await dialog.locator("#api-key-name-errors", { hasText: "must be 1 to 120 characters" }).waitFor();
      await dialog.getByLabel("Name").fill(name);
      await dialog.getByRole("button", { name: "Create key" }).click();
      await dialog.getByText("it is not shown again").waitFor();
      const key = await dialog.getByLabel(`The key “${name}”`).inputValue();
      assert.ok(key.length > 20, `the key shown is ${key}`);
      await dialog.getByRole("button", { name: "Done" }).click();

      const row = tableRow(page, name);
      await row.waitFor();
      assert.match(await row.innerText(), /Ada Admin/);
      assert.match(await row.innerText(), /Never/);
      assert.match(await row.innerText(), /Active/);
      assert.doesNotMatch(await page.locator("main").innerText(), new RegExp(key), "the key is shown only once");

      // An integration calls the API with it; the list then says it was used.
      const asIntegration = () => fetch(`${baseUrl}/api/v1/campaigns`, { headers: { Authorization: `Bearer ${key}` } });
      assert.equal((await asIntegration()).status, 200);
      await page.reload();
      await row.waitFor();
      assert.doesNotMatch(await row.innerText(), /Never/);

      await page.getByRole("button", { name: `Revoke ${name}` }).click();
      await page.getByRole("dialog", { name: `Revoke ${name}?` }).getByRole("button", { name: "Revoke key" }).click();
      await page.locator(".notice", { hasText: `The API key ${name} was revoked.` }).waitFor();
      await row.filter({ hasText: "Revoked" }).waitFor();
      assert.equal(await page.getByRole("button", { name: `Revoke ${name}` }).count(), 0);
      assert.equal((await asIntegration()).status, 401);

      // Both are in the organisation's audit log.
      await page.goto(`${baseUrl}/audit-log`);
      await page.getByLabel("Show").selectOption("api_key");
      await page.locator(".admin-table tbody tr", { hasText: "Revoked" }).filter({ hasText: name }).waitFor();
      await page.locator(".admin-table tbody tr", { hasText: "Created" }).filter({ hasText: name }).waitFor();
    },
    { expectedConsole: refusals(422) },
  );
});

test("a standard user is not offered API keys, and their address says why", async () => {
  await withPage("admin-api-keys-standard", async (page) => {
    await signIn(page, manager);
    await page.goto(`${baseUrl}/api-keys`);
    await page.getByRole("heading", { name: "For administrators" }).waitFor();
    assert.equal(await page.locator(".admin-table").count(), 0);
  });
});
