/** An error the fake answers with, rendered as Mattermost's AppError JSON. */
export interface ApiError {
  status: number;
  id: string;
  message: string;
  detailed?: string;
}

/** Mattermost's AppError body (`model.AppError` JSON). */
export interface AppErrorBody {
  id: string;
  message: string;
  detailed_error: string;
  request_id: string;
  status_code: number;
}

/** An API error; `detailed` only when the server fills it. */
export function apiError(status: number, id: string, message: string, detailed?: string): ApiError {
  return detailed === undefined ? { status, id, message } : { status, id, message, detailed };
}

export function appErrorBody(error: ApiError, requestId: string): AppErrorBody {
  return {
    id: error.id,
    message: error.message,
    detailed_error: error.detailed ?? "",
    request_id: requestId,
    status_code: error.status,
  };
}

export function permissionError(userId: string, permission: string): ApiError {
  return apiError(
    403,
    "api.context.permissions.app_error",
    "You do not have the appropriate permissions.",
    `userId=${userId}, permission=${permission}`,
  );
}

export function invalidParam(name: string): ApiError {
  return apiError(400, "api.context.invalid_param.app_error", `Invalid ${name} parameter.`);
}

export function invalidBodyParam(name: string, detailed = ""): ApiError {
  return apiError(
    400,
    "api.context.invalid_body_param.app_error",
    `Invalid or missing ${name} in request body.`,
    detailed,
  );
}

export function invalidUrlParam(name: string): ApiError {
  return apiError(
    400,
    "api.context.invalid_url_param.app_error",
    `Invalid or missing ${name} parameter in request URL.`,
  );
}

export const SESSION_EXPIRED = apiError(
  401,
  "api.context.session_expired.app_error",
  "Invalid or expired session, please login again.",
);

/** `GET /plugins/webapp` (and other plugin routes) with PluginSettings.Enable off. */
export const PLUGINS_DISABLED = apiError(
  501,
  "app.plugin.disabled.app_error",
  "Plugins have been disabled. Please check your logs for details.",
);

export const NOT_FOUND_ROUTE = apiError(
  404,
  "api.context.404.app_error",
  "Sorry, we could not find the page.",
);

export const POST_NOT_FOUND = apiError(404, "app.post.get.app_error", "Unable to get the post.");

export const CHANNEL_NOT_FOUND = apiError(
  404,
  "app.channel.get.existing.app_error",
  "Unable to find the existing channel.",
);

export const USER_NOT_FOUND = apiError(404, "app.user.missing_account.const", "Unable to find the user.");

/** `api4.updatePost` / `patchPost`: the message of a post older than `PostEditTimeLimit` may not change. */
export function editTimeLimitError(limitSeconds: number): ApiError {
  return apiError(
    400,
    "api.post.update_post.permissions_time_limit.app_error",
    `Post edit is only allowed for ${limitSeconds} seconds. Please ask your System Administrator for details.`,
  );
}
