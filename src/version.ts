declare const __KAITO_VERSION__: string | undefined;
/** Injected by the bundler; tests that import sources directly see "dev". */
export const VERSION: string = typeof __KAITO_VERSION__ === 'string' ? __KAITO_VERSION__ : '0.0.0-dev';
