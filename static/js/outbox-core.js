/* The outbox: what the phone still has to send, sent in order, exactly once in effect.
 *
 * A visit queues its audit (PUT), photo removals, photos, then the submit; each audit's items
 * go one after another, and one that cannot go holds back the rest of that audit only (a
 * photo the server refuses holds back only the submit: outbox-photos.js). Client-made UUIDs
 * make every retry safe. Network errors, 408, 429 and 5xx retry with exponential backoff;
 * only the timer's tries grow it (a page load, "Send now", `online` or a request that went
 * through mean conditions changed); no answer at all looks again within seconds. Every
 * request has a timeout. 401 drops the token and waits for a new login; other 4xx fail with
 * the server's message. A 409 is checked against the server: an audit holding exactly what
 * was queued is done (its answer was lost); anything else is a conflict, kept with both
 * versions' differences for the auditor to settle (outbox-diff.js). Each item goes under
 * its own auditor's token (a shared phone). A classic script like store.js: the pages and
 * the service worker (Background Sync) both send; Web Locks keep them from sending at once.
 */
(function (root) {
  'use strict';

  const store = () => root.AuditorStore;
  const LOCK = 'auditor-outbox';
  // the backoff's first step and its cap; with no answer at all, look again this soon at the
  // latest; a request's timeout, plus the time its body takes to upload at the rate below
  const DEFAULTS = { baseMs: 2000, maxMs: 600000, offlineMaxMs: 8000, timeoutMs: 30000, bytesPerSecond: 25000 };
  let timer = null;
  let kicked = 0;
  let kickLater = null;

  /** The outbox's clock; a test may shorten it with globalThis.AUDITOR_OUTBOX_CONFIG. */
  const config = () => ({ ...DEFAULTS, ...(root.AUDITOR_OUTBOX_CONFIG || {}) });

  function delayFor(step, retryAfter, offline) {
    const { baseMs, maxMs, offlineMaxMs } = config();
    if (retryAfter > 0) return retryAfter * 1000;
    const delay = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(step, 1) - 1, 16));
    const jittered = Math.round(delay * (0.5 + Math.random() / 2)); // phones do not retry in step
    // no answer is the connection, not a server asking for room: trying costs it nothing
    return offline ? Math.min(offlineMaxMs, jittered) : jittered;
  }

  async function send(method, path, token, body, type) {
    const headers = { Authorization: `Bearer ${token}` };
    if (type) headers['Content-Type'] = type;
    const { timeoutMs, bytesPerSecond } = config();
    const size = (body && (body.size || body.length)) || 0;
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), timeoutMs + (1000 * size) / bytesPerSecond);
    try {
      const init = { method, headers, body, credentials: 'omit', cache: 'no-store', signal: controller.signal };
      const response = await fetch(path, init);
      const kind = response.headers.get('Content-Type') || '';
      const data = kind.includes('json') ? await response.json().catch(() => null) : null;
      return { status: response.status, data, retryAfter: Number(response.headers.get('Retry-After')) || 0 };
    } catch (error) {
      return { status: 0, data: null, retryAfter: 0, stalled: controller.signal.aborted };
    } finally {
      clearTimeout(timeout);
    }
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
    if (status === 0 && result.stalled) {
      return { outcome: 'offline', trouble: true, message: 'The server did not answer in time.' };
    }
    if (status === 0) return { outcome: 'offline', message: 'No connection to the server yet.' };
    if (status === 401) return { outcome: 'auth', message: 'Log in again to send this.' };
    if (status === 408 || status === 429 || status >= 500) {
      return {
        outcome: 'retry',
        trouble: status !== 429,
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
      case 'photo': // outbox-photos.js: a photo the server refuses holds back no other item
        return root.AuditorOutboxPhotos.sendPhoto(item, base, token, { send, classify, describe });
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

  /** A 409 on a visit: done if the server holds it submitted with exactly what was queued. */
  async function resolveConflict(item, chain, token, conflict) {
    const result = await send('GET', `/api/v1/audits/${item.audit}`, token);
    if (result.status === 0 || result.status >= 500) {
      return { ...classify(item, result, []), outcome: 'offline' };
    }
    if (result.status !== 200) return { outcome: 'failed', message: conflict.message };
    return root.AuditorDiff.verdict(chain, result.data, conflict.message);
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
    const at = new Date().toISOString();
    sent.unshift({ uuid: draft.uuid, userId: item.userId, title: item.title, at });
    await store().setMeta('sent', sent.slice(0, 20));
    await store().deleteDraft(draft.uuid);
  }

  async function handle(item, items, session, gone, force) {
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
      item.attempts = (item.attempts || 0) + 1; // every try is counted and shown ...
      if (!force) item.step = (item.step || 0) + 1; // ... only the timer's grow the backoff
      item.waitKind = result.outcome;
      item.nextAt = Date.now() + delayFor(item.step || 1, result.retryAfter, result.outcome === 'offline');
      return (await mark(item, 'waiting', result.message)) ? result : { outcome: 'gone' };
    }
    if (result.outcome === 'refused') {
      return (await mark(item, 'refused', result.message)) ? result : { outcome: 'gone' };
    }
    if (result.outcome === 'auth') await store().dropSession(item.userId, session.token);
    item.conflict = result.conflict || null;
    const state = result.outcome === 'auth' ? 'auth' : 'failed';
    return (await mark(item, state, result.message)) ? result : { outcome: 'gone' };
  }

  /** Whether an item may go in this pass. */
  function due(item, force, connected) {
    // a request that just went through says the connection is back
    return force || !(item.nextAt > Date.now()) || (connected && item.waitKind === 'offline');
  }

  function tally(report, item, result) {
    if (result.trouble) report.trouble = true;
    if (result.outcome === 'retry' || result.outcome === 'offline') {
      report.waiting += 1;
      report.next = Math.min(report.next, item.nextAt);
      report.offline = result.outcome === 'offline'; // the rest would fail alike: stop here
    } else {
      report.failed += 1;
    }
  }

  /** One pass over the queue in order; answers what happened and when to look again. */
  async function pass(force, state) {
    const items = await store().outboxItems();
    const sessions = new Map(); // each auditor's token, read once a pass
    const held = new Set();
    const gone = new Set();
    const report = { sent: 0, waiting: 0, failed: 0, next: Infinity, offline: false, trouble: false };
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
      if (await root.AuditorOutboxPhotos.skip(item, report, mark)) continue;
      if (held.has(item.audit) || report.offline) {
        report.waiting += 1;
        continue;
      }
      if (!due(item, force, state.connected)) {
        held.add(item.audit);
        report.waiting += 1;
        report.next = Math.min(report.next, item.nextAt);
        continue;
      }
      if (!sessions.has(item.userId)) sessions.set(item.userId, await store().getSession(item.userId));
      const session = sessions.get(item.userId);
      if (!session) {
        await mark(item, 'auth', 'Log in as the auditor who made this to send it.');
        held.add(item.audit);
        report.failed += 1;
        continue;
      }
      if (!(await mark(item, 'sending'))) continue;
      const result = await handle(item, items, session, gone, force);
      if (result.outcome === 'gone') continue; // deleted while it was being sent
      if (result.outcome === 'auth') sessions.set(item.userId, null); // that token is dead
      if (result.outcome === 'done' || result.outcome === 'already') {
        report.sent += 1;
        state.connected = true;
        continue;
      }
      if (result.outcome !== 'refused') held.add(item.audit); // a refused photo holds no other
      tally(report, item, result);
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

  /** Tell every page what the last pass did (the timer's passes have no page to answer). */
  function publish(report) {
    if (!root.BroadcastChannel) return;
    const channel = new BroadcastChannel(store().CHANNEL);
    channel.postMessage({ type: 'report', report });
    channel.close();
  }

  async function run(force) {
    const state = { connected: false };
    let report = await pass(force, state);
    while (report.sent > 0) {
      const again = await pass(false, state); // anything queued meanwhile
      report = { ...again, sent: report.sent + again.sent };
      if (again.sent === 0) break;
    }
    schedule(report.next);
    store().notify('outbox');
    publish(report);
    return report;
  }

  /**
   * Send what can go now. `force` ignores the backoff (and does not grow it): a page load,
   * `online`, the page coming back into view, Background Sync, a request that went through
   * and the retry button all mean conditions changed. `wait` runs after a pass under way
   * instead of answering busy.
   */
  async function flush({ force = false, wait = false } = {}) {
    const locks = root.navigator && root.navigator.locks;
    if (!locks) return run(force);
    if (wait) return locks.request(LOCK, () => run(force));
    return locks.request(LOCK, { ifAvailable: true }, (lock) =>
      lock ? run(force) : { busy: true, sent: 0, waiting: 0, failed: 0 },
    );
  }

  function common(audit, userId, title) {
    const createdAt = new Date().toISOString();
    return { audit, userId, title, state: 'waiting', attempts: 0, nextAt: 0, message: '', createdAt };
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

  /** A request of the app just went through: what waits for the server may go now. */
  async function kick() {
    const wait = kicked + 2000 - Date.now();
    if (wait > 0) {
      // one nudge per burst of reads, yet the last is kept: it may be the first that got through
      kickLater ||= setTimeout(() => {
        kickLater = null;
        kick().catch(() => {});
      }, wait);
      return null;
    }
    kicked = Date.now();
    if (!(await store().outboxItems()).some((item) => item.state === 'waiting')) return null;
    // a pass under way may have begun before the connection came back and found nothing due
    return flush({ force: true, wait: true });
  }

  /** Send one item again now, whatever its state ("Keep mine" of a conflict too). */
  async function retry(id) {
    const item = await store().getItem(id);
    if (!item) return null;
    item.attempts = 0;
    item.step = 0;
    item.nextAt = 0;
    item.conflict = null;
    await mark(item, 'waiting', '');
    return flush({ force: true });
  }

  /** "Take the server's": drop this phone's version of a visit, its draft and photos. */
  async function discardVisit(audit) {
    for (const item of await store().outboxItems()) {
      if (item.audit === audit && store().VISIT_KINDS.includes(item.kind)) await store().deleteItem(item.id);
    }
    await store().deleteDraft(audit);
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

  /** After a new login of `userId`: their items that waited for one may go again. */
  async function resumeAuth(userId) {
    for (const item of await store().outboxItems()) {
      if (item.state === 'auth' && (userId === undefined || item.userId === userId)) {
        await mark(item, 'waiting', '');
      }
    }
  }

  root.AuditorOutbox = {
    flush,
    enqueueVisit,
    enqueuePostVisit,
    retry,
    remove,
    discardVisit,
    kick,
    resumeAuth,
    describe,
  };
})(globalThis);
