/* Is the audit on the server the visit this phone queued? The differences between the two.
 *
 * The outbox counts a visit as sent only when the server holds what was queued (issue 11): an
 * earlier submit whose answer was lost is done; the same audit changed elsewhere (resubmitted
 * from another device) is a conflict the auditor settles, never dropped in silence.
 *
 * A classic script like store.js (the pages and the service worker both send); publishes
 * globalThis.AuditorDiff.
 */
(function (root) {
  'use strict';

  const FIELDS = [
    ['notes', 'Notes'],
    ['staff_names', 'Staff named'],
    ['staff_ids', 'Staff chosen'],
    ['started_at', 'Visit started'],
    ['finished_at', 'Left the store'],
    ['location_id', 'Store'],
  ];

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  /** An answer as both sides can compare it; null when it says nothing. */
  function answerOf(answer) {
    if (!answer) return null;
    const value = answer.na || answer.value === undefined ? null : answer.value;
    const comment = answer.comment || '';
    if (value === null && !answer.na && !comment) return null;
    return { value, na: !!answer.na, comment };
  }

  function showAnswer(answer) {
    if (!answer) return 'no answer';
    const parts = [answer.na ? 'N/A' : String(answer.value)];
    if (answer.comment) parts.push(`“${answer.comment}”`);
    return parts.join(' · ');
  }

  function fieldValue(name, value) {
    if (name.endsWith('_at')) return value ? Date.parse(value) : null;
    if (name === 'staff_ids') return [...(value || [])].sort((a, b) => a - b);
    if (name === 'staff_names') return [...(value || [])];
    return value === undefined || value === null ? '' : value;
  }

  function showField(name, value) {
    if (value === null || value === undefined || value === '') return 'none';
    if (Array.isArray(value)) return value.length ? value.join(', ') : 'none';
    if (name.endsWith('_at')) return new Date(value).toLocaleString();
    return String(value);
  }

  function fieldDifferences(body, audit) {
    const list = [];
    for (const [name, label] of FIELDS) {
      if (name === 'finished_at' && !body.finished_at) continue; // the server fills it at submit
      if (!same(fieldValue(name, body[name]), fieldValue(name, audit[name]))) {
        list.push({ label, mine: showField(name, body[name]), theirs: showField(name, audit[name]) });
      }
    }
    return list;
  }

  function answerDifferences(body, audit) {
    const mine = new Map((body.answers || []).map((a) => [a.question, answerOf(a)]));
    const theirs = new Map((audit.answers || []).map((a) => [a.question, answerOf(a)]));
    const list = [];
    for (const key of new Set([...mine.keys(), ...theirs.keys()])) {
      const a = mine.get(key) || null;
      const b = theirs.get(key) || null;
      if (!same(a, b)) list.push({ question: key, label: key, mine: showAnswer(a), theirs: showAnswer(b) });
    }
    return list;
  }

  /**
   * What differs between the queued visit `{body, photos, removals}` (body null when the PUT
   * already went) and the server's audit document: `[{label, question?, mine, theirs}]`.
   */
  function differences(queued, audit) {
    const list = queued.body ? [...fieldDifferences(queued.body, audit), ...answerDifferences(queued.body, audit)] : [];
    const onServer = new Set((audit.photos || []).map((photo) => photo.uuid));
    const missing = queued.photos.filter((uuid) => !onServer.has(uuid)).length;
    const kept = queued.removals.filter((uuid) => onServer.has(uuid)).length;
    if (missing || kept) {
      const mine = [missing && `${missing} photo(s) not on the server`, kept && `${kept} photo(s) removed`];
      list.push({ label: 'Photos', mine: mine.filter(Boolean).join(', '), theirs: `${onServer.size} photo(s)` });
    }
    return list;
  }

  /** What a visit's outbox items (`chain`) queued: its PUT body, photos and removals. */
  function queuedVisit(chain) {
    const audit = chain.find((item) => item.kind === 'audit');
    return {
      body: audit ? audit.body : null,
      photos: chain.filter((item) => item.kind === 'photo').map((item) => item.photo),
      removals: chain.filter((item) => item.kind === 'photo-delete').map((item) => item.photo),
    };
  }

  /**
   * A 409's verdict from the server's audit: `already` when it is submitted with exactly what
   * was queued (an earlier submit whose answer was lost), else a failure; a closed audit that
   * differs carries `conflict: {status, differences, at}` for the auditor to settle.
   */
  function verdict(chain, audit, message) {
    const closed = audit.status === 'submitted' || audit.status === 'approved';
    const found = differences(queuedVisit(chain), audit);
    if (closed && chain.some((item) => item.kind === 'submit') && !found.length) {
      return { outcome: 'already' };
    }
    if (!closed) return { outcome: 'failed', message: `Conflict: ${message}` };
    return {
      outcome: 'failed',
      message:
        `Conflict: the server holds another version of this visit (${audit.status}). ` +
        'Nothing was sent or deleted: choose which version to keep.',
      conflict: { status: audit.status, differences: found, at: new Date().toISOString() },
    };
  }

  root.AuditorDiff = { differences, verdict };
})(globalThis);
