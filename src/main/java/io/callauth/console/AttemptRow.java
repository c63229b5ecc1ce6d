package io.callauth.console;

import io.callauth.attempts.Attempt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** one row of the attempts table, with the links that filter by its values */
public record AttemptRow(Attempt a, String time, String phoneLink, String ipLink, String appLink,
                         String deviceLink, String countryLink, String prefixLink, String detail) {
    static AttemptRow of(Attempt a, Map<String, String> form) {
        String detail = String.join(" · ", nonNull(a.outcome(), a.reason(), a.rule()));
        return new AttemptRow(a, TemplateExtensions.utc(a.at()),
                link(form, "phone", a.phone()), link(form, "ip", a.ip()), link(form, "appId", a.appId()),
                link(form, "deviceId", a.deviceId()), link(form, "country", a.country()),
                link(form, "prefix", a.prefix()), detail);
    }

    /** the verification id's first characters (the link carries it whole) */
    public String shortVerification() {
        String v = a.verificationId();
        return v == null ? null : v.length() > 12 ? v.substring(0, 11) + "…" : v;
    }

    private static String link(Map<String, String> form, String k, String v) {
        return v == null ? null : "/console/attempts?" + Links.query(Links.with(form, k, v));
    }

    private static List<String> nonNull(String... v) {
        List<String> out = new ArrayList<>();
        for (String s : v) {
            if (s != null && !s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
