/**
 * Prefixed and structured tokens: credentials recognisable by their shape alone, anywhere in any
 * text. Prefixes follow secretlint's recommended preset (MIT, github.com/secretlint/secretlint,
 * v13.1.0) and the providers' own documentation, with looser lengths than a scanner uses: a scanner
 * must avoid false alarms, a redactor must also catch a cut or slightly odd token. Benchmarked
 * against running secretlint itself per event: see `docs/security.md`.
 */
import { maskAll, type RedactionRule } from "./rule.ts";

// `\b` before a prefix, and `[A-Za-z0-9…]{n,}` after it: linear, and never inside a longer word.
export const TOKEN_RULES: readonly RedactionRule[] = [
  maskAll("anthropic", "Anthropic API keys `sk-ant-…`", ["sk-ant-"], /\bsk-ant-[A-Za-z0-9_-]{8,}/g),
  maskAll(
    "openai",
    "OpenAI-style keys `sk-…`, `sk-proj-…` (also OpenRouter, DeepSeek)",
    ["sk-"],
    /\bsk-(?!ant-)[A-Za-z0-9_-]{16,}/g,
  ),
  maskAll(
    "stripe",
    "Stripe secret and restricted keys",
    ["k_live_", "k_test_"],
    /\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}/g,
  ),
  maskAll(
    "stripe-webhook",
    "Stripe webhook signing secrets `whsec_…`",
    ["whsec_"],
    /\bwhsec_[A-Za-z0-9]{16,}/g,
  ),
  maskAll(
    "github",
    "GitHub tokens `ghp_` `gho_` `ghu_` `ghs_` `ghr_`",
    ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    /\bgh[pousr]_[A-Za-z0-9_]{16,}/g,
  ),
  maskAll(
    "github-fine-grained",
    "GitHub fine-grained tokens `github_pat_…`",
    ["github_pat_"],
    /\bgithub_pat_[A-Za-z0-9_]{16,}/g,
  ),
  maskAll(
    "gitlab",
    "GitLab tokens `glpat-` `gldt-` `glrt-` `glptt-` `glft-` `glsoat-`",
    ["glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glsoat-"],
    /\bgl(?:pat|dt|rt|ptt|ft|soat)-[A-Za-z0-9_-]{16,}/g,
  ),
  maskAll("slack", "Slack tokens `xoxb-` `xoxp-` `xoxa-` …", ["xox"], /\bxox[abposr]-[A-Za-z0-9-]{10,}/g),
  maskAll("slack-app", "Slack app-level tokens `xapp-…`", ["xapp-"], /\bxapp-[A-Za-z0-9-]{10,}/g),
  maskAll(
    "slack-webhook",
    "Slack incoming-webhook URLs",
    ["hooks.slack.com"],
    /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/g,
  ),
  maskAll(
    "aws-access-key-id",
    "AWS access key ids `AKIA…` `ASIA…`",
    ["akia", "asia", "abia", "acca", "a3t"],
    /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[0-9A-Z]{16}\b/g,
  ),
  maskAll("google-api-key", "Google API keys `AIza…`", ["aiza"], /\bAIza[0-9A-Za-z_-]{30,}/g),
  maskAll("google-oauth", "Google OAuth access tokens `ya29.…`", ["ya29."], /\bya29\.[0-9A-Za-z_-]{20,}/g),
  maskAll(
    "google-client-secret",
    "Google OAuth client secrets `GOCSPX-…`",
    ["gocspx-"],
    /\bGOCSPX-[0-9A-Za-z_-]{20,}/g,
  ),
  maskAll("npm", "npm access tokens `npm_…`", ["npm_"], /\bnpm_[A-Za-z0-9]{30,}/g),
  maskAll("huggingface", "Hugging Face tokens `hf_…`", ["hf_"], /\bhf_[A-Za-z0-9]{30,}/g),
  maskAll(
    "jwt",
    "JSON Web Tokens (and any base64url JSON starting `eyJ`), whole or cut",
    ["eyj"],
    /\beyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}/g,
  ),
  maskAll(
    "sendgrid",
    "SendGrid API keys `SG.….…`",
    ["sg."],
    /\bSG\.[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]*)?/g,
  ),
  maskAll(
    "vault",
    "HashiCorp Vault tokens `hvs.` `hvb.` `hvr.`",
    ["hvs.", "hvb.", "hvr."],
    /\bhv[sbr]\.[A-Za-z0-9_-]{20,}/g,
  ),
  maskAll(
    "docker",
    "Docker Hub access tokens `dckr_pat_…`",
    ["dckr_"],
    /\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{16,}/g,
  ),
  maskAll("groq", "Groq API keys `gsk_…`", ["gsk_"], /\bgsk_[A-Za-z0-9]{20,}/g),
  maskAll(
    "linear",
    "Linear API keys `lin_api_…`",
    ["lin_api_", "lin_oauth_"],
    /\blin_(?:api|oauth)_[A-Za-z0-9_]{20,}/g,
  ),
  maskAll("notion", "Notion integration tokens `ntn_…`", ["ntn_"], /\bntn_[0-9]{11}[A-Za-z0-9]{20,}/g),
  maskAll(
    "shopify",
    "Shopify tokens `shpat_` `shpss_` `shpca_` `shppa_`",
    ["shpat_", "shpss_", "shpca_", "shppa_"],
    /\bshp(?:at|ss|ca|pa)_[A-Za-z0-9]{20,}/g,
  ),
  maskAll(
    "grafana",
    "Grafana cloud and service-account tokens `glc_` `glsa_`",
    ["glc_", "glsa_"],
    /\b(?:glc_[A-Za-z0-9+/]{32,}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})/g,
  ),
  maskAll(
    "1password",
    "1Password service-account tokens `ops_eyJ…`",
    ["ops_eyj"],
    /\bops_eyJ[A-Za-z0-9+/=]{40,}/g,
  ),
  maskAll("databricks", "Databricks tokens `dapi…`", ["dapi"], /\bdapi[a-f0-9]{32}(?:-\d)?\b/g),
  maskAll("figma", "Figma tokens `figd_…`", ["figd_"], /\bfigd_[A-Za-z0-9_-]{30,}/g),
  maskAll(
    "cloudflare",
    "Cloudflare tokens `cfk_` `cfut_` `cfat_`",
    ["cfk_", "cfut_", "cfat_"],
    /\bcf(?:k|ut|at)_[A-Za-z0-9]{40,}/g,
  ),
  maskAll("tailscale", "Tailscale keys `tskey-…`", ["tskey-"], /\btskey-[a-z]+-[A-Za-z0-9_-]{16,}/g),
  maskAll(
    "digitalocean",
    "DigitalOcean tokens `dop_v1_` `doo_v1_` `dor_v1_`",
    ["dop_v1_", "doo_v1_", "dor_v1_"],
    /\bdo[opr]_v1_[a-f0-9]{40,}/g,
  ),
  maskAll("pypi", "PyPI upload tokens `pypi-AgE…`", ["pypi-age"], /\bpypi-AgE[A-Za-z0-9_-]{40,}/g),
  maskAll(
    "age",
    "age secret keys `AGE-SECRET-KEY-1…`",
    ["age-secret-key-1"],
    /\bAGE-SECRET-KEY-1[0-9A-Z]{50,}/g,
  ),
  maskAll("atlassian", "Atlassian API tokens `ATATT3…`", ["atatt3"], /\bATATT3[A-Za-z0-9_=-]{40,}/g),
  maskAll("xai", "xAI API keys `xai-…`", ["xai-"], /\bxai-[A-Za-z0-9]{40,}/g),
  maskAll("telegram", "Telegram bot tokens `123456789:AA…`", [":aa"], /\b\d{8,10}:AA[A-Za-z0-9_-]{30,}/g),
  maskAll("mailgun", "Mailgun API keys `key-` + 32 hex", ["key-"], /\bkey-[0-9a-f]{32}\b/g),
  maskAll(
    "azure-client-secret",
    "Microsoft Entra (Azure AD) client secrets (`…8Q~…`)",
    ["q~"],
    /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g,
  ),
  maskAll(
    "azure-storage-key",
    "Azure storage account keys (88 base64 characters ending `==`), bare",
    ["=="],
    /(?<![A-Za-z0-9+/-])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])/g,
  ),
];
