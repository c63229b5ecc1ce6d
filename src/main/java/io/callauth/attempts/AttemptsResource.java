package io.callauth.attempts;

import io.callauth.common.ApiProblem;
import io.callauth.openapi.OpenApiDoc;
import io.callauth.phone.PhoneNumbers;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fraud team's API over the attempt archive (fraud role, see ApiKeyFilter): the log with filters and keyset
 * paging, summaries from the hourly rollups, and the export streamed from a server-side cursor. Blocking JDBC, so
 * these methods run on worker threads (Quarkus REST's default for non-reactive return types).
 */
@Path("/v1/attempts")
@Tag(name = OpenApiDoc.FRAUD_TEAM)
@SecurityRequirement(name = OpenApiDoc.API_KEY)
@APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
@APIResponse(responseCode = "401", ref = OpenApiDoc.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDoc.FORBIDDEN)
@APIResponse(responseCode = "500", ref = OpenApiDoc.INTERNAL_ERROR)
@APIResponse(responseCode = "503", ref = OpenApiDoc.ARCHIVE_UNAVAILABLE)
public class AttemptsResource {

    static final String NDJSON = AttemptExport.NDJSON;
    static final String CSV = AttemptExport.CSV;
    private static final String COLUMN_LIST = "id, at, type, verificationId, phone, country, prefix, provider, "
            + "channel, outcome, reason, rule, apiKey, ip, userAgent, appId, deviceId";
    private static final Logger LOG = Logger.getLogger(AttemptsResource.class);
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    private static final Duration MAX_WINDOW = Duration.ofDays(31);
    /** what a summary groups by, in the order the document lists them (the GroupBy schema, see NamedEnums) */
    public static final List<String> GROUP_BY = List.of("provider", "country", "prefix", "appId", "hour", "day");

    private final ArchiveSchema schema;
    private final AttemptQueries archive;
    private final PhoneNumbers phones;
    private final AttemptExport export;
    private final Clock clock;

    public AttemptsResource(ArchiveSchema schema, AttemptQueries archive, PhoneNumbers phones, AttemptExport export,
                            Clock clock) {
        this.schema = schema;
        this.archive = archive;
        this.phones = phones;
        this.export = export;
        this.clock = clock;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listAttempts",
            summary = "Search the attempt log: records newest first, filtered, a page at a time",
            description = "Filters combine (all must match); each is given at most once, and an unknown one is a "
                    + "400. The next page: the same filters plus `cursor` = the previous page's `next`.")
    @Parameter(ref = OpenApiDoc.FROM)
    @Parameter(ref = OpenApiDoc.TO)
    @Parameter(ref = OpenApiDoc.TYPE)
    @Parameter(ref = OpenApiDoc.PHONE)
    @Parameter(ref = OpenApiDoc.IP)
    @Parameter(ref = OpenApiDoc.APP_ID)
    @Parameter(ref = OpenApiDoc.DEVICE_ID)
    @Parameter(ref = OpenApiDoc.KEY_NAME)
    @Parameter(ref = OpenApiDoc.PROVIDER)
    @Parameter(ref = OpenApiDoc.COUNTRY)
    @Parameter(ref = OpenApiDoc.PREFIX)
    @Parameter(ref = OpenApiDoc.OUTCOME)
    @Parameter(ref = OpenApiDoc.VERIFICATION_ID)
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "Records per page",
            schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1", maximum = "1000",
                    defaultValue = "100"))
    @Parameter(name = "cursor", in = ParameterIn.QUERY, description = "Where the previous page stopped: its `next`",
            schema = @Schema(type = SchemaType.STRING))
    @APIResponse(responseCode = "200", description = "A page of records and the cursor of the next",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = AttemptArchive.Page.class)))
    public AttemptArchive.Page list(@Context UriInfo uri) {
        var query = uri.getQueryParameters();
        AttemptFilter filter = filter(query, Set.of());
        int limit = limit(query.getFirst("limit"));
        return ArchiveQuery.archived(() -> archive.list(filter, limit));
    }

    @GET
    @Path("/summary")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "summarizeAttempts",
            summary = "Summarise a window: starts, approvals, conversion, calls, refusals by rule and the median time "
                    + "to approve, per group",
            description = "Read from hourly rollups: the window is widened to whole hours, at most 31 days. An "
                    + "approval counts in the hour and group its verification started in.")
    @Parameter(name = "from", in = ParameterIn.QUERY, description = "The window's start (RFC 3339, any offset: `Z`, "
            + "`+03:00`, `+0300`); default: 7 days before `to`", schema = @Schema(type = SchemaType.STRING, format = "date-time",
            examples = "2026-11-24T00:00:00Z"))
    @Parameter(name = "to", in = ParameterIn.QUERY, description = "The window's end (RFC 3339, any offset); default: "
            + "now",
            schema = @Schema(type = SchemaType.STRING, format = "date-time", examples = "2026-12-01T00:00:00Z"))
    @Parameter(name = "groupBy", in = ParameterIn.QUERY, description = "What to group by (default: `day`)",
            schema = @Schema(type = SchemaType.STRING, ref = io.callauth.openapi.NamedEnums.GROUP_BY))
    @APIResponse(responseCode = "200", description = "The window, the groups and the total",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Summary.class)))
    public Summary summary(@Context UriInfo uri) {
        var query = uri.getQueryParameters();
        for (var e : query.entrySet()) {
            if (!Set.of("from", "to", "groupBy").contains(e.getKey())) {
                throw ApiProblem.invalidRequest("unknown parameter '" + AttemptFilter.clip(e.getKey())
                        + "'; the summary takes from, to and groupBy");
            }
            if (e.getValue().size() != 1) {
                throw ApiProblem.invalidRequest("parameter '" + e.getKey() + "' is given more than once");
            }
        }
        String groupBy = query.getFirst("groupBy") == null ? "day" : query.getFirst("groupBy");
        if (!GROUP_BY.contains(groupBy)) {
            throw ApiProblem.invalidRequest("groupBy must be one of " + String.join(", ", new TreeSet<>(GROUP_BY)));
        }
        Instant to = query.getFirst("to") == null ? clock.instant() : instant(query.getFirst("to"), "to");
        Instant from = query.getFirst("from") == null ? to.minus(Duration.ofDays(7)) : instant(query.getFirst("from"), "from");
        if (!from.isBefore(to)) {
            throw ApiProblem.invalidRequest("from must be before to");
        }
        // rollups are hourly: the window is widened to whole hours
        Instant f = from.truncatedTo(ChronoUnit.HOURS);
        Instant t = to.truncatedTo(ChronoUnit.HOURS).equals(to) ? to : to.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        if (Duration.between(f, t).compareTo(MAX_WINDOW) > 0) {
            throw ApiProblem.invalidRequest("the window is at most 31 days");
        }
        return ArchiveQuery.archived(() -> {
            // two independent reads: the medians on a virtual thread meanwhile
            Map<String, AttemptArchive.Counts> groups;
            Map<String, Double> medians;
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var mediansF = pool.submit(() -> archive.medianSecondsToApprove(groupBy, f, t));
                groups = archive.rollup(groupBy, f, t);
                medians = ArchiveQuery.join(mediansF);
            }
            Set<String> keys = new TreeSet<>(groups.keySet());
            medians.keySet().stream().filter(k -> k != null).forEach(keys::add);
            List<Summary.Group> out = new ArrayList<>();
            long[] total = new long[4];
            double spend = 0;
            Map<String, Long> refusals = new java.util.TreeMap<>();
            Map<String, AttemptArchive.Prevented> prevented = new java.util.TreeMap<>();
            for (String k : keys) {
                AttemptArchive.Counts c = groups.getOrDefault(k, new AttemptArchive.Counts(0, 0, 0, 0, Map.of()));
                out.add(Summary.Group.of(k.isEmpty() ? null : k, c, medians.get(k)));
                total[0] += c.started();
                total[1] += c.approved();
                total[2] += c.callsPlaced();
                total[3] += c.callsDelivered();
                spend += c.spend();
                c.refusals().forEach((r, n) -> refusals.merge(r, n, Long::sum));
                c.prevented().forEach((r, n) -> prevented.merge(r, n, AttemptArchive.Prevented::plus));
            }
            Summary.Group all = Summary.Group.of(null, new AttemptArchive.Counts(total[0], total[1], total[2], total[3],
                    refusals, spend, prevented), medians.get(null));
            return new Summary(f, t, groupBy, out, all);
        });
    }

    @GET
    @Path("/export")
    @Produces({CSV, NDJSON})
    @Operation(operationId = "exportAttempts",
            summary = "Export every matching record, newest first, streamed as CSV or NDJSON",
            description = "The list's filters, without `limit` and `cursor`. `Accept: text/csv` (a header row, RFC "
                    + "4180; a cell a spreadsheet would run as a formula is prefixed with `'`) or `Accept: "
                    + "application/x-ndjson` (one `Attempt` per line); `format` does the same for a plain link.")
    @Parameter(ref = OpenApiDoc.FROM)
    @Parameter(ref = OpenApiDoc.TO)
    @Parameter(ref = OpenApiDoc.TYPE)
    @Parameter(ref = OpenApiDoc.PHONE)
    @Parameter(ref = OpenApiDoc.IP)
    @Parameter(ref = OpenApiDoc.APP_ID)
    @Parameter(ref = OpenApiDoc.DEVICE_ID)
    @Parameter(ref = OpenApiDoc.KEY_NAME)
    @Parameter(ref = OpenApiDoc.PROVIDER)
    @Parameter(ref = OpenApiDoc.COUNTRY)
    @Parameter(ref = OpenApiDoc.PREFIX)
    @Parameter(ref = OpenApiDoc.OUTCOME)
    @Parameter(ref = OpenApiDoc.VERIFICATION_ID)
    @Parameter(name = "format", in = ParameterIn.QUERY, description = "`csv` or `ndjson`, instead of `Accept`",
            schema = @Schema(type = SchemaType.STRING, enumeration = {"csv", "ndjson"}))
    @APIResponse(responseCode = "200", description = "The records, streamed",
            headers = @Header(name = "Content-Disposition", description = "`attachment` with a file name",
                    schema = @Schema(type = SchemaType.STRING)),
            content = {
                    @Content(mediaType = CSV, schema = @Schema(type = SchemaType.STRING, format = "binary",
                            description = "CSV with a header row: " + COLUMN_LIST)),
                    @Content(mediaType = NDJSON, schema = @Schema(type = SchemaType.STRING, format = "binary",
                            description = "One `Attempt` as JSON per line"))})
    @APIResponse(responseCode = "406", ref = OpenApiDoc.NOT_ACCEPTABLE)
    public Response export(@Context UriInfo uri, @HeaderParam("Accept") String accept) {
        var query = uri.getQueryParameters();
        AttemptFilter filter = filter(query, Set.of("format"));
        if (query.containsKey("cursor") || query.containsKey("limit")) {
            throw ApiProblem.invalidRequest("the export takes no cursor and no limit: it streams every matching record");
        }
        String format = query.getFirst("format");
        boolean ndjson;
        if (format != null) {
            if (!format.equals("csv") && !format.equals("ndjson")) {
                throw ApiProblem.invalidRequest("format must be csv or ndjson");
            }
            ndjson = format.equals("ndjson");
        } else {
            ndjson = accept != null && accept.contains(NDJSON) && !accept.contains(CSV);
        }
        return export.download(filter, ndjson);
    }

    // ---------------------------------------------------------------- input

    private AttemptFilter filter(Map<String, List<String>> query, Set<String> alsoAllowed) {
        return AttemptFilter.parse(query, alsoAllowed).withPhoneNormalised(phones, null);
    }

    private static int limit(String v) {
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiProblem.invalidRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static Instant instant(String v, String name) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        q.put(name, List.of(v));
        AttemptFilter f = AttemptFilter.parse(q, Set.of());
        return name.equals("from") ? f.from() : f.to();
    }
}
