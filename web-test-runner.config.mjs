// Browser tests run in real headless Chromium. Each group gets its own browser whose fake camera plays one scene, so
// a test file's camera is chosen by where it lives:
//   test/browser/**       the frontal face scene (the default camera)
//   test/scenes/<scene>/** the scene of that name (face-far, two-faces, face-zoom, ...), see test/fixtures/camera/
//   test/no-camera/**     a browser with no camera at all
//   test/camera-denied/** a browser that denies the camera permission prompt
// Two more engines run test/engines/** with their own fake cameras (a synthetic pattern, never a face; the tests
// that need one draw a scene into a canvas stream, test/support/face-source.ts):
//   firefox               Firefox over WebDriver BiDi (test/support/firefox-launcher.ts)
//   webkit                WebKitGTK's MiniBrowser over WebDriver, on an Xvfb display of its own when DISPLAY is unset
//                         (test/support/webkit-launcher.ts)
// `--group <name>` runs one group alone. TEST_FILES=<glob> narrows the frontal group while working on a few files,
// ENGINE_TEST_FILES=<glob> the firefox and webkit groups.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter } from '@web/test-runner';
import { existsSync, readdirSync } from 'node:fs';
import { findChrome, installHint, baseChromeArgs, fakeCameraArgs } from './scripts/browser/find-chrome.mjs';
import { prepareScenes } from './scripts/browser/fixtures.mjs';
import { register } from 'tsx/esm/api';

// The emulator is TypeScript; tsx lets this config load it.
register();
const { emulatorPlugin } = await import('./test/support/emulator-plugin.ts');
const { memoryPlugin } = await import('./test/support/memory-plugin.ts');
const { containerPlugin } = await import('./test/support/container-plugin.ts');
const { stallReporter } = await import('./test/support/stall-reporter.ts');
const { reportClonePlugin } = await import('./test/support/report-clone-plugin.ts');
const { findFirefox, firefoxInstallHint, firefoxLauncher } = await import('./test/support/firefox-launcher.ts');
const { findMiniBrowser, webkitInstallHint, webkitLauncher } = await import('./test/support/webkit-launcher.ts');

// @hpke/core keeps an `import("crypto")` fallback for Node <= 18 that browsers never reach; the dev server still
// has to resolve it, so it resolves to the browser's own WebCrypto (what node:crypto's `webcrypto` is).
const nodeCryptoForBrowsers = {
  name: 'node-crypto-for-browsers',
  resolveImport: ({ source }) => (source === 'crypto' || source === 'node:crypto' ? '/__node-crypto__.js' : undefined),
  serve: (context) => (context.path === '/__node-crypto__.js' ? { body: 'export const webcrypto = globalThis.crypto;', type: 'js' } : undefined),
};

const executablePath = findChrome();
const firefoxPath = findFirefox();
const miniBrowser = findMiniBrowser();
// A run of one group (`--group firefox`) needs only that group's browser.
const onlyGroup = process.argv.includes('--group') ? process.argv[process.argv.indexOf('--group') + 1] : null;
const needed = { firefox: [[firefoxPath, firefoxInstallHint]], webkit: [[miniBrowser, webkitInstallHint]] }[onlyGroup] ??
  (onlyGroup ? [[executablePath, installHint]] : [[executablePath, installHint], [firefoxPath, firefoxInstallHint], [miniBrowser, webkitInstallHint]]);
for (const [found, hint] of needed) {
  if (!found) {
    console.error(hint);
    process.exit(1);
  }
}

const scenes = prepareScenes();
const browser = (args) => chromeLauncher({ launchOptions: { executablePath, headless: true, args: [...baseChromeArgs, ...args] } });

const groups = [
  { name: 'frontal', files: process.env.TEST_FILES ?? 'test/browser/**/*.test.ts', browsers: [browser(fakeCameraArgs(scenes['face-frontal']))] },
  { name: 'camera-denied', files: 'test/camera-denied/**/*.test.ts', browsers: [browser([...fakeCameraArgs(scenes['face-frontal'], { prompt: 'ask' }), '--deny-permission-prompts'])] },
  { name: 'no-camera', files: 'test/no-camera/**/*.test.ts', browsers: [browser(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream=device-count=0'])] },
];
const engineFiles = process.env.ENGINE_TEST_FILES ?? 'test/engines/**/*.test.ts';
groups.push(
  { name: 'firefox', files: engineFiles, browsers: [firefoxLauncher(firefoxPath)] },
  {
    name: 'webkit',
    files: engineFiles,
    browsers: [webkitLauncher({ binary: miniBrowser, args: ['--enable-media-stream=true', '--enable-mock-capture-devices=true'] })],
  },
);
if (existsSync('test/scenes')) {
  for (const scene of readdirSync('test/scenes')) {
    if (!scenes[scene]) throw new Error(`test/scenes/${scene}: no camera scene of that name in test/fixtures/camera/`);
    groups.push({ name: scene, files: `test/scenes/${scene}/**/*.test.ts`, browsers: [browser(fakeCameraArgs(scenes[scene]))] });
  }
}

export default {
  nodeResolve: true,
  rootDir: '.',
  concurrency: 1,
  testsFinishTimeout: 15 * 60 * 1000,
  // A file still running after STALL_AFTER_MS (4 minutes) is looked into; see test/support/stall-reporter.ts.
  reporters: [defaultReporter(), stallReporter({ after: Number(process.env.STALL_AFTER_MS) || undefined })],
  testFramework: { config: { timeout: 30000 } },
  groups: groups.filter((g) => existsSync(g.files.split(/[*{]/)[0])),
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), nodeCryptoForBrowsers, emulatorPlugin(), memoryPlugin(), containerPlugin(), reportClonePlugin()],
};
