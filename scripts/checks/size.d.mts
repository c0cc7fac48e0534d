export declare const budgets: { entryGzip: number; blankGzip: number };
export interface SizeRow { path: string; status: number; raw: number; sent: number; gzip: number }
export declare function checkSize(): Promise<{
  source: string;
  blank: SizeRow[];
  blankGzip: number;
  humanBlankGzip: number;
  entryGzip: number;
  entry: string;
  models: Record<string, string[]>;
  checks: { name: string; ok: boolean; value: string }[];
}>;
