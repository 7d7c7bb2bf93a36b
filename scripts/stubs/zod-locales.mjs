// Stands in, in the bundle only, for zod's table of every locale's error messages (about 50
// languages, a tenth of zod's code): hubgate writes its own messages and zod's default is English.
export { default as en } from 'zod/v4/locales/en.js';
