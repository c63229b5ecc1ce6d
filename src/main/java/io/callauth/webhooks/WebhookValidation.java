package io.callauth.webhooks;

import io.callauth.common.ApiProblem;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import java.util.Comparator;
import java.util.List;

/**
 * Checks the webhooks API's bodies: the constraints of their records ({@link WebhookRequests}; the first violation,
 * by field, is 400 {@code invalid_request}), and the event types: an unknown one is {@code invalid_request}, a fraud
 * type named by a key without the fraud role is 400 {@code event_not_allowed}.
 */
@Singleton
public class WebhookValidation {

    private final Validator validator;

    public WebhookValidation(Validator validator) {
        this.validator = validator;
    }

    <T> T check(T body, String missing) {
        if (body == null) {
            throw ApiProblem.invalidRequest(missing);
        }
        validator.validate(body).stream()
                .min(Comparator.comparing((ConstraintViolation<T> v) -> v.getPropertyPath().toString()))
                .ifPresent(v -> {
                    throw ApiProblem.invalidRequest(v.getPropertyPath() + " " + v.getMessage());
                });
        return body;
    }

    /** the event types as stored (distinct, in order); {@code fraud}: whether the endpoint's key has the fraud role */
    static List<String> events(List<String> events, boolean fraud) {
        if (events.contains(EventType.ALL)) {
            if (events.size() > 1) {
                throw ApiProblem.invalidRequest("events: \"*\" stands alone");
            }
            return List.of(EventType.ALL);
        }
        for (String name : events) {
            EventType t = EventType.parse(name).filter(x -> x != EventType.WEBHOOK_TEST).orElseThrow(() ->
                    ApiProblem.invalidRequest("events: unknown event type '" + clip(name) + "'; the types are "
                            + String.join(", ", EventType.subscribable()) + " or \"*\""));
            if (t.fraudOnly() && !fraud) {
                throw ApiProblem.eventNotAllowed("events: " + t.wire() + " is sent only to API keys with the fraud "
                        + "role");
            }
        }
        return events.stream().distinct().toList();
    }

    private static String clip(String s) {
        String safe = s.replaceAll("[^A-Za-z0-9_.*-]", "");
        return safe.length() > 40 ? safe.substring(0, 40) : safe;
    }
}
