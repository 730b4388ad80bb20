// Settings (/app/settings): the sound meter's calibration offset for this phone, and logging
// out (which forgets the token and the cached data, but keeps what still has to be sent, and
// first says how many visits and drafts that is).
import { forgetCachedAnswers } from '../api.js';
import { boot } from '../app.js';
import { calibration } from '../soundmeter.js';
import { userId } from '../ui.js';

const store = globalThis.AuditorStore;

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "2 visits not sent and 1 draft" of this user, or '' when there is nothing. */
async function unsentWork() {
  const visits = new Set((await store.itemsOf(userId())).map((item) => item.audit)).size;
  const drafts = (await store.listDrafts(userId())).filter((d) => d.status !== 'queued').length;
  const parts = [];
  if (visits) parts.push(`${plural(visits, 'visit')} not sent`);
  if (drafts) parts.push(plural(drafts, 'draft'));
  return parts.join(' and ');
}

async function logOut(event) {
  event.preventDefault();
  const unsent = await unsentWork();
  const question = `${unsent} stay on this phone, kept for you and sent after you log in again. Log out?`;
  if (unsent && !window.confirm(question)) return;
  const offline = document.getElementById('logout-offline');
  // logging out needs the server (it ends the session there); without a signal, half a
  // logout would leave a live token behind and land on the browser's error page
  const reached = await fetch('/healthz', { cache: 'no-store' }).then((r) => r.ok, () => false);
  if (!reached) {
    offline.hidden = false;
    offline.focus();
    return;
  }
  offline.hidden = true;
  const session = await store.getSession(userId());
  if (session) {
    await fetch('/api/v1/auth/token', { method: 'DELETE', headers: { Authorization: `Bearer ${session.token}` } }).catch(() => {});
    await store.dropSession(session.user.id, session.token);
  }
  // another person may log in on this phone next: forget what the server told us
  await forgetCachedAnswers();
  for (const name of await caches.keys()) {
    if (name.startsWith('auditor-pages-')) await caches.delete(name);
  }
  sessionStorage.clear();
  event.target.submit();
}

async function main() {
  boot();
  const form = document.getElementById('calibration');
  const offset = document.getElementById('offset');
  offset.value = String(await calibration());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = Number(offset.value);
    const note = document.getElementById('offset-note');
    if (!Number.isFinite(value) || value < -40 || value > 40) {
      note.textContent = 'Enter a number of decibels from -40 to 40.';
    } else {
      await store.setMeta('calibration', value);
      note.textContent = `Saved: readings on this phone get ${value >= 0 ? '+' : ''}${value} dB.`;
    }
    note.hidden = false;
  });

  const unsent = await unsentWork();
  if (unsent) {
    const warning = document.getElementById('logout-warning');
    warning.textContent = `${unsent} stay on this phone: they are kept, and sent after you log in again.`;
    warning.hidden = false;
  }
  document.getElementById('logout').addEventListener('submit', (event) => logOut(event));
  document.body.dataset.ready = 'true';
}

main();
