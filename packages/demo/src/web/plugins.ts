/**
 * Loads webapp plugins the way Mattermost does: the page defined `window.registerPlugin` before
 * the plugin bundles ran (see the host shim), each bundle registered itself, and now each plugin's
 * `initialize(registry, store)` is called with a registry that records post type components.
 */
import type * as React from "react";

/** What Mattermost passes to a post type component. */
export interface PostTypeProps {
  post: { id: string; message: string; type: string; props: Record<string, unknown> };
  theme: unknown;
  isRHS: boolean;
  compactDisplay: boolean;
}

export type PostTypeComponent = React.ComponentType<PostTypeProps>;

interface RegisteredPlugin {
  id: string;
  plugin: { initialize?: (registry: unknown, store: unknown) => void };
}

declare global {
  interface Window {
    __demoPlugins?: RegisteredPlugin[];
  }
}

/** Initializes every registered plugin; returns the post type components they registered. */
export function initializePlugins(plugins: readonly RegisteredPlugin[]): Map<string, PostTypeComponent> {
  const postTypes = new Map<string, PostTypeComponent>();
  const registry = {
    registerPostTypeComponent: (type: string, component: PostTypeComponent) => {
      postTypes.set(type, component);
      return `${type}-component`;
    },
  };
  // The slice of the Redux store a plugin may read; this page has no Redux and nobody is signed in
  // (no `currentUserId`), so the box draws no buttons: a press could send nothing.
  const store = { getState: () => ({}), dispatch: () => undefined, subscribe: () => () => undefined };
  for (const { id, plugin } of plugins) {
    try {
      plugin.initialize?.(registry, store);
    } catch (error) {
      console.error(`plugin ${id} failed to initialize`, error);
    }
  }
  return postTypes;
}
