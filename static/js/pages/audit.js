// The checklist of one visit (/app/audit?id=<uuid>): answers, photos, helpers, staff and
// notes, saved to IndexedDB as they are typed, so a reload or a closed app loses nothing.
import { boot } from '../app.js';
import { photoCounts } from '../drafts.js';
import { checklistForm } from '../form.js';
import { locate } from '../geo.js';
import { photoField } from '../photos.js';
import { soundMeter } from '../soundmeter.js';
import { askToKeepData, PHOTO_BYTES, roomWarning } from '../storage.js';
import { stopwatch } from '../stopwatch.js';
import { el, fill, formatDateTime, param } from '../ui.js';

const store = globalThis.AuditorStore;
function describeVisit(draft) {
  const parts = [`Started ${formatDateTime(draft.startedAt)}`];
  if (draft.geo) parts.push(`position recorded (±${Math.round(draft.geo.accuracy || 0)} m)`);
  else parts.push('no position recorded');
  return parts.join(' · ');
}

/** Warn, above the checklist, while the phone has room for only a few more photos. */
async function showRoom(draft) {
  const photos = await store.photosOf(draft.uuid);
  const size = photos.length ? photos.reduce((sum, p) => sum + p.blob.size, 0) / photos.length : PHOTO_BYTES;
  const warning = await roomWarning(Math.max(size, PHOTO_BYTES / 4));
  const line = document.getElementById('room');
  line.textContent = warning || '';
  line.hidden = !warning;
}

function helpersFor(draft, save) {
  return (question, setValue) => {
    const parts = [];
    // a reading beyond the question's bounds (a silent room, a forgotten stopwatch) is recorded
    // at the bound: the server refuses values outside them (DESIGN §10.1)
    const measured = (value) =>
      setValue(Math.min(Math.max(value, question.min ?? -Infinity), question.max ?? Infinity));
    if (question.type === 'numeric' && question.unit === 's') parts.push(stopwatch(draft, question, measured));
    if (question.type === 'numeric' && question.unit === 'dB') parts.push(soundMeter(question, measured));
    const photosChanged = () => {
      save();
      showRoom(draft);
    };
    if (question.photo !== 'none') parts.push(photoField(draft, question, photosChanged));
    return parts;
  };
}

function staffSection(draft, save) {
  const roster = document.getElementById('roster');
  const boxes = draft.roster.map((member) =>
    el(
      'label',
      { class: 'check' },
      el('input', {
        type: 'checkbox',
        value: member.id,
        checked: draft.staffIds.includes(member.id),
        onchange: (event) => {
          const id = Number(event.target.value);
          draft.staffIds = draft.staffIds.filter((x) => x !== id);
          if (event.target.checked) draft.staffIds.push(id);
          save();
        },
      }),
      el('span', {}, member.name),
    ),
  );
  fill(roster, boxes.length ? boxes : [el('p', { class: 'hint' }, 'No staff list on this phone for this store: use the badge name.')]);

  const names = document.getElementById('names');
  const showNames = () =>
    fill(
      names,
      draft.staffNames.map((name, index) =>
        el(
          'li',
          {},
          el('span', {}, name),
          el('button', {
            type: 'button',
            class: 'small',
            'aria-label': `Remove ${name}`,
            onclick: () => {
              draft.staffNames.splice(index, 1);
              showNames();
              save();
            },
          }, 'Remove'),
        ),
      ),
    );
  const input = document.getElementById('badge-name');
  const add = () => {
    const name = input.value.trim();
    if (!name) return;
    draft.staffNames.push(name);
    input.value = '';
    showNames();
    save();
  };
  document.getElementById('add-name').addEventListener('click', add);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    }
  });
  showNames();
}

/** The manager's note on a returned audit, and how many questions carry one of their own. */
function showReviewNote(draft) {
  const marked = Object.keys(draft.reviewQuestions || {}).length;
  if (!draft.reviewNote && !marked) return;
  const parts = [`Returned by your manager: ${draft.reviewNote || 'no overall note.'}`];
  if (marked) parts.push(`${marked} question${marked === 1 ? ' has' : 's have'} a note below.`);
  const note = document.getElementById('review-note');
  note.textContent = parts.join(' ');
  note.hidden = false;
}

async function main() {
  boot();
  const uuid = param('id');
  const draft = uuid && (await store.getDraft(uuid));
  if (!draft) {
    document.getElementById('visit-meta').textContent = 'This visit is not on this phone.';
    document.body.dataset.ready = 'true';
    return;
  }
  document.getElementById('store-name').textContent = draft.location.name;
  document.title = `${draft.location.name} · Auditor`;
  document.getElementById('visit-meta').textContent = describeVisit(draft);
  showReviewNote(draft);
  askToKeepData(); // drafts and photos must not be evicted when the phone runs low
  showRoom(draft);
  document.getElementById('to-review').href = `/app/review?id=${draft.uuid}`;

  const overall = document.getElementById('overall');
  const showRequired = param('check') === '1';
  let form = null;
  let unsaved = false;
  const refresh = async () => {
    const counts = await photoCounts(draft);
    const { done, total } = form.refresh(counts, showRequired);
    overall.textContent = unsaved
      ? 'Not saved: this phone has no room left.'
      : `${done} of ${total} answered`;
  };
  // every edit is written at once: a closed app or a reload loses nothing (a debounced
  // write could die with the page); IndexedDB applies the writes in the order they were made.
  // A queued visit is read-only: writing it could bring back a draft the outbox has sent.
  const queued = draft.status === 'queued';
  const save = () => {
    if (queued) return;
    store.putDraft(draft).then(
      () => {
        if (!unsaved) return;
        unsaved = false;
        refresh();
      },
      () => {
        unsaved = true; // storage full or blocked: say so rather than lose edits silently
        refresh();
      },
    );
    refresh();
  };

  form = await checklistForm(document.getElementById('checklist-form'), {
    definition: draft.checklist,
    phase: 'visit',
    answers: draft.answers,
    extras: helpersFor(draft, save),
    onChange: save,
    notes: draft.reviewQuestions || {}, // drafts made before §10.2 have none
  });
  staffSection(draft, save);
  const notes = document.getElementById('notes');
  notes.value = draft.notes || '';
  notes.addEventListener('input', () => {
    draft.notes = notes.value;
    save();
  });
  if (queued) {
    document.getElementById('locked').hidden = false;
    document.getElementById('visit').inert = true;
  }
  if (!draft.geo && !draft.helpers.located && draft.kind === 'new') {
    // where the visit started, once, if the phone allows it (proof of visit)
    draft.helpers.located = true;
    save();
    locate().then((geo) => {
      if (!geo) return;
      draft.geo = geo;
      document.getElementById('visit-meta').textContent = describeVisit(draft);
      save();
    });
  }
  await refresh();
  // shown whole once built: nothing below it moves while it renders (no layout shift)
  document.getElementById('visit').hidden = false;
  document.body.dataset.ready = 'true';
  const target = window.location.hash.replace('#q-', '');
  if (target) form.focus(target);
}

main();
