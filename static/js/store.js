/* IndexedDB for the phone app: settings, tokens, drafts, photos and the outbox.
 *
 * A classic script (no import/export) because both the pages and the service worker load it
 * (a service worker built with workbox-sw cannot be a module); it needs the vendored idb UMD
 * build first and publishes globalThis.AuditorStore. Pages import it for its side effect.
 */
(function (root) {
  'use strict';

  const NAME = 'auditor';
  const VERSION = 1;
  const CHANNEL = 'auditor';
  // what sending a visit queues, in this order; post-visit answers are queued on their own
  const VISIT_KINDS = ['audit', 'photo-delete', 'photo', 'submit'];
  let opening = null;

  function open() {
    if (!opening) {
      opening = root.idb.openDB(NAME, VERSION, {
        upgrade(db) {
          db.createObjectStore('meta', { keyPath: 'key' });
          db.createObjectStore('drafts', { keyPath: 'uuid' });
          db.createObjectStore('photos', { keyPath: 'uuid' }).createIndex('audit', 'audit');
          db.createObjectStore('outbox', { keyPath: 'id', autoIncrement: true }).createIndex(
            'audit',
            'audit',
          );
        },
        blocking() {
          // a newer app version wants to upgrade the database: step aside, reopen later
          opening.then((db) => db.close());
          opening = null;
        },
      });
    }
    return opening;
  }

  /** Tell every page and the service worker that stored data changed. */
  function notify(what) {
    if (!root.BroadcastChannel) return;
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage({ type: 'changed', what });
    channel.close();
  }

  async function getMeta(key) {
    const row = await (await open()).get('meta', key);
    return row ? row.value : undefined;
  }

  async function setMeta(key, value) {
    await (await open()).put('meta', { key, value });
  }

  async function deleteMeta(key) {
    await (await open()).delete('meta', key);
  }

  /* Tokens, one per user (a shared phone: issue 11). `session` is the pages' own login, the
   * one the app reads with; `sessions` holds each user's, so the outbox sends every item
   * under its own auditor's token. Read and written in one transaction each. */
  async function sessionsTx(change) {
    const db = await open();
    const tx = db.transaction('meta', 'readwrite');
    const row = await tx.store.get('sessions');
    const sessions = (row && row.value) || {};
    const current = ((await tx.store.get('session')) || {}).value;
    const result = change(sessions, current);
    // false: nothing changed, nothing written (a full storage refuses every write)
    if (result !== false) await tx.store.put({ key: 'sessions', value: sessions });
    if (result && result.current !== undefined) {
      if (result.current) await tx.store.put({ key: 'session', value: result.current });
      else await tx.store.delete('session');
    }
    await tx.done;
  }

  /** A user's session {token, expiresAt, user}, or null. */
  async function getSession(userId) {
    const sessions = (await getMeta('sessions')) || {};
    if (sessions[userId]) return sessions[userId];
    const current = await getMeta('session');
    return current && current.user.id === userId ? current : null;
  }

  /** Keep a new login's session, as the pages' own and as its user's. */
  async function setSession(session) {
    await sessionsTx((sessions) => {
      sessions[session.user.id] = session;
      return { current: session };
    });
  }

  /** Forget a user's token, once the server refused it (a newer one of theirs stays). */
  async function dropSession(userId, token) {
    await sessionsTx((sessions, current) => {
      if (sessions[userId] && sessions[userId].token === token) delete sessions[userId];
      const mine = current && current.user.id === userId && current.token === token;
      return mine ? { current: null } : null;
    });
  }

  /** Keep only the tokens still needed: `userId`'s, and those of users with items queued. */
  async function pruneSessions(userId) {
    const owners = new Set((await outboxItems()).map((item) => item.userId));
    await sessionsTx((sessions) => {
      const stale = Object.keys(sessions).filter((id) => Number(id) !== userId && !owners.has(Number(id)));
      stale.forEach((id) => delete sessions[id]);
      return stale.length ? null : false;
    });
  }

  async function getDraft(uuid) {
    return (await open()).get('drafts', uuid);
  }

  async function putDraft(draft) {
    draft.updatedAt = new Date().toISOString();
    await (await open()).put('drafts', draft);
    notify('drafts');
    return draft;
  }

  async function listDrafts(userId) {
    const all = await (await open()).getAll('drafts');
    return all
      .filter((d) => d.userId === userId)
      .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  }

  /** Delete a draft and every photo taken for it. */
  async function deleteDraft(uuid) {
    const db = await open();
    const tx = db.transaction(['drafts', 'photos'], 'readwrite');
    const keys = await tx.objectStore('photos').index('audit').getAllKeys(uuid);
    await Promise.all([
      tx.objectStore('drafts').delete(uuid),
      ...keys.map((key) => tx.objectStore('photos').delete(key)),
      tx.done,
    ]);
    notify('drafts');
  }

  async function photosOf(audit) {
    const rows = await (await open()).getAllFromIndex('photos', 'audit', audit);
    return rows.sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  }

  async function getPhoto(uuid) {
    return (await open()).get('photos', uuid);
  }

  async function putPhoto(photo) {
    await (await open()).put('photos', photo);
  }

  async function deletePhoto(uuid) {
    await (await open()).delete('photos', uuid);
  }

  async function outboxItems() {
    return (await open()).getAll('outbox'); // by id: the order they were queued in
  }

  /** One user's items: the pages show, count, export and delete no one else's. */
  async function itemsOf(userId) {
    return (await outboxItems()).filter((item) => item.userId === userId);
  }

  async function getItem(id) {
    return (await open()).get('outbox', id);
  }

  /** Queue items in one transaction, so a visit is never half queued. */
  async function addItems(items) {
    const db = await open();
    const tx = db.transaction('outbox', 'readwrite');
    await Promise.all([...items.map((item) => tx.store.add(item)), tx.done]);
    notify('outbox');
  }

  /**
   * Replace whatever is still queued for an audit's visit with `items`, and write its `draft`
   * (marked queued) in the same transaction: a phone that dies in between never keeps a
   * draft locked as queued with nothing in the outbox to send it.
   */
  async function replaceVisitItems(audit, items, draft = null) {
    const db = await open();
    const tx = db.transaction(draft ? ['outbox', 'drafts'] : ['outbox'], 'readwrite');
    const outbox = tx.objectStore('outbox');
    const old = await outbox.index('audit').getAll(audit);
    const visit = old.filter((item) => VISIT_KINDS.includes(item.kind));
    if (draft) draft.updatedAt = new Date().toISOString();
    await Promise.all([
      ...visit.map((item) => outbox.delete(item.id)),
      ...items.map((item) => outbox.add(item)),
      draft ? tx.objectStore('drafts').put(draft) : null,
      tx.done,
    ]);
    notify('outbox');
    if (draft) notify('drafts');
  }

  /**
   * Write back an item's new state, unless it was deleted meanwhile (the auditor deleted it,
   * or the visit was queued again): a deleted item must never come back. Answers whether
   * it was written.
   */
  async function updateItem(item) {
    const db = await open();
    const tx = db.transaction('outbox', 'readwrite');
    const exists = (await tx.store.getKey(item.id)) !== undefined;
    if (exists) await tx.store.put(item);
    await tx.done;
    if (exists) notify('outbox');
    return exists;
  }

  async function deleteItem(id) {
    await (await open()).delete('outbox', id);
    notify('outbox');
  }

  root.AuditorStore = {
    CHANNEL,
    VISIT_KINDS,
    open,
    notify,
    getMeta,
    setMeta,
    deleteMeta,
    getSession,
    setSession,
    dropSession,
    pruneSessions,
    getDraft,
    putDraft,
    listDrafts,
    deleteDraft,
    photosOf,
    getPhoto,
    putPhoto,
    deletePhoto,
    outboxItems,
    itemsOf,
    getItem,
    addItems,
    replaceVisitItems,
    updateItem,
    deleteItem,
  };
})(globalThis);
