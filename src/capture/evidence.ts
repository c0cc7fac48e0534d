import type { Box } from '../face/detector.ts';

/** A box in fractions of the track's width and height (0..1), so it holds whatever size the clip is replayed at. */
export type NormalisedBox = [x: number, y: number, width: number, height: number];

export type EvidenceEvent =
  | { type: 'state'; state: string }
  | { type: 'hint'; hint: string }
  | { type: 'action_started'; action: string }
  | { type: 'recording_started'; action: string; mime: string }
  | { type: 'action_passed'; action: string; box?: NormalisedBox }
  | { type: 'action_failed'; action: string; code: string }
  /**
   * The action ran again: the page was hidden during it (its clip was discarded), or the recorder failed after its
   * safety-net frames had been dropped.
   */
  | { type: 'action_interrupted'; action: string; reason: 'page_hidden' | 'recorder_failed' }
  /** The action's medium is a frame sequence instead of a video, and why (see RecorderFallbackReason). */
  | { type: 'recorder_fallback'; action: string; reason: string }
  | { type: 'clip'; action: string; bytes: number; durationMs: number }
  | { type: 'best_shot'; action: string; box: NormalisedBox; score: number }
  | { type: 'visibility'; visible: boolean }
  | { type: 'orientation'; orientation: string }
  | { type: 'cancelled' };

/** One timeline entry: ms since the capture started, the wall-clock time, and the event. */
export type EvidenceEntry = EvidenceEvent & { t: number; at: string };

export function normaliseBox(box: Box, width: number, height: number): NormalisedBox {
  const r = (v: number) => Math.round(v * 10000) / 10000;
  return [r(box.x / width), r(box.y / height), r(box.width / width), r(box.height / height)];
}

/** The timestamped evidence timeline of one capture. */
export class EvidenceLog {
  readonly startedAt = performance.now();
  readonly entries: EvidenceEntry[] = [];

  add(event: EvidenceEvent): EvidenceEntry {
    const entry = { ...event, t: Math.round(performance.now() - this.startedAt), at: new Date().toISOString() } as EvidenceEntry;
    this.entries.push(entry);
    return entry;
  }

  toJSON(): EvidenceEntry[] {
    return this.entries;
  }
}
