// OzLiveness.open on a phone: the classic overlay is the element full screen; a container keeps it inline.
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { emulator as info } from '../../support/emulator.ts';
import '../../../src/global.ts';

const element = () => document.querySelector('oz-liveness')!;
const box = (name: string) => element().shadowRoot!.querySelector(`[part~="${name}"]`)!.getBoundingClientRect();

describe('OzLiveness.open layouts', function () {
  this.timeout(60000);
  afterEach(async () => {
    window.OzLiveness.close();
    await setViewport({ width: 800, height: 600 });
  });

  it('without a container: full screen, the stage filling a phone viewport', async () => {
    await setViewport({ width: 390, height: 844 });
    const { apiUrl } = await info();
    await window.OzLiveness.open({ architecture: 'capture', api_url: apiUrl });
    expect(element().getAttribute('layout')).to.equal('fullscreen');
    const stage = box('stage');
    expect([stage.left, stage.top, stage.width, stage.height]).to.deep.equal([0, 0, 390, 844]);
    expect(element().state).to.not.equal('error');
  });

  it('in a container: inline unless asked, and allow_landscape becomes allow-landscape', async () => {
    await setViewport({ width: 844, height: 390 });
    const { apiUrl } = await info();
    const container = document.createElement('div');
    document.body.append(container);
    try {
      await window.OzLiveness.open({ architecture: 'capture', api_url: apiUrl, container, allow_landscape: true });
      expect(element().getAttribute('layout')).to.equal('inline');
      expect(element().hasAttribute('allow-landscape')).to.equal(true);
      expect(element().shadowRoot!.querySelector('[part~="rotate-screen"]'), 'landscape allowed').to.equal(null);
      window.OzLiveness.close();
      await window.OzLiveness.open({ architecture: 'capture', api_url: apiUrl, container, layout: 'fullscreen' });
      expect(element().getAttribute('layout')).to.equal('fullscreen');
      expect(element().shadowRoot!.querySelector('[part~="rotate-screen"]'), 'a phone on its side is asked to turn').to.exist;
    } finally {
      container.remove();
    }
  });
});
