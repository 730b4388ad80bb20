// My visits: drafts on this phone (a queued one the server refused says why), planned
// visits, an unplanned visit at a chosen store.
import { get, getAll } from '../api.js';
import { boot, onChange, sendNow } from '../app.js';
import { reviewOf, startVisit } from '../drafts.js';
import { replaceControl } from '../photos.js';
import { visibleQuestions } from '../rules.js';
import { el, fill, formatDateTime, param, userId } from '../ui.js';
import { showClaims } from './claims.js';

const store = globalThis.AuditorStore;
let assignments = [];

function answeredCount(draft) {
  const visible = visibleQuestions(draft.checklist, draft.answers);
  const visit = draft.checklist.sections.filter((s) => s.phase === 'visit');
  const keys = visit.flatMap((s) => s.questions.map((q) => q.key)).filter((k) => visible.has(k));
  const done = keys.filter((k) => {
    const a = draft.answers[k];
    return a && (a.na || (a.value !== null && a.value !== undefined));
  });
  return `${done.length} of ${keys.length} answered`;
}

/** Why a queued visit is not going, or null while it simply waits (its first stuck item). */
function failureOf(draft, items) {
  const stuck = items.find((item) => item.audit === draft.uuid && ['failed', 'auth', 'refused'].includes(item.state));
  return stuck ? stuck.message || 'The server refused it.' : null;
}

function draftCard(draft, items) {
  const queued = draft.status === 'queued';
  const failure = queued ? failureOf(draft, items) : null;
  const discard = el('button', { type: 'button', class: 'small danger' }, 'Discard');
  discard.addEventListener('click', async () => {
    const sure = window.confirm(`Discard the visit at ${draft.location.name} and its photos?`);
    if (sure) await store.deleteDraft(draft.uuid);
  });
  let state = answeredCount(draft);
  if (queued) state = failure ? 'not sent' : 'waiting to send';
  return el(
    'li',
    { class: 'card' },
    el('h3', {}, draft.location.name),
    el(
      'p',
      { class: 'meta' },
      `${draft.kind === 'returned' ? 'Returned audit' : 'Started'} ${formatDateTime(draft.startedAt)} · `,
      state,
    ),
    // a visit the server refused says so here, not "waiting to send" (issue 11)
    failure ? el('p', { class: 'failure', role: 'alert' }, `Not sent: ${failure}`) : null,
    // a photo the server refused is replaced from here (a queued visit is read-only)
    ...items
      .filter((item) => item.audit === draft.uuid && item.state === 'refused')
      .map((item) => replaceControl(item, () => sendNow())),
    el(
      'div',
      { class: 'row' },
      queued
        ? el('a', { class: 'button secondary', href: '/app/outbox' }, 'See the outbox')
        : el('a', { class: 'button primary', href: `/app/audit?id=${draft.uuid}` }, 'Continue'),
      queued ? null : discard,
    ),
  );
}

async function showDrafts() {
  const drafts = await store.listDrafts(userId());
  const items = await store.itemsOf(userId());
  const cards = drafts.map((draft) => draftCard(draft, items));
  fill(document.getElementById('drafts'), cards.length ? cards : [el('li', { class: 'empty' }, 'No visit in progress.')]);
  return drafts;
}

async function begin(button, start) {
  button.disabled = true;
  try {
    const draft = await start();
    window.location.href = `/app/audit?id=${draft.uuid}`;
  } catch (error) {
    button.disabled = false;
    window.alert(`The visit could not start: ${error.message}`);
  }
}

function plannedCard(assignment, drafts) {
  const draft = drafts.find((d) => d.assignmentId === assignment.id);
  const place = assignment.location;
  let action;
  if (draft && draft.status === 'queued') {
    // submitted on this phone, not yet on the server: nothing left to continue
    const state = draft.failure ? 'Not sent' : 'Waiting to send';
    action = el('a', { class: 'button secondary', href: '/app/outbox' }, `${state}: see the outbox`);
  } else if (draft) {
    action = el('a', { class: 'button primary', href: `/app/audit?id=${draft.uuid}` }, 'Continue visit');
  } else {
    action = el('button', { type: 'button', class: 'primary' }, 'Start visit');
  }
  if (!draft) {
    action.addEventListener('click', () =>
      begin(action, () =>
        startVisit({ checklistId: assignment.checklist_id, location: place, assignmentId: assignment.id }),
      ),
    );
  }
  return el(
    'li',
    { class: 'card' },
    el('h3', {}, place.name),
    el('p', { class: 'meta' }, [place.address, place.code].filter(Boolean).join(' · ')),
    // a scheduled visit's daypart window in the store's time: "Saturday afternoon, 12–17"
    assignment.window ? el('p', { class: 'meta window' }, assignment.window) : null,
    el('p', { class: 'meta' }, `Due ${formatDateTime(assignment.due_from)} to ${formatDateTime(assignment.due_to)}`),
    action,
  );
}

async function showPlanned(drafts) {
  const list = document.getElementById('planned');
  const items = await store.itemsOf(userId());
  for (const draft of drafts) draft.failure = draft.status === 'queued' ? failureOf(draft, items) : null;
  try {
    assignments = await getAll('/api/v1/assignments?status=open');
    const cards = assignments.map((a) => plannedCard(a, drafts));
    fill(list, cards.length ? cards : [el('li', { class: 'empty' }, 'No planned visit.')]);
  } catch (error) {
    fill(list, el('li', { class: 'empty' }, 'Planned visits need one connection first.'));
  }
}

/** Fetch each planned visit's checklist and roster now, so it can start without a signal. */
async function prefetchPlanned() {
  const ids = new Set(assignments.map((a) => a.checklist_id));
  await Promise.all([...ids].map((id) => get(`/api/v1/checklists/${id}`).catch(() => null)));
  await Promise.all(
    assignments.map((a) => getAll(`/api/v1/locations/${a.location_id}/staff`).catch(() => null)),
  );
}

async function showUnplanned() {
  const form = document.getElementById('unplanned');
  const locationSelect = form.elements.location;
  const checklistSelect = form.elements.checklist;
  let locations = [];
  let checklists = [];
  try {
    [locations, checklists] = await Promise.all([
      getAll('/api/v1/me/locations'),
      getAll('/api/v1/checklists'),
    ]);
  } catch (error) {
    fill(locationSelect, el('option', { value: '' }, 'Stores need one connection first'));
  }
  // the latest published version of each checklist
  const latest = new Map();
  for (const c of checklists) if (!latest.has(c.key) || latest.get(c.key).version < c.version) latest.set(c.key, c);
  if (locations.length) {
    fill(locationSelect, el('option', { value: '' }, 'Choose a store'),
      locations.map((l) => el('option', { value: l.id }, `${l.name} (${l.code})`)));
  }
  fill(checklistSelect, [...latest.values()].map((c) => el('option', { value: c.id }, `${c.title} (v${c.version})`)));
  await Promise.all([...latest.values()].map((c) => get(`/api/v1/checklists/${c.id}`).catch(() => null)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const error = document.getElementById('unplanned-error');
    const location = locations.find((l) => String(l.id) === locationSelect.value);
    if (!location || !checklistSelect.value) {
      error.textContent = 'Choose a store and a checklist.';
      error.hidden = false;
      return;
    }
    error.hidden = true;
    begin(form.querySelector('button'), () =>
      startVisit({ checklistId: Number(checklistSelect.value), location }),
    );
  });
}

/**
 * How many audits came back, read as the returned page reads them (the same URL), with their
 * checklists: the service worker keeps both, so the manager's notes open without a signal.
 */
async function showReturnedCount() {
  try {
    const audits = await getAll('/api/v1/audits?status=returned');
    document.getElementById('returned-count').textContent = audits.length ? `(${audits.length})` : '';
    const ids = new Set(audits.map((audit) => audit.checklist_id));
    await Promise.all([...ids].map((id) => get(`/api/v1/checklists/${id}`).catch(() => null)));
  } catch (error) {
    // offline: the returned page says so itself
  }
}

/** Rejected audits, with the manager's reason: read-only, nothing to do but read. */
async function showRejected() {
  let audits = [];
  try {
    audits = await getAll('/api/v1/audits?status=rejected');
  } catch (error) {
    return; // offline and never fetched: nothing to show
  }
  const cards = audits.map((audit) => {
    const visited = formatDateTime(audit.finished_at || audit.started_at);
    const rejected = formatDateTime((audit.review && audit.review.at) || audit.reviewed_at);
    return el(
      'li',
      { class: 'card' },
      el('h3', {}, audit.location.name, ' ', el('span', { class: 'tag' }, 'rejected')),
      el('p', { class: 'meta' }, `Visited ${visited} · rejected ${rejected}`),
      el('blockquote', { class: 'note warn' }, `Reason: ${reviewOf(audit).note || 'none given'}`),
      el('p', { class: 'hint' }, 'A rejected audit is closed: it cannot be changed and never counts.'),
    );
  });
  fill(document.getElementById('rejected'), cards);
  document.getElementById('rejected-block').hidden = !cards.length;
}

async function showSent() {
  // this user's only (entries from before a user was noted are shown to nobody)
  const sent = ((await store.getMeta('sent')) || []).filter((s) => s.userId === userId());
  const items = sent.slice(0, 5).map((s) => el('li', {}, `${s.title}: sent ${formatDateTime(s.at)}`));
  fill(document.getElementById('sent'), items.length ? items : [el('li', { class: 'empty' }, 'Nothing yet.')]);
}

/** After a submit (/app?queued=<uuid>): sent, or waiting in the outbox. */
async function showQueued() {
  const uuid = param('queued');
  if (!uuid) return;
  const note = document.getElementById('sent-note');
  note.textContent = (await store.getDraft(uuid))
    ? 'Visit saved in the outbox: it is sent as soon as there is a connection.'
    : 'Visit sent. Thank you!';
  note.hidden = false;
}

/**
 * Resolves once a service worker controls the page. Listened for before the first fetch: a
 * worker that takes control while the lists load would otherwise go unnoticed, and the lists
 * fetched past it would be missing from its cache when the phone goes offline.
 */
function controlled() {
  if (!('serviceWorker' in navigator) || navigator.serviceWorker.controller) return null;
  return new Promise((resolve) =>
    navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
  );
}

/** Read the lists again through the service worker, so a visit can start without a signal. */
async function cacheLists() {
  await showPlanned(await store.listDrafts(userId()));
  await prefetchPlanned();
  const [, checklists] = await Promise.all([
    getAll('/api/v1/me/locations'),
    getAll('/api/v1/checklists'),
    showReturnedCount(),
    showRejected(),
  ]).catch(() => [[], []]);
  await Promise.all(checklists.map((c) => get(`/api/v1/checklists/${c.id}`).catch(() => null)));
}

async function main() {
  const takingControl = controlled();
  const sending = boot();
  const drafts = await showDrafts();
  onChange(() => {
    showDrafts();
    showSent();
    showQueued();
  });
  // the lists appear together once filled (or after a moment on a slow network), so nothing
  // jumps under the auditor's thumb while they load
  const planned = showPlanned(drafts);
  const lists = Promise.all([planned, showSent(), showRejected()]);
  await Promise.race([lists, new Promise((r) => setTimeout(r, 1500))]);
  await showQueued();
  document.getElementById('lists').hidden = false;
  await lists;
  await Promise.all([prefetchPlanned(), showUnplanned(), showReturnedCount()]);
  showClaims(async () => showPlanned(await store.listDrafts(userId())));
  if (takingControl) {
    // first visit: the lists above went past the service worker
    takingControl.then(cacheLists).then(() => {
      document.body.dataset.cached = 'true';
    });
  } else {
    document.body.dataset.cached = 'true';
  }
  await sending;
  await showQueued();
  document.body.dataset.ready = 'true';
}

main();
