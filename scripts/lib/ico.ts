// A Windows icon (.ico) holding PNG images, one per size: the format every browser and Windows
// since Vista read. ICONDIR (6 bytes), one 16-byte ICONDIRENTRY per image, then the PNGs.

export interface IcoImage {
  /** Square size in pixels, 1–256. */
  size: number;
  png: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  if (!PNG_SIGNATURE.every((byte, i) => png[i] === byte)) throw new Error("not a PNG");
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export function encodeIco(images: readonly IcoImage[]): Uint8Array {
  if (images.length === 0) throw new Error("an icon needs at least one image");
  const headerSize = 6 + 16 * images.length;
  const out = new Uint8Array(headerSize + images.reduce((sum, image) => sum + image.png.byteLength, 0));
  const view = new DataView(out.buffer);
  view.setUint16(0, 0, true); // reserved
  view.setUint16(2, 1, true); // 1 = icon
  view.setUint16(4, images.length, true);
  let offset = headerSize;
  images.forEach((image, i) => {
    const { width, height } = pngSize(image.png);
    if (width !== image.size || height !== image.size) throw new Error(`the ${image.size}px image is ${width}×${height}`);
    if (image.size < 1 || image.size > 256) throw new Error(`an icon image is 1–256 px, not ${image.size}`);
    const entry = 6 + 16 * i;
    view.setUint8(entry, image.size % 256); // 0 means 256
    view.setUint8(entry + 1, image.size % 256);
    view.setUint8(entry + 2, 0); // no palette
    view.setUint8(entry + 3, 0);
    view.setUint16(entry + 4, 1, true); // colour planes
    view.setUint16(entry + 6, 32, true); // bits per pixel
    view.setUint32(entry + 8, image.png.byteLength, true);
    view.setUint32(entry + 12, offset, true);
    out.set(image.png, offset);
    offset += image.png.byteLength;
  });
  return out;
}

/** The sizes an .ico holds, read back from its directory (for tests and checks). */
export function icoSizes(ico: Uint8Array): number[] {
  const view = new DataView(ico.buffer, ico.byteOffset, ico.byteLength);
  if (view.getUint16(0, true) !== 0 || view.getUint16(2, true) !== 1) throw new Error("not an icon file");
  return Array.from({ length: view.getUint16(4, true) }, (_, i) => view.getUint8(6 + 16 * i) || 256);
}
