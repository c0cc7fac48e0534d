// Lets TypeScript import single-file components; their templates are type-checked by vue-tsc, not by tsc.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
