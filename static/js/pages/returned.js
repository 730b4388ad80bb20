// Returned audits (/app/returned): the manager's note and their notes on single questions,
// and fixing them on the phone. The list is read through the service worker's cache, so it
// opens offline once My visits has been opened with a connection.
import { get, getAll } from '../api.js';
import { boot } from '../app.js';
import { fromReturned, reviewOf } from '../drafts.js';
import { questions } from '../rules.js';
import { el, fill, formatDateTime } from '../ui.js';

const store = globalThis.AuditorStore;

/** Question texts by key of a checklist version, in its order; empty if it cannot be read. */
async function questionTexts(checklistId) {
  const texts = new Map();
  try {
    for (const [, q] of questions(await get(`/api/v1/checklists/${checklistId}`))) texts.set(q.key, q.text);
  } catch (error) {
    // offline and never fetched: the keys still say which question
  }
  return texts;
}

/** The notes on single questions, in the checklist's order, each under its question. */
async function questionNotes(audit, local) {
  const byKey = reviewOf(audit).questions;
  if (!Object.keys(byKey).length) return null;
  const texts = await questionTexts(audit.checklist_id);
  const order = [...texts.keys(), ...Object.keys(byKey)];
  const notes = [...new Set(order)].filter((key) => byKey[key]).map((key) => [key, byKey[key]]);
  return el(
    'ul',
    { class: 'errors', 'aria-label': 'Notes on questions' },
    notes.map(([key, note]) =>
      el(
        'li',
        {},
        // a link only once the draft is on this phone: the audit page opens drafts
        local
          ? el('a', { href: `/app/audit?id=${audit.uuid}#q-${key}` }, texts.get(key) || key)
          : el('strong', {}, texts.get(key) || key),
        el('span', { class: 'why' }, note),
      ),
    ),
  );
}

function fixButton(audit, local) {
  if (local) return el('a', { class: 'button primary', href: `/app/audit?id=${audit.uuid}` }, 'Continue fixing');
  const action = el('button', { type: 'button', class: 'primary' }, 'Fix and resubmit');
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
  return action;
}

async function card(audit) {
  const local = await store.getDraft(audit.uuid);
  const at = (audit.review && audit.review.at) || audit.reviewed_at;
  const by = audit.review && audit.review.by ? ` by ${audit.review.by.name}` : '';
  return el(
    'li',
    { class: 'card' },
    el('h2', { class: 'h3' }, audit.location.name),
    el('p', { class: 'meta' }, `Visited ${formatDateTime(audit.finished_at || audit.started_at)} · returned ${formatDateTime(at)}${by}`),
    el('blockquote', { class: 'note warn' }, reviewOf(audit).note || 'No note.'),
    await questionNotes(audit, local),
    fixButton(audit, local),
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
