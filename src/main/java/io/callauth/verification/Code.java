package io.callauth.verification;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The code a user typed: digits, optionally surrounded by whitespace, at most {@value #MAX} of them. Anything else (a
 * control character, a letter, nothing left after trimming) is refused before the check script, so it never spends
 * a try.
 */
@Documented
@Constraint(validatedBy = Code.Check.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface Code {

    int MAX = 12;

    String message() default "must be digits";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<Code, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null || value.isBlank()) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate("is required").addConstraintViolation();
                return false;
            }
            String c = value.strip();
            return c.length() <= MAX && c.chars().allMatch(ch -> ch >= '0' && ch <= '9');
        }
    }
}
