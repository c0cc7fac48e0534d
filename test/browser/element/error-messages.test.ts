// What people read when the element fails: the string table's message for the code, in the element's language,
// whichever layer raised it. The layer's own English text stays in `details.technicalMessage` for the host's logs.
import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.ts';
import { en } from '../../../src/i18n/en.ts';
import { loadedStrings } from '../../../src/i18n/index.ts';
import type { StringOverrides } from '../../../src/i18n/types.ts';
import type { OzErrorEvent } from '../../../src/events.ts';
import { emulator, failEveryUploadAttempt, injectFaults, nextEvent } from '../../support/emulator.ts';
import { part, type OzLiveness } from './helpers.ts';

/** A folder with no models/ in it, as a host's misconfigured assets-url gives: the real face worker cannot load. */
const NO_MODELS = '/test/fixtures/camera/';

/**
 * The real detector behind a wrong assets-url. A generous load limit so that a busy machine still gets the load
 * failure rather than face_model_timeout.
 */
async function modelless(lang: string, strings?: StringOverrides): Promise<OzLiveness> {
  const el = await fixture<OzLiveness>(html`<oz-liveness lang=${lang} architecture="capture" assets-url=${NO_MODELS} .strings=${strings}></oz-liveness>`);
  el.captureOptions = { modelLoadTimeoutMs: 60_000 };
  return el;
}

/** The message on the error screen, once it shows. */
async function screenMessage(el: OzLiveness): Promise<string | null> {
  await el.updateComplete;
  expect(el.state).to.equal('error');
  return part(el, 'error-message')!.textContent;
}

describe('<oz-liveness> error messages follow the language', function () {
  this.timeout(90_000);
  afterEach(() => injectFaults([]));

  it("a face model that cannot load reads in German; the worker layer's English text is kept for logs", async () => {
    const el = await modelless('de');
    const failed = nextEvent<OzErrorEvent>(el, 'error');
    await el.open();
    const { detail } = await failed;
    // The table the element fetched for `de`; a fallback to English would make the checks below meaningless.
    const de = loadedStrings('de')!;
    expect(de.errors.face_model_load_failed).to.not.equal(en.errors.face_model_load_failed);

    expect(detail.code).to.equal('face_model_load_failed');
    expect(detail.message).to.equal(de.errors.face_model_load_failed);
    expect(el.error!.message).to.equal(de.errors.face_model_load_failed);
    expect(await screenMessage(el)).to.equal(de.errors.face_model_load_failed);
    expect(part(el, 'error-title')!.textContent!.trim()).to.equal(de.errorTitle);
    const details = detail.details as { technicalMessage: string; modelBaseUrl: string; message: string };
    expect(details.technicalMessage).to.equal('The face model could not be loaded');
    // What the worker said and where it looked stay next to it.
    expect(details.modelBaseUrl).to.contain(NO_MODELS);
    expect(details.message).to.be.a('string').and.not.equal('');
  });

  it('an upload that fails on every attempt reads in Russian; status and attempts stay in the details', async () => {
    const { faultyUrl } = await emulator();
    const el = await fixture<OzLiveness>(html`<oz-liveness lang="ru" architecture="normal" api-url=${faultyUrl} result-mode="status"></oz-liveness>`);
    el.captureOptions = { positionHoldMs: 200, instructMs: 200 };
    const failed = nextEvent<OzErrorEvent>(el, 'error');
    await failEveryUploadAttempt();
    await el.open();
    const { detail } = await failed;
    const ru = loadedStrings('ru')!;
    expect(ru.errors.upload_failed).to.not.equal(en.errors.upload_failed);

    expect(detail.code).to.equal('upload_failed');
    expect(detail.message).to.equal(ru.errors.upload_failed);
    expect(await screenMessage(el)).to.equal(ru.errors.upload_failed);
    expect(detail.details).to.deep.include({
      status: 503,
      attempts: 4,
      url: `${faultyUrl}/api/folders/`,
      technicalMessage: 'POST /api/folders/ failed after 4 attempts.',
    });
    // The capture is still handed over with the worded error.
    expect(detail.capture?.clips).to.have.length(1);
  });

  it("a host's override of the message is what people see, over the language's table", async () => {
    const own = 'Die Prüfung ist gerade nicht verfügbar. Bitte wenden Sie sich an den Support.';
    const el = await modelless('de', { errors: { face_model_load_failed: own } });
    const failed = nextEvent<OzErrorEvent>(el, 'error');
    await el.open();
    const { detail } = await failed;
    expect(detail.code).to.equal('face_model_load_failed');
    expect(detail.message).to.equal(own);
    expect(await screenMessage(el)).to.equal(own);
    expect((detail.details as { technicalMessage: string }).technicalMessage).to.equal('The face model could not be loaded');
  });
});
