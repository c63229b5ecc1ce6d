package io.callauth.common;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The range a numeric setting of a {@code @ConfigMapping} must lie in, bounds included (a {@code Duration}'s in
 * milliseconds); checked at start by
 * {@code io.callauth.startup.ConfigRanges}, which names the property and its environment variable when a value is
 * out of range.
 * <p>
 * Not Bean Validation's {@code @Min}/{@code @Max}: one of those on any mapping makes Quarkus build a second validator
 * factory for the configuration in the static init, measured at 1.9 s of the 8 s of CPU a start to ready costs here
 * (bench/README, "Start to ready"); request bodies keep Hibernate Validator.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface InRange {
    double min() default -Double.MAX_VALUE;

    double max() default Double.MAX_VALUE;
}
