// Texting hours in the browser: an administrator's Settings page (the organisation's
// window, checked as typed and refused when it crosses midnight; the change in the
// audit log), and a campaign whose
// own hours exclude the present: its contacts wait, the Contacts tab says until when on
// their own clock, and the General tab says how many wait. The suite opened the demo's
// hours all day (run.mjs); this file leaves them so.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, callApi, refusals, signIn, withPage } from "../support/browser.mjs";

test("an administrator reads and changes the organisation's texting hours on the Settings page", async () => {
  await withPage(
    "texting-settings",
    async (page) => {
      await signIn(page, "admin@demo.test");
      await page.getByRole("link", { name: "Settings" }).click();
      await page.getByRole("heading", { name: "Texting hours" }).waitFor();
      assert.equal(await page.getByLabel("Texting hours open").inputValue(), "00:00");
      assert.equal(await page.getByLabel("Texting hours close").inputValue(), "24:00");

      // Checked as typed, then refused by the server at its field.
      await page.getByLabel("Texting hours open").fill("21:00");
      await page.getByLabel("Texting hours close").fill("08:00");
      await page.locator(".texting-hours-preview", { hasText: "cannot cross midnight" }).waitFor();
      await page.getByRole("button", { name: "Save texting hours" }).click();
      await page.locator("#texting-closes-errors", { hasText: "must close after they open" }).waitFor();
      const unchanged = await callApi(page, "/api/v1/organisation");
      assert.deepEqual(unchanged.texting_hours, { opens: "00:00", closes: "24:00" });

      await page.getByLabel("Texting hours open").fill("00:00");
      await page.getByLabel("Texting hours close").fill("24:00");
      await page.locator(".texting-hours-preview", { hasText: "between 00:00 and 24:00" }).waitFor();
      await page.getByRole("button", { name: "Save texting hours" }).click();
      await page.locator(".notice", { hasText: "Texting hours saved: 00:00–24:00." }).waitFor();

      // The automatic replies: counted in segments as typed, two at most.
      const help = page.getByLabel("Answer to HELP");
      const original = await help.inputValue();
      assert.ok(original.length > 0, "the demo's HELP answer is shown");
      await help.fill("x".repeat(400));
      await page.locator("#help-reply ~ .segment-counter", { hasText: "3 segments" }).waitFor();
      await page.getByRole("button", { name: "Save replies" }).click();
      await page.locator("#help-reply-errors", { hasText: "must fit in 2 segments" }).waitFor();
      await help.fill(original);
      await page.getByRole("button", { name: "Save replies" }).click();
      await page.locator(".notice", { hasText: "Automatic replies saved." }).waitFor();

      // The change is in the organisation's audit log, with who made it.
      await page.getByRole("link", { name: "Audit log" }).click();
      await page.getByRole("heading", { name: "Audit log" }).waitFor();
      await page.getByLabel("Show").selectOption("organisation");
      const row = page.locator(".admin-table tbody tr", { hasText: "settings changed" }).first();
      await row.waitFor();
      assert.match(await row.innerText(), /Ada Admin/);
      assert.match(await row.innerText(), /Settings #\d+/);
    },
    { expectedConsole: refusals(422) },
  );
});

/** An hour-long window that the present is outside of, on New York's clock. */
function closedWindow() {
  const hour = Number(
    new Intl.DateTimeFormat("en-GB", { timeZone: "America/New_York", hour: "2-digit", hourCycle: "h23" }).format(
      new Date(),
    ),
  );
  const opens = (hour + 2) % 24;
  const two = (n) => String(n).padStart(2, "0");
  return { opens: `${two(opens)}:00`, closes: `${two(opens + 1)}:00` };
}

test("contacts outside the campaign's texting hours wait, and the campaign page says until when", async () => {
  await withPage("texting-waits", async (page) => {
    await signIn(page, "manager@demo.test");
    const me = await callApi(page, "/api/v1/me");
    const numbers = await callApi(page, `/api/v1/phone-numbers?office_id=${me.office.id}&status=active`);
    const line = numbers.items.find((n) => n.name === "Main Campus Admissions");
    assert.ok(line, "the demo's Main Campus line");
    const imported = await callApi(page, "/api/v1/contact-lists", {
      method: "POST",
      body: {
        name: "Night owls",
        office_id: me.office.id,
        rows: [
          { first_name: "Nora", last_name: "Night", phone: "+12125550301" },
          { first_name: "Owen", last_name: "Owl", phone: "+12125550302" },
        ],
      },
    });
    const hours = closedWindow();
    const campaign = await callApi(page, "/api/v1/campaigns", {
      method: "POST",
      body: {
        title: "Night owls check-in",
        phone_number: { kind: "reusable", id: line.id },
        contact_list_id: imported.contact_list.id,
        message_template: "Hi {first_name}, a quick check-in from Demo College.",
        agent_ids: [me.id],
        texting_hours: hours,
      },
    });
    await callApi(page, `/api/v1/campaigns/${campaign.id}/launch`, { method: "POST", body: {} });

    await page.goto(`${baseUrl}/campaigns/${campaign.id}?tab=contacts`);
    const note = `Waits for texting hours until ${hours.opens} (America/New_York).`;
    for (const first of ["Nora", "Owen"]) {
      const row = page.locator(".contacts-table tbody tr", { hasText: first });
      await row.locator(".waiting-note", { hasText: note }).waitFor();
      assert.equal(await row.locator(".delivery-cell [role=img]").getAttribute("aria-label"), "Pending: not sent yet");
    }

    await page.getByRole("tab", { name: "General" }).click();
    const general = page.locator(".texting-hours");
    await general.getByText(`${hours.opens}–${hours.closes} on each contact's clock (narrowed for this campaign)`).waitFor();
    await general.locator(".texting-wait", { hasText: "2 messages are waiting for their contacts' texting hours" }).waitFor();
  });
});
