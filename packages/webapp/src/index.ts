import { LIVE_STATUS_POST_TYPE } from "@live-status/contract";
import type { ComponentType } from "react";
import { createLiveStatusPost, type LiveStatusPostProps } from "./components/LiveStatusPost.tsx";
import { ensureStyles } from "./components/styles.ts";
import { browserHost, type HostStore } from "./host.ts";
import { PLUGIN_ID } from "./manifest.ts";

/** The slice of Mattermost's plugin registry this plugin calls. */
export interface PluginRegistry {
  registerPostTypeComponent(type: string, component: ComponentType<LiveStatusPostProps>): unknown;
}

/**
 * The webapp plugin: draws `custom_live_status` posts as the live status box. Mattermost hands
 * `initialize` its Redux store; the box reads loaded posts from it and acts through the REST API as
 * the signed-in person.
 */
export class Plugin {
  initialize(registry: PluginRegistry, store?: HostStore): void {
    ensureStyles(document);
    const host = browserHost({ ...(store && { store }), basePath: window.basename ?? "" });
    registry.registerPostTypeComponent(LIVE_STATUS_POST_TYPE, createLiveStatusPost(host));
  }
}

declare global {
  interface Window {
    registerPlugin?: (id: string, plugin: Plugin) => void;
    /** Mattermost's site sub-path ("" at the root). */
    basename?: string;
  }
}

// Mattermost defines window.registerPlugin before it loads plugin bundles.
if (typeof window !== "undefined" && typeof window.registerPlugin === "function") {
  window.registerPlugin(PLUGIN_ID, new Plugin());
}
