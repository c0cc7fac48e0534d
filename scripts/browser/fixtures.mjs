// Turns the camera scenes kept as compact JPEGs in test/fixtures/camera/ into the one-frame .y4m files that
// Chromium's fake camera plays (--use-file-for-fake-video-capture). Output goes to .cache/camera/ and is reused
// while it is newer than its source.
import { readFileSync, writeFileSync, mkdirSync, statSync, readdirSync, existsSync, copyFileSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sourceDir = join(root, 'test/fixtures/camera');
export const outDir = join(root, '.cache/camera');

/** RGBA pixels -> one-frame YUV4MPEG2 (4:2:0, BT.601 limited range, as ffmpeg writes by default). */
export function rgbaToY4m({ width, height, data }, fps = 15) {
  if (width % 2 || height % 2) throw new Error(`y4m needs even sizes, got ${width}x${height}`);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg XYSCSS=420JPEG\nFRAME\n`);
  const y = Buffer.alloc(width * height);
  const cw = width / 2, ch = height / 2;
  const u = Buffer.alloc(cw * ch), v = Buffer.alloc(cw * ch);
  const clamp = (x) => (x < 0 ? 0 : x > 255 ? 255 : Math.round(x));
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const p = (j * width + i) * 4;
      y[j * width + i] = clamp(16 + (65.481 * data[p] + 128.553 * data[p + 1] + 24.966 * data[p + 2]) / 255);
    }
  }
  for (let j = 0; j < ch; j++) {
    for (let i = 0; i < cw; i++) {
      let r = 0, g = 0, b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const p = ((2 * j + dy) * width + 2 * i + dx) * 4;
        r += data[p]; g += data[p + 1]; b += data[p + 2];
      }
      r /= 4; g /= 4; b /= 4;
      u[j * cw + i] = clamp(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      v[j * cw + i] = clamp(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  return Buffer.concat([header, y, u, v]);
}

const fresh = (out, src) => existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs;

/** Makes every scene and returns { sceneName: absolutePath }. */
export function prepareScenes() {
  mkdirSync(outDir, { recursive: true });
  const scenes = {};
  for (const file of readdirSync(sourceDir)) {
    const src = join(sourceDir, file);
    if (file.endsWith('.jpg')) {
      const out = join(outDir, basename(file, '.jpg') + '.y4m');
      if (!fresh(out, src)) writeFileSync(out, rgbaToY4m(jpeg.decode(readFileSync(src), { useTArray: true })));
      scenes[basename(file, '.jpg')] = out;
    } else if (file.endsWith('.mjpeg')) {
      // Copied every run (about 1 MB): a copy's time stamp says nothing about whether the source changed.
      const out = join(outDir, file);
      copyFileSync(src, out);
      scenes[basename(file, '.mjpeg')] = out;
    }
  }
  return scenes;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [name, path] of Object.entries(prepareScenes())) console.log(`${name.padEnd(16)} ${path}`);
}
