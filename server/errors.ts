/** The vendor's error codes (general and container ones). */
export const ApiCode = {
  unknown: 0,
  notAllowed: 1,
  notRealized: 2,
  invalidStructure: 3,
  invalidValue: 4,
  invalidType: 5,
  authNotProvided: 6,
  authInvalid: 7,
  authExpired: 8,
  authForbidden: 9,
  notExist: 10,
  externalService: 11,
  noContainer: 13,
  unpackingFailed: 14,
} as const;

export type ApiCodeValue = (typeof ApiCode)[keyof typeof ApiCode];

/** The vendor's error body. Every failure of every route is answered with it. */
export interface ApiErrorBody {
  error_code: number;
  error_message: string;
  details: unknown;
}

export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly statusCode: number,
    readonly code: ApiCodeValue,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }

  toBody(): ApiErrorBody {
    return { error_code: this.code, error_message: this.message, details: this.details };
  }
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/** Maps any thrown value (ours, Fastify's, a plugin's) to the vendor's error body and an HTTP status. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = (error ?? {}) as FastifyLikeError;
  const message = typeof e.message === 'string' ? e.message : 'unknown error';
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new ApiError(413, ApiCode.invalidValue, `request too large: ${message}`, { reason: 'body_too_large' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, ApiCode.invalidType, 'unsupported Content-Type', { reason: 'unsupported_media_type' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_PROTO_VIOLATION':
      return new ApiError(400, ApiCode.invalidStructure, message, { reason: e.code });
    case 'FST_ERR_VALIDATION':
      return new ApiError(400, ApiCode.invalidStructure, message, { reason: 'validation' });
  }
  if (error instanceof SyntaxError || (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)) {
    return new ApiError(e.statusCode && e.statusCode >= 400 ? e.statusCode : 400, ApiCode.invalidStructure, message, {
      reason: e.code ?? 'malformed_request',
    });
  }
  return new ApiError(500, ApiCode.unknown, 'internal error', null);
}
