import type { CheckResult, Folder, ResultMode } from './types.ts';

/** True while the API has not finished the folder's analyses (the element keeps polling). */
export function isProcessing(folder: Folder): boolean {
  if (folder.resolution_status === 'PROCESSING' || folder.resolution_status === 'INITIAL') return true;
  return (folder.analyses ?? []).some((a) => a.state === 'PROCESSING');
}

/**
 * The result a page may see. `safe` (the production default) says only whether the check finished, so no verdict
 * reaches the client; `status` adds the quality analysis; `folder` adds the folder id for the host's backend.
 */
export function filterResult(folder: Folder, mode: ResultMode): CheckResult {
  const state = isProcessing(folder) ? 'processing' : folder.resolution_status === 'FAILED' ? 'failed' : 'finished';
  const result: CheckResult = { state };
  if (mode === 'safe') return result;
  const quality = (folder.analyses ?? []).find((a) => a.type === 'quality');
  if (quality) result.analyses = { quality: { state: quality.state, resolution: quality.resolution_status ?? null } };
  if (mode === 'folder') result.folder_id = folder.folder_id;
  return result;
}
