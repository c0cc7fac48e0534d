export declare const sourceDir: string;
export declare const outDir: string;
export declare function rgbaToY4m(image: { width: number; height: number; data: Uint8Array }, fps?: number): Buffer;
/** Converts the camera scenes once into .cache/camera/; scene name → file for `fakeCameraArgs`. */
export declare function prepareScenes(): Record<string, string>;
