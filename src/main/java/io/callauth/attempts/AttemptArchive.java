package io.callauth.attempts;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The attempt archive in PostgreSQL as other packages see it (the console, its dev seeding): the read types of the
 * fraud API and the few entry points they use, each handed to the class whose job it is: the schema
 * ({@link ArchiveSchema}), the batch writes ({@link ArchiveWriter}: records, verification rows, rollups and histograms
 * in one transaction), the days ({@link ArchivePartitions}: partitions and retention) and the reads
 * ({@link AttemptQueries}). Within this package, use those directly.
 */
@ApplicationScoped
public class AttemptArchive {

    private final ArchiveSchema schema;
    private final ArchiveWriter writer;
    private final AttemptQueries queries;
    private final AttemptTops tops;

    public AttemptArchive(ArchiveSchema schema, ArchiveWriter writer, AttemptQueries queries, AttemptTops tops) {
        this.schema = schema;
        this.writer = writer;
        this.queries = queries;
        this.tops = tops;
    }

    /** a page: the records and the cursor of the next one (null on the last page) */
    @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "AttemptPage",
            description = "One page of the attempt log, newest first")
    public record Page(
            @org.eclipse.microprofile.openapi.annotations.media.Schema(required = true,
                    description = "At most `limit` records")
            List<Attempt> items,
            @org.eclipse.microprofile.openapi.annotations.media.Schema(required = true, nullable = true,
                    description = "The `cursor` of the next page (with the same filters); null on the last page",
                    examples = "YTI6MTc2NDU2NjQwMzUxMToxODUwMjgxOTgxMTI3OTUwMzM2OjE3NjQ1NjY0MDM1MTEtMA")
            String next) {
    }

    /** counters of one group (or the total) of a summary */
    public record Counts(long started, long approved, long callsPlaced, long callsDelivered, Map<String, Long> refusals,
                         double spend, Map<String, Prevented> prevented) {
        /** counters without spend (no cost configured) */
        public Counts(long started, long approved, long callsPlaced, long callsDelivered, Map<String, Long> refusals) {
            this(started, approved, callsPlaced, callsDelivered, refusals, 0, Map.of());
        }

        public Counts(long started, long approved, long callsPlaced, long callsDelivered, Map<String, Long> refusals,
                      double spend) {
            this(started, approved, callsPlaced, callsDelivered, refusals, spend, Map.of());
        }
    }

    /** the calls refused starts did not place, under one rule (or reason), and what they would have cost */
    public record Prevented(long calls, double cost) {
        public Prevented plus(Prevented o) {
            return new Prevented(calls + o.calls, cost + o.cost);
        }
    }

    /** See {@link ArchiveSchema#ensureSchema}. */
    public void ensureSchema() {
        schema.ensureSchema();
    }

    /** See {@link ArchiveWriter#store}. */
    public ArchiveWriter.Stored store(List<AttemptLog.Entry> entries) throws SQLException {
        return writer.store(entries);
    }

    /** See {@link AttemptQueries#list}. */
    public Page list(AttemptFilter filter, int limit) throws SQLException {
        return queries.list(filter, limit);
    }

    /** See {@link AttemptTops#tops}. */
    public AttemptTops.Tops tops(AttemptFilter filter, int n, java.time.Duration timeout) throws SQLException {
        return tops.tops(filter, n, timeout);
    }

    /** See {@link AttemptQueries#rollup}. */
    public Map<String, Counts> rollup(String groupBy, Instant from, Instant to) throws SQLException {
        return queries.rollup(groupBy, from, to);
    }
}
