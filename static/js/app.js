// What every app page does on load: register the service worker, show the connection and
// the outbox count, and send the outbox on page load, `online`, visibility and Background Sync.
import { session } from './api.js';
import { announce } from './ui.js';

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
  if (navigator.onLine && report && report.offline) text = 'No server: saving on this phone';
  line.textContent = text;
  line.dataset.state = text === 'Online' ? 'online' : 'offline';
}

async function showCount() {
  const badge = document.getElementById('outbox-count');
  if (!badge) return;
  const items = await store.outboxItems();
  const audits = new Set(items.map((item) => item.audit));
  badge.textContent = audits.size ? String(audits.size) : '';
  badge.hidden = !audits.size;
  const failed = items.some((item) => item.state === 'failed' || item.state === 'auth');
  badge.dataset.state = failed ? 'failed' : 'waiting';
}

/** Run `callback` whenever drafts or the outbox change, in this page or any other. */
export function onChange(callback) {
  if (!globalThis.BroadcastChannel) return;
  new BroadcastChannel(store.CHANNEL).addEventListener('message', () => callback());
}

/** Send what is waiting now; answers the outbox's report. */
export async function sendNow() {
  await session();
  const report = await outbox.flush({ force: true });
  showNetwork(report);
  // busy: another page or the service worker is sending; ask for a sync all the same, so
  // what it cannot send still goes once this page is closed
  if (report.waiting || report.busy) await registerSync();
  if (report.sent) announce(`${report.sent} item${report.sent === 1 ? '' : 's'} sent.`);
  return report;
}

function warmPagesOnce(auth) {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!worker || !auth || sessionStorage.getItem('warmed') === auth.token) return;
  worker.postMessage({ type: 'warm' }); // every page, cached for offline with this login
  sessionStorage.setItem('warmed', auth.token);
}

export function boot() {
  registerWorker();
  showNetwork();
  showCount();
  onChange(showCount);
  window.addEventListener('online', () => sendNow());
  window.addEventListener('offline', () => showNetwork());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') sendNow();
  });
  document.getElementById('reload')?.addEventListener('click', () => window.location.reload());
  session().then((auth) => {
    warmPagesOnce(auth);
    if (!auth) {
      document.getElementById('relogin').hidden = false;
    }
  });
  return sendNow();
}
