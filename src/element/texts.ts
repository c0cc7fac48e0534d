import { LANGS, loadStrings, loadedStrings, type Lang, type Strings } from '../i18n/index.ts';

/**
 * The string table on screen. A `lang` whose table is not loaded yet is fetched, and the one before stays on screen
 * meanwhile (none at first: the element then shows an empty frame rather than a language the page did not ask for).
 */
export class TextTables {
  /** The table on screen and its language. */
  current: { lang: Lang; table: Strings } | null = null;
  /** The table being fetched, if any. */
  loading: Promise<void> | null = null;

  constructor(private readonly onLoaded: () => void) {}

  /**
   * Whether the table of `lang` (English for a `lang` that is not valid) is here, and then on screen; if not, loads
   * it and calls onLoaded once it is.
   */
  ready(requested: string): boolean {
    const lang: Lang = (LANGS as readonly string[]).includes(requested) ? (requested as Lang) : 'en';
    const table = loadedStrings(lang);
    if (table) {
      this.current = { lang, table };
      return true;
    }
    this.loading ??= loadStrings(lang).then(() => {
      this.loading = null;
      this.onLoaded();
    });
    return false;
  }

  /** `update()` (the element's update-complete promise) once no table is loading any more. */
  async settled(update: () => Promise<boolean>): Promise<boolean> {
    let complete = await update();
    while (this.loading) {
      await this.loading;
      complete = await update();
    }
    return complete;
  }
}
