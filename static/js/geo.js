// Where the visit started, when the auditor's phone allows it (proof of visit, DESIGN §7).

/** {lat, lon, accuracy} or null when denied, unavailable or too slow. */
export function locate(timeoutMs = 15000) {
  if (!('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (position) =>
        resolve({
          lat: position.coords.latitude,
          lon: position.coords.longitude,
          accuracy: Math.round(position.coords.accuracy * 10) / 10,
        }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60000 },
    );
  });
}
