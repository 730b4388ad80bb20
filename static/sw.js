/* The phone app's service worker, served at /sw.js (scope /) by auditor/web/app.py, which
 * puts `self.__SHELL = {version, precache, pages, workbox}` in front of this file.
 *
 * - The app shell (CSS, JS, icons, idb) is precached with revisions: a new app version
 *   downloads only what changed, then takes over at once (skipWaiting + clientsClaim);
 *   drafts and the outbox live in IndexedDB and are never touched by an update.
 * - The app's pages are network-first, kept in a cache named after the app version; the
 *   install step fetches them all so every page opens offline after the first visit. A
 *   version installs only once it has every page: a page that fails, or a lapsed login
 *   that answers the login page instead, fails the install and the old version stays in
 *   charge with its own pages (an update must never strand the app offline). A page
 *   missing from this version's cache is still served from an older one.
 * - Reads the app needs offline (assignments, checklists, stores, rosters, audits) are
 *   network-first with a cached fallback; photos cache-first (a UUID's bytes never change).
 * - Writes are never cached or routed: the outbox sends them, here too on Background Sync.
 */
/* global workbox, AuditorOutbox */
'use strict';

const SHELL = self.__SHELL;
const revision = (url) => (SHELL.precache.find((entry) => entry.url === url) || {}).revision;
const versioned = (url) => `${url}?v=${revision(url) || SHELL.version}`;

importScripts(`${SHELL.workbox}/workbox-sw.js`);
workbox.setConfig({ modulePathPrefix: SHELL.workbox, debug: false });
importScripts(
  versioned('/static/vendor/idb/umd.js'),
  versioned('/static/js/store.js'),
  versioned('/static/js/outbox-diff.js'),
  versioned('/static/js/outbox-photos.js'),
  versioned('/static/js/outbox-core.js'),
);

const { core, precaching, routing, strategies, expiration, cacheableResponse } = workbox;

const PAGES_CACHE = `auditor-pages-${SHELL.version}`;
const API_CACHE = 'auditor-api-v1';
const PHOTO_CACHE = 'auditor-photos-v1';

core.setCacheNameDetails({ prefix: 'auditor', suffix: 'v1' });
core.clientsClaim();
self.skipWaiting();

precaching.precacheAndRoute(SHELL.precache, { ignoreURLParametersMatching: [/^v$/] });
precaching.cleanupOutdatedCaches();

// a page is cached once, whatever its query (/app/audit?id=... is one page filled by JS);
// only a real 200 is kept, never the login page a lapsed session redirects to
const pageKey = {
  cacheKeyWillBeUsed: async ({ request }) => new URL(request.url).pathname,
  cacheWillUpdate: async ({ response }) =>
    response && response.status === 200 && !response.redirected ? response : null,
};

const OFFLINE_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline · Auditor</title>
<body style="font:18px system-ui;padding:1rem"><main><h1>You are offline</h1>
<p>Open the app once with a connection so it can work without one.</p>
<p><a href="/app">Try again</a></p></main></body></html>`;

const pages = new strategies.NetworkFirst({
  cacheName: PAGES_CACHE,
  networkTimeoutSeconds: 5,
  plugins: [pageKey],
});

routing.registerRoute(
  ({ request, url }) =>
    request.mode === 'navigate' && url.origin === self.location.origin && /^\/app(\/|$)/.test(url.pathname),
  async (options) => {
    try {
      const response = await pages.handle(options);
      if (response) return response;
    } catch (error) {
      // neither the network nor this version's cache had it: an older version's may
    }
    const older = await olderPage(new URL(options.request.url).pathname);
    if (older) return older;
    return new Response(OFFLINE_PAGE, { status: 503, headers: { 'Content-Type': 'text/html' } });
  },
);

const READS = /^\/api\/v1\/(assignments|checklists|me|audits|locations\/\d+\/staff)(\/|$|\?)/;

// the outbox reads with `cache: 'no-store'` (is this audit already on the server?): it must
// hear the server itself, never a cached copy, so those reads pass straight through
routing.registerRoute(
  ({ request, url }) =>
    request.cache !== 'no-store' &&
    url.origin === self.location.origin &&
    READS.test(url.pathname + url.search),
  new strategies.NetworkFirst({
    cacheName: API_CACHE,
    networkTimeoutSeconds: 5,
    // the Authorization header is not part of the key: the cache is emptied at logout
    matchOptions: { ignoreVary: true },
    plugins: [
      new cacheableResponse.CacheableResponsePlugin({ statuses: [200] }),
      new expiration.ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 30 * 24 * 3600 }),
    ],
  }),
  'GET',
);

routing.registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith('/api/v1/photos/'),
  new strategies.CacheFirst({
    cacheName: PHOTO_CACHE,
    matchOptions: { ignoreVary: true },
    plugins: [
      new cacheableResponse.CacheableResponsePlugin({ statuses: [200] }),
      new expiration.ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 30 * 24 * 3600 }),
    ],
  }),
  'GET',
);

/** A page from any pages cache of this app, the latest made first; undefined when none has it. */
async function olderPage(path) {
  const names = (await caches.keys()).filter((name) => name.startsWith('auditor-pages-'));
  for (const name of names.reverse()) {
    const response = await (await caches.open(name)).match(path);
    if (response) return response;
  }
  return undefined;
}

const PAGE_TIMEOUT_MS = 20000; // a stalled connection must not hold an install for ever

/** Fetch one app page into this version's cache (with the login cookie); false if it failed. */
async function warmPage(cache, path) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), PAGE_TIMEOUT_MS);
  try {
    // a lapsed login answers with a redirect to the login page: not the page, never followed
    const response = await fetch(path, {
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'manual',
      signal: abort.signal,
    });
    if (response.status !== 200 || response.type === 'opaqueredirect') return false;
    await cache.put(path, response);
    return true;
  } catch (error) {
    return false; // offline, stalled, or the server broke off
  } finally {
    clearTimeout(timer);
  }
}

/** Fetch every app page into this version's cache; answers the paths that failed. */
async function warmPages() {
  const cache = await caches.open(PAGES_CACHE);
  const done = await Promise.all(SHELL.pages.map((path) => warmPage(cache, path)));
  return SHELL.pages.filter((path, index) => !done[index]);
}

/** Install only with every page cached: otherwise the old version stays (install fails). */
async function installPages() {
  const missing = await warmPages();
  if (missing.length) {
    await caches.delete(PAGES_CACHE); // half a version is no use: the next try starts afresh
    throw new Error(`app version ${SHELL.version} not installed: no copy of ${missing.join(', ')}`);
  }
}

/** Drop older versions' pages, once this version's cache holds every page. */
async function dropOldPages() {
  const cache = await caches.open(PAGES_CACHE);
  const held = await Promise.all(SHELL.pages.map((path) => cache.match(path)));
  if (held.some((response) => !response)) return; // keep what an offline page may need
  for (const name of await caches.keys()) {
    if (name.startsWith('auditor-pages-') && name !== PAGES_CACHE) await caches.delete(name);
  }
}

self.addEventListener('install', (event) => event.waitUntil(installPages()));
self.addEventListener('activate', (event) => event.waitUntil(dropOldPages()));

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'warm') event.waitUntil(warmPages());
});

// Background Sync (Chromium): send the outbox even when no page is open; failing makes the
// browser try again later. Safari has none: pages flush on load, `online` and visibility.
self.addEventListener('sync', (event) => {
  if (event.tag !== 'outbox') return;
  event.waitUntil(
    AuditorOutbox.flush({ force: true }).then((report) => {
      if (report.waiting > 0) throw new Error('the outbox is still waiting');
    }),
  );
});
