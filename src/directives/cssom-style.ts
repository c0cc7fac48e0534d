import { nothing, noChange, type ElementPart } from 'lit';
import { Directive, PartType, directive, type PartInfo } from 'lit/directive.js';

/**
 * Sets inline style properties through CSSOM only. lit's `styleMap` writes its first value as a `style` attribute,
 * which a Content-Security-Policy without `'unsafe-inline'` for styles refuses (`style-src-attr`); CSSOM writes are
 * allowed under any policy. Used as an element binding: `<div ${cssomStyle({ transform: 'scaleX(0.5)' })}>`.
 */
class CssomStyleDirective extends Directive {
  #names = new Set<string>();

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.ELEMENT) throw new Error('cssomStyle() goes in an element binding, not an attribute');
  }

  render(_properties: Readonly<Record<string, string>>) {
    return nothing;
  }

  override update(part: ElementPart, [properties]: [Readonly<Record<string, string>>]) {
    const style = (part.element as HTMLElement).style;
    for (const name of this.#names) if (!(name in properties)) style.removeProperty(name);
    for (const [name, value] of Object.entries(properties)) style.setProperty(name, value);
    this.#names = new Set(Object.keys(properties));
    return noChange;
  }
}

export const cssomStyle = directive(CssomStyleDirective);
