// Visits on this phone: starting one (planned, unplanned or a returned audit to fix),
// and turning a draft into the body of PUT /api/v1/audits/<uuid>.
import { get, getAll } from './api.js';
import { questions, visibleQuestions } from './rules.js';
import { userId } from './ui.js';

const store = globalThis.AuditorStore;

async function roster(locationId) {
  try {
    return await getAll(`/api/v1/locations/${locationId}/staff`);
  } catch (error) {
    return []; // offline and never fetched: the badge name still works
  }
}

function blank(fields) {
  return {
    uuid: crypto.randomUUID(),
    userId: userId(),
    status: 'draft',
    kind: 'new',
    assignmentId: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    geo: null,
    answers: {},
    staffIds: [],
    staffNames: [],
    notes: '',
    serverPhotos: [],
    removedPhotos: [],
    helpers: {},
    reviewNote: '',
    reviewQuestions: {},
    ...fields,
  };
}

/** Start a visit at a store: a new draft with its checklist version and the store's staff. */
export async function startVisit({ checklistId, location, assignmentId = null }) {
  const checklist = await get(`/api/v1/checklists/${checklistId}`);
  const draft = blank({ checklist, location, assignmentId, roster: await roster(location.id) });
  await store.putDraft(draft);
  return draft;
}

/** The latest review of an audit document: {note, questions: {key: note}} (DESIGN §10.2). */
export function reviewOf(audit) {
  const review = audit.review || {};
  return { note: review.note || audit.review_note || '', questions: review.questions || {} };
}

/** A returned audit from the server, as a draft to fix and submit again. */
export async function fromReturned(audit) {
  const checklist = await get(`/api/v1/checklists/${audit.checklist_id}`);
  const answers = {};
  for (const answer of audit.answers) {
    answers[answer.question] = { value: answer.value, na: answer.na, comment: answer.comment };
  }
  const draft = blank({
    uuid: audit.uuid,
    kind: 'returned',
    checklist,
    location: audit.location,
    roster: await roster(audit.location_id),
    assignmentId: audit.assignment_id,
    startedAt: audit.started_at || audit.created_at,
    finishedAt: audit.finished_at,
    geo: audit.geo,
    answers,
    staffIds: audit.staff_ids,
    staffNames: audit.staff_names,
    notes: audit.notes,
    serverPhotos: audit.photos,
    // kept on the draft, so the manager's notes stay beside the questions offline
    reviewNote: reviewOf(audit).note,
    reviewQuestions: reviewOf(audit).questions,
  });
  await store.putDraft(draft);
  return draft;
}

/**
 * The answers as the API takes them, hidden questions left out. A PUT replaces every answer,
 * so a returned audit sends its post-visit answers along too (a new one has none yet).
 */
export function answerList(draft) {
  const visible = visibleQuestions(draft.checklist, draft.answers);
  const list = [];
  for (const [, question] of questions(draft.checklist)) {
    const answer = draft.answers[question.key];
    if (!answer || !visible.has(question.key)) continue;
    const hasValue = answer.value !== null && answer.value !== undefined;
    if (!hasValue && !answer.na && !answer.comment) continue;
    list.push({
      question: question.key,
      value: answer.na || !hasValue ? null : answer.value,
      na: !!answer.na,
      comment: answer.comment || '',
    });
  }
  return list;
}

/** PUT /api/v1/audits/<uuid> body for a draft. */
export function auditBody(draft) {
  return {
    checklist_id: draft.checklist.id,
    location_id: draft.location.id,
    assignment_id: draft.assignmentId,
    started_at: draft.startedAt,
    finished_at: draft.finishedAt,
    geo: draft.geo,
    staff_ids: draft.staffIds,
    staff_names: draft.staffNames,
    notes: draft.notes,
    answers: answerList(draft),
  };
}

/** Photos per question: those on this phone plus those kept on the server. */
export async function photoCounts(draft) {
  const counts = {};
  const add = (key) => {
    if (key) counts[key] = (counts[key] || 0) + 1;
  };
  for (const photo of await store.photosOf(draft.uuid)) add(photo.question);
  for (const photo of draft.serverPhotos) {
    if (!draft.removedPhotos.includes(photo.uuid)) add(photo.question);
  }
  return counts;
}

/** Queue the visit for sending: audit, photo removals, new photos, submit. */
export async function queueVisit(draft) {
  const photos = await store.photosOf(draft.uuid);
  draft.status = 'queued';
  await globalThis.AuditorOutbox.enqueueVisit({
    audit: draft.uuid,
    userId: draft.userId,
    title: `${draft.location.name} (${draft.location.code})`,
    body: auditBody(draft),
    photos: photos.map((photo) => ({ uuid: photo.uuid, question: photo.question })),
    removals: draft.removedPhotos,
    draft, // queued and its items written together
  });
}
