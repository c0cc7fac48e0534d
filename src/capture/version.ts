/** The package's version, reported in the technical data (kept equal to package.json's by a test). */
export const PACKAGE_VERSION = '0.1.0';
