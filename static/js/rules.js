// The checklist rules of DESIGN §3, mirrored from auditor/scoring.py so the phone checks and
// scores exactly as the server will: answer errors, show_if, what submit requires, the score.
// Pure functions; an answer is {value, na, comment}; messages match the server's word for word.

export const SCORED_TYPES = new Set(['yes_no', 'scale', 'choice', 'numeric']);
export const NA_NOT_ALLOWED = 'N/A is not allowed';
export const ANSWER_REQUIRED = 'answer required';
export const PHOTO_REQUIRED = 'photo required';

const isInt = (v) => typeof v === 'number' && Number.isInteger(v);

/** "from 0 to 3600 s", "at least 0 s", "at most 10": a numeric question's bounds. */
function rangeText(q) {
  const suffix = q.unit ? ` ${q.unit}` : '';
  const low = q.min ?? null;
  const high = q.max ?? null;
  if (low !== null && high !== null) return `from ${low} to ${high}${suffix}`;
  return low !== null ? `at least ${low}${suffix}` : `at most ${high}${suffix}`;
}

const VALIDATORS = {
  yes_no: (q, v) => (typeof v === 'boolean' ? null : 'must be true or false'),
  scale: (q, v) =>
    isInt(v) && q.min <= v && v <= q.max ? null : `must be a whole number from ${q.min} to ${q.max}`,
  choice: (q, v) => {
    const keys = q.options.map((o) => o.key);
    return typeof v === 'string' && keys.includes(v) ? null : `must be one of: ${keys.join(', ')}`;
  },
  numeric: (q, v) => {
    if (typeof v !== 'number') return 'must be a number';
    if (!Number.isFinite(v)) return 'must be a finite number';
    const low = q.min ?? null;
    const high = q.max ?? null;
    return (low !== null && v < low) || (high !== null && v > high) ? `must be ${rangeText(q)}` : null;
  },
  text: (q, v) => (typeof v === 'string' ? null : 'must be text'),
};

function valueError(question, value) {
  const validator = VALIDATORS[question.type];
  return validator ? validator(question, value) : `unknown question type '${question.type}'`;
}

/** What is wrong with one answer (empty when fine); a missing value is for submit to judge. */
export function answerErrors(question, answer) {
  if (answer.na) return question.allow_na ? [] : [NA_NOT_ALLOWED];
  if (answer.value === null || answer.value === undefined) return [];
  const error = valueError(question, answer.value);
  return error ? [error] : [];
}

const given = (a) => !!a && !a.na && a.value !== null && a.value !== undefined;

// JSON equality as the server compares: true is not 1
function sameValue(value, expected) {
  if (typeof value === 'boolean' || typeof expected === 'boolean') {
    return typeof value === typeof expected && value === expected;
  }
  return value === expected;
}

export function* questions(definition) {
  for (const section of definition.sections) {
    for (const question of section.questions) yield [section, question];
  }
}

/** The keys of the questions shown, given the answers so far (show_if names earlier ones). */
export function visibleQuestions(definition, answers) {
  const visible = new Set();
  for (const [, q] of questions(definition)) {
    const cond = q.show_if;
    const answer = cond ? answers[cond.question] : null;
    if (
      !cond ||
      (visible.has(cond.question) && given(answer) && sameValue(answer.value, cond.equals))
    ) {
      visible.add(q.key);
    }
  }
  return visible;
}

/** The score in [0, 1] of a valid value; null for text or no value. */
export function questionScore(q, value) {
  if (value === null || value === undefined || valueError(q, value)) return null;
  switch (q.type) {
    case 'yes_no':
      return value === q.pass_on ? 1 : 0;
    case 'scale':
      return (value - q.min) / (q.max - q.min);
    case 'choice':
      return Number(q.options.find((o) => o.key === value).score);
    case 'numeric':
      return Number(q.bands.find((b) => b.max === null || value <= b.max).score);
    default:
      return null;
  }
}

function weightedMean(pairs) {
  const present = pairs.filter(([, v]) => v !== null);
  if (!present.length) return null;
  const mean = present.reduce((s, [w, v]) => s + w * v, 0) / present.reduce((s, [w]) => s + w, 0);
  const values = present.map(([, v]) => v);
  return Math.min(Math.max(mean, Math.min(...values)), Math.max(...values));
}

/** {overall, sections, critical_failed} as the server will compute them. */
export function scoreAudit(definition, answers) {
  const visible = visibleQuestions(definition, answers);
  const results = {};
  for (const [, q] of questions(definition)) {
    const a = answers[q.key];
    const score = visible.has(q.key) && given(a) ? questionScore(q, a.value) : null;
    results[q.key] = score === null ? null : { score, earned: q.weight * score, possible: q.weight };
  }
  const sections = {};
  for (const s of definition.sections) {
    const counted = s.questions.map((q) => results[q.key]).filter((r) => r && r.possible > 0);
    const possible = counted.reduce((t, r) => t + r.possible, 0);
    sections[s.key] = counted.length
      ? 100 * (counted.reduce((t, r) => t + r.earned, 0) / possible)
      : null;
  }
  const overall = weightedMean(definition.sections.map((s) => [s.weight, sections[s.key]]));
  let failed = false;
  for (const [, q] of questions(definition)) {
    if (q.critical && results[q.key] && results[q.key].score === 0) failed = true;
  }
  return { overall: failed ? 0 : overall, sections, critical_failed: failed };
}

const unanswered = (a) => !a || ((a.value === null || a.value === undefined) && !a.na);

/** What keeps the audit from being submitted, by question key (empty object when ready). */
export function submitErrors(definition, answers, photoCounts) {
  const visible = visibleQuestions(definition, answers);
  const errors = {};
  for (const [section, q] of questions(definition)) {
    if (!visible.has(q.key)) continue;
    const a = answers[q.key];
    const messages = a ? answerErrors(q, a) : [];
    if (section.phase === 'visit') {
      if (SCORED_TYPES.has(q.type) && unanswered(a)) messages.push(ANSWER_REQUIRED);
      if (q.photo === 'required' && !(photoCounts[q.key] > 0)) messages.push(PHOTO_REQUIRED);
    }
    if (messages.length) errors[q.key] = messages;
  }
  return errors;
}

/** Answered and total visible questions of one section, for its progress line. */
export function sectionProgress(section, visible, answers) {
  const shown = section.questions.filter((q) => visible.has(q.key));
  const done = shown.filter((q) => {
    const a = answers[q.key];
    return a && (a.na || (a.value !== null && a.value !== undefined && a.value !== ''));
  });
  return { done: done.length, total: shown.length };
}
