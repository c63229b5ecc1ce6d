package io.callauth.console;

import io.callauth.attempts.AttemptArchive;
import io.callauth.attempts.AttemptExport;
import io.callauth.attempts.AttemptFilter;
import io.callauth.attempts.AttemptTops;
import io.callauth.attempts.ArchiveQuery;
import io.callauth.common.ApiProblem;
import io.callauth.phone.PhoneNumbers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The attempt archive as the console reads it: a page of the log by the API's filters, one verification's records,
 * and the export, the same CSV or NDJSON as {@code GET /v1/attempts/export} (same filters, same streaming from a
 * server-side cursor, same columns and formula guard). Blocking JDBC: callers run on worker threads.
 */
@ApplicationScoped
public class ConsoleAttempts {

    /** values shown per top list */
    static final int TOP = 5;
    /** how long the count and top values may take before PostgreSQL cancels them */
    static final Duration STATS_TIMEOUT = Duration.ofSeconds(5);

    private final AttemptArchive archive;
    private final PhoneNumbers phones;
    private final AttemptExport export;
    private final Clock clock;
    private final Duration statsWindow;

    public ConsoleAttempts(AttemptArchive archive, PhoneNumbers phones, AttemptExport export, Clock clock,
                           ConsoleConfig config) {
        this.archive = archive;
        this.phones = phones;
        this.export = export;
        this.clock = clock;
        this.statsWindow = config.statsWindow();
    }

    /**
     * The filter's record count and top values, over its window cut to the stats window before its end (the last
     * stats window when it has no end). 400 {@code invalid_request} for a filter the API would refuse.
     */
    AttemptStats stats(Map<String, List<String>> query, Map<String, String> form) {
        Map<String, List<String>> q = new TreeMap<>(query);
        q.remove("cursor");
        AttemptFilter f = filter(q, Set.of(), "the phone filter is not a phone number");
        Instant to = f.to() != null ? f.to() : clock.instant();
        Instant earliest = to.minus(statsWindow);
        boolean cut = f.from() == null || f.from().isBefore(earliest);
        Instant from = cut ? earliest : f.from();
        AttemptFilter bounded = new AttemptFilter(from, to, f.equals(), null);
        try {
            AttemptTops.Tops tops = archive.tops(bounded, TOP, STATS_TIMEOUT);
            return AttemptStats.of(tops, from, to, cut, form);
        } catch (SQLException e) {
            if (AttemptTops.CANCELED.equals(e.getSQLState())) {
                return AttemptStats.failed(from, to, cut, "not counted: it took longer than "
                        + STATS_TIMEOUT.toSeconds() + " s; narrow the filter or its time window");
            }
            return ArchiveQuery.archived(() -> {
                throw e;
            });
        }
    }

    /** a page of the log, newest first (400 {@code invalid_request} for a filter the API would refuse) */
    AttemptArchive.Page list(Map<String, List<String>> query, int limit) {
        AttemptFilter f = filter(query, Set.of(), "the phone filter is not a phone number");
        return ArchiveQuery.archived(() -> archive.list(f, limit));
    }

    /** a verification's records, newest first, at most {@code limit} of them */
    AttemptArchive.Page verification(String id, int limit) {
        Map<String, List<String>> q = new TreeMap<>();
        q.put("verificationId", List.of(id));
        AttemptFilter f = AttemptFilter.parse(q, Set.of());
        return ArchiveQuery.archived(() -> archive.list(f, limit));
    }

    /**
     * Every record of the filter, streamed: CSV unless {@code format=ndjson}; the API's export takes no cursor and no
     * limit, and neither does this.
     */
    Response export(Map<String, List<String>> query) {
        AttemptFilter filter = filter(query, Set.of("format"), null);
        if (query.containsKey("cursor") || query.containsKey("limit")) {
            throw ApiProblem.invalidRequest("the export takes no cursor and no limit: it streams every matching record");
        }
        List<String> formats = query.get("format");
        String format = formats == null || formats.isEmpty() ? null : formats.get(0);
        if (format != null && !format.equals("csv") && !format.equals("ndjson")) {
            throw ApiProblem.invalidRequest("format must be csv or ndjson");
        }
        boolean ndjson = "ndjson".equals(format);
        return export.download(filter, ndjson);
    }

    private AttemptFilter filter(Map<String, List<String>> query, Set<String> alsoAllowed, String phoneError) {
        return AttemptFilter.parse(query, alsoAllowed).withPhoneNormalised(phones, phoneError);
    }
}
