// What every app page does on load: register the service worker, show the connection and
// the outbox count, and send the outbox on page load, `online`, visibility and Background Sync.
// The header says what the last try met (no connection, server trouble, online), "N items
// sent" shows where it can be seen, and "Log in again" while anything waits for a login.
import { session } from './api.js';
import { askToKeepData } from './storage.js';
import { announce, userId } from './ui.js';

const store = globalThis.AuditorStore;
const outbox = globalThis.AuditorOutbox;

async function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  let controller = navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // a new app version took over (the first install only starts controlling the page);
    // drafts are in IndexedDB, so reloading loses nothing
    if (controller) document.getElementById('update').hidden = false;
    controller = navigator.serviceWorker.controller;
  });
  try {
    await navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' });
  } catch (error) {
    // no service worker (private mode, old browser): the app still works while online
  }
}

/** Ask for Background Sync so the outbox goes even if the app is closed (Chromium). */
async function registerSync() {
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration();
  if (registration && 'sync' in registration) {
    await registration.sync.register('outbox').catch(() => {});
  }
}

function showNetwork(report) {
  const line = document.getElementById('net');
  if (!line) return;
  let text = navigator.onLine ? 'Online' : 'Offline: saving on this phone';
  // a 5xx or a request that never got its answer is no "Online"
  if (navigator.onLine && report && report.trouble) text = 'Server trouble: saving on this phone';
  else if (navigator.onLine && report && report.offline) text = 'No server: saving on this phone';
  line.textContent = text;
  line.dataset.state = text === 'Online' ? 'online' : 'offline';
}

let sentTimer = null;

/** "N items sent", visible for a while (and announced), whichever page or worker sent them. */
function showSent(count) {
  const line = document.getElementById('sent-line');
  announce(`${count} item${count === 1 ? '' : 's'} sent.`);
  if (!line) return;
  line.textContent = `${count} item${count === 1 ? '' : 's'} sent`;
  line.hidden = false;
  clearTimeout(sentTimer);
  sentTimer = setTimeout(() => (line.hidden = true), 15000);
}

/** The outbox count of this user's visits, and "Log in again" while any waits for a login. */
async function showCount() {
  const items = await store.itemsOf(userId());
  const badge = document.getElementById('outbox-count');
  if (badge) {
    const audits = new Set(items.map((item) => item.audit));
    badge.textContent = audits.size ? String(audits.size) : '';
    badge.hidden = !audits.size;
    const failed = items.some((item) => ['failed', 'auth', 'refused'].includes(item.state));
    badge.dataset.state = failed ? 'failed' : 'waiting';
  }
  const banner = document.getElementById('relogin');
  const auth = await store.getSession(userId());
  if (banner) banner.hidden = !!auth && !items.some((item) => item.state === 'auth');
}

/** Run `callback` whenever drafts or the outbox change, in this page or any other. */
export function onChange(callback) {
  if (!globalThis.BroadcastChannel) return;
  new BroadcastChannel(store.CHANNEL).addEventListener('message', (event) => {
    if (!event.data || event.data.type !== 'report') callback();
  });
}

/** The outbox's report of a pass made anywhere (this page's timer, another page, the worker). */
function onReport(callback) {
  if (!globalThis.BroadcastChannel) return;
  new BroadcastChannel(store.CHANNEL).addEventListener('message', (event) => {
    if (event.data && event.data.type === 'report') callback(event.data.report);
  });
}

/** Send what is waiting now; answers the outbox's report. */
export async function sendNow() {
  await session();
  const report = await outbox.flush({ force: true });
  // busy: another page or the service worker is sending; ask for a sync all the same, so
  // what it cannot send still goes once this page is closed
  if (report.waiting || report.busy) await registerSync();
  return report; // shown from its broadcast, like every pass's
}

function warmPagesOnce(auth) {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  // which login warmed them, without the token itself: no token ever sits in Web Storage
  const login = auth && `${auth.user.id}:${auth.expiresAt}`;
  if (!worker || !auth || sessionStorage.getItem('warmed') === login) return;
  worker.postMessage({ type: 'warm' }); // every page, cached for offline with this login
  sessionStorage.setItem('warmed', login);
}

/** Ask once a browser session that the browser keep drafts and photos (persistent storage). */
function keepDataOnce() {
  if (sessionStorage.getItem('persist-asked')) return;
  sessionStorage.setItem('persist-asked', '1');
  askToKeepData();
}

export function boot() {
  registerWorker();
  keepDataOnce();
  showNetwork();
  onChange(showCount);
  onReport((report) => {
    showNetwork(report);
    if (report.sent) showSent(report.sent);
  });
  window.addEventListener('online', () => sendNow());
  window.addEventListener('offline', () => showNetwork());
  window.addEventListener('auditor:login-needed', () => showCount());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') sendNow();
  });
  document.getElementById('reload')?.addEventListener('click', () => window.location.reload());
  session().then((auth) => {
    warmPagesOnce(auth);
    showCount();
  });
  return sendNow();
}
