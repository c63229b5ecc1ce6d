package io.callauth.attempts;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many records a filter of the attempt log matches, and its most frequent numbers, ranges, client addresses,
 * devices, apps and user agents: one pass over the filter's records (grouping sets, the top ones picked in
 * PostgreSQL). The caller bounds the filter's time window, so that the pass stays short on a big archive; a pass that
 * still takes longer than {@code timeout} is cancelled by PostgreSQL (SQL state {@value #CANCELED}).
 * Blocking JDBC: worker threads only.
 */
@ApplicationScoped
public class AttemptTops {

    /** the SQL state of a statement cancelled by its timeout */
    public static final String CANCELED = "57014";

    /** the counted columns: the filter's parameter name → column, in the order of {@code GROUPING(...)} */
    private static final Map<String, String> COLUMNS = columns();

    private static Map<String, String> columns() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("phone", "phone");
        m.put("prefix", "prefix");
        m.put("ip", "ip");
        m.put("deviceId", "device_id");
        m.put("appId", "app_id");
        m.put("userAgent", "user_agent");
        return m;
    }

    /** one value and how many of the filter's records carry it */
    public record Top(String value, long count) {
    }

    /** the filter's record count and, by parameter name (phone, prefix, ip, deviceId, appId, userAgent), its tops */
    public record Tops(long total, Map<String, List<Top>> by) {
    }

    private final AgroalDataSource dataSource;
    private final ArchiveSchema schema;

    public AttemptTops(AgroalDataSource dataSource, ArchiveSchema schema) {
        this.dataSource = dataSource;
        this.schema = schema;
    }

    /** the total and the {@code n} most frequent values of each counted column among the filter's records */
    public Tops tops(AttemptFilter filter, int n, Duration timeout) throws SQLException {
        schema.ensureSchema();
        List<Object> params = new ArrayList<>();
        String cols = String.join(", ", COLUMNS.values());
        StringBuilder sets = new StringBuilder();
        COLUMNS.values().forEach(c -> sets.append('(').append(c).append("), "));
        int all = (1 << COLUMNS.size()) - 1;
        String sql = "WITH g AS (SELECT GROUPING(" + cols + ") AS g, coalesce(" + cols + ") AS v, count(*) AS n"
                + " FROM attempts WHERE " + filter.after(null).where(params)
                + " GROUP BY GROUPING SETS (" + sets + "())),"
                + " r AS (SELECT g, v, n, row_number() OVER (PARTITION BY g ORDER BY n DESC, v) AS rn FROM g"
                + " WHERE v IS NOT NULL OR g = " + all + ")"
                + " SELECT g, v, n FROM r WHERE rn <= ? ORDER BY g, rn";
        List<String> names = List.copyOf(COLUMNS.keySet());
        Map<String, List<Top>> by = new LinkedHashMap<>();
        names.forEach(k -> by.put(k, new ArrayList<>()));
        long total = 0;
        try (Connection c = dataSource.getConnection()) {
            ArchiveQuery.customPlan(c);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL statement_timeout = " + Math.max(1, timeout.toMillis()));
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                ps.setInt(params.size() + 1, n);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int g = rs.getInt(1);
                        if (g == all) {
                            total = rs.getLong(3);
                            continue;
                        }
                        // the one column this set groups by has its bit clear: GROUPING's first argument is the top bit
                        int column = names.size() - 1 - Integer.numberOfTrailingZeros(~g & all);
                        by.get(names.get(column)).add(new Top(rs.getString(2), rs.getLong(3)));
                    }
                }
            } finally {
                c.rollback();
            }
        }
        return new Tops(total, by);
    }
}
