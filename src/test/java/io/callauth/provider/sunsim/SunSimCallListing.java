package io.callauth.provider.sunsim;

import com.fasterxml.jackson.databind.JsonNode;
import io.callauth.provider.sunsim.SunSimEmulator.Layout;
import io.callauth.provider.sunsim.SunSimEmulator.Row;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulator's {@code getcalllist}: its rows listed in either layout the document allows, {@code nums} read as
 * any number of a row or (the stricter operator) as the account's own numbers only.
 */
final class SunSimCallListing {

    private final ZoneId zone;
    private volatile Layout layout = Layout.CALLER_IN_EXT_NUM;
    private volatile boolean accountNumsOnly;
    private volatile List<String> lastNums = List.of();

    SunSimCallListing(ZoneId zone) {
        this.zone = zone;
    }

    void layout(Layout layout) {
        this.layout = layout;
    }

    void accountNumsOnly(boolean only) {
        this.accountNumsOnly = only;
    }

    void reset() {
        layout = Layout.CALLER_IN_EXT_NUM;
        accountNumsOnly = false;
        lastNums = List.of();
    }

    /** the {@code nums} of the last request */
    List<String> lastNums() {
        return lastNums;
    }

    /** the rowset of {@code q}'s period, numbers and direction (the period already checked) */
    List<Map<String, Object>> rowset(List<Row> rows, JsonNode q, LocalDateTime start, LocalDateTime end) {
        List<String> nums = new ArrayList<>();
        q.path("nums").forEach(n -> nums.add(n.asText()));
        lastNums = List.copyOf(nums);
        int direction = q.path("direction").asInt(0);
        List<Map<String, Object>> rowset = new ArrayList<>();
        for (Row r : rows) {
            LocalDateTime at = LocalDateTime.ofInstant(r.callDate(), zone);
            // the account's own number: the calling one of an outgoing call, the called one of an incoming call
            String account = r.direction() == 2 ? r.called() : r.caller();
            String other = r.direction() == 2 ? r.caller() : r.called();
            boolean numMatch = nums.isEmpty() || nums.contains(account) || !accountNumsOnly && nums.contains(other);
            if (at.isBefore(start) || at.isAfter(end) || !numMatch || direction != 0 && direction != r.direction()) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("callDate", SunSimEmulator.PERIOD.format(at));
            row.put("service", "местный");
            boolean accountInAbonent = layout == Layout.ACCOUNT_IN_ABONENT_NUM;
            row.put("extNum", accountInAbonent ? other : r.caller());
            row.put("abonentNum", accountInAbonent ? account : r.called());
            row.put("redirectNum", "");
            row.put("callDuration", Integer.toString(r.durationSeconds()));
            row.put("dDirection", r.direction());
            row.put("callRecordDuration", r.recordId() == null ? "0" : Integer.toString(r.durationSeconds()));
            row.put("callRecordId", r.recordId());
            rowset.add(row);
        }
        return rowset;
    }
}
