// Browser checks of a running lede site, in headless Chromium (playwright-core).
//
//   BASE_URL=http://127.0.0.1:8090 node tests/browser/run.mjs
//
// Environment:
//   BASE_URL        the site (required)
//   CHROMIUM        the browser binary (default /usr/bin/chromium)
//   SCREENSHOT_DIR  where screenshots go (default tests/browser/screenshots)
//   EVIL_PATH       the hostile article's page, e.g. /articles/4 (default: found
//                   through /api/v1: the first article whose title holds "<script>")
//   SEARCH_OFF=1    the site runs without search: check that the page says so
//
// What the site must hold: at least one story on the front page (two or more
// independent sources) with citation marks and a sources section, and an
// article whose title and body hold <script>, onerror=, javascript: links and
// </title> (the `fixture_site` example of lede-publish serves exactly that).
//
// Prints one line per check, then "N passed, M failed"; exits 1 on any failure.

import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BASE = (process.env.BASE_URL || "").replace(/\/$/, "");
if (!BASE) {
  console.error("set BASE_URL, e.g. BASE_URL=http://127.0.0.1:8090");
  process.exit(2);
}
const SHOTS = process.env.SCREENSHOT_DIR || join(dirname(fileURLToPath(import.meta.url)), "screenshots");
mkdirSync(SHOTS, { recursive: true });

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? ": " + detail : ""}`);
  }
}

/** Run one named step; an exception fails it without stopping the others. */
async function step(name, fn) {
  try {
    await fn();
  } catch (e) {
    check(name, false, String(e && e.stack ? e.stack.split("\n").slice(0, 3).join(" | ") : e));
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
const page = await context.newPage();

// Any script that runs, any dialog that opens, is a failure.
const dialogs = [];
const pageErrors = [];
page.on("dialog", async (d) => {
  dialogs.push(d.message());
  await d.dismiss().catch(() => {});
});
page.on("pageerror", (e) => pageErrors.push(String(e)));

/** Checks every page gets: no script ran, no horizontal overflow, a visible h1. */
async function pageIsSound(label) {
  const state = await page.evaluate(() => ({
    xss: window.__xss,
    scripts: document.scripts.length,
    jsLinks: [...document.querySelectorAll("a[href]")].filter((a) =>
      a.getAttribute("href").trim().toLowerCase().startsWith("javascript:"),
    ).length,
    handlers: [...document.querySelectorAll("*")].filter((el) =>
      [...el.attributes].some((at) => at.name.toLowerCase().startsWith("on")),
    ).length,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    h1: document.querySelectorAll("h1").length,
    mainBeforeFooter: (() => {
      const m = document.querySelector("main");
      const f = document.querySelector("footer.site");
      return !!m && !!f && m.getBoundingClientRect().bottom <= f.getBoundingClientRect().top + 1;
    })(),
  }));
  check(`${label}: no script ran`, state.xss === undefined && dialogs.length === 0 && pageErrors.length === 0,
    JSON.stringify({ xss: state.xss, dialogs, pageErrors }));
  check(`${label}: no script elements, event handlers or javascript: links`,
    state.scripts === 0 && state.handlers === 0 && state.jsLinks === 0, JSON.stringify(state));
  check(`${label}: no horizontal overflow`, state.overflow <= 1, `${state.overflow}px too wide`);
  check(`${label}: one h1, main above the footer`, state.h1 === 1 && state.mainBeforeFooter, JSON.stringify(state));
  await expectVisible("h1", label);
}

async function expectVisible(selector, label) {
  const visible = await page.locator(selector).first().isVisible();
  check(`${label}: ${selector} visible`, visible);
}

async function shot(name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function visit(path) {
  const resp = await page.goto(BASE + path, { waitUntil: "load" });
  return resp;
}

let storyPath = null;
let headline = "";

await step("front page", async () => {
  const resp = await visit("/");
  check("front page: 200", resp && resp.status() === 200, resp && String(resp.status()));
  check("front page: heading", (await page.locator("h1").first().innerText()).includes("Top stories"));
  const links = page.locator("article.card h2 a");
  const n = await links.count();
  check("front page: lists stories", n >= 1, `${n} stories`);
  storyPath = n ? await links.first().getAttribute("href") : null;
  headline = n ? (await links.first().innerText()).trim() : "";
  await pageIsSound("front page");
  await shot("front");
});

await step("story page", async () => {
  if (!storyPath) throw new Error("no story link on the front page");
  await page.locator("article.card h2 a").first().click();
  await page.waitForLoadState("load");
  check("story page: reached by clicking", page.url().replace(/\/$/, "").endsWith(storyPath.replace(/\/$/, "")), page.url());
  const h1 = (await page.locator("h1").first().innerText()).trim();
  check("story page: headline as on the front page", h1.startsWith(headline), `${h1} vs ${headline}`);
  const marks = await page.locator("sup.cite a").count();
  check("story page: citation marks", marks >= 1, `${marks}`);
  // a citation mark leads to its footnote
  const href = await page.locator("sup.cite a").first().getAttribute("href");
  await page.locator("sup.cite a").first().click();
  check("story page: citation goes to its footnote", page.url().endsWith(href) && (await page.locator(`${href}`).isVisible()));
  await expectVisible("section.sources", "story page");
  const sources = await page.locator("ul.sources > li").count();
  check("story page: sources listed", sources >= 1, `${sources}`);
  const charts = await page.locator("svg.chart").count();
  if (charts) {
    const label = await page.locator("svg.chart desc").textContent();
    check("story page: chart described in words", /articles? from \d+ outlets?/.test(label || ""), label);
    const box = await page.locator("svg.chart").boundingBox();
    check("story page: chart drawn", box && box.width > 200 && box.height > 40, JSON.stringify(box));
  }
  await expectVisible("a[href$='/history']", "story page");
  await pageIsSound("story page");
  await shot("story");
  await page.emulateMedia({ colorScheme: "dark" });
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check("story page: dark mode", bg === "rgb(20, 20, 20)", bg);
  await shot("story-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 375, height: 800 });
  await page.reload();
  await pageIsSound("story page on a phone");
  await shot("story-phone");
  await page.setViewportSize({ width: 1100, height: 900 });
});

await step("search", async () => {
  const resp = await visit("/search");
  check("search: 200", resp && resp.status() === 200);
  if (process.env.SEARCH_OFF === "1") {
    check("search: says it is off", (await page.locator("main").innerText()).includes("Search is off"));
    await shot("search-off");
    return;
  }
  const word = (headline.match(/[A-Za-z]{5,}/g) || ["bridge"])[0];
  await page.getByLabel("Words").fill(word);
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForLoadState("load");
  check("search: query in the address", new URL(page.url()).searchParams.get("q") === word, page.url());
  const heading = await page.locator("#results").innerText();
  const hits = await page.locator("li.hit").count();
  check("search: results", hits >= 1 && /result/.test(heading), `${heading}, ${hits} hits`);
  const marked = await page.locator("li.hit mark").count();
  check("search: matches marked", marked >= 1, `${marked}`);
  await pageIsSound("search");
  await shot("search");
  // hostile words are echoed as text only
  await visit("/search?q=" + encodeURIComponent('<img src=x onerror="window.__xss=9"> "</title><script>alert(1)</script>'));
  await pageIsSound("search with hostile words");
  const value = await page.getByLabel("Words").inputValue();
  check("search: hostile words kept as typed", value.includes("<script>alert(1)</script>"), value);
});

await step("feeds", async () => {
  await visit("/");
  const atomHref = await page.locator('link[rel="alternate"][type="application/atom+xml"]').first().getAttribute("href");
  const jsonHref = await page.locator('link[rel="alternate"][type="application/feed+json"]').first().getAttribute("href");
  const atom = await page.request.get(new URL(atomHref, BASE + "/").href);
  const atomBody = await atom.text();
  check("feeds: Atom answers", atom.status() === 200 && (atom.headers()["content-type"] || "").includes("atom+xml"));
  check("feeds: Atom has entries", atomBody.includes("<feed") && atomBody.includes("<entry>"), atomBody.slice(0, 200));
  check("feeds: Atom carries the story text", headline === "" || atomBody.includes(headline.replace(/&/g, "&amp;").replace(/</g, "&lt;")));
  const json = await page.request.get(new URL(jsonHref, BASE + "/").href);
  const feed = await json.json();
  check("feeds: JSON Feed 1.1", feed.version === "https://jsonfeed.org/version/1.1" && feed.items.length >= 1);
  check("feeds: items hold their sources", feed.items.every((i) => i.content_html.includes("Sources")));
  // the feed link in the page works for a person too
  await page.locator("footer a", { hasText: "Atom feed" }).click();
  await page.waitForLoadState("load").catch(() => {});
});

await step("sections", async () => {
  await visit("/");
  await expectVisible('nav[aria-label="Sections"]', "front page");
  const sections = page.locator("section.topic");
  const n = await sections.count();
  check("sections: the front page has topic sections", n >= 1, `${n} sections`);
  if (!n) return;
  const label = (await sections.first().locator("h2").innerText()).trim();
  await sections.first().locator("p.more a").click();
  await page.waitForLoadState("load");
  check("sections: More link opens the topic page", /\/topics\/[a-z]+\/?$/.test(page.url()), page.url());
  check("sections: topic page heading", (await page.locator("h1").first().innerText()).includes(label), label);
  const stories = await page.locator("article.card h2 a").count();
  check("sections: topic page lists stories", stories >= 1, `${stories}`);
  await pageIsSound("topic page");
  await shot("topic");
  const atomHref = await page.locator('link[rel="alternate"][href^="/topics/"][type="application/atom+xml"]').getAttribute("href");
  const atom = await page.request.get(new URL(atomHref, BASE + "/").href);
  const body = await atom.text();
  check("sections: topic Atom feed", atom.status() === 200 && body.includes("<entry>"), atomHref);
});

await step("status", async () => {
  await visit("/");
  await page.locator("footer a", { hasText: "Status" }).click();
  await page.waitForLoadState("load");
  check("status: reached from the footer", new URL(page.url()).pathname.replace(/\/$/, "") === "/status", page.url());
  check("status: heading", (await page.locator("h1").first().innerText()).includes("Status"));
  const counts = await page.locator("dl.counts").innerText();
  check("status: counts shown", /Articles\s+\d+/.test(counts) && /Stories\s+\d+/.test(counts), counts.slice(0, 200));
  await pageIsSound("status page");
  await shot("status");
  const metrics = await page.request.get(BASE + "/metrics");
  const text = await metrics.text();
  check("status: metrics for Prometheus", metrics.status() === 200 && /^lede_stories \d+$/m.test(text), text.slice(0, 200));
});

await step("hostile article", async () => {
  let evil = process.env.EVIL_PATH || null;
  if (!evil) {
    const list = await (await page.request.get(BASE + "/api/v1/stories?limit=200")).json();
    for (const s of list.stories) {
      const arts = await (await page.request.get(`${BASE}/api/v1/stories/${s.id}/articles`)).json();
      const a = arts.articles.find((x) => x.title.includes("<script>"));
      if (a) {
        evil = a.html_url;
        break;
      }
    }
  }
  if (!evil) throw new Error("no article with <script> in its title: set EVIL_PATH");
  await visit(evil);
  const title = await page.title();
  check("hostile article: </title> stays inside the title", title.includes("</title>") && title.includes("<script>"), title);
  const h1 = await page.locator("h1").first().innerText();
  check("hostile article: markup shown as text", h1.includes("<script>alert(1)</script>"), h1);
  const body = await page.locator("article.source").innerText();
  check("hostile article: body markup shown as text", body.includes("<script>") && body.includes("onerror"), body.slice(0, 200));
  await pageIsSound("hostile article");
  await shot("hostile-article");
  // the story that cites it, and its history, are sound too
  const storyLink = page.locator("article.source header a[href^='/stories/']");
  if (await storyLink.count()) {
    await storyLink.first().click();
    await page.waitForLoadState("load");
    await pageIsSound("story citing the hostile article");
    await shot("hostile-story");
  }
});

await step("missing page", async () => {
  const resp = await visit("/no/such/page");
  check("missing page: 404", resp && resp.status() === 404);
  await pageIsSound("missing page");
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
