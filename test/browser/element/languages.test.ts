import { expect } from '@open-wc/testing';
import { LANGS, RTL_LANGS, languages } from '../../../src/i18n/index.ts';
import { element, part } from './helpers.ts';

describe('<oz-liveness> languages', () => {
  it('has no text left in English by mistake', () => {
    for (const lang of LANGS) {
      const table = languages[lang];
      if (lang !== 'en') {
        expect(table.startButton, lang).to.not.equal(languages.en.startButton);
        expect(table.hints.too_far, lang).to.not.equal(languages.en.hints.too_far);
        expect(table.errors.camera_busy, lang).to.not.equal(languages.en.errors.camera_busy);
      }
      expect(table.progressStep(2, 3), lang).to.contain('2').and.contain('3');
    }
  });

  for (const lang of LANGS) {
    it(`shows the start screen in ${lang}${RTL_LANGS.has(lang) ? ', right to left' : ''}, accessibly`, async () => {
      const el = await element({ lang });
      expect(el.getAttribute('lang')).to.equal(lang);
      expect(part(el, 'start-button')!.textContent!.trim()).to.equal(languages[lang].startButton);
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
