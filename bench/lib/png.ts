/**
 * A tiny RGB raster with rectangles and bitmap text, and its PNG encoding (8-bit RGB, no filter,
 * zlib deflate), enough for one bar chart without an image library.
 */
import { crc32, deflateSync } from 'node:zlib';
import { GLYPH_HEIGHT, GLYPH_WIDTH, GLYPHS } from './font.js';

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/** A width × height RGB image, white to begin with. */
export class Raster {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.pixels = new Uint8Array(width * height * 3).fill(255);
  }

  /** Fills the rectangle [x, x+w) × [y, y+h), clipped to the image. */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let row = y0; row < y1; row += 1) {
      for (let column = x0; column < x1; column += 1) {
        const index = (row * this.width + column) * 3;
        this.pixels[index] = color[0];
        this.pixels[index + 1] = color[1];
        this.pixels[index + 2] = color[2];
      }
    }
  }

  /** Width in pixels of `text` at the given scale. */
  static textWidth(text: string, scale: number): number {
    return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
  }

  /** Draws upper-cased text with its top-left corner at (x, y); unknown characters are blank. */
  text(x: number, y: number, text: string, scale: number, color: Rgb): void {
    let cursor = x;
    for (const character of text.toUpperCase()) {
      const rows = GLYPHS[character];
      if (rows !== undefined) {
        rows.forEach((bits, row) => {
          for (let column = 0; column < GLYPH_WIDTH; column += 1) {
            if ((bits >> (GLYPH_WIDTH - 1 - column)) & 1) {
              this.fillRect(cursor + column * scale, y + row * scale, scale, scale, color);
            }
          }
        });
      }
      cursor += (GLYPH_WIDTH + 1) * scale;
    }
  }

  /** Height in pixels of one line of text at the given scale. */
  static textHeight(scale: number): number {
    return GLYPH_HEIGHT * scale;
  }

  /** The image as a PNG file. */
  toPng(): Buffer {
    const stride = this.width * 3;
    const raw = Buffer.alloc((stride + 1) * this.height);
    for (let row = 0; row < this.height; row += 1) {
      raw[row * (stride + 1)] = 0; // filter type: none
      raw.set(this.pixels.subarray(row * stride, (row + 1) * stride), row * (stride + 1) + 1);
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header[8] = 8; // bits per channel
    header[9] = 2; // colour type: RGB
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(raw, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData) >>> 0, 0);
  return Buffer.concat([length, typeAndData, crc]);
}
