/** hookfan's version, sent as `user-agent: hookfan/<version>` on every delivery. Matches package.json. */
export const VERSION = "0.1.0";
