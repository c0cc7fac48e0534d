/** Registers `<oz-liveness>` once; importing it twice (or alongside another copy of the package) is harmless. */
import { OzLiveness } from './oz-liveness.js';

// The tag is written out (not a constant) so that the manifest analyzer records it.
if (!customElements.get('oz-liveness')) customElements.define('oz-liveness', OzLiveness);

declare global {
  interface HTMLElementTagNameMap {
    'oz-liveness': OzLiveness;
  }
}
