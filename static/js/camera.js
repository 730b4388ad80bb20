// Photos from the phone camera, scaled down on the phone before upload (long side 2048 px)
// so a visit's photos go up in seconds on a weak signal. A JPEG keeps its EXIF block (time
// taken, GPS, orientation: the server reads them, then strips them from what it serves); the
// pixels stay unrotated so the copied orientation tag still describes them.

export const LONG_SIDE = 2048;
const QUALITY = 0.85;

function isJpeg(bytes) {
  return bytes[0] === 0xff && bytes[1] === 0xd8;
}

/** The APP1 "Exif" segment of a JPEG (marker included), or null. */
export function exifSegment(bytes) {
  let offset = 2;
  while (offset + 4 <= bytes.length && bytes[offset] === 0xff) {
    const marker = bytes[offset + 1];
    if (marker === 0xda || marker === 0xd9) break; // image data starts: no more metadata
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    const id = String.fromCharCode(...bytes.subarray(offset + 4, offset + 10));
    if (marker === 0xe1 && id === 'Exif\0\0') return bytes.subarray(offset, offset + 2 + length);
    offset += 2 + length;
  }
  return null;
}

/** `jpeg` with `segment` put right after its start marker (in place of a JFIF APP0). */
function withSegment(jpeg, segment) {
  let rest = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) rest += 2 + ((jpeg[4] << 8) | jpeg[5]);
  return new Blob([jpeg.subarray(0, 2), segment, jpeg.subarray(rest)], { type: 'image/jpeg' });
}

async function encode(bitmap, width, height) {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
    return canvas.convertToBlob({ type: 'image/jpeg', quality: QUALITY });
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
}

// HEIC/HEIF brands (an ISO-BMFF `ftyp` box): photos of phones whose browser cannot decode them
const HEIF_BRANDS = ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'];

/** Whether the bytes start like a HEIC/HEIF photo. */
export function isHeif(bytes) {
  const text = (from, to) => String.fromCharCode(...bytes.subarray(from, to));
  return bytes.length >= 12 && text(4, 8) === 'ftyp' && HEIF_BRANDS.includes(text(8, 12));
}

/** A chosen file that is no photo: refused on the phone, never queued (issue 11). */
export class NotAPhoto extends Error {
  constructor(name) {
    super(`“${name}” is not a photo this app can send: choose or take a JPEG, PNG, WebP or HEIC photo.`);
    this.name = 'NotAPhoto';
  }
}

/**
 * {blob, width, height, scaled}: the photo with its long side at most 2048 px. HEIC, which
 * some browsers cannot decode, goes up as it is (the server converts it); any other file the
 * browser cannot decode is no image and throws NotAPhoto.
 */
export async function scalePhoto(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'none' });
  } catch (error) {
    if (!isHeif(bytes)) throw new NotAPhoto(file.name || 'The file');
    return { blob: file, width: null, height: null, scaled: false };
  }
  const { width, height } = bitmap;
  const scale = Math.min(1, LONG_SIDE / Math.max(width, height));
  if (scale === 1 && isJpeg(bytes)) {
    bitmap.close();
    return { blob: new Blob([bytes], { type: 'image/jpeg' }), width, height, scaled: false };
  }
  const size = [Math.round(width * scale), Math.round(height * scale)];
  const encoded = await encode(bitmap, ...size);
  bitmap.close();
  const exif = isJpeg(bytes) ? exifSegment(bytes) : null;
  const blob = exif ? withSegment(new Uint8Array(await encoded.arrayBuffer()), exif) : encoded;
  return { blob, width: size[0], height: size[1], scaled: true };
}
