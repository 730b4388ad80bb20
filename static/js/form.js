// The checklist form, generated from the checklist definition: every question type, show_if,
// N/A, comments, per-section progress and the same checks the server makes (rules.js).
import { answerErrors, sectionProgress, submitErrors, visibleQuestions } from './rules.js';
import { el } from './ui.js';

const UNIT_NAMES = { s: 'Seconds', dB: 'Decibels (dB)', h: 'Hours' };

function same(a, b) {
  return a !== null && a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** "25" -> 25, "" -> null; anything else stays text, for the "must be a number" message. */
export function parseNumber(text) {
  const trimmed = text.trim().replace(',', '.');
  if (!trimmed) return null;
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed) ? Number(trimmed) : text;
}

function choicesOf(question) {
  switch (question.type) {
    case 'yes_no':
      return [
        [true, 'Yes'],
        [false, 'No'],
      ];
    case 'scale': {
      const values = [];
      for (let v = question.min; v <= question.max; v += 1) values.push([v, String(v)]);
      return values;
    }
    case 'choice':
      return question.options.map((option) => [option.key, option.label]);
    default:
      return null;
  }
}

function radioWidget(question, answer, set) {
  const choices = choicesOf(question);
  const inputs = choices.map(([value]) =>
    el('input', {
      type: 'radio',
      name: `v-${question.key}`,
      value: JSON.stringify(value),
      checked: same(answer.value, value),
      onchange: (event) => set({ value: JSON.parse(event.target.value) }),
    }),
  );
  const group = el(
    'div',
    { class: `choices ${question.type}` },
    choices.map(([, label], i) => el('label', { class: 'choice' }, inputs[i], el('span', {}, label))),
  );
  const hint =
    question.type === 'scale'
      ? el('p', { class: 'hint' }, `${question.min} = worst, ${question.max} = best`)
      : null;
  return {
    nodes: [group, hint],
    inputs,
    show(value) {
      inputs.forEach((input) => (input.checked = same(value, JSON.parse(input.value))));
    },
  };
}

function numericWidget(question, answer, set) {
  const id = `v-${question.key}`;
  const input = el('input', {
    id,
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    value: answer.value ?? '',
    oninput: (event) => set({ value: parseNumber(event.target.value) }),
  });
  const label = el('label', { for: id, class: 'unit' }, UNIT_NAMES[question.unit] || 'Number');
  return {
    nodes: [el('div', { class: 'numeric' }, label, input)],
    inputs: [input],
    show(value) {
      input.value = value ?? '';
    },
  };
}

function textWidget(question, answer, set) {
  const id = `v-${question.key}`;
  const input = el('textarea', {
    id,
    rows: 3,
    oninput: (event) => set({ value: event.target.value.trim() ? event.target.value : null }),
  });
  input.value = answer.value ?? '';
  return {
    nodes: [el('label', { for: id, class: 'unit' }, 'Your answer'), input],
    inputs: [input],
    show(value) {
      input.value = value ?? '';
    },
  };
}

function widgetFor(question, answer, set) {
  if (question.type === 'numeric') return numericWidget(question, answer, set);
  if (question.type === 'text') return textWidget(question, answer, set);
  return radioWidget(question, answer, set);
}

function naToggle(question, answer, set) {
  if (!question.allow_na) return null;
  return el(
    'label',
    { class: 'na' },
    el('input', {
      type: 'checkbox',
      checked: !!answer.na,
      onchange: (event) => set({ na: event.target.checked }),
    }),
    el('span', {}, 'Not applicable'),
  );
}

function commentBox(question, answer, set) {
  const id = `c-${question.key}`;
  const area = el('textarea', {
    id,
    rows: 2,
    oninput: (event) => set({ comment: event.target.value }),
  });
  area.value = answer.comment || '';
  return el(
    'details',
    { class: 'comment', open: !!answer.comment },
    el('summary', {}, answer.comment ? 'Comment' : 'Add a comment'),
    el('label', { for: id, class: 'visually-hidden' }, `Comment on: ${question.text}`),
    area,
  );
}

/** The reviewer's note on one question of a returned audit, or null. */
function reviewerNote(key, text) {
  if (!text) return null;
  return el('p', { class: 'note warn reviewer', id: `rn-${key}` }, `Your manager: ${text}`);
}

/** Hand the main thread back between chunks of work, so taps and paints are never held up. */
const yieldToMain = () =>
  globalThis.scheduler?.yield
    ? globalThis.scheduler.yield()
    : new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Render the sections of one `phase` into `container`, one section per task (a whole
 * checklist built at once blocked a slow phone for a third of a second), attached together
 * at the end so nothing shifts. `extras(question, setValue)` may add helpers and photo fields
 * to a question; `notes` ({key: text}) puts a reviewer's note beside its question;
 * `onChange(key)` runs after every edit of `answers`.
 * Resolves to {refresh(photoCounts, showRequired), focus(key)}.
 */
export async function checklistForm(
  container,
  { definition, phase, answers, extras, onChange, notes = {} },
) {
  const blocks = {};
  const sections = definition.sections.filter((section) => section.phase === phase);

  function questionBlock(question) {
    const answer = (answers[question.key] ||= { value: null, na: false, comment: '' });
    const set = (patch) => {
      Object.assign(answers[question.key], patch);
      if ('na' in patch) widget.inputs.forEach((input) => (input.disabled = patch.na));
      onChange(question.key);
    };
    const widget = widgetFor(question, answer, set);
    widget.inputs.forEach((input) => (input.disabled = !!answer.na));
    const setValue = (value) => {
      widget.show(value);
      set({ value });
    };
    const help = question.help ? el('p', { class: 'help', id: `help-${question.key}` }, question.help) : null;
    const error = el('p', { class: 'error', id: `err-${question.key}`, hidden: true });
    const note = reviewerNote(question.key, notes[question.key]);
    const node = el(
      'fieldset',
      {
        class: 'q',
        id: `q-${question.key}`,
        'aria-describedby': [note && note.id, help && help.id, error.id].filter(Boolean).join(' '),
      },
      el(
        'legend',
        {},
        question.text,
        question.critical ? el('span', { class: 'tag' }, 'critical') : null,
      ),
      note,
      help,
      widget.nodes,
      extras ? extras(question, setValue) : null,
      naToggle(question, answer, set),
      commentBox(question, answer, set),
      error,
    );
    blocks[question.key] = { node, error, widget };
    return node;
  }

  const progress = {};
  const nodes = [];
  for (const section of sections) {
    progress[section.key] = el('p', { class: 'progress', id: `p-${section.key}` });
    nodes.push(
      el(
        'section',
        { class: 'q-section', 'aria-labelledby': `h-${section.key}` },
        el('h2', { id: `h-${section.key}` }, section.title),
        progress[section.key],
        section.questions.map(questionBlock),
      ),
    );
    await yieldToMain();
  }
  container.replaceChildren(...nodes);

  function refresh(photoCounts = {}, showRequired = false) {
    const visible = visibleQuestions(definition, answers);
    const required = showRequired ? submitErrors(definition, answers, photoCounts) : {};
    let done = 0;
    let total = 0;
    for (const section of sections) {
      const counts = sectionProgress(section, visible, answers);
      done += counts.done;
      total += counts.total;
      progress[section.key].textContent = `${counts.done} of ${counts.total} answered`;
      for (const question of section.questions) {
        const block = blocks[question.key];
        block.node.hidden = !visible.has(question.key);
        const messages = required[question.key] || answerErrors(question, answers[question.key]);
        block.error.hidden = !messages.length;
        block.error.textContent = messages.length ? `Check this: ${messages.join('; ')}.` : '';
        block.node.classList.toggle('invalid', messages.length > 0);
      }
    }
    return { done, total, visible };
  }

  function focus(key) {
    const block = blocks[key];
    if (!block) return;
    block.node.scrollIntoView({ block: 'start' });
    const target = block.node.querySelector('input:not([disabled]), textarea');
    if (target) target.focus({ preventScroll: true });
  }

  return { refresh, focus };
}
