import { expect } from '@open-wc/testing';
import {
  ACTIONS,
  parseActions,
  parseEnum,
  parseMeta,
  parseText,
  parseUrl,
  jsonAttributeConverter,
  resolveConfig,
} from '../../../src/config.ts';
import { cameraConstraints, cameraShortfall } from '../../../src/session/camera.ts';
import { OZ_ERROR_CODES, OzError, cameraError, cameraErrorCode } from '../../../src/errors.ts';
import { en } from '../../../src/i18n/en.ts';
import { LANGS, loadStrings, resolveStrings } from '../../../src/i18n/index.ts';

function thrown(fn: () => unknown): OzError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(OzError);
    return error as OzError;
  }
  throw new Error('expected an OzError');
}

describe('config: attribute parsing', () => {
  it('gives the documented defaults when no attribute is set', () => {
    expect(resolveConfig({}, 'https://example.test/')).to.deep.equal({
      architecture: 'normal',
      useWasmContainer: false,
      apiUseSessionToken: 'api',
      actions: ['video_selfie_blank'],
      lang: 'en',
      resultMode: 'safe',
      meta: {},
      extractBestShot: false,
      facingMode: 'user',
      captureMedia: 'auto',
    });
  });

  it('takes every valid value', () => {
    const config = resolveConfig(
      {
        architecture: 'capture',
        useWasmContainer: true,
        apiUseSessionToken: 'client',
        sessionToken: 'a.b.c',
        apiUrl: '/api/',
        action: ' video_selfie_smile , video_selfie_eyes,video_selfie_left ',
        lang: 'ru',
        resultMode: 'folder',
        meta: { transaction_id: 't-1' },
        extractBestShot: true,
        deviceId: 'cam-1',
        facingMode: 'environment',
        captureMedia: 'frames',
        assetsUrl: 'assets/',
      },
      'https://example.test/app/',
    );
    expect(config).to.deep.equal({
      architecture: 'capture',
      useWasmContainer: true,
      apiUseSessionToken: 'client',
      sessionToken: 'a.b.c',
      apiUrl: 'https://example.test/api/',
      actions: ['video_selfie_smile', 'video_selfie_eyes', 'video_selfie_left'],
      lang: 'ru',
      resultMode: 'folder',
      meta: { transaction_id: 't-1' },
      extractBestShot: true,
      deviceId: 'cam-1',
      facingMode: 'environment',
      captureMedia: 'frames',
      assetsUrl: 'https://example.test/app/assets/',
    });
  });

  it('rejects a value outside the list, naming the attribute, the value and every allowed value', () => {
    const error = thrown(() => parseEnum('result-mode', 'full', ['safe', 'status', 'folder'], 'safe'));
    expect(error.code).to.equal('invalid_attribute');
    expect(error.message).to.equal('The "result-mode" attribute has the value "full"; allowed values: safe, status, folder.');
    expect(error.details).to.deep.equal({ attribute: 'result-mode', value: 'full', allowed: ['safe', 'status', 'folder'] });
  });

  it('does not fall back for an empty or differently cased value', () => {
    expect(thrown(() => parseEnum('facing-mode', '', ['user', 'environment'], 'user')).code).to.equal('invalid_attribute');
    expect(thrown(() => parseEnum('facing-mode', 'User', ['user', 'environment'], 'user')).code).to.equal('invalid_attribute');
  });

  it('accepts every action tag of the API and rejects unknown, empty and repeated ones', () => {
    expect(parseActions(ACTIONS.join(','))).to.deep.equal([...ACTIONS]);
    const unknown = thrown(() => parseActions('video_selfie_blank,video_selfie_jump'));
    expect(unknown.message).to.contain('"action"').and.contain('"video_selfie_jump"').and.contain('video_selfie_scan, video_selfie_left');
    expect(thrown(() => parseActions(' , ')).code).to.equal('invalid_attribute');
    expect(thrown(() => parseActions('video_selfie_blank,,video_selfie_smile')).message).to.contain('""');
    expect(thrown(() => parseActions('video_selfie_smile,video_selfie_smile')).message).to.contain('listed twice');
  });

  it('parses meta from JSON and reports text that is not a JSON object', () => {
    expect(jsonAttributeConverter.fromAttribute('{"a":1}')).to.deep.equal({ a: 1 });
    expect(parseMeta(jsonAttributeConverter.fromAttribute('{"a":1}'))).to.deep.equal({ a: 1 });
    expect(parseMeta(undefined)).to.deep.equal({});
    const broken = thrown(() => parseMeta(jsonAttributeConverter.fromAttribute('{a:1}')));
    expect(broken.message).to.contain('"meta"').and.contain('not valid JSON');
    expect(thrown(() => parseMeta(jsonAttributeConverter.fromAttribute('[1,2]'))).message).to.contain('JSON object');
    expect(thrown(() => parseMeta(jsonAttributeConverter.fromAttribute('42'))).message).to.contain('JSON object');
    expect(thrown(() => parseMeta(new Date())).code).to.equal('invalid_attribute');
  });

  it('rejects blank free-text attributes and malformed URLs', () => {
    expect(parseText('device-id', undefined)).to.equal(undefined);
    expect(thrown(() => parseText('device-id', '  ')).message).to.contain('"device-id"').and.contain('empty');
    expect(parseUrl('api-url', '', 'https://example.test/')).to.equal(undefined);
    expect(thrown(() => parseUrl('api-url', 'http://[::1', 'https://example.test/')).message).to.contain('"api-url"');
  });

  it('writes the messages in the chosen language; a bad lang is reported in English with the languages allowed', async () => {
    await loadStrings('ru');
    const ru = thrown(() => resolveConfig({ lang: 'ru', architecture: 'full' }, 'https://example.test/'));
    expect(ru.message).to.equal('Атрибут «architecture» имеет значение «full»; допустимые значения: normal, lite, capture.');
    const lang = thrown(() => resolveConfig({ lang: 'kk' }, 'https://example.test/'));
    expect(lang.message).to.equal('The "lang" attribute has the value "kk"; allowed values: en, ru, es, de, fr, pt, tr, ar.');
  });
});

describe('i18n', () => {
  it('has a message for every error code in every language', async () => {
    for (const lang of LANGS) {
      const table = await loadStrings(lang);
      for (const code of OZ_ERROR_CODES) expect(table.errors[code], `${lang}: ${code}`).to.be.a('string').and.not.empty;
    }
  });

  it('lets a host override single texts and single error messages', async () => {
    const ru = await loadStrings('ru');
    const strings = resolveStrings(ru, { startButton: 'Поехали', errors: { camera_busy: 'Занято' }, retryButton: undefined });
    expect(strings.startButton).to.equal('Поехали');
    expect(strings.retryButton).to.equal(ru.retryButton);
    expect(strings.errors.camera_busy).to.equal('Занято');
    expect(strings.errors.camera_not_found).to.equal(ru.errors.camera_not_found);
  });
});

describe('camera errors and constraints', () => {
  it('maps each getUserMedia failure to its camera code', () => {
    const cases: Record<string, string> = {
      NotAllowedError: 'camera_permission_denied',
      SecurityError: 'camera_permission_denied',
      NotFoundError: 'camera_not_found',
      DevicesNotFoundError: 'camera_not_found',
      NotReadableError: 'camera_busy',
      TrackStartError: 'camera_busy',
      AbortError: 'camera_busy',
      OverconstrainedError: 'camera_overconstrained',
    };
    for (const [name, code] of Object.entries(cases)) {
      expect(cameraErrorCode(new DOMException('x', name)), name).to.equal(code);
    }
    const error = cameraError(new DOMException('Could not start video source', 'NotReadableError'), en);
    expect(error.message).to.equal(en.errors.camera_busy);
    expect(error.details).to.deep.equal({ name: 'NotReadableError', message: 'Could not start video source' });
  });

  it('asks for ideal 640x480 at 30 fps without minimums, exact for a given device and ideal for a remembered one', () => {
    expect(cameraConstraints({ facingMode: 'user' })).to.deep.equal({
      width: { ideal: 640 },
      height: { ideal: 480 },
      frameRate: { ideal: 30 },
      facingMode: { ideal: 'user' },
    });
    expect(cameraConstraints({ deviceId: 'a', facingMode: 'user' }, 'b').deviceId).to.deep.equal({ exact: 'a' });
    expect(cameraConstraints({ facingMode: 'environment' }, 'b')).to.include.keys('facingMode');
    expect(cameraConstraints({ facingMode: 'environment' }, 'b').deviceId).to.deep.equal({ ideal: 'b' });
  });

  it('accepts 320x240 at 15 fps in either orientation and rejects less', () => {
    expect(cameraShortfall({ width: 640, height: 480, frameRate: 15 })).to.equal(null);
    expect(cameraShortfall({ width: 240, height: 320, frameRate: 14.985 })).to.equal(null);
    expect(cameraShortfall({ width: 1920, height: 1080 })).to.equal(null);
    expect(cameraShortfall({ width: 320, height: 180, frameRate: 30 })).to.equal('resolution 320x180');
    expect(cameraShortfall({ width: 640, height: 480, frameRate: 10 })).to.equal('frame rate 10');
  });
});
