package io.callauth.verification;

import io.callauth.phone.PhoneNumbers;

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
 * A phone number's shape: an optional +, then digits and the usual separators ({@link PhoneNumbers#hasShape}). A
 * violation is 400 {@code invalid_phone}; whether the number is valid is libphonenumber's to say after this.
 */
@Documented
@Constraint(validatedBy = PhoneShape.Check.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface PhoneShape {

    String message() default "must be an optional + followed by digits, spaces and ( ) - . only";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<PhoneShape, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || value.isBlank() || PhoneNumbers.hasShape(value);
        }
    }
}
