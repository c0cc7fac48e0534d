// Lit's css`` styles ship as the template's text, which the JavaScript minifier keeps as it is: comments and
// indentation included. This strips the comments and the layout whitespace of every css`` template without
// interpolations in src/, at build time, so that the sources keep their comments and the package does not pay for them.

/** The CSS text without comments and without whitespace that carries no meaning. */
export function minifyCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};])\s*/g, '$1')
    // A space before a colon can be a descendant combinator (`.a :hover`); one after it never carries meaning.
    .replace(/([:,])\s+/g, '$1')
    .replace(/;}/g, '}')
    .trim();
}

/** Vite plugin: minifies the css`` templates of the element's sources. */
export function minifyLitCss() {
  return {
    name: 'minify-lit-css',
    apply: 'build',
    transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id) || !code.includes('css`')) return null;
      const out = code.replace(/\bcss`([^`$\\]*)`/g, (_all, text) => `css\`${minifyCss(text)}\``);
      return out === code ? null : { code: out, map: null };
    },
  };
}
