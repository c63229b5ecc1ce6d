package io.callauth.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.attempts.Attempt;
import io.callauth.attempts.AttemptArchive;
import io.callauth.attempts.AttemptFilter;
import io.callauth.attempts.ArchiveQuery;
import io.callauth.common.ApiProblem;
import io.callauth.verification.PhoneNumbers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.jboss.logging.Logger;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
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

    private static final Logger LOG = Logger.getLogger(ConsoleAttempts.class);
    private static final String CSV = "text/csv";
    private static final String NDJSON = "application/x-ndjson";

    /** the record's accessors in the export's column order ({@link Attempt#COLUMNS} names the record's fields) */
    private static final List<Method> COLUMNS = Arrays.stream(Attempt.COLUMNS).map(c -> Arrays.stream(
                    Attempt.class.getRecordComponents()).filter(r -> r.getName().equals(c)).findFirst()
            .orElseThrow(() -> new IllegalStateException("no field " + c + " in Attempt")).getAccessor()).toList();

    private final AttemptArchive archive;
    private final PhoneNumbers phones;
    private final ObjectMapper json;
    private final Clock clock;

    public ConsoleAttempts(AttemptArchive archive, PhoneNumbers phones, ObjectMapper json, Clock clock) {
        this.archive = archive;
        this.phones = phones;
        this.json = json;
        this.clock = clock;
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
        ArchiveQuery.archived(() -> {
            archive.ensureSchema();
            return null;
        });
        StreamingOutput body = out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            try {
                if (!ndjson) {
                    w.write(String.join(",", Attempt.COLUMNS));
                    w.write("\r\n");
                }
                archive.export(filter, a -> {
                    try {
                        if (ndjson) {
                            w.write(json.writeValueAsString(a));
                            w.write('\n');
                        } else {
                            writeCsv(w, values(a));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                w.flush();
            } catch (SQLException e) {
                // the status line is gone already: the truncated body is all the client can be told
                String m = e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ");
                LOG.warnf("console attempt export stopped: %s", m.length() > 200 ? m.substring(0, 200) : m);
                throw new IOException("export interrupted", e);
            } catch (UncheckedIOException e) {
                throw e.getCause(); // the client went away
            }
        };
        String stamp = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "");
        return Response.ok(body, ndjson ? NDJSON + "; charset=utf-8" : CSV + "; charset=utf-8; header=present")
                .header("Content-Disposition", "attachment; filename=\"attempts-" + stamp + (ndjson ? ".ndjson\"" : ".csv\""))
                .build();
    }

    private AttemptFilter filter(Map<String, List<String>> query, Set<String> alsoAllowed, String phoneError) {
        AttemptFilter f = AttemptFilter.parse(query, alsoAllowed);
        String phone = f.equals().get("phone");
        if (phone != null) {
            try {
                f = f.withPhone(phones.normalise(phone).e164());
            } catch (ApiProblem p) {
                throw ApiProblem.invalidRequest(phoneError != null ? phoneError : "phone filter: " + p.getMessage());
            }
        }
        return f;
    }

    /** the values in {@link Attempt#COLUMNS} order, {@code at} as an ISO-8601 instant */
    static String[] values(Attempt a) {
        String[] out = new String[COLUMNS.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                Object v = COLUMNS.get(i).invoke(a);
                out[i] = v == null ? null : v.toString();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** CSV per RFC 4180; a cell that a spreadsheet would run as a formula is prefixed with a quote (as the API's) */
    static void writeCsv(BufferedWriter w, String[] values) throws IOException {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                w.write(',');
            }
            String v = values[i];
            if (v == null) {
                continue;
            }
            if (!v.isEmpty() && "=@\t\r".indexOf(v.charAt(0)) >= 0
                    || (v.length() > 1 && (v.charAt(0) == '+' || v.charAt(0) == '-')
                    && !v.substring(1).chars().allMatch(Character::isDigit))) {
                v = "'" + v;
            }
            if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
                w.write('"');
                w.write(v.replace("\"", "\"\""));
                w.write('"');
            } else {
                w.write(v);
            }
        }
        w.write("\r\n");
    }
}
