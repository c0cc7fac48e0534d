/** How to get a browser when none is found. */
export declare const installHint: string;
/** The Chromium or Chrome the tests and scripts run: CHROME_PATH, else the first one installed. */
export declare function findChrome(): string | null;
/** Flags every headless run here needs. */
export declare const baseChromeArgs: string[];
/** Flags for a fake camera that plays `file` (a y4m or mjpeg scene), the permission prompt accepted or asked. */
export declare function fakeCameraArgs(file?: string, options?: { prompt?: 'accept' | 'ask' }): string[];
