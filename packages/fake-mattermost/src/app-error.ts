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
  return {
    status: 403,
    id: "api.context.permissions.app_error",
    message: "You do not have the appropriate permissions.",
    detailed: `userId=${userId}, permission=${permission}`,
  };
}

export function invalidParam(name: string): ApiError {
  return {
    status: 400,
    id: "api.context.invalid_param.app_error",
    message: `Invalid ${name} parameter.`,
  };
}

export function invalidBodyParam(name: string, detailed = ""): ApiError {
  return {
    status: 400,
    id: "api.context.invalid_body_param.app_error",
    message: `Invalid or missing ${name} in request body.`,
    detailed,
  };
}

export function invalidUrlParam(name: string): ApiError {
  return {
    status: 400,
    id: "api.context.invalid_url_param.app_error",
    message: `Invalid or missing ${name} parameter in request URL.`,
  };
}

export const SESSION_EXPIRED: ApiError = {
  status: 401,
  id: "api.context.session_expired.app_error",
  message: "Invalid or expired session, please login again.",
};

/** `GET /plugins/webapp` (and other plugin routes) with PluginSettings.Enable off. */
export const PLUGINS_DISABLED: ApiError = {
  status: 501,
  id: "app.plugin.disabled.app_error",
  message: "Plugins have been disabled. Please check your logs for details.",
};

export const NOT_FOUND_ROUTE: ApiError = {
  status: 404,
  id: "api.context.404.app_error",
  message: "Sorry, we could not find the page.",
};

export const POST_NOT_FOUND: ApiError = {
  status: 404,
  id: "app.post.get.app_error",
  message: "Unable to get the post.",
};

export const CHANNEL_NOT_FOUND: ApiError = {
  status: 404,
  id: "app.channel.get.existing.app_error",
  message: "Unable to find the existing channel.",
};

export const USER_NOT_FOUND: ApiError = {
  status: 404,
  id: "app.user.missing_account.const",
  message: "Unable to find the user.",
};

/** `api4.updatePost` / `patchPost`: the message of a post older than `PostEditTimeLimit` may not change. */
export function editTimeLimitError(limitSeconds: number): ApiError {
  return {
    status: 400,
    id: "api.post.update_post.permissions_time_limit.app_error",
    message: `Post edit is only allowed for ${limitSeconds} seconds. Please ask your System Administrator for details.`,
  };
}
