package io.callauth.console;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a Webhooks page says after one of its buttons (the button's form redirects to the page with {@code done} and
 * its figures in the query string; the page builds the sentence from known words and checked figures only, so a
 * crafted link cannot make the console say something else).
 */
record WebhookNotice(String text, boolean error) {

    private static final String EVENT = "evt_[0-9a-f]{1,64}";
    private static final String WEBHOOK = "wh_[0-9a-f]{1,64}";

    /** the notice of a query string, or null */
    static WebhookNotice of(String done, String webhook, String event, String events) {
        String wh = webhook != null && webhook.matches(WEBHOOK) ? webhook : "the endpoint";
        if (done == null) {
            return null;
        }
        return switch (done) {
            case "test" -> new WebhookNotice("Test event " + (event != null && event.matches(EVENT) ? event + " " : "")
                    + "queued for " + wh + ": it is sent within a second; its delivery is listed below.", false);
            case "replay" -> new WebhookNotice("Replay queued " + count(events) + " events for " + wh
                    + " from the archive, with their original ids.", false);
            case "enabled" -> new WebhookNotice(wh + " is enabled: its queued events are sent again.", false);
            case "disabled" -> new WebhookNotice(wh + " is disabled: its events wait in its queue.", false);
            case "since" -> new WebhookNotice("Replay needs a time in the past (UTC), within the archive's "
                    + "retention.", true);
            default -> null;
        };
    }

    /** the query string of a notice */
    static String query(String done, String webhook, Map<String, String> more) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("done", done);
        q.put("wh", webhook);
        q.putAll(more);
        return Links.query(q);
    }

    private static String count(String n) {
        return n != null && n.matches("[0-9]{1,9}") ? n : "the";
    }
}
