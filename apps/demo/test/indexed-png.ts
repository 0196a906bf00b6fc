// A small palette (indexed-colour) PNG writer for the README screenshots: a page of flat UI
// colours fits in 256 colours, and an 8-bit indexed PNG is a third to a fifth of the RGBA one.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), Buffer.from(data)]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/**
 * Quantises RGBA pixels (alpha ignored) to at most 256 colours — the most frequent colours at
 * 5-6-5 bits, each pixel mapped to its nearest palette entry — and encodes an indexed PNG.
 */
export function encodeIndexedPng(rgba: Uint8Array, width: number, height: number): Buffer {
  const pixels = width * height;
  const key = (i: number): number => (((rgba[4 * i] as number) >> 3) << 11) | (((rgba[4 * i + 1] as number) >> 2) << 5) | ((rgba[4 * i + 2] as number) >> 3);
  const counts = new Uint32Array(65536);
  const sums = new Float64Array(65536 * 3);
  for (let i = 0; i < pixels; i++) {
    const k = key(i);
    counts[k] = (counts[k] as number) + 1;
    sums[3 * k] = (sums[3 * k] as number) + (rgba[4 * i] as number);
    sums[3 * k + 1] = (sums[3 * k + 1] as number) + (rgba[4 * i + 1] as number);
    sums[3 * k + 2] = (sums[3 * k + 2] as number) + (rgba[4 * i + 2] as number);
  }
  const used = [...counts.keys()].filter((k) => (counts[k] as number) > 0).sort((a, b) => (counts[b] as number) - (counts[a] as number));
  const palette = used.slice(0, 256).map((k) => [0, 1, 2].map((c) => Math.round((sums[3 * k + c] as number) / (counts[k] as number))) as [number, number, number]);
  const nearest = new Int16Array(65536).fill(-1);
  const indexOf = (k: number): number => {
    const cached = nearest[k] as number;
    if (cached >= 0) return cached;
    const r = (sums[3 * k] as number) / (counts[k] as number);
    const g = (sums[3 * k + 1] as number) / (counts[k] as number);
    const b = (sums[3 * k + 2] as number) / (counts[k] as number);
    let best = 0;
    let bestDistance = Infinity;
    palette.forEach(([pr, pg, pb], index) => {
      // Weighted like the eye: green counts most.
      const distance = 2 * (pr - r) ** 2 + 4 * (pg - g) ** 2 + 3 * (pb - b) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = index;
      }
    });
    nearest[k] = best;
    return best;
  };
  // Filter type 0 per row, then the palette indices.
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = indexOf(key(y * width + x));
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 3; // colour type: palette
  const plte = Uint8Array.from(palette.flat());
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}
