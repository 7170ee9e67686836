import { LIVE_STATUS_POST_TYPE } from "@live-status/contract";
import type { ComponentType } from "react";
import { LiveStatusPost, type LiveStatusPostProps } from "./components/LiveStatusPost.tsx";
import { ensureStyles } from "./components/styles.ts";
import { PLUGIN_ID } from "./manifest.ts";

/** The slice of Mattermost's plugin registry this plugin calls. */
export interface PluginRegistry {
  registerPostTypeComponent(type: string, component: ComponentType<LiveStatusPostProps>): unknown;
}

/** The webapp plugin: draws `custom_live_status` posts with {@link LiveStatusPost}. */
export class Plugin {
  initialize(registry: PluginRegistry): void {
    ensureStyles(document);
    registry.registerPostTypeComponent(LIVE_STATUS_POST_TYPE, LiveStatusPost);
  }
}

declare global {
  interface Window {
    registerPlugin?: (id: string, plugin: Plugin) => void;
  }
}

// Mattermost defines window.registerPlugin before it loads plugin bundles.
if (typeof window !== "undefined" && typeof window.registerPlugin === "function") {
  window.registerPlugin(PLUGIN_ID, new Plugin());
}
