/**
 * `<oz-liveness>` in Vue templates: opt in with `import type {} from 'oz-liveness/vue'`. Template type checking
 * (vue-tsc, Volar) reads a global component's `$props` and `$emit`; the element is still rendered as a custom element
 * (`compilerOptions.isCustomElement`), never as a Vue component.
 *
 * Vue sets a name the element has as a property (`:meta`, `:useWasmContainer`) and any other as an attribute, and
 * `@capture-complete` becomes the prop `onCaptureComplete`, a listener for `capture-complete`.
 */
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { OzLivenessEvents } from '../events.ts';
import type { OzLiveness } from '../oz-liveness.ts';
import type { OzLivenessAttributes, OzLivenessCamelHandlers, OzLivenessObjectProperties } from './attributes.ts';

/** The properties behind the attributes, for `:camelCase` bindings (a bound `false` must go to the property). */
type ConfigProperties = Partial<
  Pick<
    OzLiveness,
    | 'architecture'
    | 'useWasmContainer'
    | 'apiUseSessionToken'
    | 'sessionToken'
    | 'apiUrl'
    | 'action'
    | 'lang'
    | 'resultMode'
    | 'extractBestShot'
    | 'deviceId'
    | 'facingMode'
    | 'captureMedia'
    | 'assetsUrl'
  >
>;

export type OzLivenessVueProps = Omit<HTMLAttributes, keyof OzLivenessCamelHandlers | 'lang'> &
  OzLivenessAttributes &
  ConfigProperties &
  OzLivenessObjectProperties &
  OzLivenessCamelHandlers &
  PublicProps;

export type OzLivenessVueEmits = EmitFn<{ [K in keyof OzLivenessEvents]: (event: OzLivenessEvents[K]) => void }>;

/** The shape Vue's template checker expects of a global component, over the element's own instance type. */
export type OzLivenessVueComponent = new () => OzLiveness & {
  /** @deprecated Template type checking only: not a property of the element. */
  $props: OzLivenessVueProps;
  /** @deprecated Template type checking only: not a method of the element. */
  $emit: OzLivenessVueEmits;
};

declare module 'vue' {
  interface GlobalComponents {
    'oz-liveness': OzLivenessVueComponent;
  }
}
