package io.callauth.startup;

import io.callauth.common.InRange;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Checks the {@link InRange} settings of {@code @ConfigMapping} interfaces (their nested groups included) and names
 * each value out of range with its property and environment variable, for {@link StartupCheck}'s report.
 */
final class ConfigRanges {

    private ConfigRanges() {
    }

    /** the out-of-range settings of {@code mapping}, an instance of the {@code @ConfigMapping} interface {@code type} */
    static List<String> problems(Class<?> type, Object mapping) {
        ConfigMapping m = type.getAnnotation(ConfigMapping.class);
        if (m == null) {
            throw new IllegalArgumentException(type + " is not a @ConfigMapping");
        }
        List<String> problems = new ArrayList<>();
        check(m.prefix(), type, mapping, problems);
        return problems;
    }

    private static void check(String prefix, Class<?> type, Object group, List<String> problems) {
        Method[] methods = type.getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method method : methods) {
            if (method.getParameterCount() != 0 || method.isDefault()) {
                continue;
            }
            String property = prefix + "." + name(method);
            InRange range = method.getAnnotation(InRange.class);
            if (range != null) {
                Object raw = value(method, group);
                // a Duration is checked in milliseconds
                boolean duration = raw instanceof java.time.Duration;
                double v = duration ? ((java.time.Duration) raw).toMillis() : ((Number) raw).doubleValue();
                if (v < range.min() || v > range.max()) {
                    problems.add(property + " (" + env(property) + ") is " + (duration ? raw : format(v))
                            + ": it must be " + bounds(range) + (duration ? " milliseconds" : ""));
                }
            } else if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == type) {
                check(property, method.getReturnType(), value(method, group), problems);
            }
        }
    }

    private static Object value(Method method, Object group) {
        try {
            return method.invoke(group);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + method, e);
        }
    }

    private static String name(Method method) {
        WithName n = method.getAnnotation(WithName.class);
        return n != null ? n.value() : method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    static String env(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String bounds(InRange r) {
        boolean low = r.min() != -Double.MAX_VALUE;
        boolean high = r.max() != Double.MAX_VALUE;
        return low && high ? "between " + format(r.min()) + " and " + format(r.max())
                : low ? "at least " + format(r.min()) : "at most " + format(r.max());
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
