// Room on this phone (issue 11): ask the browser to keep the app's data (persistent storage,
// so it is not evicted under pressure), tell a full storage apart from other failures, and
// say how many photos still fit, well before the limit.

export const PHOTO_BYTES = 1_000_000; // a photo scaled to 2048 px (JPEG at 0.85): 0.4 to 1 MB
export const WARN_BELOW_PHOTOS = 25; // warn while there is still room for a whole visit or two

/** Ask once that the browser keep this site's data; answers whether it will. */
export async function askToKeepData() {
  const storage = navigator.storage;
  if (!storage || !storage.persist) return false;
  try {
    return (await storage.persisted()) || (await storage.persist());
  } catch (error) {
    return false; // the browser decides: the app works without it
  }
}

/** Whether an error (IndexedDB's, or idb's wrapping of it) says the storage is full. */
export function isQuotaError(error) {
  const names = [error && error.name, error && error.inner && error.inner.name];
  return names.includes('QuotaExceededError');
}

/** How many photos of `photoBytes` still fit, or null when the browser does not say. */
export async function roomForPhotos(photoBytes = PHOTO_BYTES) {
  const storage = navigator.storage;
  if (!storage || !storage.estimate) return null;
  const { usage = 0, quota = 0 } = await storage.estimate();
  if (!quota) return null;
  return Math.max(0, Math.floor((quota - usage) / Math.max(photoBytes, 1)));
}

/** "Storage is nearly full: room for about 3 more photos…", or null while there is room. */
export async function roomWarning(photoBytes = PHOTO_BYTES) {
  const room = await roomForPhotos(photoBytes);
  if (room === null || room >= WARN_BELOW_PHOTOS) return null;
  const free = 'Send what waits in the outbox and free space on the phone.';
  if (room === 0) return `This phone has no room left for another photo. ${free}`;
  const photos = `${room} more photo${room === 1 ? '' : 's'}`;
  return `Storage on this phone is nearly full: room for about ${photos}. ${free}`;
}
