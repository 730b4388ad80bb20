// The greeting stopwatch: "Walked in" when stepping through the door, "Greeted" at the first
// greeting; the seconds go into the question. The start time is kept in the draft, so a
// reload (or a new app version) in between loses nothing.
import { el } from './ui.js';

const store = globalThis.AuditorStore;

function clock(seconds) {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The stopwatch for `question` of `draft`; `fillValue(seconds)` answers the question. */
export function stopwatch(draft, question, fillValue) {
  const state = (draft.helpers[question.key] ||= {});
  const display = el('output', { class: 'clock', 'aria-label': 'Seconds since walking in' }, '0:00');
  const start = el('button', { type: 'button', class: 'secondary start' }, 'Walked in');
  const stop = el('button', { type: 'button', class: 'primary stop', disabled: true }, 'Greeted');
  let ticking = null;

  const elapsed = () => Math.max(0, Math.round((Date.now() - state.walkedInAt) / 1000));
  function tick() {
    display.textContent = clock(elapsed());
  }
  function run() {
    start.textContent = 'Restart';
    stop.disabled = false;
    tick();
    clearInterval(ticking);
    ticking = setInterval(tick, 1000);
  }

  start.addEventListener('click', async () => {
    state.walkedInAt = Date.now();
    await store.putDraft(draft);
    run();
  });
  stop.addEventListener('click', async () => {
    const seconds = elapsed();
    clearInterval(ticking);
    display.textContent = clock(seconds);
    stop.disabled = true;
    start.textContent = 'Walked in';
    delete state.walkedInAt;
    fillValue(seconds);
  });
  if (state.walkedInAt) run();

  return el(
    'div',
    { class: 'helper stopwatch', role: 'group', 'aria-label': 'Greeting stopwatch' },
    start,
    display,
    stop,
  );
}
