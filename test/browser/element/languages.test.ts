import { expect } from '@open-wc/testing';
import { ARCHITECTURES } from '../../../src/config.ts';
import type { OzError } from '../../../src/errors.ts';
import { en } from '../../../src/i18n/en.ts';
import { LANGS, RTL_LANGS, loadStrings, loadedStrings } from '../../../src/i18n/index.ts';
import { element, elementWithEvents, part, shell, watchGetUserMedia, type OzLiveness } from './helpers.ts';

/** A new element with `lang`, in the page; the caller removes it. */
function connected(lang: string, setup: (el: OzLiveness) => void = () => undefined): OzLiveness {
  const el = shell(document.createElement('oz-liveness'));
  el.setAttribute('lang', lang);
  setup(el);
  document.body.append(el);
  return el;
}

// Every table but English is fetched the first time its language is used. The first tests each use a language no
// test before them used, so that they see it load (each checks that it was not loaded yet).
describe('<oz-liveness> languages, loaded on demand', () => {
  it('shows no English while the table loads, then the start screen in its language', async () => {
    expect(loadedStrings('tr'), 'tr not loaded yet').to.equal(undefined);
    const renders: { text: string; busy: string | null }[] = [];
    const el = shell(document.createElement('oz-liveness'));
    el.setAttribute('lang', 'tr');
    document.body.append(el);
    try {
      // Every render as it lands, the first (made before the table can have arrived) included.
      const observer = new MutationObserver(() => renders.push({ text: el.shadowRoot!.textContent ?? '', busy: part(el, 'base')?.getAttribute('aria-busy') ?? null }));
      observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true, attributes: true });
      await el.updateComplete;
      observer.disconnect();
      const tr = loadedStrings('tr')!;
      expect(renders[0]).to.deep.equal({ text: '', busy: 'true' });
      for (const { text } of renders) {
        for (const english of [en.startTitle, en.startBody, en.startButton, en.cancelButton, en.videoLabel]) expect(text).to.not.contain(english);
      }
      expect(part(el, 'start-button')!.textContent!.trim()).to.equal(tr.startButton);
      expect(part(el, 'base')!.hasAttribute('aria-busy')).to.equal(false);
      await expect(el).to.be.accessible();
    } finally {
      el.remove();
    }
  });

  it('reports an invalid attribute once, in the language being loaded', async () => {
    expect(loadedStrings('es'), 'es not loaded yet').to.equal(undefined);
    const { el, errors } = await elementWithEvents({ lang: 'es', architecture: 'full' });
    const es = loadedStrings('es')!;
    const message = es.invalidValue('architecture', 'full', ARCHITECTURES);
    expect(errors.map((e) => e.detail.message)).to.deep.equal([message]);
    expect(part(el, 'error-message')!.textContent).to.equal(message);
    expect(part(el, 'retry-button')!.textContent!.trim()).to.equal(es.retryButton);
  });

  it('opened at once, waits for the table and fails in its language', async () => {
    expect(loadedStrings('de'), 'de not loaded yet').to.equal(undefined);
    const el = connected('de', (e) => (e.deviceId = 'no-such-device'));
    try {
      const error = (await el.open().then(() => null, (e: unknown) => e)) as OzError;
      const de = loadedStrings('de')!;
      expect(error.code).to.equal('camera_overconstrained');
      expect(error.message).to.equal(de.cameraUnavailable);
      await el.updateComplete;
      expect(part(el, 'retry-button')!.textContent!.trim()).to.equal(de.retryButton);
    } finally {
      el.remove();
    }
  });

  it('closed while the table loads, never turns the camera on', async () => {
    expect(loadedStrings('fr'), 'fr not loaded yet').to.equal(undefined);
    const watch = watchGetUserMedia();
    const el = connected('fr');
    try {
      const opening = el.open();
      el.close();
      const error = (await opening.then(() => null, (e: unknown) => e)) as OzError;
      expect(error.code).to.equal('user_cancelled');
      expect(error.message).to.equal(loadedStrings('fr')!.errors.user_cancelled);
      expect(watch.calls).to.have.length(0);
      expect(el.state).to.equal('closed');
    } finally {
      watch.restore();
      el.remove();
    }
  });

  it('follows a lang change, with the host overrides still on top', async () => {
    expect(loadedStrings('pt'), 'pt not loaded yet').to.equal(undefined);
    const el = await element();
    el.strings = { cancelButton: 'Sair' };
    el.lang = 'pt';
    await el.updateComplete;
    const pt = loadedStrings('pt')!;
    expect(el.getAttribute('lang')).to.equal('pt');
    expect(part(el, 'start-button')!.textContent!.trim()).to.equal(pt.startButton);
    expect(part(el, 'cancel-button')!.textContent!.trim()).to.equal('Sair');
  });
});

describe('<oz-liveness> languages', () => {
  it('has no text left in English by mistake', async () => {
    for (const lang of LANGS) {
      const table = await loadStrings(lang);
      if (lang !== 'en') {
        expect(table.startButton, lang).to.not.equal(en.startButton);
        expect(table.hints.too_far, lang).to.not.equal(en.hints.too_far);
        expect(table.errors.camera_busy, lang).to.not.equal(en.errors.camera_busy);
      }
      expect(table.progressStep(2, 3), lang).to.contain('2').and.contain('3');
    }
  });

  for (const lang of LANGS) {
    it(`shows the start screen in ${lang}${RTL_LANGS.has(lang) ? ', right to left' : ''}, accessibly`, async () => {
      const el = await element({ lang });
      expect(el.getAttribute('lang')).to.equal(lang);
      expect(part(el, 'start-button')!.textContent!.trim()).to.equal((await loadStrings(lang)).startButton);
      const base = part(el, 'base')!;
      expect(base.getAttribute('dir')).to.equal(RTL_LANGS.has(lang) ? 'rtl' : 'ltr');
      expect(getComputedStyle(base).direction).to.equal(RTL_LANGS.has(lang) ? 'rtl' : 'ltr');
      await expect(el).to.be.accessible();
    });
  }

  it('keeps the camera preview unmirrored by the right-to-left layout', async () => {
    const el = await element({ lang: 'ar' });
    await el.open();
    const video = part<HTMLVideoElement>(el, 'video')!;
    // The user-facing preview is mirrored like a mirror in every language; RTL does not flip it back.
    expect(getComputedStyle(video).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
    el.close();
  });
});
