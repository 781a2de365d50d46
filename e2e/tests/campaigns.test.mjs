// The Campaigns page against the seeded demo organisation: tabs, search, tag filter,
// row actions, the Scheduled calendar and deep links. The tests run in order and
// share one server, so the ones that change campaigns come last.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseUrl, callApi, signIn, withPage } from "../support/browser.mjs";

const manager = "manager@demo.test";

const demo = {
  active: ["Fall application reminder", "Financial aid deadline", "West welcome week"],
  scheduled: ["Open house invitation", "Orientation RSVP", "Housing survey", "West campus tour"],
  draft: ["Spring enrollment nudge", "Alumni newsletter"],
  archived: ["Summer bridge program", "Transfer fair (cancelled)"],
};

/** Signs in, then opens the Campaigns page on `tab`. */
async function openTab(page, tab) {
  await signIn(page, manager);
  await page.goto(`${baseUrl}/campaigns?tab=${tab}`);
  await page.getByRole("tab", { name: tabLabel(tab), selected: true }).waitFor();
}

function tabLabel(tab) {
  return tab.charAt(0).toUpperCase() + tab.slice(1);
}

function row(page, title) {
  return page.locator(".campaign-table tbody tr", { has: page.getByRole("link", { name: title, exact: true }) });
}

test("each tab lists its demo campaigns, with the Active tab's columns", async () => {
  await withPage("campaigns-tabs", async (page) => {
    await openTab(page, "active");
    await row(page, demo.active[0]).waitFor();
    const headings = await page.locator(".campaign-table thead th").allInnerTexts();
    assert.deepEqual(
      headings.map((h) => h.trim().toLowerCase()),
      ["title", "office", "phone number", "contact list", "operated by", "tags", "last updated", "launched date", "actions"],
    );
    for (const title of demo.active) await row(page, title).waitFor();
    const aid = await row(page, "Financial aid deadline").innerText();
    assert.match(aid, /Virtual Assistant/);
    assert.match(await row(page, "Fall application reminder").innerText(), /Agent/);
    const hover = await row(page, "Fall application reminder").locator("time").first().getAttribute("title");
    assert.match(hover ?? "", /\//, `the time zone is on hover: ${hover}`);

    for (const tab of ["draft", "archived"]) {
      await page.getByRole("tab", { name: tabLabel(tab) }).click();
      await page.waitForURL((url) => url.searchParams.get("tab") === tab);
      for (const title of demo[tab]) await row(page, title).waitFor();
    }
    await page.getByRole("tab", { name: "Scheduled" }).click();
    await page.getByRole("button", { name: "Table" }).click();
    for (const title of demo.scheduled) await row(page, title).waitFor();
    assert.match(await page.locator(".campaign-table thead").innerText(), /launch time/i);
    assert.match(await page.locator(".pager-range").innerText(), /1–4 of 4/);
  });
});

test("the search box narrows the list by title", async () => {
  await withPage("campaigns-search", async (page) => {
    await openTab(page, "active");
    await row(page, "Fall application reminder").waitFor();
    await page.getByLabel("Search campaigns by title").fill("financial");
    await row(page, "Fall application reminder").waitFor({ state: "detached" });
    await row(page, "Financial aid deadline").waitFor();
    assert.equal(await page.locator(".campaign-table tbody tr").count(), 1);
  });
});

test("the tag filter narrows the list", async () => {
  await withPage("campaigns-tags", async (page) => {
    await openTab(page, "active");
    await row(page, "West welcome week").waitFor();
    await page.locator(".tag-filter summary").click();
    await page.getByLabel("Orientation", { exact: true }).check();
    await row(page, "Fall application reminder").waitFor({ state: "detached" });
    await row(page, "West welcome week").waitFor();
    assert.equal(await page.locator(".campaign-table tbody tr").count(), 1);
  });
});

test("Launch is greyed out on a draft that is not ready, and says what is missing without a hover", async () => {
  await withPage("campaigns-launch-greyed", async (page) => {
    await openTab(page, "draft");
    await page.getByRole("button", { name: "Actions for Alumni newsletter" }).click();
    const launch = page.getByRole("menuitem", { name: "Launch", exact: true });
    await launch.waitFor();
    assert.equal(await launch.getAttribute("aria-disabled"), "true");
    const reason = (await launch.getAttribute("title")) ?? "";
    assert.match(reason, /phone number/);
    assert.match(reason, /contact list/);
    // The reason is written in the item (visible on focus, for keyboard and touch
    // users) and is the item's description for screen readers.
    await launch.focus();
    const shown = launch.locator(".menu-reason");
    assert.ok(await shown.isVisible(), "the reason is on screen");
    assert.match(await shown.innerText(), /phone number/);
    const describedBy = await launch.getAttribute("aria-describedby");
    assert.equal(await shown.getAttribute("id"), describedBy);
    // A ready draft's Launch is available.
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Actions for Spring enrollment nudge" }).click();
    assert.equal(await page.getByRole("menuitem", { name: "Launch" }).getAttribute("aria-disabled"), "false");
  });
});

test("the Scheduled calendar marks a date with two campaigns and lists them", async () => {
  await withPage("campaigns-calendar", async (page) => {
    await openTab(page, "scheduled");
    const badge = page.locator(".day-badge", { hasText: /^2$/ });
    await page.locator(".month-grid").waitFor();
    // The date is five days from seeding, so it may be next month.
    for (let month = 0; month < 2 && (await badge.count()) === 0; month++) {
      const shown = await page.locator(".month-grid").getAttribute("data-month");
      const [year, number] = (shown ?? "").split("-").map(Number);
      const next = number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, "0")}`;
      await page.getByRole("button", { name: "Next month" }).click();
      await page.locator(`.month-grid[data-month="${next}"]`).waitFor();
    }
    await badge.waitFor();
    await page.locator(".day-tile", { has: badge }).click();
    const details = page.locator(".day-details");
    await details.getByRole("link", { name: "Orientation RSVP" }).waitFor();
    await details.getByRole("link", { name: "Housing survey" }).waitFor();
    assert.match(await details.innerText(), /Main Campus/);
  });
});

test("a deep link to a tab survives a reload, and arrow keys move between tabs", async () => {
  await withPage("campaigns-deep-link", async (page) => {
    await signIn(page, manager);
    await page.goto(`${baseUrl}/campaigns?tab=draft`);
    await row(page, "Alumni newsletter").waitFor();
    await page.reload();
    await page.getByRole("tab", { name: "Draft", selected: true }).waitFor();
    await row(page, "Alumni newsletter").waitFor();

    await page.getByRole("tab", { name: "Draft" }).focus();
    await page.keyboard.press("ArrowRight");
    await page.waitForURL((url) => url.searchParams.get("tab") === "archived");
    await page.getByRole("tab", { name: "Archived", selected: true }).waitFor();
    await row(page, "Summer bridge program").waitFor();
  });
});

test("the campaign page shows its General settings", async () => {
  await withPage("campaign-detail", async (page) => {
    await openTab(page, "active");
    await page.getByRole("link", { name: "Fall application reminder", exact: true }).click();
    await page.getByRole("tab", { name: "Activity", selected: true }).waitFor();
    await page.getByRole("tab", { name: "General" }).click();
    await page.waitForURL((url) => url.searchParams.get("tab") === "general");
    await page.getByRole("heading", { name: "General" }).waitFor();
    const settings = await page.locator(".settings").innerText();
    assert.match(settings, /Main Campus/);
    assert.match(settings, /Admissions/);
    await page.getByRole("button", { name: "End Campaign" }).waitFor();
  });
});

test("Clone makes a “Copy of …” draft", async () => {
  await withPage("campaigns-clone", async (page) => {
    await openTab(page, "archived");
    await page.getByRole("button", { name: "Actions for Summer bridge program" }).click();
    await page.getByRole("menuitem", { name: "Clone" }).click();
    const notice = page.locator(".outcome", { hasText: "Copy of Summer bridge program" });
    await notice.waitFor();
    await page.getByRole("tab", { name: "Draft" }).click();
    await row(page, "Copy of Summer bridge program").waitFor();
  });
});

test("Pause stops a campaign without archiving it; it stays on the Active tab, and Resume on its page carries on", async () => {
  await withPage("campaigns-pause", async (page) => {
    const title = "Fall application reminder";
    await openTab(page, "active");
    await page.getByRole("button", { name: `Actions for ${title}` }).click();
    await page.getByRole("menuitem", { name: "Pause" }).click();
    await page.getByText(`“${title}” is paused: nothing more is sent until you resume it.`).waitFor();
    await row(page, title).locator(".state-pill", { hasText: "Paused" }).waitFor();
    await page.getByRole("button", { name: `Actions for ${title}` }).click();
    await page.getByRole("menuitem", { name: "Resume" }).waitFor();
    assert.equal(await page.getByRole("menuitem", { name: "Pause" }).count(), 0);
    await page.keyboard.press("Escape");
    await page.screenshot({ path: `${process.env.TIDINGS_E2E_ARTIFACTS ?? "."}/campaigns-paused.png` });

    await page.getByRole("link", { name: title, exact: true }).click();
    await page.locator(".detail-head .state-pill", { hasText: "Paused" }).waitFor();
    await page.getByRole("button", { name: "End Campaign" }).waitFor();
    await page.getByRole("button", { name: "Resume" }).click();
    await page.locator(".detail-head .state-pill", { hasText: "Active" }).waitFor();
    await page.getByRole("button", { name: "Pause" }).waitFor();
    await page.getByText(`“${title}” has resumed sending where it stopped.`).waitFor();
  });
});

test("Stop and Archive asks first, then the campaign is in the Archived tab", async () => {
  await withPage("campaigns-stop-and-archive", async (page) => {
    await openTab(page, "active");
    await page.getByRole("button", { name: "Actions for West welcome week" }).click();
    await page.getByRole("menuitem", { name: "Stop and Archive" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /reusable phone number/);
    assert.match(await dialog.innerText(), /Archived tab/);
    await page.screenshot({ path: `${process.env.TIDINGS_E2E_ARTIFACTS ?? "."}/campaigns-confirm-dialog.png` });
    await dialog.getByRole("button", { name: "Stop and Archive" }).click();
    await dialog.waitFor({ state: "detached" });
    await row(page, "West welcome week").waitFor({ state: "detached" });
    await page.getByRole("tab", { name: "Archived" }).click();
    await row(page, "West welcome week").waitFor();
  });
});

test("End Campaign on the campaign page asks first, then the campaign is archived", async () => {
  await withPage("campaign-end", async (page) => {
    await openTab(page, "active");
    await page.getByRole("link", { name: "Financial aid deadline", exact: true }).click();
    await page.getByRole("button", { name: "End Campaign" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "End Campaign" }).click();
    await dialog.getByRole("button", { name: "Stop and Archive" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.locator(".state-pill", { hasText: "Archived" }).waitFor();
    await page.getByRole("button", { name: "End Campaign" }).waitFor({ state: "detached" });
    await page.getByRole("link", { name: "Archived tab" }).click();
    await row(page, "Financial aid deadline").waitFor();
  });
});

test("a campaign's General tab shows its history: who created and changed it, and what changed", async () => {
  await withPage("campaign-history", async (page) => {
    await signIn(page, "manager@demo.test");
    const me = await callApi(page, "/api/v1/me");
    const title = `History ${Date.now() % 100_000}`;
    const campaign = await callApi(page, "/api/v1/campaigns", {
      method: "POST",
      body: { title, office_id: me.office.id },
    });
    await callApi(page, `/api/v1/campaigns/${campaign.id}`, {
      method: "PATCH",
      body: { title: `${title} (renamed)` },
    });

    await page.goto(`${baseUrl}/campaigns/${campaign.id}`);
    const history = page.getByRole("region", { name: "History" });
    const lines = history.getByRole("listitem");
    await lines.nth(1).waitFor();
    assert.equal(await lines.count(), 2);
    assert.match(await lines.nth(0).innerText(), new RegExp(`Created by Morgan Manager: title: ${title}$`));
    assert.match(await lines.nth(1).innerText(), new RegExp(`Updated by Morgan Manager: changes: .*title: ${title} \\(renamed\\)`));
  });
});
