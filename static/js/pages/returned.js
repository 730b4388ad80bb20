// Returned audits (/app/returned): the manager's note, and fixing them on the phone.
import { getAll } from '../api.js';
import { boot } from '../app.js';
import { fromReturned } from '../drafts.js';
import { el, fill, formatDateTime } from '../ui.js';

const store = globalThis.AuditorStore;

async function card(audit) {
  const local = await store.getDraft(audit.uuid);
  const action = local
    ? el('a', { class: 'button primary', href: `/app/audit?id=${audit.uuid}` }, 'Continue fixing')
    : el('button', { type: 'button', class: 'primary' }, 'Fix and resubmit');
  if (!local) {
    action.addEventListener('click', async () => {
      action.disabled = true;
      try {
        await fromReturned(audit);
        window.location.href = `/app/audit?id=${audit.uuid}`;
      } catch (error) {
        action.disabled = false;
        window.alert(`Could not open it: ${error.message}`);
      }
    });
  }
  return el(
    'li',
    { class: 'card' },
    el('h2', { class: 'h3' }, audit.location.name),
    el('p', { class: 'meta' }, `Visited ${formatDateTime(audit.finished_at || audit.started_at)} · returned ${formatDateTime(audit.reviewed_at)}`),
    el('blockquote', { class: 'note warn' }, audit.review_note || 'No note.'),
    action,
  );
}

async function main() {
  boot();
  const list = document.getElementById('returned');
  try {
    const audits = await getAll('/api/v1/audits?status=returned');
    const cards = await Promise.all(audits.map(card));
    fill(list, cards.length ? cards : [el('li', { class: 'empty' }, 'No returned audit. Well done.')]);
  } catch (error) {
    fill(list, el('li', { class: 'empty' }, 'Returned audits need a connection (or one earlier visit to this page).'));
  }
  document.body.dataset.ready = 'true';
}

main();
