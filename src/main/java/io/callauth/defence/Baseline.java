package io.callauth.defence;

/**
 * What a dimension's value usually does in this hour of the week: {@code starts} per long window (10 minutes by
 * default) and {@code conversion} (approved / started); {@code learned} is false for the defaults of a value without
 * history.
 */
public record Baseline(double starts, double conversion, boolean learned) {
}
