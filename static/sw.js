/* The phone app's service worker, served at /sw.js (scope /) by auditor/web/app.py, which
 * puts `self.__SHELL = {version, precache, pages, workbox}` in front of this file.
 *
 * - The app shell (CSS, JS, icons, idb) is precached with revisions: a new app version
 *   downloads only what changed, then takes over at once (skipWaiting + clientsClaim);
 *   drafts and the outbox live in IndexedDB and are never touched by an update.
 * - The app's pages are network-first, kept in a cache named after the app version; the
 *   install step fetches them all so every page opens offline after the first visit.
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
      // neither the network nor the cache had it
    }
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

/** Fetch every app page into this version's cache (with the login cookie); best effort. */
async function warmPages() {
  const cache = await caches.open(PAGES_CACHE);
  await Promise.all(
    SHELL.pages.map(async (path) => {
      try {
        const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
        if (response.status === 200 && !response.redirected) await cache.put(path, response);
      } catch (error) {
        // offline or logged out: the page is cached on its first visit instead
      }
    }),
  );
}

async function dropOldPages() {
  for (const name of await caches.keys()) {
    if (name.startsWith('auditor-pages-') && name !== PAGES_CACHE) await caches.delete(name);
  }
}

self.addEventListener('install', (event) => event.waitUntil(warmPages()));
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
