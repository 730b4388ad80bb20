// Review before submit (/app/review?id=<uuid>): what is missing, the expected score, the
// visit's facts; Submit queues the visit in the outbox and sends it when it can.
import { getAll } from '../api.js';
import { boot, sendNow } from '../app.js';
import { photoCounts, queueVisit } from '../drafts.js';
import { questions, scoreAudit, sectionProgress, submitErrors, visibleQuestions } from '../rules.js';
import { el, fill, formatDateTime, formatScore, param } from '../ui.js';
import { visitWarnings } from '../warnings.js';

const store = globalThis.AuditorStore;

/** "2026-05-01T14:03" in the phone's time zone, for a datetime-local input. */
function localInput(iso) {
  const date = new Date(iso);
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return shifted.toISOString().slice(0, 16);
}

function showErrors(draft, errors) {
  const texts = {};
  for (const [, q] of questions(draft.checklist)) texts[q.key] = q.text;
  const items = Object.entries(errors).map(([key, messages]) =>
    el(
      'li',
      {},
      el('a', { href: `/app/audit?id=${draft.uuid}&check=1#q-${key}` }, texts[key] || key),
      el('span', { class: 'why' }, messages.join(', ')),
    ),
  );
  fill(document.getElementById('errors'), items);
  document.getElementById('missing').hidden = !items.length;
}

function showScore(draft, complete) {
  const result = scoreAudit(draft.checklist, draft.answers);
  const visible = visibleQuestions(draft.checklist, draft.answers);
  // with answers missing the score is only that of the answers so far: say so
  const sofar = complete ? '' : ', from the answers so far';
  document.getElementById('score').textContent = result.critical_failed
    ? `0 (a critical question failed; sections as below)`
    : `${formatScore(result.overall)} of 100${sofar}`;
  const rows = draft.checklist.sections
    .filter((s) => s.phase === 'visit')
    .map((s) => {
      const p = sectionProgress(s, visible, draft.answers);
      return el('tr', {}, el('th', { scope: 'row' }, s.title), el('td', {}, `${p.done}/${p.total}`), el('td', {}, formatScore(result.sections[s.key])));
    });
  fill(document.querySelector('#sections tbody'), rows);
}

async function showFacts(draft) {
  const photos = Object.values(await photoCounts(draft)).reduce((a, b) => a + b, 0);
  const roster = new Map(draft.roster.map((m) => [m.id, m.name]));
  const staff = [...draft.staffIds.map((id) => roster.get(id) || `#${id}`), ...draft.staffNames];
  const facts = [
    ['Store', `${draft.location.name} (${draft.location.code})`],
    ['Started', formatDateTime(draft.startedAt)],
    ['Position', draft.geo ? `recorded (±${Math.round(draft.geo.accuracy || 0)} m)` : 'not recorded'],
    ['Staff', staff.length ? staff.join(', ') : 'nobody named'],
    ['Photos', String(photos)],
    ['Notes', draft.notes || 'none'],
  ];
  fill(document.getElementById('facts'), facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

/** The store's {lat, lon}: on the draft, or from the stores list (cached for offline). */
async function storePosition(draft) {
  if (Number.isFinite(draft.location.lat)) return draft.location;
  try {
    // a returned audit names its store without a position; the app's stores list has it
    const locations = await getAll('/api/v1/me/locations');
    return locations.find((location) => location.id === draft.location.id) || null;
  } catch (error) {
    return null; // offline and never fetched: the server still flags it
  }
}

/** Say what the server will flag (DESIGN §10.3): the auditor may still submit. */
function showWarnings(draft, store) {
  const warnings = visitWarnings(draft, store);
  fill(document.getElementById('warning-list'), warnings.map((text) => el('li', {}, text)));
  document.getElementById('warnings').hidden = !warnings.length;
}

/**
 * When the visit ended: the time the auditor corrected it to, a returned audit's own, else
 * now. Never frozen when the review page first opens (an early look is not the end of the
 * visit): a new visit ends when it is submitted.
 */
function endOf(draft) {
  if (draft.finishedCorrected || (draft.kind === 'returned' && draft.finishedAt)) return draft.finishedAt;
  return new Date().toISOString();
}

/** The time the auditor left the store (now, unless corrected), and the warnings it moves. */
async function leavingTime(draft, queued) {
  const ended = () => (queued ? draft.finishedAt : endOf(draft));
  const finished = document.getElementById('finished');
  finished.value = ended() ? localInput(ended()) : '';
  finished.disabled = queued;
  const position = await storePosition(draft);
  const warn = () => showWarnings({ ...draft, finishedAt: ended() }, position);
  finished.addEventListener('change', async () => {
    if (!finished.value) return;
    draft.finishedAt = new Date(finished.value).toISOString();
    draft.finishedCorrected = true;
    warn();
    await store.putDraft(draft);
  });
  warn();
}

async function main() {
  boot();
  const draft = await store.getDraft(param('id'));
  if (!draft) {
    document.getElementById('summary').textContent = 'This visit is not on this phone.';
    document.body.dataset.ready = 'true';
    return;
  }
  document.getElementById('back').href = `/app/audit?id=${draft.uuid}`;
  // a queued visit is already in the outbox as it was: a change here would never be sent,
  // and writing the draft could bring it back after the outbox has sent and dropped it
  const queued = draft.status === 'queued';
  await leavingTime(draft, queued);

  const errors = submitErrors(draft.checklist, draft.answers, await photoCounts(draft));
  const ready = !Object.keys(errors).length;
  document.getElementById('summary').textContent = ready
    ? `Everything required is answered. The server scores the audit when it arrives.`
    : `${Object.keys(errors).length} question(s) still need an answer or a photo.`;
  showErrors(draft, errors);
  showScore(draft, ready);
  await showFacts(draft);
  document.getElementById('review-body').hidden = false; // whole, so nothing shifts

  const submit = document.getElementById('submit');
  const note = document.getElementById('submit-note');
  if (queued) {
    note.textContent = 'This visit is already waiting in the outbox.';
    note.hidden = false;
    document.body.dataset.ready = 'true';
    return;
  }
  submit.disabled = !ready;
  submit.addEventListener('click', async () => {
    submit.disabled = true;
    draft.finishedAt = endOf(draft); // the visit ends now, unless the auditor said otherwise
    await queueVisit(draft);
    note.textContent = 'Queued. It is sent now if there is a connection, or as soon as there is one.';
    note.hidden = false;
    await sendNow();
    window.location.href = `/app?queued=${draft.uuid}`;
  });
  document.body.dataset.ready = 'true';
}

main();
