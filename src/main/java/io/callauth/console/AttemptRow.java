package io.callauth.console;

import io.callauth.attempts.Attempt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** one row of the attempts table, with the links that filter by its values */
public record AttemptRow(Attempt a, String time, String phoneLink, String ipLink, String appLink,
                         String deviceLink, String countryLink, String prefixLink, String detail, Blocks blocks) {

    /** what each cell offers to block with one click (null where the record has no value) */
    public record Blocks(BlockTarget phone, BlockTarget prefix, BlockTarget ip, BlockTarget network, BlockTarget app,
                         BlockTarget device) {
    }

    static AttemptRow of(Attempt a, Map<String, String> form) {
        String detail = String.join(" · ", nonNull(a.outcome(), a.reason(), a.rule()));
        String why = "seen in the attempt log at " + TemplateExtensions.utcSeconds(a.at()) + " UTC (" + a.type() + ")";
        Blocks blocks = new Blocks(a.phone() == null ? null : BlockTarget.number(a.phone(), why),
                a.prefix() == null ? null : BlockTarget.range(a.prefix(), why),
                a.ip() == null ? null : BlockTarget.address(a.ip(), why),
                a.ip() == null ? null : BlockTarget.network(a.ip(), why),
                a.appId() == null ? null : BlockTarget.app(a.appId(), why),
                a.deviceId() == null ? null : BlockTarget.device(a.deviceId(), why));
        return new AttemptRow(a, TemplateExtensions.utc(a.at()),
                link(form, "phone", a.phone()), link(form, "ip", a.ip()), link(form, "appId", a.appId()),
                link(form, "deviceId", a.deviceId()), link(form, "country", a.country()),
                link(form, "prefix", a.prefix()), detail, blocks);
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
