// Reads from the API with the app's bearer token. The token comes from the page login
// (POST /api/v1/auth/session-token with the page's CSRF token) and is kept in IndexedDB (never
// Web Storage), one per user, so the outbox can still send hours later, when a CSRF token
// would have expired, each item under its own auditor's token on a shared phone.
//
// A token the server refuses (401: revoked, or a password reset) is dropped at once, and the
// next page with a login fetches a new one; a user who waits for one sees "Log in again".
import '../vendor/idb/umd.js'; // publishes globalThis.idb for store.js
import './store.js';
import './outbox-diff.js';
import './outbox-photos.js';
import './outbox-core.js';
import { userId } from './ui.js';

const store = globalThis.AuditorStore;
const RENEW_BEFORE_MS = 3 * 24 * 3600 * 1000;
const TIMEOUT_MS = 20000; // a read that hangs answers "offline" instead, from the cache if any
const USER_CACHES = /^auditor-(api|photos)-/;
let current = null;

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || (status ? `The server answered ${status}.` : 'Offline.'));
    this.status = status;
    this.problem = problem;
  }
}

/** Delete what the server told this phone (cached reads and photos): another person's now. */
export async function forgetCachedAnswers() {
  if (!globalThis.caches) return;
  for (const name of await caches.keys()) {
    if (USER_CACHES.test(name)) await caches.delete(name);
  }
}

/** Another user logged in on this phone: nothing cached for the last one stays readable. */
async function changeOfUser(id) {
  const last = await store.getMeta('lastUser');
  if (last !== undefined && last !== id) await forgetCachedAnswers();
  // written only when it changes: on a phone whose storage is full, every write fails, and
  // the app must still get its session to send the outbox (which frees the room)
  if (last !== id) await store.setMeta('lastUser', id);
  await store.pruneSessions(id); // tokens of others stay only while their items wait
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
  await changeOfUser(session.user.id);
  await store.setSession(session);
  await globalThis.AuditorOutbox.resumeAuth(session.user.id);
  return session;
}

/** Whether this user's stored token may be kept: not near its end, not refused meanwhile. */
async function usable(stored) {
  if (!stored || Date.parse(stored.expiresAt) - Date.now() <= RENEW_BEFORE_MS) return false;
  const items = await store.itemsOf(stored.user.id);
  return !items.some((item) => item.state === 'auth');
}

async function loadSession() {
  const stored = await store.getSession(userId());
  if (await usable(stored)) {
    await changeOfUser(stored.user.id);
    return stored;
  }
  try {
    return await fetchToken();
  } catch (error) {
    // offline (or the page came from the cache): keep going with what we have
    return stored || null;
  }
}

/** The bearer session {token, expiresAt, user}, fetched once per page. */
export function session() {
  if (!current) current = loadSession();
  return current;
}

/** The server refused this token: forget it, and tell the page a login is wanted. */
async function refused(auth) {
  await store.dropSession(auth.user.id, auth.token);
  current = null;
  window.dispatchEvent(new CustomEvent('auditor:login-needed'));
}

/** A GET with the token and a timeout; a fetch error or timeout answers status 0. */
async function authorised(path) {
  const auth = await session();
  if (!auth) throw new ApiError(401, { detail: 'Log in again.' });
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(path, {
      headers: { Authorization: `Bearer ${auth.token}` },
      signal: controller.signal,
    });
    if (response.status === 401) await refused(auth);
    // a request went through: whatever waits in the outbox may go now (a read the service
    // worker answered from its cache only costs one quick failed try, never a longer backoff)
    else if (response.ok) globalThis.AuditorOutbox.kick().catch(() => {});
    return response;
  } catch (error) {
    throw new ApiError(0, null);
  } finally {
    clearTimeout(timeout);
  }
}

/** GET a JSON resource; offline the service worker answers from its cache. */
export async function get(path) {
  const response = await authorised(path);
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
  const response = await authorised(url);
  if (!response.ok) throw new ApiError(response.status, null);
  return URL.createObjectURL(await response.blob());
}
