// The login page: every way out of a login (logging out anywhere, a session that lapsed, a
// password reset) ends here, and whoever logs in next must not read what the server told the
// last user (returned audits with the manager's notes, photos) from the phone's caches.
// Drafts and the outbox stay in IndexedDB: they are kept for their auditor (issue 11).
if (globalThis.caches) {
  caches.keys().then((names) =>
    Promise.all(names.filter((name) => /^auditor-(api|photos)-/.test(name)).map((name) => caches.delete(name))),
  );
}
