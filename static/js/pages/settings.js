// Settings (/app/settings): the sound meter's calibration offset for this phone, and logging
// out (which forgets the token and the cached data, but keeps what still has to be sent).
import { boot } from '../app.js';
import { calibration } from '../soundmeter.js';

const store = globalThis.AuditorStore;

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

  const waiting = (await store.outboxItems()).length;
  if (waiting) {
    const warning = document.getElementById('logout-warning');
    warning.textContent = `${waiting} item(s) still wait in the outbox; they are kept and sent after you log in again.`;
    warning.hidden = false;
  }
  document.getElementById('logout').addEventListener('submit', async (event) => {
    event.preventDefault();
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
    const session = await store.getMeta('session');
    if (session) {
      await fetch('/api/v1/auth/token', { method: 'DELETE', headers: { Authorization: `Bearer ${session.token}` } }).catch(() => {});
      await store.deleteMeta('session');
    }
    // another person may log in on this phone next: forget what the server told us
    for (const name of await caches.keys()) {
      if (/^auditor-(api|pages|photos)-/.test(name)) await caches.delete(name);
    }
    sessionStorage.clear();
    event.target.submit();
  });
  document.body.dataset.ready = 'true';
}

main();
