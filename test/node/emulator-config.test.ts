import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_EMAIL, loadConfigOptions, resolveConfig } from '../../server/config.ts';

describe('emulator: configuration loading', () => {
  let cwd: string;
  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'oz-emulator-config-'));
    await mkdir(join(cwd, 'server'));
  });
  after(() => rm(cwd, { recursive: true, force: true }));

  test('defaults without a file or environment', () => {
    const config = resolveConfig(loadConfigOptions({}, cwd));
    assert.equal(config.accounts[0]!.email, DEFAULT_EMAIL);
    assert.equal(config.dataDir, join(process.cwd(), 'data'));
    assert.equal(config.bodyLimitBytes, 64 * 1024 * 1024);
    assert.equal(config.resolution, 'AUTO');
  });

  test('server/emulator.config.json, then the environment on top', async () => {
    await writeFile(
      join(cwd, 'server/emulator.config.json'),
      JSON.stringify({
        accounts: [{ email: 'file@example.test', password: 'from-file', role: 'CLIENT' }, { email: 'ops@example.test', password: 'x', role: 'CLIENT_ADMIN' }],
        dataDir: 'var/emulator',
        allowedOrigins: ['https://shop.example.test'],
        resolution: 'DECLINED',
      }),
    );
    const fromFile = resolveConfig(loadConfigOptions({}, cwd));
    assert.equal(fromFile.accounts[0]!.email, 'file@example.test');
    assert.equal(fromFile.dataDir, join(cwd, 'var/emulator'));
    assert.deepEqual(fromFile.allowedOrigins, ['https://shop.example.test']);
    assert.equal(fromFile.resolution, 'DECLINED');

    const env = {
      OZ_EMULATOR_PASSWORD: 'from-env',
      OZ_EMULATOR_ORIGINS: 'http://a.test, http://b.test',
      OZ_EMULATOR_RESOLUTION: 'processing',
      OZ_EMULATOR_PROCESSING_POLLS: '5',
      OZ_EMULATOR_BODY_LIMIT: '1024',
      OZ_EMULATOR_SESSION_TTL: '60',
    };
    const merged = resolveConfig(loadConfigOptions(env, cwd));
    assert.deepEqual(merged.accounts.map((a) => [a.email, a.password]), [
      ['file@example.test', 'from-env'],
      ['ops@example.test', 'x'],
    ]);
    assert.deepEqual(merged.allowedOrigins, ['http://a.test', 'http://b.test']);
    assert.equal(merged.resolution, 'PROCESSING');
    assert.equal(merged.processingPolls, 5);
    assert.equal(merged.bodyLimitBytes, 1024);
    assert.equal(merged.sessionTokenTtlSeconds, 60);
  });

  test('the security switches: off by default, set by the environment, checked', () => {
    const defaults = resolveConfig({});
    assert.deepEqual(
      [defaults.metaSwitches, defaults.pageResultMode, defaults.pageForms, defaults.backendExample.enabled, defaults.maxConcurrentUploads],
      [false, 'safe', true, false, 4],
    );
    const env = { OZ_EMULATOR_META_SWITCHES: '1', OZ_EMULATOR_PAGE_RESULT_MODE: 'STATUS', OZ_EMULATOR_PAGE_FORMS: '0', OZ_EMULATOR_MAX_UPLOADS: '2' };
    const set = resolveConfig(loadConfigOptions(env, cwd));
    assert.deepEqual([set.metaSwitches, set.pageResultMode, set.pageForms, set.maxConcurrentUploads], [true, 'status', false, 2]);
    assert.throws(() => loadConfigOptions({ OZ_EMULATOR_META_SWITCHES: 'yes' }, cwd), /OZ_EMULATOR_META_SWITCHES/);
    assert.throws(() => resolveConfig({ pageResultMode: 'folder' as never }), /pageResultMode/);
    assert.throws(() => resolveConfig({ maxQueuedUploads: -1 }), /maxQueuedUploads/);
    assert.throws(() => resolveConfig({ backendExample: { origins: 'x' as never } }), /backendExample\.origins/);
  });

  test('bad values name their key', async () => {
    assert.throws(() => loadConfigOptions({ OZ_EMULATOR_BODY_LIMIT: 'lots' }, cwd), /OZ_EMULATOR_BODY_LIMIT/);
    assert.throws(() => loadConfigOptions({ OZ_EMULATOR_CONFIG: 'missing.json' }, cwd), /OZ_EMULATOR_CONFIG/);
    await writeFile(join(cwd, 'broken.json'), '{"accounts": [');
    assert.throws(() => loadConfigOptions({ OZ_EMULATOR_CONFIG: 'broken.json' }, cwd), /not valid JSON/);
    assert.throws(() => resolveConfig({ accounts: [{ email: 'a@b', password: '', role: 'CLIENT' }] }), /accounts\[0\]\.password/);
    assert.throws(() => resolveConfig({ accounts: [{ email: 'a@b', password: 'p', role: 'ROOT' as never }] }), /accounts\[0\]\.role/);
    assert.throws(() => resolveConfig({ webAdapterAccount: 'nobody@x' }), /webAdapterAccount/);
    assert.throws(() => resolveConfig({ processingSeconds: -1 }), /processingSeconds/);
  });
});
