package io.callauth.openapi;

/**
 * Names of what the published OpenAPI document defines once and the operations refer to (see {@code package-info}):
 * shared error responses, headers and the attempt archive's filter parameters. The document is written at build
 * time ({@code target/openapi/openapi.yaml}), a Java client is generated from it and GeneratedClientIT runs it.
 */
public final class OpenApiDoc {

    private OpenApiDoc() {
    }

    public static final String PROBLEM_JSON = "application/problem+json";

    // tags, one per audience
    public static final String CLIENT_APPS = "client apps";
    public static final String FRAUD_TEAM = "fraud team";

    // the security scheme: the API key as a bearer token (HTTP bearer). Named bearerAuth, not apiKey: generated clients
    // name their credential settings after the scheme, and an "apiKey" setting suggests an API-key scheme (a header
    // or query parameter of that name) that this is not
    public static final String API_KEY = "bearerAuth";

    // shared responses (#/components/responses/...)
    public static final String BAD_REQUEST = "BadRequest";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String FORBIDDEN = "Forbidden";
    public static final String NOT_FOUND = "NotFound";
    public static final String NOT_ACCEPTABLE = "NotAcceptable";
    public static final String CONFLICT = "Conflict";
    public static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
    public static final String IDEMPOTENCY_CONFLICT = "IdempotencyConflict";
    public static final String RATE_LIMITED = "RateLimited";
    public static final String INTERNAL_ERROR = "InternalError";
    public static final String UNAVAILABLE = "Unavailable";
    public static final String ARCHIVE_UNAVAILABLE = "ArchiveUnavailable";

    // shared headers (#/components/headers/...)
    public static final String RETRY_AFTER = "Retry-After";

    // the attempt archive's filters, shared by the list and the export (#/components/parameters/...)
    public static final String FROM = "from";
    public static final String TO = "to";
    public static final String TYPE = "type";
    public static final String PHONE = "phone";
    public static final String IP = "ip";
    public static final String APP_ID = "appId";
    public static final String DEVICE_ID = "deviceId";
    public static final String KEY_NAME = "apiKey";
    public static final String PROVIDER = "provider";
    public static final String COUNTRY = "country";
    public static final String PREFIX = "prefix";
    public static final String OUTCOME = "outcome";
    public static final String VERIFICATION_ID = "verificationId";
}
