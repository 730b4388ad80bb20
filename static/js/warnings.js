// What the server will flag about a visit (DESIGN §10.3), said to the auditor before submit:
// a start far from the store, a visit shorter than the checklist expects. They never block.
import { distanceMetres } from './geo.js';

export const FAR_FROM_LOCATION_M = 300; // the server's proof-of-visit distance

const hasPoint = (place) => place && Number.isFinite(place.lat) && Number.isFinite(place.lon);

function plural(count, word) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "You were 450 m from the store…", or null when near, or either position is unknown. */
export function farWarning(geo, store) {
  if (!hasPoint(geo) || !hasPoint(store)) return null;
  const metres = distanceMetres(geo, store);
  if (metres <= FAR_FROM_LOCATION_M) return null;
  const far = metres < 10000 ? `${Math.round(metres)} m` : `${Math.round(metres / 1000)} km`;
  return `You were ${far} from the store when the visit started (more than ${FAR_FROM_LOCATION_M} m).`;
}

/** "The visit lasted 5 minutes; this checklist expects at least 8", or null. */
export function shortWarning(startedAt, finishedAt, minMinutes) {
  if (!minMinutes || !startedAt || !finishedAt) return null;
  const lasted = (Date.parse(finishedAt) - Date.parse(startedAt)) / 60000;
  if (!(lasted < minMinutes)) return null;
  // whole minutes down, so "7 minutes" is never shown for a visit the server counts as 8
  const said = lasted < 1 ? 'less than a minute' : plural(Math.floor(lasted), 'minute');
  return `The visit lasted ${said}; this checklist expects at least ${plural(minMinutes, 'minute')}.`;
}

/** Every warning for a draft, given the store's position ({lat, lon}, or null if unknown). */
export function visitWarnings(draft, store) {
  return [
    farWarning(draft.geo, store),
    shortWarning(draft.startedAt, draft.finishedAt, draft.checklist.min_minutes),
  ].filter(Boolean);
}
