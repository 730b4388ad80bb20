// The outbox page (/app/outbox): every waiting item of this user with its state, retry and
// delete, a conflict's two versions with the choice between them, and this user's outbox
// exported to a file as a last resort. Another user's items on a shared phone are never shown.
import { boot, onChange, sendNow } from '../app.js';
import { conflictPanel } from '../conflict.js';
import { announce, el, fill, formatDateTime, userId } from '../ui.js';

const store = globalThis.AuditorStore;
const outbox = globalThis.AuditorOutbox;
const STATES = {
  waiting: 'Waiting',
  sending: 'Sending…',
  failed: 'Failed',
  auth: 'Needs a login',
  refused: 'Refused by the server',
};

function itemRow(item) {
  const retry = el('button', { type: 'button', class: 'small', 'aria-label': `Retry: ${item.label}, ${item.title}` }, 'Retry');
  const remove = el('button', { type: 'button', class: 'small danger', 'aria-label': `Delete: ${item.label}, ${item.title}` }, 'Delete');
  retry.addEventListener('click', async () => {
    retry.disabled = true;
    await outbox.retry(item.id);
  });
  remove.addEventListener('click', async () => {
    if (!window.confirm(`Delete “${item.label}” of ${item.title} from the outbox? It will not be sent.`)) return;
    await outbox.remove(item.id);
    announce('Deleted from the outbox.');
    if (item.state === 'refused') sendNow(); // its visit's submit waited for this
  });
  const detail = [];
  if (item.message) detail.push(item.message);
  if (item.state === 'waiting' && item.nextAt > Date.now()) detail.push(`next try ${formatDateTime(new Date(item.nextAt).toISOString())}`);
  if (item.attempts) detail.push(`${item.attempts} tr${item.attempts === 1 ? 'y' : 'ies'}`);
  return el(
    'li',
    { class: `item state-${item.state}`, 'data-kind': item.kind },
    el('div', { class: 'item-head' }, el('span', { class: 'label' }, item.label), el('span', { class: `state ${item.state}` }, STATES[item.state] || item.state)),
    detail.length ? el('p', { class: 'meta' }, detail.join(' · ')) : null,
    el('div', { class: 'row' }, retry, remove),
  );
}

async function card(group) {
  const conflicted = group.find((item) => item.conflict);
  const draft = conflicted ? await store.getDraft(group[0].audit) : null;
  return el(
    'li',
    { class: 'card' },
    el('h2', { class: 'h3' }, group[0].title),
    el('p', { class: 'meta' }, `Queued ${formatDateTime(group[0].createdAt)}`),
    el('ol', { class: 'items' }, group.map(itemRow)),
    conflicted ? conflictPanel(conflicted, draft) : null,
  );
}

async function show() {
  const items = await store.itemsOf(userId());
  const groups = new Map();
  for (const item of items) {
    if (!groups.has(item.audit)) groups.set(item.audit, []);
    groups.get(item.audit).push(item);
  }
  const cards = await Promise.all([...groups.values()].map(card));
  fill(document.getElementById('queue'), cards.length ? cards : [el('li', { class: 'empty' }, 'Nothing waiting: everything has been sent.')]);
}

function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** This user's waiting items, drafts and photos, as one JSON file the auditor can hand over. */
async function exportAll() {
  const items = await store.itemsOf(userId());
  const audits = [...new Set(items.map((item) => item.audit))];
  const drafts = (await Promise.all(audits.map((uuid) => store.getDraft(uuid)))).filter(Boolean);
  const photos = [];
  for (const uuid of audits) {
    for (const photo of await store.photosOf(uuid)) {
      photos.push({ uuid: photo.uuid, audit: photo.audit, question: photo.question, data: await dataUrl(photo.blob) });
    }
  }
  const file = { app: 'auditor', exported_at: new Date().toISOString(), items, drafts, photos };
  const blob = new Blob([JSON.stringify(file, null, 1)], { type: 'application/json' });
  const link = el('a', { href: URL.createObjectURL(blob), download: `auditor-outbox-${file.exported_at.slice(0, 19).replace(/:/g, '-')}.json` });
  document.body.append(link);
  link.click();
  link.remove();
  announce('Outbox exported.');
}

async function main() {
  boot().then(show);
  await show();
  onChange(show);
  document.getElementById('send').addEventListener('click', () => sendNow());
  document.getElementById('export').addEventListener('click', exportAll);
  document.body.dataset.ready = 'true';
}

main();
