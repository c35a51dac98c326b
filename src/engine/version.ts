// keelson's own version, stamped into plans and host state so a saved plan says what made it.
export const KEELSON_VERSION = '0.1.0';
/** keelson's own licence, as package.json's license names it (SPDX); `keelson licenses` prints it. */
export const KEELSON_LICENSE = 'AGPL-3.0-or-later';
