/** The API's error body, as the vendor documents it. */
export interface ApiErrorBody {
  error_code: number;
  error_message: string;
  details?: unknown;
}

export type AnalysisState = 'PROCESSING' | 'FAILED' | 'FINISHED';
export type AnalysisResolution = 'SUCCESS' | 'DECLINED' | 'OPERATOR_REQUIRED';
export type FolderResolution = 'INITIAL' | 'PROCESSING' | 'FAILED' | 'FINISHED';

export interface Analysis {
  analysis_id: string;
  type: string;
  state: AnalysisState;
  resolution_status?: AnalysisResolution | null;
  [field: string]: unknown;
}

export interface Folder {
  folder_id: string;
  resolution_status: FolderResolution;
  meta_data?: Record<string, unknown>;
  technical_meta_data?: Record<string, unknown>;
  time_created?: string | number;
  analyses?: Analysis[];
  [field: string]: unknown;
}

export type ResultMode = 'safe' | 'status' | 'folder';

/** What `complete` and `result` events carry, filtered by `result-mode` as the vendor's SDK does. */
export interface CheckResult {
  state: 'processing' | 'finished' | 'failed';
  analyses?: { quality?: { state: AnalysisState; resolution: AnalysisResolution | null } };
  folder_id?: string;
}
