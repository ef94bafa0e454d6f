import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodePng } from './png';

/**
 * Draws the Teams app icons once; the PNGs are committed in appPackage/. Run again only to change
 * the design: `npx tsx scripts/make-icons.ts`. The symbol is a ring with a check mark (a claim
 * done), drawn from distance functions with 4×4 supersampling so its edges are smooth.
 */

const BRAND = { r: 0x0f, g: 0x6c, b: 0xbd };
const SAMPLES = 4;

interface Point {
  x: number;
  y: number;
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const abx = b.x - a.x;
  const aby = b.y - a.y;
  const t = Math.max(0, Math.min(1, ((p.x - a.x) * abx + (p.y - a.y) * aby) / (abx * abx + aby * aby)));
  return Math.hypot(p.x - (a.x + t * abx), p.y - (a.y + t * aby));
}

/** Whether a point (in units of the icon's size, 0..1) is on the symbol: a ring and a check mark. */
function onSymbol(p: Point, radius: number, stroke: number): boolean {
  const ring = Math.abs(Math.hypot(p.x - 0.5, p.y - 0.5) - radius) <= stroke / 2;
  const scale = radius / 0.3;
  const at = (x: number, y: number): Point => ({ x: 0.5 + x * scale, y: 0.5 + y * scale });
  const [start, corner, end] = [at(-0.13, 0.01), at(-0.035, 0.105), at(0.14, -0.09)] as [Point, Point, Point];
  const check = Math.min(distanceToSegment(p, start, corner), distanceToSegment(p, corner, end)) <= stroke / 2;
  return ring || check;
}

/** Share of each pixel covered by the symbol, 0..1. */
function coverage(size: number, radius: number, stroke: number): Float64Array {
  const covered = new Float64Array(size * size);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let hits = 0;
      for (let sy = 0; sy < SAMPLES; sy += 1) {
        for (let sx = 0; sx < SAMPLES; sx += 1) {
          if (onSymbol({ x: (x + (sx + 0.5) / SAMPLES) / size, y: (y + (sy + 0.5) / SAMPLES) / size }, radius, stroke)) hits += 1;
        }
      }
      covered[y * size + x] = hits / (SAMPLES * SAMPLES);
    }
  }
  return covered;
}

/** 192×192, full colour: the white symbol on the brand colour, filling the whole square as Teams expects. */
function colorIcon(): Buffer {
  const size = 192;
  const covered = coverage(size, 0.25, 0.055);
  const rgba = new Uint8Array(size * size * 4);
  covered.forEach((share, i) => {
    rgba[i * 4] = Math.round(BRAND.r + (255 - BRAND.r) * share);
    rgba[i * 4 + 1] = Math.round(BRAND.g + (255 - BRAND.g) * share);
    rgba[i * 4 + 2] = Math.round(BRAND.b + (255 - BRAND.b) * share);
    rgba[i * 4 + 3] = 255;
  });
  return encodePng(size, size, rgba);
}

/** 32×32 outline: white on transparent, as Teams requires. */
function outlineIcon(): Buffer {
  const size = 32;
  const covered = coverage(size, 0.4, 0.085);
  const rgba = new Uint8Array(size * size * 4);
  covered.forEach((share, i) => {
    rgba.fill(255, i * 4, i * 4 + 3);
    rgba[i * 4 + 3] = Math.round(255 * share);
  });
  return encodePng(size, size, rgba);
}

const dir = path.join(__dirname, '..', 'appPackage');
writeFileSync(path.join(dir, 'color.png'), colorIcon());
writeFileSync(path.join(dir, 'outline.png'), outlineIcon());
console.log(`wrote ${path.join(dir, 'color.png')} and ${path.join(dir, 'outline.png')}`);
