// cssomStyle writes inline styles through CSSOM only: a `style` attribute write is what a Content-Security-Policy
// without 'unsafe-inline' refuses (the whole flow under such a policy: test/node/csp-demo.test.ts).
import { expect } from '@open-wc/testing';
import { html, render } from 'lit';
import { cssomStyle } from '../../../src/directives/cssom-style.ts';

describe('cssomStyle', () => {
  it('sets, updates and removes properties without ever writing the style attribute', () => {
    const host = document.createElement('div');
    const writes: string[] = [];
    const setAttribute = Element.prototype.setAttribute;
    Element.prototype.setAttribute = function (this: Element, name: string, value: string) {
      writes.push(name);
      return setAttribute.call(this, name, value);
    };
    try {
      const view = (props: Record<string, string>) => html`<div class="bar" ${cssomStyle(props)}></div>`;
      render(view({ transform: 'scaleX(0.25)', opacity: '0.5' }), host);
      const bar = host.querySelector<HTMLElement>('.bar')!;
      expect(bar.style.transform).to.equal('scaleX(0.25)');
      expect(bar.style.opacity).to.equal('0.5');
      render(view({ transform: 'scaleX(1)' }), host);
      expect(bar.style.transform).to.equal('scaleX(1)');
      expect(bar.style.opacity).to.equal('');
    } finally {
      Element.prototype.setAttribute = setAttribute;
    }
    expect(writes).to.not.include('style');
  });

  it('refuses an attribute binding', () => {
    const host = document.createElement('div');
    expect(() => render(html`<div style=${cssomStyle({ color: 'red' })}></div>`, host)).to.throw(/element binding/);
  });
});
