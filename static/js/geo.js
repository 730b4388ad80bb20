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

const EARTH_RADIUS_M = 6371008.8; // the server's mean radius (auditor/org/geo.py)

/** Metres between two {lat, lon} points along the earth's surface (haversine). */
export function distanceMetres(a, b) {
  const rad = (degrees) => (degrees * Math.PI) / 180;
  const dPhi = rad(b.lat - a.lat);
  const dLambda = rad(b.lon - a.lon);
  const h =
    Math.sin(dPhi / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLambda / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
