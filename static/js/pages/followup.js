// Follow-up answers (/app/follow-up): after a visit, record the store's follow-through
// (feedback asked, a manager's response...) within the checklist's follow-up window.
import { get, getAll } from '../api.js';
import { boot, sendNow } from '../app.js';
import { checklistForm } from '../form.js';
import { answerErrors, questions } from '../rules.js';
import { el, fill, formatDateTime, param, userId } from '../ui.js';

const DAY_MS = 24 * 3600 * 1000;

// the window counts from the server's own submitted_at (DESIGN §10.1), never a phone's clock
function closesAt(audit, checklist) {
  return new Date(Date.parse(audit.submitted_at) + checklist.follow_up_days * DAY_MS);
}

function postVisitKeys(checklist) {
  return [...questions(checklist)].filter(([s]) => s.phase === 'post_visit').map(([, q]) => q.key);
}

async function openAudits() {
  const audits = [
    ...(await getAll('/api/v1/audits?status=submitted')),
    ...(await getAll('/api/v1/audits?status=approved')),
  ];
  const checklists = new Map();
  const open = [];
  for (const audit of audits) {
    if (!audit.submitted_at) continue;
    if (!checklists.has(audit.checklist_id)) {
      checklists.set(audit.checklist_id, await get(`/api/v1/checklists/${audit.checklist_id}`));
    }
    const checklist = checklists.get(audit.checklist_id);
    if (postVisitKeys(checklist).length && closesAt(audit, checklist) > new Date()) {
      open.push({ audit, checklist });
    }
  }
  return open;
}

function showList(open) {
  const cards = open.map(({ audit, checklist }) => {
    const keys = postVisitKeys(checklist);
    const done = audit.answers.filter((a) => keys.includes(a.question) && (a.na || a.value !== null)).length;
    return el(
      'li',
      { class: 'card' },
      el('h2', { class: 'h3' }, audit.location.name),
      el('p', { class: 'meta' }, `Visited ${formatDateTime(audit.finished_at)} · ${done} of ${keys.length} answered · open until ${formatDateTime(closesAt(audit, checklist).toISOString())}`),
      el('a', { class: 'button primary', href: `/app/follow-up?id=${audit.uuid}` }, 'Answer follow-up'),
    );
  });
  fill(document.getElementById('audits'), cards.length ? cards : [el('li', { class: 'empty' }, 'No visit waiting for follow-up.')]);
}

async function showForm({ audit, checklist }) {
  document.getElementById('list-view').hidden = true;
  document.getElementById('form-view').hidden = false;
  document.querySelector('h1').textContent = `Follow-up: ${audit.location.name}`;
  document.getElementById('followup-meta').textContent = `Visited ${formatDateTime(audit.finished_at)}.`;
  const answers = {};
  for (const a of audit.answers) answers[a.question] = { value: a.value, na: a.na, comment: a.comment };
  const form = await checklistForm(document.getElementById('followup-form'), {
    definition: checklist,
    phase: 'post_visit',
    answers,
    onChange: () => form.refresh(),
  });
  form.refresh();
  const byKey = Object.fromEntries([...questions(checklist)].map(([, q]) => [q.key, q]));
  const save = document.querySelector('#followup button[type=submit]');
  document.getElementById('followup').addEventListener('submit', async (event) => {
    event.preventDefault();
    if (save.disabled) return; // a double tap queues the answers once
    const note = document.getElementById('followup-note');
    const given = postVisitKeys(checklist)
      .map((key) => ({ key, answer: answers[key] }))
      .filter(({ answer }) => answer && (answer.na || answer.value !== null || answer.comment));
    const invalid = given.filter(({ key, answer }) => answerErrors(byKey[key], answer).length);
    if (!given.length || invalid.length) {
      note.textContent = invalid.length ? 'Check the answers marked above.' : 'Answer at least one question.';
      note.hidden = false;
      return;
    }
    save.disabled = true;
    await globalThis.AuditorOutbox.enqueuePostVisit({
      audit: audit.uuid,
      userId: userId(),
      title: `Follow-up: ${audit.location.name}`,
      answers: given.map(({ key, answer }) => ({
        question: key,
        value: answer.na ? null : answer.value,
        na: !!answer.na,
        comment: answer.comment || '',
      })),
    });
    const report = await sendNow();
    note.textContent = report.waiting || report.failed || report.busy
      ? 'Saved on this phone; it is sent when the connection is back (see the outbox).'
      : 'Sent.';
    note.hidden = false;
    save.disabled = false;
  });
}

async function main() {
  boot();
  try {
    const open = await openAudits();
    const chosen = param('id') && open.find(({ audit }) => audit.uuid === param('id'));
    if (chosen) await showForm(chosen);
    else showList(open);
  } catch (error) {
    fill(document.getElementById('audits'), el('li', { class: 'empty' }, 'Follow-up needs a connection (or one earlier visit to this page).'));
  }
  document.body.dataset.ready = 'true';
}

main();
