import { mkdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type TokenKind = 'access' | 'refresh';

export interface TokenRow {
  token_hash: string;
  kind: TokenKind;
  user_id: string;
  expires_at: number;
}

export type SessionUse = 'ok' | 'unknown' | 'replayed' | 'expired';

export interface SessionRow {
  sid: string;
  owner_id: string;
  origin: string | null;
  issued_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface FolderRow {
  folder_id: string;
  owner_id: string;
  /** Session whose token created it; that token may read it back (the element polls with it). */
  session_sid: string | null;
  meta_data: string;
  technical_meta_data: string;
  time_created: number;
  time_updated: number;
}

export interface MediaRow {
  media_id: string;
  folder_id: string;
  tags: string;
  original_name: string;
  size: number;
  sha256: string;
  media_type: string;
  mime: string;
  detected: string;
  well_formed: number;
  time_created: number;
}

export interface AnalysisRow {
  analysis_id: string;
  folder_id: string;
  type: string;
  state: string;
  resolution_status: string;
  /** The resolution the analysis ends with once a forced PROCESSING phase is over. */
  final_resolution: string;
  polls_left: number;
  ready_at: number;
  results_data: string;
  results_media: string;
  time_created: number;
  time_updated: number;
}

export interface NewFolder {
  folder: FolderRow;
  media: Array<MediaRow & { data: Uint8Array }>;
  analyses: AnalysisRow[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tokens (
  token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  sid TEXT PRIMARY KEY, owner_id TEXT NOT NULL, origin TEXT, issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  used_at INTEGER);
CREATE TABLE IF NOT EXISTS folders (
  folder_id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, session_sid TEXT, meta_data TEXT NOT NULL,
  technical_meta_data TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS folders_owner ON folders (owner_id, time_created);
CREATE TABLE IF NOT EXISTS media (
  media_id TEXT PRIMARY KEY, folder_id TEXT NOT NULL REFERENCES folders (folder_id), tags TEXT NOT NULL,
  original_name TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, media_type TEXT NOT NULL, mime TEXT NOT NULL,
  detected TEXT NOT NULL, well_formed INTEGER NOT NULL, time_created INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS media_folder ON media (folder_id);
CREATE TABLE IF NOT EXISTS analyses (
  analysis_id TEXT PRIMARY KEY, folder_id TEXT NOT NULL REFERENCES folders (folder_id), type TEXT NOT NULL,
  state TEXT NOT NULL, resolution_status TEXT NOT NULL, final_resolution TEXT NOT NULL, polls_left INTEGER NOT NULL,
  ready_at INTEGER NOT NULL, results_data TEXT NOT NULL, results_media TEXT NOT NULL, time_created INTEGER NOT NULL,
  time_updated INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS analyses_folder ON analyses (folder_id);
`;

/** SQLite for records, plain files for media bytes (data/media/<folder_id>/<media_id>). */
export class Store {
  private readonly db: Database.Database;
  readonly mediaDir: string;

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.mediaDir = join(dataDir, 'media');
    this.db = new Database(join(dataDir, 'emulator.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  insertToken(row: TokenRow): void {
    this.db.prepare('INSERT INTO tokens (token_hash, kind, user_id, expires_at) VALUES (?, ?, ?, ?)').run(
      row.token_hash,
      row.kind,
      row.user_id,
      row.expires_at,
    );
  }

  getToken(tokenHash: string): TokenRow | undefined {
    return this.db.prepare<TokenRow>('SELECT * FROM tokens WHERE token_hash = ?').get(tokenHash);
  }

  deleteToken(tokenHash: string): void {
    this.db.prepare('DELETE FROM tokens WHERE token_hash = ?').run(tokenHash);
  }

  insertSession(row: SessionRow): void {
    this.db
      .prepare('INSERT INTO sessions (sid, owner_id, origin, issued_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, NULL)')
      .run(row.sid, row.owner_id, row.origin, row.issued_at, row.expires_at);
  }

  getSession(sid: string): SessionRow | undefined {
    return this.db.prepare<SessionRow>('SELECT * FROM sessions WHERE sid = ?').get(sid);
  }

  /** Marks a session used. One statement, so of two concurrent uploads of one session exactly one gets 'ok'. */
  consumeSession(sid: string, now: number): SessionUse {
    const changed = this.db
      .prepare('UPDATE sessions SET used_at = ? WHERE sid = ? AND used_at IS NULL AND expires_at > ?')
      .run(now, sid, now).changes;
    if (changed === 1) return 'ok';
    const row = this.getSession(sid);
    if (!row) return 'unknown';
    return row.used_at !== null ? 'replayed' : 'expired';
  }

  /** Writes the media files, then the rows in one transaction; a failure leaves neither behind. */
  async insertFolder({ folder, media, analyses }: NewFolder): Promise<void> {
    const dir = join(this.mediaDir, folder.folder_id);
    try {
      await mkdir(dir, { recursive: true });
      await Promise.all(media.map((m) => writeFile(join(dir, m.media_id), m.data)));
      this.db.transaction(() => {
        this.db
          .prepare(
            `INSERT INTO folders (folder_id, owner_id, session_sid, meta_data, technical_meta_data, time_created, time_updated)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(folder.folder_id, folder.owner_id, folder.session_sid, folder.meta_data, folder.technical_meta_data, folder.time_created, folder.time_updated);
        const insertMedia = this.db.prepare(
          `INSERT INTO media (media_id, folder_id, tags, original_name, size, sha256, media_type, mime, detected, well_formed, time_created)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const m of media) {
          insertMedia.run(m.media_id, m.folder_id, m.tags, m.original_name, m.size, m.sha256, m.media_type, m.mime, m.detected, m.well_formed, m.time_created);
        }
        for (const a of analyses) this.insertAnalysisRow(a);
      })();
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  insertAnalyses(rows: AnalysisRow[]): void {
    this.db.transaction(() => {
      for (const row of rows) this.insertAnalysisRow(row);
    })();
  }

  private insertAnalysisRow(a: AnalysisRow): void {
    this.db
      .prepare(
        `INSERT INTO analyses (analysis_id, folder_id, type, state, resolution_status, final_resolution, polls_left, ready_at,
           results_data, results_media, time_created, time_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(a.analysis_id, a.folder_id, a.type, a.state, a.resolution_status, a.final_resolution, a.polls_left, a.ready_at, a.results_data, a.results_media, a.time_created, a.time_updated);
  }

  getFolder(folderId: string): FolderRow | undefined {
    return this.db.prepare<FolderRow>('SELECT * FROM folders WHERE folder_id = ?').get(folderId);
  }

  /** Folders of one owner (or of all, for `ownerId` null) whose meta_data holds every key==value pair given. */
  findFolders(ownerId: string | null, meta: Array<[string, string]>, limit: number, offset: number): FolderRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (ownerId !== null) {
      where.push('owner_id = ?');
      params.push(ownerId);
    }
    for (const [key, value] of meta) {
      // json_each keeps the key a bound parameter: no JSON path is built from user input.
      where.push(
        `EXISTS (SELECT 1 FROM json_each(folders.meta_data) AS m WHERE m.key = ? AND m.type NOT IN ('object', 'array')
           AND CAST(m.value AS TEXT) = ?)`,
      );
      params.push(key, value);
    }
    const sql = `SELECT * FROM folders ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY time_created DESC, rowid DESC LIMIT ? OFFSET ?`;
    return this.db.prepare<FolderRow>(sql).all(...params, limit, offset);
  }

  listMedia(folderId: string): MediaRow[] {
    return this.db.prepare<MediaRow>('SELECT * FROM media WHERE folder_id = ? ORDER BY rowid').all(folderId);
  }

  listAnalyses(folderId: string): AnalysisRow[] {
    return this.db.prepare<AnalysisRow>('SELECT * FROM analyses WHERE folder_id = ? ORDER BY rowid').all(folderId);
  }

  getAnalysis(analysisId: string): AnalysisRow | undefined {
    return this.db.prepare<AnalysisRow>('SELECT * FROM analyses WHERE analysis_id = ?').get(analysisId);
  }

  updateAnalysis(row: AnalysisRow): void {
    this.db
      .prepare(
        `UPDATE analyses SET state = ?, resolution_status = ?, polls_left = ?, results_data = ?, results_media = ?,
           time_updated = ? WHERE analysis_id = ?`,
      )
      .run(row.state, row.resolution_status, row.polls_left, row.results_data, row.results_media, row.time_updated, row.analysis_id);
  }

  touchFolder(folderId: string, time: number): void {
    this.db.prepare('UPDATE folders SET time_updated = ? WHERE folder_id = ?').run(time, folderId);
  }
}
