// keelson's own version, stamped into plans and host state so a saved plan says what made it.
export const KEELSON_VERSION = '0.1.0';
