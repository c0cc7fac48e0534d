/** Every camera scene the tests play, as images: the still scenes, then every tenth frame of the approach sequence. */
export const stills = ['face-frontal', 'face-far', 'face-close', 'face-offcenter', 'two-faces', 'face-dark', 'no-face'];

export async function scenes(): Promise<{ name: string; image: ImageBitmap }[]> {
  const out = [];
  for (const name of stills) out.push({ name, image: await createImageBitmap(await (await fetch(`/test/fixtures/camera/${name}.jpg`)).blob()) });
  // The approach sequence is a run of JPEGs, each from its start-of-image marker (FF D8 FF) to the next.
  const bytes = new Uint8Array(await (await fetch('/test/fixtures/camera/face-zoom.mjpeg')).arrayBuffer());
  const starts: number[] = [];
  for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === 0xff && bytes[i + 1] === 0xd8 && bytes[i + 2] === 0xff) starts.push(i);
  for (let f = 0; f < starts.length; f += 10) {
    const jpeg = bytes.slice(starts[f], starts[f + 1] ?? bytes.length);
    out.push({ name: `face-zoom#${f}`, image: await createImageBitmap(new Blob([jpeg], { type: 'image/jpeg' })) });
  }
  return out;
}

