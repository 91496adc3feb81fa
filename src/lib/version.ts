/** The app's version, from package.json (only this field is bundled: a named JSON import). */
import { version } from '../../package.json';

export const APP_VERSION: string = version;
