// The photos of one question: take (camera), thumbnails, delete. Photos wait in IndexedDB
// until the visit is sent; a returned audit's photos on the server can be removed too.
import { photoUrl } from './api.js';
import { scalePhoto } from './camera.js';
import { announce, el, fill } from './ui.js';

const store = globalThis.AuditorStore;

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

/** The photo block of a question; `onChange` runs after a photo is added or removed. */
export function photoField(draft, question, onChange) {
  const list = el('ul', { class: 'thumbs', 'aria-label': `Photos for: ${question.text}` });
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
  });
  input.addEventListener('change', async () => {
    const files = [...input.files];
    input.value = '';
    for (const file of files) {
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
    }
    await render();
    onChange();
    announce(`${files.length} photo${files.length === 1 ? '' : 's'} added.`);
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
    list,
  );
}
