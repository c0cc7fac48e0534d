import { createHash, randomUUID } from 'node:crypto';
import { FORCED_RESOLUTIONS, type EmulatorConfig, type ForcedResolution, type PageResultMode } from './config.ts';
import { ApiCode, ApiError } from './errors.ts';
import { claimedType, detectFormat, isWellFormed, mediaKind } from './media.ts';
import type { AnalysisRow, FolderRow, MediaRow, Store } from './store.ts';

/** One medium of an upload, whichever form (container or multipart) it came in. */
export interface IncomingMedium {
  originalName: string;
  tags: string[];
  mime: string;
  data: Uint8Array;
}

export interface IncomingFolder {
  media: IncomingMedium[];
  metaData: Record<string, unknown>;
  technical: Record<string, unknown>;
  /** The payload's `analyses` request, if any; a quality analysis otherwise. */
  analyses: unknown;
  /** true: a container opened and verified; null: a multipart form (nothing to authenticate). */
  authentic: boolean | null;
  ownerId: string;
  sessionSid: string | null;
}

/**
 * Who reads: an account sees everything; a page (a session token alone) sees the states (`safe`) and, when the
 * emulator is configured so, each analysis's resolution (`status`), never the results behind it.
 */
export type FolderView = 'account' | PageResultMode;

/** Per-folder switches, read from `folder:meta_data` when `metaSwitches` is on (documented in docs/emulator.md). */
export const RESOLUTION_META_KEY = 'emulator_resolution';
export const POLLS_META_KEY = 'emulator_processing_polls';

const CONFIDENCE: Record<string, number> = { SUCCESS: 0, OPERATOR_REQUIRED: 0.5, DECLINED: 1 };
const NOT_REALIZED = new Set(['biometry', 'documents', 'blacklist', 'collection']);

type Json = Record<string, unknown>;
const parse = (text: string) => JSON.parse(text) as Json;
const seconds = (ms: number) => ms / 1000;

interface AnalysisPlan {
  forced: ForcedResolution;
  polls: number;
}

/** Folders and their quality analyses: creation, the vendor's JSON shape, and the forced-resolution switch. */
export class Folders {
  constructor(
    private readonly config: EmulatorConfig,
    private readonly store: Store,
    private readonly clock: () => number,
  ) {}

  /** Checks the switches and the analyses asked for, so a bad request is refused before a session is used up. */
  check(metaData: Record<string, unknown>, analyses: unknown): { plan: AnalysisPlan; types: string[] } {
    return { plan: this.#plan(metaData), types: analysisTypes(analyses ?? [{ type: 'quality' }]) };
  }

  /** Builds the folder, stores it unless `instant`, and answers with its analyses (single-request mode). */
  async create(input: IncomingFolder, instant: boolean, view: FolderView): Promise<Json> {
    const { plan, types } = this.check(input.metaData, input.analyses);
    const now = this.clock();
    const folderId = randomUUID();
    const folder: FolderRow = {
      folder_id: folderId,
      owner_id: input.ownerId,
      session_sid: input.sessionSid,
      meta_data: JSON.stringify(input.metaData),
      technical_meta_data: JSON.stringify(input.technical),
      time_created: now,
      time_updated: now,
    };
    const media = input.media.map((m) => {
      const format = detectFormat(m.data);
      const type = claimedType(m.tags, m.mime);
      return {
        media_id: randomUUID(),
        folder_id: folderId,
        tags: JSON.stringify(m.tags),
        original_name: m.originalName,
        size: m.data.byteLength,
        sha256: createHash('sha256').update(m.data).digest('hex'),
        media_type: type,
        mime: m.mime,
        detected: format,
        well_formed: isWellFormed(type, format, m.data) ? 1 : 0,
        time_created: now,
        data: m.data,
      };
    });
    const analyses = types.map(() => this.#analysis(folderId, media, input.authentic, plan, instant));
    if (!instant) await this.store.insertFolder({ folder, media, analyses });
    return this.#present(folder, media, analyses, true, view);
  }

  /** A stored folder as the vendor shows it; reading it advances analyses held in PROCESSING. */
  read(folder: FolderRow, withAnalyses: boolean, view: FolderView): Json {
    const analyses = this.store.listAnalyses(folder.folder_id).map((a) => this.#advance(a));
    return this.#present(folder, this.store.listMedia(folder.folder_id), analyses, withAnalyses, view);
  }

  readAnalysis(row: AnalysisRow, view: FolderView): Json {
    return presentAnalysis(this.#advance(row), view);
  }

  /** `POST /api/folders/{id}/analyses/`: new analyses over the folder's stored media. */
  addAnalyses(folder: FolderRow, body: unknown): Json[] {
    const request = (body as { analyses?: unknown } | null)?.analyses;
    if (request === undefined) throw new ApiError(400, ApiCode.invalidStructure, 'body must be {"analyses":[{"type":"quality"}]}', null);
    const types = analysisTypes(request);
    const meta = parse(folder.meta_data);
    const plan = this.#plan(meta);
    const media = this.store.listMedia(folder.folder_id);
    const technical = parse(folder.technical_meta_data);
    const authentic = technical.source === 'container' ? true : null;
    const rows = types.map(() => this.#analysis(folder.folder_id, media, authentic, plan, false));
    this.store.insertAnalyses(rows);
    this.store.touchFolder(folder.folder_id, this.clock());
    return rows.map((row) => presentAnalysis(row, 'account'));
  }

  /**
   * The switch: `folder:meta_data.emulator_resolution` wins over the configured `resolution`. Only with
   * `metaSwitches`: otherwise whoever writes the meta (a page) could choose its own verdict.
   */
  #plan(meta: Record<string, unknown>): AnalysisPlan {
    if (!this.config.metaSwitches) {
      const key = [RESOLUTION_META_KEY, POLLS_META_KEY].find((k) => meta[k] !== undefined);
      if (key) {
        throw new ApiError(400, ApiCode.invalidValue, `meta_data.${key} is a test switch, and this emulator has metaSwitches off`, {
          field: `meta_data.${key}`,
          reason: 'meta_switches_off',
        });
      }
    }
    let forced = this.config.resolution;
    const requested = meta[RESOLUTION_META_KEY];
    if (requested !== undefined) {
      const value = typeof requested === 'string' ? (requested.toUpperCase() as ForcedResolution) : undefined;
      if (!value || !FORCED_RESOLUTIONS.includes(value)) {
        throw new ApiError(400, ApiCode.invalidValue, `meta_data.${RESOLUTION_META_KEY} must be one of ${FORCED_RESOLUTIONS.join(', ')}`, {
          field: `meta_data.${RESOLUTION_META_KEY}`,
        });
      }
      forced = value;
    }
    let polls = this.config.processingPolls;
    const requestedPolls = meta[POLLS_META_KEY];
    if (requestedPolls !== undefined) {
      const n = Number(requestedPolls);
      if (!Number.isInteger(n) || n < 0 || n > 1000) {
        throw new ApiError(400, ApiCode.invalidValue, `meta_data.${POLLS_META_KEY} must be an integer from 0 to 1000`, {
          field: `meta_data.${POLLS_META_KEY}`,
        });
      }
      polls = n;
    }
    return { forced, polls };
  }

  #analysis(folderId: string, media: MediaRow[], authentic: boolean | null, plan: AnalysisPlan, instant: boolean): AnalysisRow {
    const now = this.clock();
    const wellFormed = media.length > 0 && media.every((m) => m.well_formed === 1);
    const verdict = authentic !== false && wellFormed ? 'SUCCESS' : 'DECLINED';
    const imposed = plan.forced === 'AUTO' || plan.forced === 'PROCESSING' ? null : plan.forced;
    const final = imposed ?? verdict;
    // Instant folders cannot be read back, so they never stay in PROCESSING.
    const processing = plan.forced === 'PROCESSING' && !instant;
    const resultsMedia = media.map((m) => {
      const resolution = imposed ?? (m.well_formed === 1 ? 'SUCCESS' : 'DECLINED');
      return {
        source_media_id: m.media_id,
        original_name: m.original_name,
        media_type: m.media_type,
        media_kind: mediaKind(m.media_type, m.detected),
        tags: JSON.parse(m.tags) as string[],
        resolution_status: resolution,
        results_data: { confidence_spoofing: CONFIDENCE[resolution] },
      };
    });
    const resultsData = {
      confidence_spoofing: CONFIDENCE[final],
      emulator: {
        note: 'The emulator does not judge liveness: it checks that the container is authentic and the media well formed.',
        verdict,
        forced: plan.forced,
        container_authentic: authentic,
        // Which kinds of media this analysis saw: a frame sequence is not a video to whoever judges it.
        media_kinds: [...new Set(media.map((m) => mediaKind(m.media_type, m.detected)))],
        media: media.map((m) => ({ media_id: m.media_id, format: m.detected, media_kind: mediaKind(m.media_type, m.detected), well_formed: m.well_formed === 1 })),
      },
    };
    return {
      analysis_id: randomUUID(),
      folder_id: folderId,
      type: 'quality',
      state: processing ? 'PROCESSING' : 'FINISHED',
      resolution_status: processing ? 'PROCESSING' : final,
      final_resolution: final,
      polls_left: processing ? (plan.polls > 0 ? plan.polls : -1) : 0,
      ready_at: processing && this.config.processingSeconds > 0 ? now + this.config.processingSeconds * 1000 : 0,
      results_data: JSON.stringify(resultsData),
      results_media: JSON.stringify(resultsMedia),
      time_created: now,
      time_updated: now,
    };
  }

  /**
   * One read of an analysis held in PROCESSING: it stays so for `polls` more reads or until `ready_at`, whichever
   * is enabled and comes first, then finishes with its final resolution.
   */
  #advance(row: AnalysisRow): AnalysisRow {
    if (row.state !== 'PROCESSING') return row;
    const now = this.clock();
    const timeUp = row.ready_at > 0 && now >= row.ready_at;
    const pollsUp = row.polls_left === 0 || (row.polls_left === -1 && row.ready_at === 0);
    const next: AnalysisRow =
      timeUp || pollsUp
        ? { ...row, state: 'FINISHED', resolution_status: row.final_resolution, polls_left: 0, time_updated: now }
        : { ...row, polls_left: row.polls_left > 0 ? row.polls_left - 1 : row.polls_left };
    this.store.updateAnalysis(next);
    if (next.state === 'FINISHED') this.store.touchFolder(row.folder_id, now);
    return next;
  }

  #present(folder: FolderRow, media: MediaRow[], analyses: AnalysisRow[], withAnalyses: boolean, view: FolderView): Json {
    const latest = Math.max(folder.time_updated, ...analyses.map((a) => a.time_updated));
    const out: Json = {
      folder_id: folder.folder_id,
      resolution_status: folderStatus(analyses),
      meta_data: parse(folder.meta_data),
      technical_meta_data: parse(folder.technical_meta_data),
      time_created: seconds(folder.time_created),
      time_updated: seconds(latest),
      media: media.map((m) => ({
        media_id: m.media_id,
        folder_id: m.folder_id,
        original_name: m.original_name,
        media_type: m.media_type,
        media_kind: mediaKind(m.media_type, m.detected),
        tags: JSON.parse(m.tags) as string[],
        size: m.size,
        sha256: m.sha256,
        mime: m.mime,
        time_created: seconds(m.time_created),
      })),
    };
    if (withAnalyses) out.analyses = analyses.map((a) => presentAnalysis(a, view));
    return out;
  }
}

function folderStatus(analyses: AnalysisRow[]): string {
  if (analyses.length === 0) return 'INITIAL';
  if (analyses.some((a) => a.state === 'PROCESSING')) return 'PROCESSING';
  if (analyses.every((a) => a.state === 'FAILED')) return 'FAILED';
  return 'FINISHED';
}

function presentAnalysis(row: AnalysisRow, view: FolderView): Json {
  const finished = row.state === 'FINISHED';
  if (view !== 'account') {
    const seen: Json = { analysis_id: row.analysis_id, folder_id: row.folder_id, type: row.type, state: row.state };
    if (view === 'status') seen.resolution_status = row.resolution_status;
    return { ...seen, time_created: seconds(row.time_created), time_updated: seconds(row.time_updated) };
  }
  return {
    analysis_id: row.analysis_id,
    folder_id: row.folder_id,
    type: row.type,
    state: row.state,
    resolution_status: row.resolution_status,
    results_data: finished ? parse(row.results_data) : null,
    results_media: finished ? (JSON.parse(row.results_media) as unknown[]) : [],
    time_created: seconds(row.time_created),
    time_updated: seconds(row.time_updated),
  };
}

/** The analysis types asked for: quality only; the vendor's others are 2 (not realized by the emulator). */
function analysisTypes(request: unknown): string[] {
  if (!Array.isArray(request) || request.length === 0 || request.length > 16) {
    throw new ApiError(400, ApiCode.invalidStructure, 'analyses must be a list of 1 to 16 {"type": ...} objects', { field: 'analyses' });
  }
  return request.map((entry, i) => {
    const type = (entry as { type?: unknown } | null)?.type;
    if (typeof type !== 'string') throw new ApiError(400, ApiCode.invalidType, `analyses[${i}].type must be a string`, { field: `analyses[${i}].type` });
    const name = type.toLowerCase();
    if (name === 'quality') return name;
    if (NOT_REALIZED.has(name)) throw new ApiError(400, ApiCode.notRealized, `analysis type ${type} is not realized by the emulator`, { type });
    throw new ApiError(400, ApiCode.invalidValue, `unknown analysis type ${type}`, { type });
  });
}
