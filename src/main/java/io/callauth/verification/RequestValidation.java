package io.callauth.verification;

import io.callauth.phone.PhoneNumbers;

import io.callauth.common.ApiProblem;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import java.util.Comparator;

/**
 * Checks a request body against the constraints declared on its record ({@link Requests}) and answers the first
 * violation, by field name, as the API's problem: 400 {@code invalid_phone} for a phone's shape ({@link PhoneShape}),
 * 400 {@code invalid_request} for anything else, the field named ({@code "context.ip is longer than 64
 * characters"}). Called by the services rather than by the framework at the resource, so that a refused start is
 * still an attempt record (the fraud team sees malformed traffic in the log).
 */
@Singleton
public class RequestValidation {

    private final Validator validator;
    private final PhoneNumbers phones;

    public RequestValidation(Validator validator, PhoneNumbers phones) {
        this.validator = validator;
        this.phones = phones;
    }

    /** a start's body checked, and its phone normalised (invalid_phone when libphonenumber knows no such number) */
    PhoneNumbers.Phone start(Requests.Start req) {
        check(req, "a JSON body with 'phone' is required");
        return phones.normalise(req.phone());
    }

    /** a check's body checked; the code as the script compares it */
    String code(Requests.Check req) {
        return check(req, "a JSON body with 'code' is required").code().strip();
    }

    /** a check by phone: its body checked, the phone normalised, the code as the script compares it */
    record PhoneAndCode(PhoneNumbers.Phone phone, String code) {
    }

    PhoneAndCode checkByPhone(Requests.CheckByPhone req) {
        check(req, "a JSON body with 'phone' and 'code' is required");
        return new PhoneAndCode(phones.normalise(req.phone()), req.code().strip());
    }

    /** the body's problem, thrown; {@code missing}: the detail when there is no body at all */
    <T> T check(T body, String missing) {
        if (body == null) {
            throw ApiProblem.invalidRequest(missing);
        }
        validator.validate(body).stream()
                .min(Comparator.comparing((ConstraintViolation<T> v) -> v.getPropertyPath().toString()))
                .ifPresent(v -> {
                    String detail = v.getPropertyPath() + " " + v.getMessage();
                    throw v.getConstraintDescriptor().getAnnotation() instanceof PhoneShape
                            ? ApiProblem.invalidPhone(detail) : ApiProblem.invalidRequest(detail);
                });
        return body;
    }
}
