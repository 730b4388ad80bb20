/* The outbox: what the phone still has to send, sent in order, exactly once in effect.
 *
 * A visit queues its audit (PUT), photo removals, photos, then the submit; each audit's items
 * go one after another, and one that cannot go holds back the rest of that audit only. The
 * client-made UUIDs make every retry safe: the server answers a repeat with the same result.
 * Network errors, 408, 429 and 5xx wait and retry with exponential backoff; 401 waits for a
 * new login; other 4xx fail with the server's message, and the auditor retries or deletes.
 * A 409 is checked against the server: an audit already submitted with everything queued
 * here is done (an earlier submit got through but its answer was lost); anything else is
 * a real conflict and shows as failed.
 *
 * A classic script like store.js: the pages and the service worker (Background Sync) both
 * send. Web Locks keep two of them from sending at once where the browser has them.
 */
(function (root) {
  'use strict';

  const store = () => root.AuditorStore;
  const BASE_DELAY_MS = 2000;
  const MAX_DELAY_MS = 10 * 60 * 1000;
  const LOCK = 'auditor-outbox';
  let timer = null;

  function delayFor(attempts, retryAfter) {
    if (retryAfter > 0) return retryAfter * 1000;
    const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempts - 1, 16));
    return Math.round(delay * (0.5 + Math.random() / 2)); // jitter: phones do not retry in step
  }

  async function send(method, path, token, body, type) {
    const headers = { Authorization: `Bearer ${token}` };
    if (type) headers['Content-Type'] = type;
    let response;
    try {
      response = await fetch(path, { method, headers, body, credentials: 'omit', cache: 'no-store' });
    } catch (error) {
      return { status: 0, data: null, retryAfter: 0 };
    }
    const kind = response.headers.get('Content-Type') || '';
    const data = kind.includes('json') ? await response.json().catch(() => null) : null;
    return { status: response.status, data, retryAfter: Number(response.headers.get('Retry-After')) || 0 };
  }

  /** The server's problem as one line: its detail and what each field needs. */
  function describe(result) {
    const problem = result.data || {};
    const parts = [problem.detail || `The server answered ${result.status}.`];
    for (const [field, messages] of Object.entries(problem.errors || {})) {
      parts.push(`${field}: ${[].concat(messages).join(', ')}`);
    }
    return parts.join(' ');
  }

  function classify(item, result, okStatuses) {
    const { status } = result;
    if (okStatuses.includes(status)) return { outcome: 'done' };
    if (status === 0) return { outcome: 'offline', message: 'No connection to the server yet.' };
    if (status === 401) return { outcome: 'auth', message: 'Log in again to send this.' };
    if (status === 408 || status === 429 || status >= 500) {
      return {
        outcome: 'retry',
        message: `The server could not take it yet (${status}).`,
        retryAfter: result.retryAfter,
      };
    }
    if (status === 409 && item.kind !== 'post-visit') {
      return { outcome: 'conflict', message: describe(result) };
    }
    return { outcome: 'failed', message: describe(result) };
  }

  async function attempt(item, token) {
    const base = `/api/v1/audits/${item.audit}`;
    const json = (body) => JSON.stringify(body);
    switch (item.kind) {
      case 'audit':
        return classify(item, await send('PUT', base, token, json(item.body), 'application/json'), [
          200, 201,
        ]);
      case 'photo-delete':
        // gone already is what we wanted
        return classify(item, await send('DELETE', `${base}/photos/${item.photo}`, token), [
          204, 404,
        ]);
      case 'photo': {
        const photo = await store().getPhoto(item.photo);
        if (!photo) return { outcome: 'failed', message: 'The photo is no longer on this phone.' };
        const query = item.question ? `?question=${encodeURIComponent(item.question)}` : '';
        const path = `${base}/photos/${item.photo}${query}`;
        const type = photo.blob.type || 'image/jpeg';
        return classify(item, await send('PUT', path, token, photo.blob, type), [200, 201]);
      }
      case 'submit':
        return classify(item, await send('POST', `${base}/submit`, token), [200]);
      case 'post-visit':
        return classify(
          item,
          await send('PATCH', `${base}/post-visit`, token, json(item.body), 'application/json'),
          [200],
        );
      default:
        return { outcome: 'failed', message: `Unknown item kind ${item.kind}.` };
    }
  }

  /** A 409 on a visit: done if the server holds it submitted with everything queued here. */
  async function resolveConflict(item, chain, token, conflict) {
    const result = await send('GET', `/api/v1/audits/${item.audit}`, token);
    if (result.status === 0 || result.status >= 500) {
      return { outcome: 'offline', message: 'No connection to the server yet.' };
    }
    if (result.status !== 200) return { outcome: 'failed', message: conflict.message };
    const audit = result.data;
    const closed = audit.status === 'submitted' || audit.status === 'approved';
    const theirs = new Set(audit.photos.map((photo) => photo.uuid));
    const complete = chain
      .filter((other) => other.kind === 'photo')
      .every((other) => theirs.has(other.photo));
    if (closed && chain.some((other) => other.kind === 'submit') && complete) {
      return { outcome: 'already' };
    }
    const message = closed
      ? `Conflict: the server holds this audit as ${audit.status} without everything queued ` +
        'here. Export the outbox and tell your manager.'
      : `Conflict: ${conflict.message}`;
    return { outcome: 'failed', message };
  }

  /** Record an item's new state; false when it was deleted meanwhile (it stays deleted). */
  async function mark(item, state, message = '') {
    item.state = state;
    item.message = message;
    item.updatedAt = new Date().toISOString();
    return store().updateItem(item);
  }

  /** The audit's visit is on the server: forget the draft and its photos, note it as sent. */
  async function finishVisit(item) {
    const left = (await store().outboxItems()).filter((other) => other.audit === item.audit);
    if (left.some((other) => store().VISIT_KINDS.includes(other.kind))) return;
    const draft = await store().getDraft(item.audit);
    if (!draft || draft.status !== 'queued') return;
    const sent = (await store().getMeta('sent')) || [];
    sent.unshift({ uuid: draft.uuid, title: item.title, at: new Date().toISOString() });
    await store().setMeta('sent', sent.slice(0, 20));
    await store().deleteDraft(draft.uuid);
  }

  async function handle(item, items, session, gone) {
    const chain = items.filter(
      (other) => other.audit === item.audit && store().VISIT_KINDS.includes(other.kind),
    );
    let result = await attempt(item, session.token);
    if (result.outcome === 'conflict') result = await resolveConflict(item, chain, session.token, result);
    if (result.outcome === 'done') {
      await store().deleteItem(item.id);
      await finishVisit(item);
      return result;
    }
    if (result.outcome === 'already') {
      for (const other of chain.filter((o) => o.id >= item.id)) {
        gone.add(other.id);
        await store().deleteItem(other.id);
      }
      await finishVisit(item);
      return result;
    }
    if (result.outcome === 'retry' || result.outcome === 'offline') {
      item.attempts = (item.attempts || 0) + 1;
      item.nextAt = Date.now() + delayFor(item.attempts, result.retryAfter);
      return (await mark(item, 'waiting', result.message)) ? result : { outcome: 'gone' };
    }
    const state = result.outcome === 'auth' ? 'auth' : 'failed';
    return (await mark(item, state, result.message)) ? result : { outcome: 'gone' };
  }

  /** One pass over the queue in order; answers what happened and when to look again. */
  async function pass(force) {
    const items = await store().outboxItems();
    const session = await store().getMeta('session');
    const held = new Set();
    const gone = new Set();
    const report = { sent: 0, waiting: 0, failed: 0, next: Infinity, offline: false };
    for (const queued of items) {
      if (gone.has(queued.id)) continue;
      // read again: while this pass sent the items before it, the auditor may have deleted
      // or retried this one, or queued the visit anew
      const item = await store().getItem(queued.id);
      if (!item) continue;
      if (item.state === 'failed' || item.state === 'auth') {
        held.add(item.audit);
        report.failed += 1;
        continue;
      }
      if (held.has(item.audit) || report.offline) {
        report.waiting += 1;
        continue;
      }
      if (!force && item.nextAt > Date.now()) {
        held.add(item.audit);
        report.waiting += 1;
        report.next = Math.min(report.next, item.nextAt);
        continue;
      }
      if (!session || session.user.id !== item.userId) {
        await mark(item, 'auth', 'Log in as the auditor who made this to send it.');
        held.add(item.audit);
        report.failed += 1;
        continue;
      }
      if (!(await mark(item, 'sending'))) continue;
      const result = await handle(item, items, session, gone);
      if (result.outcome === 'gone') continue; // deleted while it was being sent
      if (result.outcome === 'done' || result.outcome === 'already') {
        report.sent += 1;
        continue;
      }
      held.add(item.audit);
      if (result.outcome === 'retry' || result.outcome === 'offline') {
        report.waiting += 1;
        report.next = Math.min(report.next, item.nextAt);
        report.offline = result.outcome === 'offline'; // the rest would fail alike: stop here
      } else {
        report.failed += 1;
      }
    }
    return report;
  }

  function schedule(next) {
    if (timer) clearTimeout(timer);
    timer = null;
    // pages keep a timer for the backoff; the service worker relies on Background Sync
    if (Number.isFinite(next) && typeof root.document !== 'undefined') {
      timer = setTimeout(() => flush(), Math.max(1000, next - Date.now()));
    }
  }

  async function run(force) {
    let report = await pass(force);
    while (report.sent > 0) {
      const again = await pass(false); // anything queued meanwhile
      if (again.sent === 0) {
        report = { ...again, sent: report.sent };
        break;
      }
      report = { ...again, sent: report.sent + again.sent };
    }
    schedule(report.next);
    store().notify('outbox');
    return report;
  }

  /**
   * Send what can go now. `force` ignores the backoff: a page load, `online`, the page coming
   * back into view, Background Sync and the retry button all mean conditions changed.
   */
  async function flush({ force = false } = {}) {
    const locks = root.navigator && root.navigator.locks;
    if (!locks) return run(force);
    return locks.request(LOCK, { ifAvailable: true }, (lock) =>
      lock ? run(force) : { busy: true, sent: 0, waiting: 0, failed: 0 },
    );
  }

  function common(audit, userId, title) {
    return {
      audit,
      userId,
      title,
      state: 'waiting',
      attempts: 0,
      nextAt: 0,
      message: '',
      createdAt: new Date().toISOString(),
    };
  }

  /**
   * Queue a visit: its audit body, photo removals, photos, then the submit; `draft`, when
   * given, is written (as queued) in the same transaction.
   */
  async function enqueueVisit({ audit, userId, title, body, photos, removals, draft = null }) {
    const base = common(audit, userId, title);
    const items = [
      { ...base, kind: 'audit', body, label: 'Answers, staff and notes' },
      ...removals.map((uuid) => ({ ...base, kind: 'photo-delete', photo: uuid, label: 'Remove a photo' })),
      ...photos.map((photo, index) => ({
        ...base,
        kind: 'photo',
        photo: photo.uuid,
        question: photo.question,
        label: `Photo ${index + 1} of ${photos.length}`,
      })),
      { ...base, kind: 'submit', label: 'Submit' },
    ];
    await store().replaceVisitItems(audit, items, draft);
  }

  /** Queue post-visit (follow-through) answers for an audit already on the server. */
  async function enqueuePostVisit({ audit, userId, title, answers }) {
    const item = { ...common(audit, userId, title), kind: 'post-visit', body: { answers } };
    await store().addItems([{ ...item, label: 'Follow-up answers' }]);
  }

  /** Send one item again now, whatever its state. */
  async function retry(id) {
    const item = await store().getItem(id);
    if (!item) return null;
    item.attempts = 0;
    item.nextAt = 0;
    await mark(item, 'waiting', '');
    return flush({ force: true });
  }

  /** Drop one item; a visit left with nothing queued becomes an editable draft again. */
  async function remove(id) {
    const item = await store().getItem(id);
    if (!item) return;
    await store().deleteItem(id);
    const left = (await store().outboxItems()).filter(
      (other) => other.audit === item.audit && store().VISIT_KINDS.includes(other.kind),
    );
    const draft = await store().getDraft(item.audit);
    if (!left.length && draft && draft.status === 'queued') {
      draft.status = 'draft';
      await store().putDraft(draft);
    }
  }

  /** After a new login: items that waited for one may go again. */
  async function resumeAuth() {
    for (const item of await store().outboxItems()) {
      if (item.state === 'auth') await mark(item, 'waiting', '');
    }
  }

  root.AuditorOutbox = {
    flush,
    enqueueVisit,
    enqueuePostVisit,
    retry,
    remove,
    resumeAuth,
    describe,
  };
})(globalThis);
