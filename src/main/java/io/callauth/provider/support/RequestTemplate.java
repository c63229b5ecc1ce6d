package io.callauth.provider.support;

import io.callauth.provider.CallRequest;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configurable JSON request for provider methods no document describes. Placeholders {@code {{name}}} are
 * replaced by JSON-escaped values: {@code {{phone}}} (E.164 digits without '+'), {@code {{phoneE164}}},
 * {@code {{callerId}}}, {@code {{callRef}}}. An unknown placeholder is a configuration error.
 */
public final class RequestTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z0-9]+)}}");
    private final String template;

    public RequestTemplate(String template) {
        this.template = template;
    }

    public static Map<String, String> values(CallRequest request, String callerId) {
        String phone = request.phone().startsWith("+") ? request.phone().substring(1) : request.phone();
        return Map.of("phone", phone, "phoneE164", request.phone(), "callerId", callerId, "callRef", request.callRef());
    }

    public String render(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException("unknown placeholder {{" + m.group(1) + "}}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(new String(JsonStringEncoder.getInstance().quoteAsString(v))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** the placeholders the template uses that {@link #values} does not know, for the startup check */
    public java.util.List<String> unknownPlaceholders() {
        Matcher m = PLACEHOLDER.matcher(template);
        java.util.List<String> unknown = new java.util.ArrayList<>();
        while (m.find()) {
            if (!java.util.Set.of("phone", "phoneE164", "callerId", "callRef").contains(m.group(1))) {
                unknown.add(m.group(1));
            }
        }
        return unknown;
    }
}
