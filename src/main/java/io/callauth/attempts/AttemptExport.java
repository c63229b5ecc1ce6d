package io.callauth.attempts;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.jboss.logging.Logger;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

/**
 * Every record of a filter as a streamed download, for the API's export and the console's: CSV per RFC 4180 with a
 * header row (a cell a spreadsheet would run as a formula is prefixed with a quote) or NDJSON, read through a
 * server-side cursor in constant memory, with a file name that carries the time. Blocking JDBC: callers run on
 * worker threads.
 */
@ApplicationScoped
public class AttemptExport {

    public static final String CSV = "text/csv";
    public static final String NDJSON = "application/x-ndjson";
    private static final Logger LOG = Logger.getLogger(AttemptExport.class);

    private final ArchiveSchema schema;
    private final AttemptQueries queries;
    private final ObjectMapper json;
    private final Clock clock;

    public AttemptExport(ArchiveSchema schema, AttemptQueries queries, ObjectMapper json, Clock clock) {
        this.schema = schema;
        this.queries = queries;
        this.json = json;
        this.clock = clock;
    }

    /** the download of every record the filter matches; 503 {@code archive_unavailable} before it starts */
    public Response download(AttemptFilter filter, boolean ndjson) {
        ArchiveQuery.archived(() -> {
            schema.ensureSchema();
            return null;
        });
        StreamingOutput body = out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            try {
                if (!ndjson) {
                    w.write(String.join(",", Attempt.COLUMNS));
                    w.write("\r\n");
                }
                queries.export(filter, a -> {
                    try {
                        if (ndjson) {
                            w.write(json.writeValueAsString(a));
                            w.write('\n');
                        } else {
                            writeCsv(w, a.values());
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                w.flush();
            } catch (SQLException e) {
                // the status line is gone already: the truncated body is all the client can be told
                LOG.warnf("attempt export stopped: %s", AttemptIngester.plain(e));
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

    /** CSV per RFC 4180; a cell that a spreadsheet would run as a formula is prefixed with a quote */
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
