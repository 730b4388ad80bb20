// Reads from the API with the app's bearer token. The token comes from the page login
// (POST /api/v1/auth/session-token with the page's CSRF token) and is kept in IndexedDB, so
// the outbox can still send hours later, when a CSRF token would have expired.
import '../vendor/idb/umd.js'; // publishes globalThis.idb for store.js
import './store.js';
import './outbox-core.js';
import { userId } from './ui.js';

const store = globalThis.AuditorStore;
const RENEW_BEFORE_MS = 3 * 24 * 3600 * 1000;
let current = null;

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || (status ? `The server answered ${status}.` : 'Offline.'));
    this.status = status;
    this.problem = problem;
  }
}

async function fetchToken() {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const response = await fetch('/api/v1/auth/session-token', {
    method: 'POST',
    headers: { 'X-CSRF-Token': csrf },
    credentials: 'same-origin',
  });
  if (!response.ok) throw new ApiError(response.status, null);
  const body = await response.json();
  const session = { token: body.token, expiresAt: body.expires_at, user: body.user };
  await store.setMeta('session', session);
  await globalThis.AuditorOutbox.resumeAuth();
  return session;
}

async function loadSession() {
  const stored = await store.getMeta('session');
  const fresh =
    stored &&
    stored.user.id === userId() &&
    Date.parse(stored.expiresAt) - Date.now() > RENEW_BEFORE_MS;
  if (fresh) return stored;
  try {
    return await fetchToken();
  } catch (error) {
    // offline (or the page came from the cache): keep going with what we have
    return stored && stored.user.id === userId() ? stored : null;
  }
}

/** The bearer session {token, expiresAt, user}, fetched once per page. */
export function session() {
  if (!current) current = loadSession();
  return current;
}

/** GET a JSON resource; offline the service worker answers from its cache. */
export async function get(path) {
  const auth = await session();
  if (!auth) throw new ApiError(401, { detail: 'Log in again.' });
  let response;
  try {
    response = await fetch(path, { headers: { Authorization: `Bearer ${auth.token}` } });
  } catch (error) {
    throw new ApiError(0, null);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** Every item of a paginated list. */
export async function getAll(path) {
  const items = [];
  const separator = path.includes('?') ? '&' : '?';
  for (let page = 1; ; page += 1) {
    const body = await get(`${path}${separator}page=${page}&per_page=200`);
    items.push(...body.items);
    if (items.length >= body.total || !body.items.length) return items;
  }
}

/** A photo from the server as an object URL (img elements cannot send the token). */
export async function photoUrl(url) {
  const auth = await session();
  if (!auth) throw new ApiError(401, { detail: 'Log in again.' });
  const response = await fetch(url, { headers: { Authorization: `Bearer ${auth.token}` } });
  if (!response.ok) throw new ApiError(response.status, null);
  return URL.createObjectURL(await response.blob());
}
