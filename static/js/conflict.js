// A conflict in the outbox (issue 11): the server holds another version of a visit than the
// one this phone queued. Both versions side by side, and the auditor's choice: keep mine
// (send it again: the server takes it while the audit is open to changes, e.g. once the
// manager returns it) or take the server's (this phone's version is deleted).
import { announce, el } from './ui.js';

const outbox = globalThis.AuditorOutbox;

/** A question key as the auditor knows it: its text in the visit's checklist. */
function labelOf(difference, draft) {
  if (!difference.question || !draft || !draft.checklist) return difference.label;
  for (const section of draft.checklist.sections || []) {
    const question = section.questions.find((q) => q.key === difference.question);
    if (question) return question.text;
  }
  return difference.label;
}

function table(differences, draft) {
  const rows = differences.map((d) =>
    el('tr', {}, el('th', { scope: 'row' }, labelOf(d, draft)), el('td', {}, d.mine), el('td', {}, d.theirs)),
  );
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'What'), el('th', { scope: 'col' }, 'On this phone'), el('th', { scope: 'col' }, 'On the server'))),
    el('tbody', {}, rows),
  );
}

/** The panel for the conflicted item of a visit; `draft` names the questions. */
export function conflictPanel(item, draft) {
  const { status, differences } = item.conflict;
  const keep = el('button', { type: 'button', class: 'primary' }, 'Keep mine');
  const take = el('button', { type: 'button', class: 'secondary danger' }, "Take the server's");
  keep.addEventListener('click', async () => {
    keep.disabled = true;
    await outbox.retry(item.id);
    announce('Sending your version again.');
  });
  take.addEventListener('click', async () => {
    if (!window.confirm(`Delete this phone's version of ${item.title}? The server's stays as it is.`)) return;
    await outbox.discardVisit(item.audit);
    announce("This phone's version was deleted; the server's stays.");
  });
  const open = status === 'submitted' ? 'Your manager has not reviewed it yet: ' : '';
  return el(
    'section',
    { class: 'note conflict', 'aria-label': `Conflict: ${item.title}` },
    el('h3', {}, 'Two versions of this visit'),
    el('p', {}, `The server holds this visit as ${status}, with other answers than this phone (sent from another device?). Nothing was sent or deleted.`),
    differences.length ? table(differences, draft) : null,
    el(
      'p',
      { class: 'hint' },
      `${open}“Keep mine” sends this phone's version again; the server takes it once the audit is open to changes again (returned to you). “Take the server's” deletes this phone's version.`,
    ),
    el('div', { class: 'row' }, keep, take),
  );
}
