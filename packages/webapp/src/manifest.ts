/** The Mattermost plugin id; must equal `id` in plugin.json (a test checks it). */
export const PLUGIN_ID = "live-status";
