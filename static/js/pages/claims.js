// Open visits the auditor may claim (DESIGN §10.8): unassigned visits of a schedule, near the
// phone when it may say where it is (else in the auditor's regions), each with its daypart
// window; the first claim wins, a later one is told someone was quicker. Claims need a signal.
import { get, session } from '../api.js';
import { el, fill, formatDateTime } from '../ui.js';

const POSITION_TIMEOUT_MS = 8000;

/** Where the phone is, or null (no permission, no fix in time, no geolocation). */
function here() {
  if (!('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((resolve) =>
    navigator.geolocation.getCurrentPosition(
      (position) => resolve({ lat: position.coords.latitude, lon: position.coords.longitude }),
      () => resolve(null),
      { timeout: POSITION_TIMEOUT_MS, maximumAge: 300000 },
    ),
  );
}

async function claim(visit) {
  const auth = await session();
  if (!auth) return { ok: false, message: 'Log in again.' };
  try {
    const response = await fetch(`/api/v1/assignments/${visit.id}/claim`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${auth.token}` },
    });
    if (response.ok) return { ok: true };
    const body = await response.json().catch(() => null);
    return { ok: false, message: (body && body.detail) || `The server said ${response.status}.` };
  } catch (error) {
    return { ok: false, message: 'No connection: a claim needs a signal.' };
  }
}

function card(visit, onClaimed) {
  const place = visit.location;
  const button = el('button', { type: 'button', class: 'primary' }, 'Claim this visit');
  const status = el('p', { class: 'meta', role: 'status' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    const result = await claim(visit);
    if (result.ok) {
      status.textContent = 'Yours: it is in your planned visits.';
      button.remove();
      onClaimed();
    } else {
      status.textContent = result.message;
      button.disabled = false;
    }
  });
  const away = visit.distance_m == null ? null : `${(visit.distance_m / 1000).toFixed(1)} km away`;
  return el(
    'li',
    { class: 'card' },
    el('h3', {}, place.name),
    el('p', { class: 'meta' }, [place.address, place.code, away].filter(Boolean).join(' · ')),
    el('p', { class: 'meta window' }, visit.window || `Due ${formatDateTime(visit.due_from)} to ${formatDateTime(visit.due_to)}`),
    button,
    status,
  );
}

async function load(list, position, onClaimed) {
  const query = position ? `?lat=${position.lat}&lon=${position.lon}` : '';
  try {
    const body = await get(`/api/v1/assignments/open${query}`);
    const cards = body.items.map((visit) => card(visit, onClaimed));
    fill(list, cards.length ? cards : [el('li', { class: 'empty' }, 'No open visit near you.')]);
  } catch (error) {
    fill(list, el('li', { class: 'empty' }, 'Open visits need a connection.'));
  }
}

/** Fill the open visits section; `onClaimed` refreshes the planned visits after a claim. */
export async function showClaims(onClaimed) {
  const list = document.getElementById('open-visits');
  const nearMe = document.getElementById('near-me');
  if (!list) return;
  nearMe.addEventListener('click', async () => {
    nearMe.disabled = true;
    const position = await here();
    nearMe.disabled = false;
    if (!position) {
      fill(list, el('li', { class: 'empty' }, 'The phone did not say where it is; showing your regions.'));
    }
    await load(list, position, onClaimed);
  });
  await load(list, null, onClaimed);
}
