// The photos of one question: take (camera), thumbnails, delete. Photos wait in IndexedDB
// until the visit is sent; a returned audit's photos on the server can be removed too.
// Scaling shows its progress; a file that is no photo is refused when chosen, and a photo
// the phone has no room for is said so at the photo (it is never claimed added).
import { photoUrl } from './api.js';
import { NotAPhoto, scalePhoto } from './camera.js';
import { isQuotaError } from './storage.js';
import { announce, el, fill } from './ui.js';

const store = globalThis.AuditorStore;
const NO_ROOM =
  'Not saved: this phone has no room left for the photo. Send what waits in the outbox, ' +
  'free space on the phone, then take it again.';

function thumbnail(src, alt, onDelete, deleteLabel) {
  const img = el('img', { alt, width: 96, height: 96, loading: 'lazy', decoding: 'async' });
  if (typeof src === 'string') img.src = src;
  else src.then((url) => (img.src = url)).catch(() => img.replaceWith(el('span', { class: 'nothumb' }, 'Saved')));
  return el(
    'li',
    { class: 'thumb' },
    img,
    el('button', { type: 'button', class: 'small danger', onclick: onDelete, 'aria-label': deleteLabel }, 'Delete'),
  );
}

/** What to tell the auditor about a photo that could not be kept. */
function problemText(error) {
  if (error instanceof NotAPhoto) return error.message;
  if (isQuotaError(error)) return NO_ROOM;
  return `Not saved: ${error && error.message ? error.message : 'the phone could not keep the photo'}.`;
}

const plural = (n) => `${n} photo${n === 1 ? '' : 's'}`;

/**
 * Scale and store `files` for a question, one after another, saying which is being scaled.
 * Answers {added, problems}; a full storage stops the rest (they would fail alike).
 */
async function keepPhotos(files, { draft, question, status }) {
  const problems = [];
  let added = 0;
  for (const [index, file] of files.entries()) {
    status.textContent = `Scaling photo ${index + 1} of ${files.length}…`;
    try {
      const scaled = await scalePhoto(file);
      await store.putPhoto({
        uuid: crypto.randomUUID(),
        audit: draft.uuid,
        question: question.key,
        blob: scaled.blob,
        width: scaled.width,
        height: scaled.height,
        createdAt: new Date().toISOString(),
      });
      added += 1;
    } catch (error) {
      problems.push(problemText(error));
      if (isQuotaError(error)) break;
    }
  }
  return { added, problems };
}

/** The photo block of a question; `onChange` runs after a photo is added or removed. */
export function photoField(draft, question, onChange) {
  const list = el('ul', { class: 'thumbs', 'aria-label': `Photos for: ${question.text}` });
  const status = el('p', { class: 'photo-status', id: `ps-${question.key}`, role: 'status' });
  const problem = el('p', { class: 'note warn photo-problem', id: `pe-${question.key}`, role: 'alert', hidden: true });
  const urls = [];
  const required = question.photo === 'required';

  async function render() {
    urls.splice(0).forEach((url) => URL.revokeObjectURL(url));
    const local = (await store.photosOf(draft.uuid)).filter((p) => p.question === question.key);
    const remote = draft.serverPhotos.filter(
      (p) => p.question === question.key && !draft.removedPhotos.includes(p.uuid),
    );
    const total = local.length + remote.length;
    let n = 0;
    const items = [
      ...remote.map((photo) => {
        n += 1;
        const url = photoUrl(photo.thumb_url);
        url.then((objectUrl) => urls.push(objectUrl)).catch(() => {}); // revoked like the rest
        return thumbnail(url, `Photo ${n} (on the server)`, async () => {
          draft.removedPhotos.push(photo.uuid);
          await store.putDraft(draft);
          await render();
          onChange();
          announce('Photo removed.');
        }, `Delete photo ${n} of ${total}`);
      }),
      ...local.map((photo) => {
        n += 1;
        const url = URL.createObjectURL(photo.blob);
        urls.push(url);
        return thumbnail(url, `Photo ${n}`, async () => {
          await store.deletePhoto(photo.uuid);
          await render();
          onChange();
          announce('Photo deleted.');
        }, `Delete photo ${n} of ${total}`);
      }),
    ];
    fill(list, items);
  }

  const input = el('input', {
    type: 'file',
    accept: 'image/*',
    capture: 'environment',
    multiple: true,
    class: 'visually-hidden',
    id: `photo-${question.key}`,
    'aria-describedby': `ps-${question.key} pe-${question.key}`,
  });
  input.addEventListener('change', async () => {
    const files = [...input.files];
    input.value = '';
    if (!files.length) return;
    problem.hidden = true;
    const { added, problems } = await keepPhotos(files, { draft, question, status });
    const said = added ? `${plural(added)} added.` : 'No photo added.';
    status.textContent = problems.length && added ? `${said} ${plural(problems.length)} not.` : said;
    problem.textContent = problems.join(' ');
    problem.hidden = !problems.length;
    await render();
    onChange();
    announce(problems.length ? `${status.textContent} ${problem.textContent}` : said);
  });

  render();
  // the input comes first so that its keyboard focus can show on the label after it
  return el(
    'div',
    { class: 'photos' },
    input,
    el(
      'label',
      { class: 'button secondary', for: input.id },
      required ? 'Take photo (required)' : 'Take photo (optional)',
    ),
    status,
    problem,
    list,
  );
}

/**
 * "Replace photo" for a photo the server refused (outbox item `item`): a new photo (a new
 * uuid) for the same question takes its place in the outbox, before the visit's submit.
 */
export function replaceControl(item, onReplaced) {
  const id = `replace-${item.id}`;
  const status = el('p', { class: 'photo-status', role: 'status' });
  const input = el('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'visually-hidden', id });
  input.addEventListener('change', async () => {
    const [file] = input.files;
    input.value = '';
    if (!file) return;
    status.textContent = 'Scaling the photo…';
    const photo = { uuid: crypto.randomUUID(), audit: item.audit, question: item.question };
    try {
      Object.assign(photo, await scalePhoto(file), { createdAt: new Date().toISOString() });
      await store.putPhoto(photo);
      await globalThis.AuditorOutboxPhotos.replacePhoto(item.id, photo);
    } catch (error) {
      status.textContent = problemText(error);
      return;
    }
    status.textContent = 'Photo replaced: it goes with the visit.';
    announce(status.textContent);
    onReplaced();
  });
  const label = el('label', { class: 'button secondary', for: id }, 'Replace photo');
  return el('div', { class: 'photos replace' }, input, label, status);
}
