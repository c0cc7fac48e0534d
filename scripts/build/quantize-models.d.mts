export declare const humanModels: string;
export declare const cacheDir: string;
/** The IEEE 754 half-precision bits of `value`. */
export declare function toHalf(value: number): number;
export declare function quantizeModel(name: string, from?: string, to?: string): void;
/** Writes the float16 copies of `names` once; returns their folder. */
export declare function quantizedModels(names?: string[]): string;
