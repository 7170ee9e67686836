/** The web view's entry: load the plugins Mattermost-style, then draw the page. */
import * as React from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { initializePlugins } from "./plugins.ts";

const postTypes = initializePlugins(window.__demoPlugins ?? []);
const root = document.getElementById("root");
if (root) createRoot(root).render(<App postTypes={postTypes} />);
