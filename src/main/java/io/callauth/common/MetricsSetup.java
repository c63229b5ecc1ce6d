package io.callauth.common;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * Every callauth meter carries a help text on /q/metrics: one table, so a new meter's text is hard to forget.
 */
@Singleton
public class MetricsSetup {

    static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("callauth.verifications.started", "verifications started (a call is being placed)"),
            Map.entry("callauth.verifications.approved", "verifications approved by a correct code"),
            Map.entry("callauth.verifications.failed", "verifications that ended failed: no provider could deliver a call"),
            Map.entry("callauth.verifications.expired", "verifications that expired unfinished"),
            Map.entry("callauth.checks", "code checks by result (valid, invalid, or the state that refused them)"),
            Map.entry("callauth.refusals", "starts and checks refused, by rule or problem code"),
            Map.entry("provider.requests", "requests to telephony providers by provider, operation and outcome"),
            Map.entry("provider.request", "time of requests to telephony providers"),
            Map.entry("fallbacks", "calls that fell back to the next provider, by from, to and reason"),
            Map.entry("provider.call.outcomes", "final call outcomes by provider"),
            Map.entry("callauth.tollfraud.conversion.drop", "toll-fraud alerts: conversion dropped below the baseline"),
            Map.entry("callauth.tollfraud.prefix.velocity", "toll-fraud alerts: a number range exceeded its start limit"));

    @Produces
    @Singleton
    @io.quarkus.arc.Unremovable
    MeterFilter helpTexts() {
        return new HelpTexts();
    }

    /** gives a meter of {@link #HELP} its text when it was registered without one */
    static final class HelpTexts implements MeterFilter {
        @Override
        public Meter.Id map(Meter.Id id) {
            String help = HELP.get(id.getName());
            if (help == null || id.getDescription() != null) {
                return id;
            }
            return new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), help, id.getType());
        }
    }
}
