/* The outbox's photos (split from outbox-core.js): sending one, and a photo the server
 * refuses. A photo the server will never take (413 too large, 415 not an image, 422 refused
 * by its checks) does not hold back the rest of its visit: it is marked "refused" with the
 * server's reason and the answers and the other photos still go. The visit's submit waits
 * while a refused photo is queued (the server takes photos on drafts only, so none could be
 * added after it): the auditor deletes the refused photo or takes another, then it goes.
 *
 * A classic script like outbox-core.js, loaded before it by the pages and the service worker.
 */
(function (root) {
  'use strict';

  const store = () => root.AuditorStore;
  const REFUSED = [413, 415, 422];
  const WAITING =
    'Waits for a photo the server refused: replace it on My visits, or delete it here to send the visit without it.';

  /** PUT one queued photo; `send` and `classify` are outbox-core's. */
  async function sendPhoto(item, base, token, { send, classify, describe }) {
    const photo = await store().getPhoto(item.photo);
    if (!photo) return { outcome: 'failed', message: 'The photo is no longer on this phone.' };
    const query = item.question ? `?question=${encodeURIComponent(item.question)}` : '';
    const path = `${base}/photos/${item.photo}${query}`;
    const type = photo.blob.type || 'image/jpeg';
    const result = await send('PUT', path, token, photo.blob, type);
    if (REFUSED.includes(result.status)) return { outcome: 'refused', message: describe(result) };
    return classify(item, result, [200, 201]);
  }

  /**
   * Whether a pass skips `item`: a refused photo (counted as failed; the rest of its visit
   * goes on), or a submit whose visit has one (it waits for the auditor). `mark` is the core's.
   */
  async function skip(item, report, mark) {
    if (item.state === 'refused') {
      report.failed += 1;
      return true;
    }
    if (item.kind !== 'submit') return false;
    const items = await store().outboxItems();
    const refused = (other) => other.audit === item.audit && other.kind === 'photo' && other.state === 'refused';
    if (!items.some(refused)) return false;
    if (item.message !== WAITING) await mark(item, 'waiting', WAITING);
    report.waiting += 1;
    return true;
  }

  /**
   * Replace the refused photo item `id` by `photo` (stored already, a new uuid, the same
   * question): the visit's items are queued again in one transaction, the new photo before
   * the submit, and the refused photo is forgotten. Answers whether it was replaced.
   */
  async function replacePhoto(id, photo) {
    const refused = await store().getItem(id);
    if (!refused || refused.state !== 'refused') return false;
    const kinds = store().VISIT_KINDS;
    const visit = (await store().outboxItems()).filter(
      (other) => other.audit === refused.audit && kinds.includes(other.kind) && other.id !== id,
    );
    const items = visit.map(({ id: _old, ...rest }) => ({ ...rest, state: 'waiting', message: '', nextAt: 0 }));
    const { id: _id, ...fresh } = refused;
    const at = items.findIndex((other) => other.kind === 'submit');
    items.splice(at < 0 ? items.length : at, 0, {
      ...fresh,
      photo: photo.uuid,
      label: 'Photo (a replacement)',
      state: 'waiting',
      message: '',
      attempts: 0,
      step: 0,
      nextAt: 0,
    });
    await store().replaceVisitItems(refused.audit, items);
    await store().deletePhoto(refused.photo);
    return true;
  }

  root.AuditorOutboxPhotos = { sendPhoto, skip, replacePhoto, WAITING };
})(globalThis);
