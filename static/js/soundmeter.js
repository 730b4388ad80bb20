// A sound-level meter for the music question: the microphone through the Web Audio API,
// averaged (energy mean) over a few seconds. A phone is no calibrated meter: the reading is
// an estimate, and each device gets a calibration offset in Settings.
import { el } from './ui.js';

const store = globalThis.AuditorStore;
export const SECONDS = 5;
// a typical phone MEMS microphone reads 94 dB SPL at about -26 dBFS: full scale ~ 120 dB
export const FULL_SCALE_DB = 120;

/** The calibration offset of this device in dB (0 until the auditor sets one). */
export async function calibration() {
  return Number((await store.getMeta('calibration')) || 0);
}

/** Mean square of the microphone signal over `seconds`, calling `progress(dbfs)` on the way. */
async function listen(seconds, progress) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const context = new AudioContext();
  try {
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let sum = 0;
    let count = 0;
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      analyser.getFloatTimeDomainData(samples);
      let frame = 0;
      for (const sample of samples) frame += sample * sample;
      sum += frame;
      count += samples.length;
      progress(toDbfs(frame / samples.length));
    }
    return sum / Math.max(1, count);
  } finally {
    stream.getTracks().forEach((track) => track.stop());
    context.close();
  }
}

const toDbfs = (meanSquare) => 10 * Math.log10(Math.max(meanSquare, 1e-12));

/** The meter for `question`; `fillValue(dB)` answers the question with the estimate. */
export function soundMeter(question, fillValue) {
  const output = el('output', { class: 'meter', 'aria-live': 'polite' }, 'Not measured yet');
  const button = el('button', { type: 'button', class: 'secondary' }, `Measure (${SECONDS} s)`);
  button.addEventListener('click', async () => {
    if (!navigator.mediaDevices || !window.AudioContext) {
      output.textContent = 'This browser has no microphone access; enter the level by hand.';
      return;
    }
    button.disabled = true;
    output.textContent = 'Listening…';
    try {
      const offset = await calibration();
      const meanSquare = await listen(SECONDS, (dbfs) => {
        output.textContent = `Listening… about ${Math.round(dbfs + FULL_SCALE_DB + offset)} dB`;
      });
      const estimate = Math.round((toDbfs(meanSquare) + FULL_SCALE_DB + offset) * 10) / 10;
      output.textContent = `About ${estimate} dB (estimate, calibration ${offset >= 0 ? '+' : ''}${offset} dB)`;
      fillValue(estimate);
    } catch (error) {
      output.textContent = 'No microphone (permission refused?): enter the level by hand.';
    } finally {
      button.disabled = false;
    }
  });
  return el(
    'div',
    { class: 'helper', role: 'group', 'aria-label': 'Sound level meter' },
    button,
    output,
    el('p', { class: 'hint' }, 'Phone microphones give an estimate, not a certified reading.'),
  );
}
